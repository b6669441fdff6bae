#!/usr/bin/env bats
# Concurrent writers through the real binary: 8 shells each running `exec` many times
# into one session. Every event must be there, whole and parseable.
# (The library-level 8 x 500 case is tests/unit/test_audit_log.cc.)

bats_require_minimum_version 1.5.0
load exec_helpers

setup() { exec_setup; }

@test "8 parallel exec loops x 40 events: exactly 320 parseable events" {
  for w in 1 2 3 4 5 6 7 8; do
    (
      for i in $(seq 40); do
        "$VG" exec --host -- sh -c "exit $(( (w * 40 + i) % 200 ))" || true
      done
    ) &
  done
  wait
  [[ $(log_lines) == 320 ]]
  python3 - "$(LOG)" <<'PY'
import json, sys
codes = sorted(json.loads(l)["exit_code"] for l in open(sys.argv[1], encoding="utf-8"))
want = sorted((w * 40 + i) % 200 for w in range(1, 9) for i in range(1, 41))
assert codes == want, "events lost or duplicated"
PY
  run --separate-stderr "$VG" logs list
  [[ ${#lines[@]} == 320 && -z $stderr ]]
}

@test "large captured events from parallel writers never interleave" {
  for w in 1 2 3 4; do
    (
      for i in $(seq 10); do
        "$VG" --config "$T/capture.ini" exec --host -- sh -c "head -c 30000 /dev/zero | tr '\\0' $w" >/dev/null
      done
    ) &
  done
  wait
  [[ $(log_lines) == 40 ]]
  python3 - "$(LOG)" <<'PY'
import json, sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    e = json.loads(line)
    out = e["output"]
    assert len(out) == 30000 and len(set(out)) == 1, f"line {n} is mixed"
PY
}
