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
