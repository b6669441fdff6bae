#!/usr/bin/env bats
# metrics show/reset against a scripted mix of 200 real decisions: the totals must match
# the audit log exactly (the log is the one source of truth).

bats_require_minimum_version 1.5.0

setup() {
  VG="${VG_BIN:?VG_BIN is set by ctest}/vectra-guard"
  T=$BATS_TEST_TMPDIR
  export HOME=$T/home VG_HOME=$T/state VG_SESSION=metrics-test
  unset VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD
  mkdir -p "$HOME" "$T/ws"
  cd "$T/ws"
  printf '[sandbox]\nmode = auto\n' >"$T/cfg.ini"
  # A deny pattern with no sandbox to fall back on blocks; the line is harmless if it ran.
  printf '[sandbox]\nmode = never\n[policies]\ndeny = echo forbidden*\n' >"$T/block.ini"
}

# Counts straight from the log files, for comparison.
log_count() { cat "$VG_HOME"/sessions/*.jsonl | jq -s "[.[] | select($1)] | length"; }

@test "metrics after 200 decisions match the audit log exactly" {
  local i
  for i in $(seq 120); do "$VG" --config "$T/cfg.ini" exec --host -- true; done
  for i in $(seq 30); do "$VG" --config "$T/cfg.ini" exec --host -- false || true; done
  run bash -c 'for i in $(seq 40); do "$1" --config "$2" exec -- echo forbidden 2>/dev/null; done' - "$VG" "$T/block.ini"
  [ -z "$output" ]  # none of them ran
  for i in $(seq 10); do VG_AGENT=bot "$VG" --config "$T/cfg.ini" exec --sandbox -- true 2>/dev/null; done
  [ "$(cat "$VG_HOME"/sessions/*.jsonl | wc -l)" -eq 200 ]

  run --separate-stderr "$VG" metrics show --json
  [ "$status" -eq 0 ]
  local m=$output
  [ "$(jq .total <<<"$m")" -eq 200 ]
  [ "$(jq .host <<<"$m")" -eq "$(log_count '.runtime == "host"')" ]
  [ "$(jq .host <<<"$m")" -eq 150 ]
  [ "$(jq .sandbox <<<"$m")" -eq 10 ]
  [ "$(jq .blocked <<<"$m")" -eq "$(log_count '.decision == "block"')" ]
  [ "$(jq .blocked <<<"$m")" -eq 40 ]
  [ "$(jq .failed <<<"$m")" -eq 0 ]
  [ "$(jq '.by_agent.bot' <<<"$m")" -eq 10 ]
  [ "$(jq '.by_runtime.none' <<<"$m")" -eq 40 ]
  [ "$(jq '.last | length' <<<"$m")" -eq 100 ]
  [ "$(jq '.duration_ms.commands' <<<"$m")" -eq 160 ]
  # Average and p95 recomputed from the log's own durations.
  local expect
  expect=$(cat "$VG_HOME"/sessions/*.jsonl | jq -s '[.[] | select(.runtime != "none" and .exit_code != null) | .duration_ms] | sort |
    {avg: (add / length), p95: .[((length * 95 + 99) / 100 | floor) - 1]}')
  [ "$(jq '.duration_ms.p95' <<<"$m")" -eq "$(jq .p95 <<<"$expect")" ]
  jq -e --argjson e "$expect" '(.duration_ms.average - $e.avg) | fabs < 0.001' <<<"$m"

  run --separate-stderr "$VG" metrics show
  [ "$status" -eq 0 ]
  [[ $output == *"Commands in the audit log: 200"* ]]
  [[ $output == *"host 150 (remembered 0)  sandbox 10  blocked 40"* ]]
  [[ $output == *"Last 5 (all of them: vectra-guard logs list):"* ]]
}

@test "metrics reset counts from now and keeps the audit log" {
  "$VG" exec --host -- true
  "$VG" exec --host -- true
  run --separate-stderr "$VG" metrics reset
  [ "$status" -eq 0 ]
  [[ $stderr == *"the audit log itself is kept"* ]]
  "$VG" exec --host -- true
  run --separate-stderr "$VG" metrics show --json
  [ "$(jq .total <<<"$output")" -eq 1 ]
  [ "$(cat "$VG_HOME"/sessions/*.jsonl | wc -l)" -eq 3 ]
  [ "$(stat -c %a "$VG_HOME/metrics.json")" = 600 ]
}

@test "metrics with no log yet, and usage errors" {
  run --separate-stderr "$VG" metrics show
  [ "$status" -eq 0 ]
  [[ $output == *"Commands in the audit log: 0"* ]]
  run --separate-stderr "$VG" metrics show --bogus
  [ "$status" -eq 1 ]
  [[ $stderr == *"metrics show [--json]"* ]]
  run --separate-stderr "$VG" metrics frobnicate
  [ "$status" -eq 1 ]
}
