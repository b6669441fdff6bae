#!/usr/bin/env bats
# `vectra-guard hook SHELL -- LINE` as the shell hooks call it, without a terminal
# (setsid detaches us from any controlling terminal, as in CI).
load hook_helpers

setup() { hook_setup; cd "$T/ws"; }
teardown() { hook_teardown; }

verdict() { run setsid -w "$VG" hook "$@" </dev/null; }

@test "hook: a low-risk line runs in the shell (mode auto)" {
  verdict bash -- 'ls -la'
  [ "$status" -eq 0 ]
  [ "${output%%$'\t'*}" = run ]
}

@test "hook: a critical line is blocked with the reason and a safer alternative" {
  verdict bash -- 'rm -rf ~'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = block ]
  [[ ${lines[1]} == *"Blocked by vectra-guard"* ]]
  [[ $output == *"Safer:"* ]]
  # Recorded in the audit log as a block.
  grep -h '"source":"hook bash"' "$HOME"/.vectra-guard/sessions/*.jsonl | grep -q '"decision":"block"'
}

@test "hook: shell-state builtins run in the shell even in mode always" {
  hook_config $'[sandbox]\nmode = always\n'
  for line in 'cd /tmp' 'export A=1' 'source ./env.sh' 'alias ll="ls -l"' 'unset X; set -o vi'; do
    verdict zsh -- "$line"
    [ "${output%%$'\t'*}" = run ] || { echo "$line -> $output"; return 1; }
  done
  verdict bash -- 'ls'
  [ "$output" = sandbox ]
}

@test "hook: a sandboxed line that also changes shell state says the change will not persist" {
  hook_config $'[sandbox]\nmode = always\n'
  verdict bash -- 'cd /tmp && make'
  [ "${lines[0]}" = sandbox ]
  # The hook hands the line to `exec --from-hook`, whose one notice line says so.
  cd "$T/ws"
  run "$VG" exec --from-hook bash -c 'cd / && ls >/dev/null'
  cd /
  [ "$status" -eq 0 ]
  [[ $output == *"Its cd/export/alias changes stay in the sandbox."* ]]
  [ "$(grep -c . <<<"$output")" -eq 1 ]
}

@test "hook: unfinished lines are incomplete; --final judges them instead" {
  for line in 'for i in 1 2; do' "echo 'abc" 'echo a \' 'if true; then' 'f() {'; do
    verdict bash -- "$line"
    [ "$output" = incomplete ] || { echo "$line -> $output"; return 1; }
  done
  verdict bash --final -- 'for i in 1 2; do'
  [ "${lines[0]}" != incomplete ]
  [ "${lines[0]}" != run ]
}

@test "hook: a syntax error is not incomplete and is never waved through" {
  verdict bash -- 'echo )'
  [ "${lines[0]}" != incomplete ]
  [ "${lines[0]}" != run ]
}

@test "hook: VG_DISABLE=1 needs a terminal, is not honoured for agents, and covers one command only" {
  hook_config $'[sandbox]\nmode = auto\n[policies]\ndeny = *vgdeny*\n'
  # No terminal here: the prefix is ignored.
  verdict bash -- 'VG_DISABLE=1 touch vgdeny'
  [ "${lines[0]}" = sandbox ]
  # An exported VG_DISABLE changes nothing either.
  VG_DISABLE=1 run setsid -w "$VG" hook bash -- 'touch vgdeny' </dev/null
  [ "${lines[0]}" = sandbox ]
}

@test "hook: 'y' on stdin approves nothing; without a terminal a prompt becomes the sandbox" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n'
  run setsid -w "$VG" hook bash -- 'echo hi' <<<"y"
  [ "${lines[0]}" = sandbox ]
}

@test "hook: a trusted line runs on the host; a critical one can never be" {
  hook_config $'[sandbox]\nmode = always\n'
  run "$VG" trust add 'make test'
  [ "$status" -eq 0 ]
  verdict bash -- 'make test'
  [ "${output%%$'\t'*}" = run ]
  verdict bash -- 'make install'
  [ "$output" = sandbox ]
}

@test "hook: a broken config keeps guarding with the defaults and says so" {
  hook_config $'[sandbox]\nmode = sometimes\n'
  verdict bash -- 'ls'
  # The hooks' own default (mode auto) still applies: low risk runs in the shell.
  [ "${lines[0]%%$'\t'*}" = run ]
  [[ $output == *"lines are judged without that file"* ]]
}

@test "hook: usage errors" {
  run "$VG" hook
  [ "$status" -eq 1 ]
  run "$VG" hook tcsh -- ls
  [ "$status" -eq 1 ]
  run "$VG" hook bash
  [ "$status" -eq 1 ]
  [[ $output == *"needs the line"* ]]
}

@test "hook: vectra-guard's own CLI and exec SHELL run in the shell even in mode always" {
  hook_config $'[sandbox]\nmode = always\n'
  # shellcheck disable=SC2016
  for line in 'vectra-guard logs list' 'vg trust list' 'exec "$SHELL"' 'exec bash -l'; do
    verdict bash -- "$line"
    [ "${lines[0]%%$'\t'*}" = run ] || { echo "$line -> $output"; return 1; }
  done
  verdict bash -- 'exec rm -rf ~'
  [ "${lines[0]}" = block ]
}

@test "hook: [sandbox] notice = short | off for a hook's sandboxed line" {
  hook_config $'[sandbox]\nmode = always\nnotice = short\n'
  run "$VG" exec --from-hook bash -c 'ls >/dev/null'
  [ "$status" -eq 0 ]
  [[ $output == "📦 sandbox: "* ]]
  [ "$(grep -c . <<<"$output")" -eq 1 ]
  hook_config $'[sandbox]\nmode = always\nnotice = off\n'
  run "$VG" exec --from-hook bash -c 'ls >/dev/null'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  hook_config $'[sandbox]\nnotice = loud\n'
  run "$VG" exec -- true
  [[ $output == *"expected full, short or off"* ]]
}
