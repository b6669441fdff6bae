#!/usr/bin/env bats
# The bash hook in a real interactive bash under a pty, installed by the installer.
load hook_helpers

setup() { hook_setup; }
teardown() { hook_teardown; }

@test "bash: ordinary lines run on the host with their output and \$? unchanged" {
  hook_install bash
  drive bash <<'S'
send echo hello-$((6*7))
send printf '%s|%s\n' a 'b c'
send false
send echo rc=$?
send (exit 7)
send echo rc=$?
S
  [ "$status" -eq 0 ]
  has "hello-42"
  has "a|b c"
  has "rc=1"
  has "rc=7"
}

@test "bash: a harmful line is cancelled: \$? is 126, reason shown, the canary survives" {
  hook_install bash
  drive bash <<'S'
send rm -rf ~
send echo rc=$?
send history 3
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  has "rc=126"
  has "Blocked by vectra-guard"
  # History keeps what was typed, not the rewrite.
  has "  rm -rf ~"
}

@test "bash: cd, export, aliases and functions keep working in the shell" {
  hook_install bash
  mkdir -p "$T/ws/sub"
  drive bash <<'S'
send cd sub
send pwd
send export VGX=val-1
send sh -c 'echo from-child-$VGX'
send alias vgal='echo alias-works'
send vgal
send vgf() { echo func-$1; }
send vgf 7
S
  [ "$status" -eq 0 ]
  has "$T/ws/sub"
  has "from-child-val-1"
  has $'\nalias-works'
  has "func-7"
}

@test "bash: a deny-listed line runs in the sandbox, not on the host" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install bash
  drive bash <<'S'
send echo vgdeny-$((40+2)); touch "$T/vgdeny-marker"
send echo rc=$?
S
  [ "$status" -eq 0 ]
  has "Running in sandbox"
  has "vgdeny-42"
  [ ! -e "$T/vgdeny-marker" ]
}

@test "bash: VG_DISABLE=1 runs that one command unguarded, and it is logged" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install bash
  drive bash <<'S'
send VG_DISABLE=1 touch "$T/vgdeny-1"
send touch "$T/vgdeny-2"
S
  [ "$status" -eq 0 ]
  [ -e "$T/vgdeny-1" ]
  [ ! -e "$T/vgdeny-2" ]
  grep -h 'VG_DISABLE' "$HOME"/.vectra-guard/sessions/*.jsonl | grep -q 'vgdeny-1'
}

@test "bash: multi-line input runs as one command; a harmful loop body cancels it all" {
  hook_install bash
  drive bash <<'S'
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

@test "bash: prompts on the terminal: y runs once, n cancels with 126, r remembers" {
  # Guard level paranoid asks before every line.
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n'
  hook_install bash
  drive bash < "$BATS_TEST_DIRNAME/hook_prompt_script.txt"
  [ "$status" -eq 0 ]
  prompt_checks
}

@test "bash: the DEBUG-trap backstop stops a line that bypasses Enter, even under a foreign trap" {
  hook_install bash
  drive bash <<'S'
send bind '"\C-t": accept-line'
send trap 'true' DEBUG
keys rm -rf ~; echo not-$((9-7))\x14
wait
send echo after-$((2+2))
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  lacks "not-2"
  has "after-4"
}

@test "bash: a line stopped by the backstop leaves \$? 126 for prompt hooks and the next line" {
  # shellcheck disable=SC2016
  hook_install bash 'PROMPT_COMMAND='\''echo "pc-saw-$?"'\'
  drive bash <<'S'
send bind '"\C-t": accept-line'
keys rm -f ~/canary; echo not-$((9-7))\x14
wait
send echo rc=$?
send history 3
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  lacks "not-2"
  has "Blocked by vectra-guard"
  has "pc-saw-126"
  lacks "pc-saw-130"
  has "rc=126"
  # History keeps what was typed.
  has "  echo rc=\$?"
  ! grep -Eq '^ *[0-9]+  .*_vg_ret' "$T/transcript"
}

@test "bash: with a preexec-style DEBUG hook loaded before ours, both work" {
  # The pattern bash-preexec uses (a DEBUG trap armed by PROMPT_COMMAND), written here:
  # bash-preexec itself is not packaged in Debian.
  hook_install bash "$(cat <<'RC'
__t_armed=
__t_pre() { [[ -n $__t_armed ]] || return 0; __t_armed=; echo "PREEXEC-RAN"; }
trap '__t_pre' DEBUG
PROMPT_COMMAND='__t_armed=1'
RC
)"
  drive bash <<'S'
send echo x-$((1+1))
send rm -rf ~
send echo rc=$?
S
  [ "$status" -eq 0 ]
  has "PREEXEC-RAN"
  has "x-2"
  has "rc=126"
  [ -f "$HOME/canary" ]
}

@test "bash as an unprivileged user: blocked line, ordinary line, cd" {
  hook_install bash
  mkdir -p "$T/ws/sub"
  hook_as_unprivileged
  drive bash <<'S'
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

@test "bash: without [sandbox] mode the hook runs low-risk lines on the host; vectra-guard's own CLI is never sandboxed" {
  hook_config $'[guard]\nlevel = low\n'
  hook_install bash
  drive bash <<'S'
send touch "$T/host-marker"
send vectra-guard trust add 'echo vgtrusted'
S
  [ "$status" -eq 0 ]
  # Outside the project: only a host run can create it.
  [ -e "$T/host-marker" ]
  HOME=$HOME "$VG" trust list | grep -q vgtrusted
  lacks "Running in sandbox"
}

@test "bash: a sandboxed line starts with \$?, sees exported variables but not secrets, says in one line why and what is lost" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install bash
  drive bash <<'S'
send export VGX=val-9 MY_TOKEN=tok-1
send false
send echo vgdeny-st=$? vgx=$VGX tok=${MY_TOKEN:-none}
send cd / && echo vgdeny-cd
send pwd
send history 4
S
  [ "$status" -eq 0 ]
  has "vgdeny-st=1 vgx=val-9 tok=none"
  has "Why: high risk"
  has "deny pattern '*vgdeny*'"
  lacks "forced with --sandbox"
  lacks $'\n   Why:'
  has "Its cd/export/alias changes stay in the sandbox."
  has "$T/ws"
  # Screen and history keep the typed line.
  lacks "__vg_reroute"
  has "  echo vgdeny-st=\$? vgx=\$VGX tok=\${MY_TOKEN:-none}"
}

@test "bash: Ctrl-Z stops the sandboxed command itself; jobs shows the typed line" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install bash
  drive bash <<'S'
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
  has "Stopped                 sh -c 'echo vg-\$((3*3)); exec sleep 37' vgdeny"
  lacks '"$_vg_bin"'
}

@test "bash: extdebug is off while lines run (declare -F prints the name only)" {
  hook_install bash
  drive bash <<'S'
send vgfn() { :; }
send declare -F vgfn; shopt extdebug
S
  [ "$status" -eq 0 ]
  has $'\nvgfn\n'
  has $'extdebug       \toff'
}

@test "bash: the audit log has the typed line, its source, host for builtins, and host lines' exit status" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install bash
  drive bash <<'S'
send cd .
send sh -c 'exit 3'
send echo vgdeny-$((1+1))
send echo done
S
  [ "$status" -eq 0 ]
  local log
  log=$(cat "$HOME"/.vectra-guard/sessions/*.jsonl)
  echo "$log"
  # cd ran in the shell: recorded as host.
  jq -e -s 'map(select(.command == "cd .")) | .[0] | .decision == "host" and .source == "hook bash"' <<<"$log"
  # The host line's start record gets its end record, with the status, at the next prompt.
  local id
  id=$(jq -r -s 'map(select(.command == "sh -c '"'"'exit 3'"'"'")) | .[0].id' <<<"$log")
  [ -n "$id" ] && [ "$id" != null ]
  jq -e -s --arg id "$id" 'map(select(.phase == "end" and .ref == $id)) | .[0].exit_code == 3' <<<"$log"
  # The sandboxed line: the typed text, from the hook, with the evaluator's reason.
  jq -e -s 'map(select(.command == "echo vgdeny-$((1+1))")) | .[0] | .source == "hook bash" and .decision == "sandbox" and (.why | test("deny pattern"))' <<<"$log"
  # logs list folds the end record into its line.
  HOME=$HOME "$VG" logs list --json | jq -e -s 'flatten | map(select(.command == "sh -c '"'"'exit 3'"'"'")) | .[0].exit_code == 3'
}

@test "bash: vectra-guard off / on for this shell, VG_HOOK says how it is hooked, VG_DISABLE=1 covers a pipeline" {
  hook_config $'[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install bash
  drive bash <<'S'
send echo hook=$VG_HOOK
send vectra-guard off
send echo off=$VG_HOOK_OFF
send touch "$T/vgdeny-off"
send vectra-guard on
send touch "$T/vgdeny-on"
send VG_DISABLE=1 touch "$T/vgdeny-pipe" | cat
S
  [ "$status" -eq 0 ]
  has "hook=bash builtin"
  has "type 'vectra-guard on' to turn it back on"
  has "off=1"
  [ -e "$T/vgdeny-off" ]
  [ ! -e "$T/vgdeny-on" ]
  [ -e "$T/vgdeny-pipe" ]
  grep -h '"vectra-guard off"' "$HOME"/.vectra-guard/sessions/*.jsonl
  grep -h '"vectra-guard on"' "$HOME"/.vectra-guard/sessions/*.jsonl
}

@test "bash: inside a sandbox (VG_SANDBOX=1) the prompt says so and audit-log errors stay quiet" {
  hook_install bash 'export VG_SANDBOX=1 VG_HOME=/proc/vg-no-such-dir'
  drive bash <<'S'
send echo in-$((2*3))
S
  [ "$status" -eq 0 ]
  has "(sandbox) VGP> "
  has "in-6"
  lacks "audit log was not written"
}

@test "bash: vectra-guard status says the shell is hooked and how, and off after vectra-guard off" {
  hook_install bash
  drive bash <<'S'
send vectra-guard status
send vectra-guard off
send vectra-guard status
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [[ $output =~ shell:\ +hooked\ \(bash\ (builtin|coprocess)\)$'\n' ]] || { echo "$output"; false; }
  [[ $output =~ hooked\ \(bash\ (builtin|coprocess)\),\ but\ off\ for\ this\ shell ]] || { echo "$output"; false; }
}
