#!/usr/bin/env bash
# `vectra-guard changes apply` of 10,000 files (sandbox/review/change_apply.cc): a change
# set made by a real overlayfs in a user namespace (tests/e2e/changes_helpers.bash), in
# which a command rewrote 5,000 files of a 6,000-file workspace (100 directories), deleted
# the other 1,000 and added 4,000. Each file is written to a temporary file beside it, all
# are flushed with one syncfs, then each is renamed over its target; the time includes
# reading the set and the changed-underneath check. Also times
# `changes show` of the same set (diff(1) per text file). Prints a table; asserts nothing.
# VG_BENCH_STOP=1 only builds the set and prints "VG_HOME WORKSPACE" (kept) for profiling.
#   tests/bench/bench_changes.sh [BUILD_DIR]      (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
vg=$build/bin/vectra-guard
[[ -x $vg ]] || { echo "bench_changes.sh: build first ($vg is missing)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/vg-bench-changes.XXXXXX)
trap 'rm -rf "$work"' EXIT
export VG_HOME=$work/vghome WS=$work/project
PY=$(command -v /usr/bin/python3 || command -v python3)
# shellcheck source=../e2e/changes_helpers.bash
source "$root/tests/e2e/changes_helpers.bash"
mkdir -p "$VG_HOME" "$WS"
for ((d = 0; d < 100; d++)); do
  mkdir -p "$WS/d$d"
  for ((f = 0; f < 60; f++)); do echo "line $d $f" >"$WS/d$d/f$f.txt"; done
done

# 50 rewritten + 10 deleted in each of 100 dirs (6,000 files), 40 added in each (4,000).
review_run 1 'for d in d*; do
  for f in $(seq 0 49); do echo changed >> $d/f$f.txt; done
  for f in $(seq 50 59); do rm $d/f$f.txt; done
  for f in $(seq 0 39); do echo new > $d/n$f.txt; done
done'
summary=$("$vg" changes list --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["change_sets"][0]["summary"])')

[[ -n ${VG_BENCH_STOP:-} ]] && { echo "$VG_HOME $WS"; trap - EXIT; exit 0; }
sync  # the setup's own writes are not part of the apply's flush
t0=$(date +%s%N)
"$vg" changes show 1 >/dev/null
t1=$(date +%s%N)
"$vg" changes apply 1 >/dev/null
t2=$(date +%s%N)

files=$(find "$WS" -type f | wc -l)
printf '| step (%s) | Wall [ms] |\n|:---|---:|\n' "$summary"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  printf "| changes show 1 | %.0f |\n| changes apply 1 | %.0f |\n", (b - a) / 1e6, (c - b) / 1e6 }'
echo
echo "after apply: $files files in the workspace (expected 9000)"
