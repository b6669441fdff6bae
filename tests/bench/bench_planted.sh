#!/usr/bin/env bash
# The post-run scan for planted git config and vectra-guard.ini (sandbox/planted.cc): its
# cost is one readdir per workspace directory. Measures `sandbox run -- true` in an
# empty workspace and in one with ~10,000 directories (100 x 100, a file in each, a
# git repository at the top); the difference is the scan (warm dentry cache, as after
# any command that touched the tree). Prints a table; asserts nothing.
#   tests/bench/bench_planted.sh [BUILD_DIR]      (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
vg=$build/bin/vectra-guard
[[ -x $vg ]] || { echo "bench_planted.sh: build first ($vg is missing)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/vg-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export VG_HOME=$work/vghome
mkdir -p "$work/empty" "$work/tree"
git init -q "$work/tree"
for ((i = 0; i < 100; i++)); do
  for ((j = 0; j < 100; j++)); do mkdir -p "$work/tree/d$i/e$j"; done
  for ((j = 0; j < 100; j++)); do : >"$work/tree/d$i/e$j/f.c"; done
done
dirs=$(find "$work/tree" -path "$work/tree/.git" -prune -o -type d -print | wc -l)
(cd "$work/empty" && "$vg" sandbox run -- true 2>/dev/null)  # probe cached
runs=${VG_BENCH_RUNS:-30}

ms() {  # mean wall time of `sandbox run -- true` in directory $1
  local start end
  cd "$1"
  "$vg" sandbox run -- true 2>/dev/null  # warm
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$vg" sandbox run -- true 2>/dev/null; done
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" -v n="$runs" 'BEGIN { printf "%.2f", (e - s) / n / 1e6 }'
}
empty_ms=$(ms "$work/empty")
tree_ms=$(ms "$work/tree")
printf '| workspace | Mean [ms] |\n|:---|---:|\n'
printf '| empty | %s |\n| %s directories | %s |\n' "$empty_ms" "$dirs" "$tree_ms"
awk -v a="$empty_ms" -v b="$tree_ms" 'BEGIN { printf "\npost-run scan: about %.2f ms for the tree\n", b - a }'
