#!/usr/bin/env bats
# An accurate, readable record (issue 16 item 8, CLI side): `logs` alone and `metrics
# show` summarise instead of dumping everything; long commands are one shortened line in
# lists and whole in `logs show`; durations count only runs whose time was measured;
# `explain` reads the trust store.

load cli_helpers

setup() {
  cli_setup
  mkdir -p "$SCRATCH/work/proj" && git -C "$SCRATCH/work/proj" init -q
  cd "$SCRATCH/work/proj"
  printf '[sandbox]\nmode = auto\n' >"$SCRATCH/auto.ini"
}
teardown() { cli_teardown; }

@test "logs without a sub-command: counts by decision, the last 10, and how to see more" {
  for i in $(seq 1 15); do "$VG" exec --host -- echo "event-$i" >/dev/null; done
  run --separate-stderr "$VG" logs
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "15 events: host 15" ]]
  [[ ${lines[1]} == "Last 10:" ]]
  [[ $output == *"echo event-15"* && $output == *"echo event-6"* ]]
  [[ $output != *"echo event-5"$'\n'* ]]
  [[ $output == *"More: 'vectra-guard logs list [--limit N] [--session ID]', one event in full: 'vectra-guard logs show ID'."* ]]
  [ "${#lines[@]}" -eq 13 ]
}

@test "logs: an empty log says so" {
  run "$VG" logs
  [ "$status" -eq 0 ]
  [[ $output == "No events in the audit log yet"* ]]
}

@test "a long command is one shortened line in lists, whole in logs show" {
  long="echo $(printf 'word%.0s ' $(seq 1 80))end-of-it"
  "$VG" exec --host -c "$long"$'\n'"true" >/dev/null
  run "$VG" logs list
  [ "${#lines[@]}" -eq 1 ]
  [[ $output == *"…" ]]
  [[ $output != *end-of-it* ]]
  id=$(awk '{print $2}' <<<"$output")
  run "$VG" logs show "$id"
  [[ $output == *"end-of-it\\ntrue"* ]]
  run "$VG" metrics show
  [[ $output == *"…"* && $output != *end-of-it* ]]
}

@test "metrics show: a summary with the last 5, and durations only of measured runs" {
  # Host lines a hook let through are recorded before the shell runs them: no exit, 0 ms.
  for i in 1 2 3 4 5 6; do "$VG" --config "$SCRATCH/auto.ini" hook bash -- "echo hooked-$i" >/dev/null; done
  "$VG" exec --host -- sleep 0.3
  run --separate-stderr "$VG" metrics show
  [ "$status" -eq 0 ]
  [[ $output == *"Commands in the audit log: 7"* ]]
  [[ $output == *"Duration of the 1 with a measured time: average "* ]]
  avg=$(sed -n 's/.*average \([0-9]*\)\..*/\1/p' <<<"$output")
  [ "$avg" -ge 250 ]
  [[ $output == *"Last 5 (all of them: vectra-guard logs list):"* ]]
  [[ $output != *hooked-1* ]]
}

@test "explain reads the trust store: a trusted line says so with the decision carried out" {
  run "$VG" explain --json -- npm test
  [ "$(json_field trusted)" = false ]
  [ "$(json_field decision)" = sandbox ]
  "$VG" trust add "npm test" >/dev/null
  run "$VG" explain -- npm test
  [[ $output == *"Decision:  host"* ]]
  [[ $output == *"Trust:     trusted for this workspace"* ]]
  run "$VG" explain --json -- npm test
  [ "$(json_field trusted)" = true ]
  [ "$(json_field decision)" = host ]
  # Elsewhere the entry does not apply.
  cd "$SCRATCH/work"
  run "$VG" explain --json -- npm test
  [ "$(json_field trusted)" = false ]
}
