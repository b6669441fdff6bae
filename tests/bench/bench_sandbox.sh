#!/usr/bin/env bash
# Sandbox start-up cost: `vectra-guard sandbox run -- true` next to raw bubblewrap
# (`bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all true`), measured in the
# same run. Target: vectra-guard <= raw + 3 ms. Prints a table; asserts nothing.
#   tests/bench/bench_sandbox.sh [BUILD_DIR]      (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
vg=$build/bin/vectra-guard
[[ -x $vg ]] || { echo "bench_sandbox.sh: build first ($vg is missing)" >&2; exit 1; }
bwrap=$(command -v /usr/bin/bwrap || command -v bwrap) || { echo "bench_sandbox.sh: bubblewrap is not installed" >&2; exit 1; }

work=$(mktemp -d /var/tmp/vg-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ws"
cd "$work/ws"
export VG_HOME=$work/vghome  # probe cached after the first run, as in real use
"$vg" sandbox run -- true 2>/dev/null

raw="$bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all true"
ours="$vg sandbox run -- true"
ours_none="$vg sandbox run --security-level paranoid -- true"
ns="$vg sandbox run --runtime namespace -- true"
ns_none="$vg sandbox run --runtime namespace --security-level paranoid -- true"
# Review mode: the workspace as an overlay, a change set made and (nothing written) removed.
ns_review="$vg sandbox run --runtime namespace --review -- true"
ll="$vg sandbox run --runtime landlock -- true"
cli="$vg --version"
runs=${VG_BENCH_RUNS:-100}

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 10 --runs "$runs" --style basic --export-markdown "$work/table.md" \
    -n "raw bwrap" "$raw" -n "vectra-guard sandbox run" "$ours" -n "sandbox run (paranoid)" "$ours_none" \
    -n "sandbox run --runtime namespace" "$ns" -n "namespace (paranoid)" "$ns_none" \
    -n "namespace --review (change set made, empty, removed)" "$ns_review" \
    -n "sandbox run --runtime landlock" "$ll" \
    -n "vectra-guard --version (CLI start-up alone)" "$cli" -n "/bin/true (one exec)" /bin/true \
    >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
  cat "$work/table.md"
  mean() { awk -F'|' -v n="$1" '$2 ~ n {gsub(/ /,"",$3); split($3,a,"±"); print a[1]}' "$work/table.md"; }
  raw_ms=$(mean "raw bwrap")
  ours_ms=$(mean "vectra-guard sandbox run")
  ns_ms=$(mean "sandbox run --runtime namespace")
  ns_review_ms=$(mean "namespace --review")
else
  # No hyperfine: a plain loop, mean wall time per run.
  loop_ms() {
    local start end
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do $1 >/dev/null 2>&1; done
    end=$(date +%s%N)
    awk -v s="$start" -v e="$end" -v n="$runs" 'BEGIN { printf "%.2f", (e - s) / n / 1e6 }'
  }
  raw_ms=$(loop_ms "$raw")
  ours_ms=$(loop_ms "$ours")
  none_ms=$(loop_ms "$ours_none")
  ns_ms=$(loop_ms "$ns")
  ns_none_ms=$(loop_ms "$ns_none")
  ll_ms=$(loop_ms "$ll")
  ns_review_ms=$(loop_ms "$ns_review")
  printf '| Command | Mean [ms] |\n|:---|---:|\n'
  printf '| raw bwrap | %s |\n| vectra-guard sandbox run | %s |\n| sandbox run (paranoid) | %s |\n' \
    "$raw_ms" "$ours_ms" "$none_ms"
  printf '| sandbox run --runtime namespace | %s |\n| namespace (paranoid) | %s |\n| sandbox run --runtime landlock | %s |\n' \
    "$ns_ms" "$ns_none_ms" "$ll_ms"
  printf '| namespace --review (change set made, empty, removed) | %s |\n' "$ns_review_ms"
fi
awk -v d="$ns_ms" -v r="$ns_review_ms" 'BEGIN { printf "\nreview mode over a direct namespace run: %.2f ms\n", r - d }'
awk -v r="$raw_ms" -v o="$ours_ms" 'BEGIN {
  d = o - r
  printf "\nadded by vectra-guard: %.2f ms (target <= 3 ms: %s)\n", d, (d <= 3 ? "met" : "NOT met")
  print "(structurally: one more exec for the CLI itself and one for vg-init than raw bwrap;"
  print " compare with the cost of one exec, the /bin/true row, on this machine)"
}'
