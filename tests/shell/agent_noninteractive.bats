#!/usr/bin/env bats
# BASH_ENV and zshenv: the -c string of a non-interactive shell is judged once before
# it runs; the agents' wrapper forms are looked through to the user's command.

bats_require_minimum_version 1.5.0
load agent_helpers

setup() {
  vg_agent_setup
  export BASH_ENV="$VG_SOURCE_DIR/hooks/noninteractive/bash_env.sh"
  export VG_GUARD_BIN=$GUARD VG_AGENT_CONFIG=$T/auto.ini
}

@test "bash -c 'rm -rf ~' is blocked before anything in the string runs" {
  run --separate-stderr bash -c 'echo first; rm -rf ~'
  [ "$status" -eq 126 ]
  [ -z "$output" ]
  home_intact
  [[ $stderr == *"blocked this bash -c command"* ]]
}

@test "an ordinary bash -c runs unchanged and prints nothing of ours" {
  run --separate-stderr bash -c 'echo "$1-$2"; exit 3' zero one two
  [ "$status" -eq 3 ]
  [ "$output" = "one-two" ]
  [ -z "$stderr" ]
}

@test "bash scripts (no -c) pay one test and are not judged or logged" {
  printf 'echo script ran\n' >"$T/s.sh"
  run --separate-stderr bash "$T/s.sh"
  [ "$output" = "script ran" ]
  [ -z "$stderr" ]
  [ -z "$(audit_events)" ]
}

@test "Claude Code's wrapper: the eval'd command is judged, not the wrapper" {
  local wrapper="source $T/missing-snapshot.sh 2>/dev/null || true && shopt -u extglob 2>/dev/null || true && eval 'rm -rf ~' < /dev/null && pwd -P >| $T/cwd"
  run bash -c "$wrapper"
  [ "$status" -eq 126 ]
  home_intact
  [ ! -e "$T/cwd" ]
  wrapper="source $T/missing-snapshot.sh 2>/dev/null || true && eval 'echo '\"'\"'hi there'\"'\"'' < /dev/null && pwd -P >| $T/cwd"
  run bash -c "$wrapper"
  [ "$status" -eq 0 ]
  [ "$output" = "hi there" ]
  [ "$(cat "$T/cwd")" = "$(pwd -P)" ]
  audit_events | grep -q '"command":"echo '"'"'hi there'"'"'"'
  audit_events | grep -q '"source":"shell bash (claude-code)"'
}

@test "Cursor's wrapper: the command passed as \$1 after -- is judged" {
  run bash -O extglob -c 'snap=""; eval "$snap"; eval "$1"; echo state >/dev/null' -- 'rm -rf ~'
  [ "$status" -eq 126 ]
  home_intact
  run bash -O extglob -c 'snap=""; eval "$snap"; eval "$1"' -- 'echo cursor ok'
  [ "$output" = "cursor ok" ]
  audit_events | grep -q '"source":"shell bash (cursor)"'
}

@test "Codex's bash -lc form is judged after the login files" {
  printf 'echo profile >&2\n' >"$HOME/.bash_profile"
  run --separate-stderr bash -lc 'rm -rf ~'
  [ "$status" -eq 126 ]
  home_intact
  run --separate-stderr bash -lc 'echo codex ok'
  [ "$output" = "codex ok" ]
}

@test "a -c string the policy sandboxes runs in the sandbox with the same stdout" {
  export VG_AGENT_CONFIG=$T/always.ini
  run --separate-stderr bash -c 'echo "in $1"; exit 5' zero box
  [ "$status" -eq 5 ]
  [ "$output" = "in box" ]
  [[ $stderr == *"runs in the sandbox"* ]]
}

@test "no vectra-guard to ask: the -c string is not run (fail closed)" {
  export VG_GUARD_BIN=$T/does-not-exist
  run --separate-stderr bash -c 'echo should-not-run'
  [ "$status" -eq 126 ]
  [ -z "$output" ]
  [[ $stderr == *"could not be judged"* ]]
}

@test "zsh -c through zshenv: blocked, ordinary, and Cursor's form" {
  command -v zsh >/dev/null
  mkdir -p "$T/zdot"
  printf 'source %q\n' "$VG_SOURCE_DIR/hooks/noninteractive/zshenv.zsh" >"$T/zdot/.zshenv"
  export ZDOTDIR=$T/zdot
  run --separate-stderr zsh -c 'echo first; rm -rf ~'
  [ "$status" -eq 126 ]
  [ -z "$output" ]
  home_intact
  run --separate-stderr zsh -c 'print -r -- "z $1"' zero one
  [ "$status" -eq 0 ]
  [ "$output" = "z one" ]
  run zsh -c 'eval "$1"' -- 'rm -rf ~'
  [ "$status" -eq 126 ]
  home_intact
}

@test "with the exec shim, a judged bash -c is not judged a second time by BASH_ENV" {
  "$GUARD" --config "$T/auto.ini" agent snapshot --output "$T/policy.snap" 2>/dev/null
  export VG_POLICY_SNAPSHOT=$T/policy.snap
  run env LD_PRELOAD="$VG_BUILD_DIR/lib/libvgpreload.so" bash -c 'bash -c "echo once"'
  [[ $output == *"once"* ]]
  # The shim judged the inner exec (one event naming bash -c); BASH_ENV in that bash
  # did not judge "echo once" again.
  [ "$(audit_events | jq -r 'select(.source == "shim") | .command' | grep -c "echo once")" -eq 1 ]
  [ "$(audit_events | jq -r 'select(.command == "echo once") | .command' | wc -l)" -eq 0 ]
}

@test "VG_DISABLE=1 in an agent's bash -c is refused unless [agent] allow_disable = true" {
  run --separate-stderr bash -c 'VG_DISABLE=1 rm -rf "$HOME/precious"'
  [ "$status" -eq 126 ]
  home_intact
  # The user's own config (not a workspace file) lets agents use it; it is recorded.
  printf '[sandbox]\nmode = auto\n[agent]\nallow_disable = true\n' >"$T/disable.ini"
  export VG_AGENT_CONFIG=$T/disable.ini
  # One simple command after the prefix: `VG_DISABLE=1 a; b` would leave b unguarded.
  run --separate-stderr bash -c 'VG_DISABLE=1 rm -rf "$HOME/precious"'
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  [ ! -e "$HOME/precious" ]
  has_event '(.why | test("VG_DISABLE=1")) and .decision == "host"'
  # Only a VG_DISABLE=1 prefix counts: the same line without it is still blocked.
  mkdir -p "$HOME/precious" && echo keep >"$HOME/precious/file"
  run --separate-stderr bash -c 'rm -rf "$HOME/precious"'
  [ "$status" -eq 126 ]
  home_intact
}

@test "a workspace vectra-guard.ini cannot let agents disable the guard" {
  printf '[agent]\nallow_disable = true\n' >"$T/ws/vectra-guard.ini"
  run --separate-stderr bash -c 'VG_DISABLE=1 rm -rf "$HOME/precious"'
  [ "$status" -eq 126 ]
  home_intact
  [[ $stderr == *"agent.allow_disable"* ]]
}
