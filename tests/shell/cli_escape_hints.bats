#!/usr/bin/env bats
# A refusal names the way to run the line anyway when there is one (issue 16 item 9):
# VG_DISABLE=1 for a person at a terminal, `trust add` when the risk can be trusted,
# the config's allow/deny lists; nothing about VG_DISABLE where it is not honoured.
load hook_helpers

setup() {
  hook_setup
  hook_config $'[sandbox]\nmode = auto\n'
}
teardown() { hook_teardown; }

# `hook SHELL -- LINE` only answers (run/sandbox/block); nothing here runs the lines.
# script(1) gives it a terminal, as a person's shell has.
hook_answer() { script -qec "$(printf '%q ' "$@")" /dev/null; }

@test "hook at a terminal: a critical line names VG_DISABLE=1" {
  cd "$T/ws"
  run hook_answer "$VG" hook bash -- 'rm -rf ~'
  [[ $output == *"Blocked by vectra-guard"* ]]
  [[ $output == *"To run it anyway (logged): VG_DISABLE=1 rm -rf ~"* ]]
}

@test "hook in an agent session or without a terminal: no VG_DISABLE hint, it is not honoured there" {
  cd "$T/ws"
  run env VG_AGENT=bot bash -c "$(declare -f hook_answer); hook_answer '$VG' hook bash -- 'rm -rf ~'"
  [[ $output == *"Blocked by vectra-guard"* ]]
  [[ $output != *"VG_DISABLE=1"* ]]
  run "$VG" hook bash -- 'rm -rf ~' </dev/null
  [[ $output == *"Blocked by vectra-guard"* ]]
  [[ $output != *"VG_DISABLE=1"* ]]
}

@test "bash: the hint in a real shell, one line under the reason" {
  hook_install bash
  drive bash <<'S'
send rm -rf ~
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "To run it anyway (logged): VG_DISABLE=1 rm -rf ~"
  [ -f "$HOME/canary" ]
}

@test "exec with nobody to ask and mode never: names trust add, which then lets it run" {
  hook_config $'[sandbox]\nmode = never\n[guard]\nlevel = paranoid\n'
  cd "$T/ws"
  run --separate-stderr "$VG" exec --no-interactive -- touch made-by-exec
  [ "$status" -eq 126 ]
  [[ $stderr == *"   To let it run here: vectra-guard trust add 'touch made-by-exec', or an allow pattern in your config"* ]]
  [[ $stderr != *VG_DISABLE* ]]
  "$VG" trust add 'touch made-by-exec' >/dev/null
  run "$VG" exec --no-interactive -- touch made-by-exec
  [ "$status" -eq 0 ]
  [ -e made-by-exec ]
}
