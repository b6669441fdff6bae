#!/usr/bin/env bats
# The zsh hook in a real interactive zsh under a pty, installed by the installer.
load hook_helpers

setup() { hook_setup; }
teardown() { hook_teardown; }

@test "zsh: ordinary lines run on the host with their output and \$? unchanged" {
  hook_install zsh
  drive zsh <<'S'
send echo hello-$((6*7))
send false
send echo rc=$?
S
  [ "$status" -eq 0 ]
  has "hello-42"
  has "rc=1"
}

@test "zsh: a harmful line is cancelled: \$? is 126, the canary survives, history keeps the text" {
  hook_install zsh
  drive zsh <<'S'
send rm -rf ~
send echo rc=$?
send fc -ln -2
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  has "rc=126"
  has "Blocked by vectra-guard"
  has $'\nrm -rf ~'
}

@test "zsh: cd, export and functions keep working in the shell" {
  hook_install zsh
  mkdir -p "$T/ws/sub"
  drive zsh <<'S'
send cd sub
send pwd
send export VGX=val-1
send sh -c 'echo from-child-$VGX'
send vgf() { echo func-$1; }
send vgf 7
S
  [ "$status" -eq 0 ]
  has "$T/ws/sub"
  has "from-child-val-1"
  has "func-7"
}

@test "zsh: a deny-listed line runs in the sandbox, not on the host" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install zsh
  drive zsh <<'S'
send echo vgdeny-$((40+2)); touch "$T/vgdeny-marker"
S
  [ "$status" -eq 0 ]
  has "Running in sandbox"
  has "vgdeny-42"
  [ ! -e "$T/vgdeny-marker" ]
}

@test "zsh: VG_DISABLE=1 runs that one command unguarded" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install zsh
  drive zsh <<'S'
send VG_DISABLE=1 touch "$T/vgdeny-1"
send touch "$T/vgdeny-2"
S
  [ "$status" -eq 0 ]
  [ -e "$T/vgdeny-1" ]
  [ ! -e "$T/vgdeny-2" ]
}

@test "zsh: multi-line input runs as one command; a harmful loop body cancels it all" {
  hook_install zsh
  drive zsh <<'S'
send for i in 1 2
send do echo loop-$i
send done
send for i in 1
send do echo never-$i; rm -rf ~
send done
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "loop-1"
  has "loop-2"
  lacks "never-1"
  has "after-2"
  [ -f "$HOME/canary" ]
}

@test "zsh: prompts on the terminal: y runs once, n cancels with 126, r remembers" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n'
  hook_install zsh
  drive zsh < "$BATS_TEST_DIRNAME/hook_prompt_script.txt"
  [ "$status" -eq 0 ]
  prompt_checks
}

@test "zsh: the TRAPDEBUG backstop stops history replayed by r and fc -e - (\$? 126)" {
  hook_install zsh
  # print -s only puts the line into history; r and fc -e - run it without our widgets.
  drive zsh <<'S'
send print -s 'rm -f ~/canary'
send r
send echo rc=$?
send fc -e - rm
send echo rc2=$?
send print -s 'echo replay-$((20+1))'
send r
send echo rc3=$?
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  has "Blocked by vectra-guard"
  has "rc=126"
  has "rc2=126"
  has $'\nreplay-21'
  has "rc3=0"
}

@test "zsh: the backstop catches a line accepted past our widgets and line-finish hook" {
  hook_install zsh
  drive zsh <<'S'
send add-zle-hook-widget -d line-finish _vg_line_finish
send bindkey '^T' .accept-line
keys rm -f ~/canary; echo not-$((9-7))\x14
wait
send echo rc=$?
keys echo fine-$((3+4))\x14
wait
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  lacks "not-2"
  has "rc=126"
  has $'\nfine-7'
}

@test "zsh: a DEBUG trap set after ours keeps running inside ours, and the backstop stays" {
  hook_install zsh
  # Set by the rc file after the hook (a plugin): typed, the line is refused since issue
  # 18 (rule self.hook-state: changing the DEBUG trap).
  # shellcheck disable=SC2016
  printf '%s\n' "trap 'vg_seen=\$((vg_seen+1))' DEBUG" >>"$HOME/.zshrc"
  drive zsh <<'S'
send echo one
send print -s 'rm -f ~/canary'
send r
send echo rc=$? seen=$vg_seen
send echo s1=$vg_seen
send echo s2=$vg_seen
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  has "Blocked by vectra-guard"
  # The foreign trap ran (its counter grew) and ours still blocked the replay.
  grep -Eq '^rc=126 seen=[1-9][0-9]*' "$T/transcript"
  # ... and it is still there after the line our trap watched.
  s1=$(sed -n 's/^s1=\([0-9]*\)$/\1/p' "$T/transcript")
  s2=$(sed -n 's/^s2=\([0-9]*\)$/\1/p' "$T/transcript")
  [ -n "$s1" ] && [ -n "$s2" ] && [ "$s2" -gt "$s1" ]
}

@test "zsh: a replayed line the policy sandboxes runs in the sandbox, not on the host" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install zsh
  # The line reaches history from a file: typed, it would match the deny rule itself.
  # shellcheck disable=SC2016
  printf '%s\n' 'echo vgdeny-in-sandbox; touch "$T/vgdeny-marker"' >"$T/replay.txt"
  drive zsh <<'S'
send print -s "$(<$T/replay.txt)"
send r
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "Running in sandbox"
  has $'\nvgdeny-in-sandbox'
  has "after-2"
  [ ! -e "$T/vgdeny-marker" ]
}

@test "zsh as an unprivileged user: blocked line, ordinary line, cd" {
  hook_install zsh
  mkdir -p "$T/ws/sub"
  hook_as_unprivileged
  drive zsh <<'S'
send rm -rf ~
send echo rc=$?
send echo hello-$((6*7))
send cd sub && pwd
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  has "rc=126"
  has "hello-42"
  has "$T/ws/sub"
}

# --- issue 16: per entry point defaults, the shell's state, job control, records ---

@test "zsh: without [sandbox] mode the hook runs low-risk lines on the host; vectra-guard's own CLI is never sandboxed" {
  hook_config $'[guard]\nlevel = low\n'
  hook_install zsh
  drive zsh <<'S'
send touch "$T/host-marker"
send vectra-guard trust add 'echo vgtrusted'
S
  [ "$status" -eq 0 ]
  [ -e "$T/host-marker" ]
  HOME=$HOME "$VG" trust list | grep -q vgtrusted
  lacks "Running in sandbox"
}

@test "zsh: a sandboxed line starts with \$?, sees exported variables but not secrets, one notice line; the typed line stays" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install zsh
  drive zsh <<'S'
send export VGX=val-9 MY_TOKEN=tok-1
send false
send echo vgdeny-st=$? vgx=$VGX tok=${MY_TOKEN:-none}
send echo rc=$?
send cd / && echo vgdeny-cd
send pwd
send fc -l 1
S
  [ "$status" -eq 0 ]
  has "vgdeny-st=1 vgx=val-9 tok=none"
  has "rc=1"
  has "Why: high risk"
  lacks "forced with --sandbox"
  has "Its cd/export/alias changes stay in the sandbox."
  has "$T/ws"
  lacks "__vg_reroute"
  has "  echo vgdeny-st=\$? vgx=\$VGX tok=\${MY_TOKEN:-none}"
}

@test "zsh: Ctrl-Z stops the sandboxed command itself; the job never shows our internals" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install zsh
  drive zsh <<'S'
type sh -c 'echo vg-$((3*3)); exec sleep 37' vgdeny
expect vg-9
keys \x1a
wait
send ps -eo stat=,args= | grep -v from-hook | grep '^T[^ ]* .*[s]leep 37' | sed 's/^T[^ ]* */stopped: /'
send jobs
S
  [ "$status" -eq 0 ]
  # The command itself (sh before or after its exec of sleep), not vectra-guard.
  [[ $output =~ stopped:\ (sleep\ 37|sh\ -c\ echo) ]] || { echo "$output"; false; }
  # zsh names the job after the typed line in a plain session; under bats it shows no
  # text at all (never our internals).
  has "suspended"
  lacks "exec --from-hook"
}

@test "zsh: the audit log has the typed line, its source, and host lines' exit status" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install zsh
  drive zsh <<'S'
send cd .
send sh -c 'exit 3'
send echo vgdeny-$((1+1))
send echo done
S
  [ "$status" -eq 0 ]
  local log id
  log=$(cat "$HOME"/.vectra-guard/sessions/*.jsonl)
  echo "$log"
  jq -e -s 'map(select(.command == "cd .")) | .[0] | .decision == "host" and .source == "hook zsh"' <<<"$log"
  id=$(jq -r -s 'map(select(.command == "sh -c '"'"'exit 3'"'"'")) | .[0].id' <<<"$log")
  [ -n "$id" ] && [ "$id" != null ]
  jq -e -s --arg id "$id" 'map(select(.phase == "end" and .ref == $id)) | .[0].exit_code == 3' <<<"$log"
  jq -e -s 'map(select(.command == "echo vgdeny-$((1+1))")) | .[0] | .source == "hook zsh" and .decision == "sandbox"' <<<"$log"
}

@test "zsh: vectra-guard off / on for this shell, VG_HOOK, VG_DISABLE=1 covers a pipeline" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install zsh
  drive zsh <<'S'
send echo hook=$VG_HOOK
send vectra-guard off
send echo off=$VG_HOOK_OFF
send touch "$T/vgdeny-off"
send vectra-guard on
send touch "$T/vgdeny-on"
send VG_DISABLE=1 touch "$T/vgdeny-pipe" | cat
S
  [ "$status" -eq 0 ]
  has "hook=zsh"
  has "type 'vectra-guard on' to turn it back on"
  has "off=1"
  [ -e "$T/vgdeny-off" ]
  [ ! -e "$T/vgdeny-on" ]
  [ -e "$T/vgdeny-pipe" ]
  grep -h '"vectra-guard off"' "$HOME"/.vectra-guard/sessions/*.jsonl
}

@test "zsh: inside a sandbox (VG_SANDBOX=1) the prompt says so and audit-log errors stay quiet" {
  hook_install zsh 'export VG_SANDBOX=1 VG_HOME=/proc/vg-no-such-dir'
  drive zsh <<'S'
send echo in-$((2*3))
S
  [ "$status" -eq 0 ]
  has "(sandbox) VGP> "
  has "in-6"
  lacks "audit log was not written"
}

@test "zsh: vectra-guard status says the shell is hooked, and off after vectra-guard off" {
  hook_install zsh
  drive zsh <<'S'
send vectra-guard status
send vectra-guard off
send vectra-guard status
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "shell:      hooked (zsh)"$'\n'
  has "hooked (zsh), but off for this shell ('vectra-guard on' turns it back on)"
}
