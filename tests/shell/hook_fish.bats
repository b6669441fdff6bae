#!/usr/bin/env bats
# The fish hook in a real interactive fish under a pty, installed by the installer.
load hook_helpers

setup() { hook_setup; }
teardown() { hook_teardown; }

@test "fish: ordinary lines run on the host with their output and \$status unchanged" {
  hook_install fish
  drive fish <<'S'
send math 6 \* 7
send false
send echo rc=$status
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has $'\n42'
  has "rc=1"
}

@test "fish: a harmful line is cancelled: \$status is 126, the canary survives" {
  hook_install fish
  drive fish <<'S'
send rm -rf ~
send echo rc=$status
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ -f "$HOME/canary" ]
  has "rc=126"
  has "Blocked by vectra-guard"
}

@test "fish: cd and set -gx keep working in the shell" {
  hook_install fish
  mkdir -p "$T/ws/sub"
  drive fish <<'S'
send cd sub
send pwd
send set -gx VGX val-1
send sh -c 'echo from-child-$VGX'
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "$T/ws/sub"
  has "from-child-val-1"
}

@test "fish: a deny-listed line runs in the sandbox, not on the host" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send echo vgdeny-in-sandbox; touch "$T/vgdeny-marker"
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "Running in sandbox"
  has $'\nvgdeny-in-sandbox'
  [ ! -e "$T/vgdeny-marker" ]
}

@test "fish: VG_DISABLE=1 runs that one command unguarded" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send VG_DISABLE=1 touch "$T/vgdeny-1"
send touch "$T/vgdeny-2"
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ -e "$T/vgdeny-1" ]
  [ ! -e "$T/vgdeny-2" ]
}

@test "fish: prompts on the terminal: y runs once, n cancels with 126, r remembers" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n'
  hook_install fish
  drive fish <<'S'
type echo asked-5
expect Run it?
keys y\r
wait
type echo refused-2
expect Run it?
keys n\r
wait
type echo rc=$status
expect Run it?
keys y\r
wait
type echo kept-6
expect Run it?
keys r\r
wait
send echo kept-6
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has $'\nasked-5'
  lacks $'\nrefused-2'
  has "rc=126"
  [ "$(grep -c '^kept-6' "$T/transcript")" -eq 2 ]
  "$VG" trust list | grep -q 'kept-6'
}

@test "fish as an unprivileged user: blocked line, ordinary line, cd" {
  hook_install fish
  mkdir -p "$T/ws/sub"
  hook_as_unprivileged
  drive fish <<'S'
send rm -rf ~
send echo rc=$status
send math 6 \* 7
send cd sub; and pwd
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ -f "$HOME/canary" ]
  has "rc=126"
  has $'\n42'
  has "$T/ws/sub"
}

# vgwait: until the server (`hook fish --serve --fifo DIR`) has its FIFOs in place,
# which it does once it reads them. (A fish loop typed at the prompt would be sandboxed:
# fish syntax is not POSIX.)
# shellcheck disable=SC2016
wait_fn='function vgwait; while not test -p "$__vg_fifo_dir/req"; command sleep 0.05; end; end'
# vginfo NAME: the server's pid, its directory's mode, its arguments and directory.
# shellcheck disable=SC2016
info_fn='function vginfo; echo $argv[1]=$__vg_server_pid mode=(command stat -c %a $__vg_fifo_dir) cmd=(string split0 </proc/$__vg_server_pid/cmdline | string join +) dir=$__vg_fifo_dir; end'

@test "fish: one server per shell answers the lines; the binary replaced, it refuses them; a new shell fails closed" {
  hook_install fish "$wait_fn"
  # After the binary on disk is replaced by one that fails, the running server refuses
  # every line but `exit` and `exec fish` (issue 18); the new shell's one-shot calls
  # report "could not check" (exit 3).
  printf '#!/bin/sh\nexit 3\n' >"$T/fake-vg"
  chmod 755 "$T/fake-vg"
  drive fish <<S
send vgwait
send math 40 + 2
send command mv "\$T/fake-vg" \$__vg_bin
send math 1 + 1
send rm -f ~/canary
send exec fish
send rm -f ~/canary
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has $'\n42'
  lacks $'\n2\r'
  has "vectra-guard was replaced or removed since this shell started; open a new shell (exec \$SHELL)"
  [ -f "$HOME/canary" ]
  has "could not check this line (exit 3)"
}

@test "fish: the server's FIFO directory is private, a killed server is restarted, all is gone at exit" {
  hook_install fish "$wait_fn"$'\n'"$info_fn"
  drive fish <<S
send vgwait
send vginfo old
send command kill \$__vg_server_pid
send echo one
send vgwait
send vginfo new
send rm -f ~/canary
send echo rc=\$status
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "mode=700"
  has "+hook+fish+--serve+--fifo+"
  old=$(sed -n 's/^old=\([0-9]*\) .*/\1/p' "$T/transcript")
  new=$(sed -n 's/^new=\([0-9]*\) .*/\1/p' "$T/transcript")
  [ -n "$old" ] && [ -n "$new" ] && [ "$old" != "$new" ]
  [ -f "$HOME/canary" ]
  has "rc=126"
  # Both FIFO directories are gone: the old one with its server, the new one at exit.
  for d in $(sed -n 's/.* dir=\(.*\)$/\1/p' "$T/transcript"); do
    [ ! -e "$d" ] || { echo "left behind: $d"; return 1; }
  done
  [ "$(sed -n 's/.* dir=\(.*\)$/\1/p' "$T/transcript" | sort -u | wc -l)" -eq 2 ]
}

# --- issue 16: per entry point defaults, the shell's state, job control, records ---

@test "fish: without [sandbox] mode the hook runs low-risk lines on the host; vectra-guard's own CLI is never sandboxed" {
  hook_config $'[guard]\nlevel = low\n'
  hook_install fish
  drive fish <<'S'
send touch "$T/host-marker"
send vectra-guard trust add 'echo vgtrusted'
S
  [ "$status" -eq 0 ]
  [ -e "$T/host-marker" ]
  HOME=$HOME "$VG" trust list | grep -q vgtrusted
  lacks "Running in sandbox"
}

@test "fish: a sandboxed line runs in fish, starts with \$status, sees exported variables but not secrets, one notice line" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send set -gx VGX val-9; set -gx MY_TOKEN tok-1
send false
send echo vgdeny-st=$status vgx=$VGX tok=(set -q MY_TOKEN; and echo $MY_TOKEN; or echo none)
send cd /; and echo vgdeny-cd
send pwd
S
  [ "$status" -eq 0 ]
  has "vgdeny-st=1 vgx=val-9 tok=none"
  has "Why: high risk"
  lacks "forced with --sandbox"
  has "Its cd/export/alias changes stay in the sandbox."
  has "$T/ws"
}

@test "fish: Ctrl-Z stops the sandboxed command itself" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
type sh -c 'echo vg-$((3*3)); exec sleep 37' vgdeny
expect vg-9
keys \x1a
wait
send ps -eo stat=,args= | grep -v from-hook | grep '^T[^ ]* .*[s]leep 37' | sed 's/^T[^ ]* */stopped: /'
S
  [ "$status" -eq 0 ]
  # The command itself (sh before or after its exec of sleep), not vectra-guard.
  [[ $output =~ stopped:\ (sleep\ 37|sh\ -c\ echo) ]] || { echo "$output"; false; }
}

@test "fish: the audit log has the typed line, its source, and host lines' exit status" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send cd .
send sh -c 'exit 3'
send echo vgdeny-(math 1+1)
send echo done
S
  [ "$status" -eq 0 ]
  local log id
  log=$(cat "$HOME"/.vectra-guard/sessions/*.jsonl)
  echo "$log"
  jq -e -s 'map(select(.command == "cd .")) | .[0] | .decision == "host" and .source == "hook fish"' <<<"$log"
  id=$(jq -r -s 'map(select(.command == "sh -c '"'"'exit 3'"'"'")) | .[0].id' <<<"$log")
  [ -n "$id" ] && [ "$id" != null ]
  jq -e -s --arg id "$id" 'map(select(.phase == "end" and .ref == $id)) | .[0].exit_code == 3' <<<"$log"
  jq -e -s 'map(select(.command == "echo vgdeny-(math 1+1)")) | .[0] | .source == "hook fish" and .decision == "sandbox"' <<<"$log"
}

@test "fish: vectra-guard off / on for this shell, VG_HOOK, VG_DISABLE=1 covers a pipeline" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send echo hook=$VG_HOOK
send vectra-guard off
send echo off=$VG_HOOK_OFF
send touch "$T/vgdeny-off"
send vectra-guard on
send touch "$T/vgdeny-on"
send VG_DISABLE=1 touch "$T/vgdeny-pipe" | cat
S
  [ "$status" -eq 0 ]
  has "hook=fish"
  has "type 'vectra-guard on' to turn it back on"
  has "off=1"
  [ -e "$T/vgdeny-off" ]
  [ ! -e "$T/vgdeny-on" ]
  [ -e "$T/vgdeny-pipe" ]
  grep -h '"vectra-guard off"' "$HOME"/.vectra-guard/sessions/*.jsonl
}

@test "fish: inside a sandbox (VG_SANDBOX=1) the prompt says so and audit-log errors stay quiet" {
  hook_install fish 'set -gx VG_SANDBOX 1; set -gx VG_HOME /proc/vg-no-such-dir'
  drive fish <<'S'
send echo in-(math 2 \* 3)
S
  [ "$status" -eq 0 ]
  has "(sandbox) VGP> "
  has "in-6"
  lacks "audit log was not written"
}

@test "fish: a blocked or sandboxed line shows as typed behind its verdict; history keeps the typed line" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send echo vgdeny-(math 2+3)
send rm -rf ~
send echo rc=$status
send vg-sandbox 'echo forged-1'
send history search --max 9 | cat
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has $'\nvgdeny-5'
  has "rc=126"
  [ -f "$HOME/canary" ]
  # The screen shows the typed line behind the verdict, never an internal name.
  has "vg-sandbox 'echo vgdeny-(math 2+3)'"
  has "vg-blocked 'rm -rf ~'"
  lacks "__vg_reroute"
  lacks "__vg_blocked"
  # Typed by hand, vg-sandbox does not carry out a line of its own.
  has "only carry out the line just typed"
  lacks $'\nforged-1'
  # History: the typed lines, not the rewrites.
  has $'\necho vgdeny-(math 2+3)'
  has $'\nrm -rf ~'
  lacks $'\nvg-sandbox \'echo vgdeny-(math'
  lacks $'\nvg-blocked'
}

@test "fish: Ctrl-Z on a sandboxed line: jobs shows the typed command" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
type sh -c 'echo vg-$((3*3)); exec sleep 37' vgdeny
expect vg-9
keys \x1a
wait
send jobs
send kill %1
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "stopped	"
  has "/vectra-guard exec --from-hook fish --status 0 -c 'sh -c \\'echo vg-\$((3*3)); exec sleep 37\\' vgdeny'"
  lacks "__vg_reroute"
}

@test "fish: vectra-guard status says the shell is hooked, and off after vectra-guard off" {
  hook_install fish
  drive fish <<'S'
send vectra-guard status
send vectra-guard off
send vectra-guard status
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "shell:      hooked (fish)"$'\n'
  has "hooked (fish), but off for this shell ('vectra-guard on' turns it back on)"
}
