#!/usr/bin/env bats
# vectra-guard logs list / show: one greppable line per event, JSON Lines with --json,
# session and limit filters, single events by SESSION:LINE, malformed lines skipped.

bats_require_minimum_version 1.5.0
load exec_helpers

setup() {
  exec_setup
  VG_SESSION=alpha "$VG" exec --host -- sh -c 'exit 0'
  VG_SESSION=alpha "$VG" exec --host -- sh -c 'exit 42' || true
  VG_SESSION=beta "$VG" exec -- rm -rf / 2>/dev/null || true
  VG_SESSION=alpha "$VG" exec --host -c 'echo "multi
line"' >/dev/null
}

@test "logs list: one line per event, newest last, with id, decision, risk, exit and command" {
  run --separate-stderr "$VG" logs list
  [[ $status == 0 ]]
  [[ ${#lines[@]} == 4 ]]
  [[ ${lines[0]} == *"alpha:1"*host*low*"exit=0"*"sh -c 'exit 0'" ]]
  [[ ${lines[1]} == *"alpha:2"*"exit=42"*"sh -c 'exit 42'" ]]
  [[ ${lines[2]} == *"beta:1"*block*critical*"exit=126"*"rm -rf /" ]]
  [[ ${lines[3]} == *'echo "multi\nline"' ]]
  [[ ${lines[0]} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
  [[ -z $stderr ]]
}

@test "logs list is greppable" {
  run bash -c "'$VG' logs list | grep -c block"
  [[ $output == 1 ]]
}

@test "logs list --session and --limit" {
  run "$VG" logs list --session beta
  [[ ${#lines[@]} == 1 && ${lines[0]} == *"rm -rf /"* ]]
  run "$VG" logs list --limit 2
  [[ ${#lines[@]} == 2 ]]
  [[ ${lines[0]} == *"beta:1"* && ${lines[1]} == *"alpha:3"* ]]
  run "$VG" logs list --limit 0
  [[ -z $output ]]
  run --separate-stderr "$VG" logs list --session nobody
  [[ $status == 1 && $stderr == *"no log for session 'nobody'"* ]]
  run --separate-stderr "$VG" logs list --limit many
  [[ $status == 1 ]]
}

@test "logs list --json: one parseable object per line, with its id" {
  run --separate-stderr "$VG" logs list --json
  [[ $status == 0 && ${#lines[@]} == 4 ]]
  python3 -c '
import json, sys
events = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert [e["id"] for e in events] == ["alpha:1", "alpha:2", "beta:1", "alpha:3"], events
assert events[1]["exit_code"] == 42 and events[2]["decision"] == "block"
assert events[3]["command"] == "echo \"multi\nline\""
' <<<"$output"
}

@test "logs show SESSION: every event of the session in full" {
  run --separate-stderr "$VG" logs show alpha
  [[ $status == 0 ]]
  [[ $output == *"event alpha:1"*"event alpha:2"*"event alpha:3"* ]]
  [[ $output == *"exit code"*42* ]]
  [[ $output == *"cwd"*"$T/ws"* ]]
}

@test "logs show SESSION:LINE: one event; --json gives the stored object" {
  run --separate-stderr "$VG" logs show beta:1
  [[ $status == 0 ]]
  [[ $output == *"event beta:1"* ]]
  [[ $output == *"decision"*block* ]]
  [[ $output == *"finding"*critical* ]]
  [[ $output != *"event alpha"* ]]
  run --separate-stderr "$VG" logs show alpha:2 --json
  [[ $status == 0 && ${#lines[@]} == 1 ]]
  [[ $(python3 -c 'import json,sys; e=json.loads(sys.stdin.read()); print(e["id"], e["exit_code"])' <<<"$output") == "alpha:2 42" ]]
}

@test "logs show with a bad or unknown id is exit 1 with one sentence" {
  run --separate-stderr "$VG" logs show alpha:99
  [[ $status == 1 && $stderr == *"no event on line 99"* ]]
  run --separate-stderr "$VG" logs show nobody
  [[ $status == 1 && $stderr == *"no log for session"* ]]
  run --separate-stderr "$VG" logs show alpha:x
  [[ $status == 1 && $stderr == *"not an event id"* ]]
  run --separate-stderr "$VG" logs show
  [[ $status == 1 ]]
  run --separate-stderr "$VG" logs frobnicate
  [[ $status == 1 ]]
}

@test "malformed lines are reported as file:line and skipped" {
  printf '{"time": broken\n' >>"$VG_HOME/sessions/alpha.jsonl"
  VG_SESSION=alpha "$VG" exec --host -- true
  run --separate-stderr "$VG" logs list --session alpha
  [[ $status == 0 ]]
  [[ ${#lines[@]} == 4 ]]
  [[ ${lines[3]} == *"alpha:5"* ]]
  [[ $stderr == *"$VG_HOME/sessions/alpha.jsonl:4: malformed event skipped"* ]]
  printf '\x00\xff garbage\n[]\n' >>"$VG_HOME/sessions/alpha.jsonl"
  run --separate-stderr "$VG" logs show alpha
  [[ $status == 0 ]]
  [[ $stderr == *"alpha.jsonl:6"* && $stderr == *"alpha.jsonl:7"* ]]
}

@test "logs with no events yet prints nothing and succeeds" {
  export VG_HOME=$T/empty-state
  run --separate-stderr "$VG" logs list
  [[ $status == 0 && -z $output ]]
}

@test "captured output is shown by logs show" {
  VG_SESSION=cap "$VG" --config "$T/capture.ini" exec --host -- sh -c 'echo first; echo second' >/dev/null
  run "$VG" logs show cap:1
  [[ $output == *"output"*"bytes"* ]]
  [[ $output == *"| first"*"| second"* ]]
}
