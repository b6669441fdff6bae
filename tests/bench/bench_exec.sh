#!/usr/bin/env bash
# What `vectra-guard exec --host` adds to running a command: `exec --host -- true`
# against plain `true`, measured side by side in one run. Target: at most +1 ms.
# The guarded run includes everything a user pays for: config, analysis, decision,
# fork/exec, and the audit event written to a fresh $VG_HOME.
#
#   tests/bench/bench_exec.sh [BUILD_DIR]      (default: build)
#   BENCH_RUNS=N                               runs per command (default 300)
#
# Uses hyperfine when installed (scripts/test.sh installs it), else a timing loop.
# Prints a table; never fails on speed (benchmarks are not tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
vg=$build/bin/vectra-guard
[[ -x $vg ]] || { echo "bench_exec: $vg not found; build first (cmake --build $build)." >&2; exit 1; }
runs=${BENCH_RUNS:-300}
true_bin=$(command -v true)
[[ $true_bin == /* ]] || true_bin=/bin/true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export VG_HOME=$work/state VG_SESSION=bench
unset VG_AGENT
cd "$work"

# A static program that does nothing: what one more process start costs on this
# machine at the least. exec --host starts two (itself and the command).
printf 'int main(void) { return 0; }\n' >"$work/noop.c"
noop=$work/noop
cc -O2 -static -o "$noop" "$work/noop.c" 2>/dev/null || noop=$true_bin

# The floor of any wrapper that must record the exit code: a static program that only
# posix_spawns the command and waits for it.
cat >"$work/spawnwait.c" <<'C'
#include <spawn.h>
#include <sys/wait.h>
extern char** environ;
int main(int argc, char** argv) {
  pid_t pid;
  int st;
  if (argc < 2 || posix_spawn(&pid, argv[1], 0, 0, argv + 1, environ) != 0) return 127;
  return waitpid(pid, &st, 0) == pid ? 0 : 1;
}
C
spawnwait=$work/spawnwait
cc -O2 -static -o "$spawnwait" "$work/spawnwait.c" 2>/dev/null || spawnwait=

names=("true" "static no-op (one process start)" "vectra-guard --version" "vectra-guard exec --host -- true")
cmds=("$true_bin" "$noop" "$vg --version" "$vg exec --host -- $true_bin")
if [[ -n $spawnwait ]]; then
  names+=("static spawn-and-wait of true (floor)")
  cmds+=("$spawnwait $true_bin")
fi

declare -a means stddevs
if command -v hyperfine >/dev/null; then
  tool=hyperfine
  hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/h.json" --style none \
    "${cmds[@]}" >/dev/null 2>&1
  mapfile -t rows < <(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%.3f %.3f" % (r["mean"] * 1000, r["stddev"] * 1000))
' "$work/h.json")
  for i in "${!rows[@]}"; do
    read -r means[i] stddevs[i] <<<"${rows[$i]}"
  done
else
  tool="timing loop"
  for i in "${!cmds[@]}"; do
    read -ra argv <<<"${cmds[$i]}"
    for _ in $(seq 20); do "${argv[@]}" >/dev/null; done
    samples=()
    for _ in $(seq "$runs"); do
      t0=$(date +%s%N)
      "${argv[@]}" >/dev/null
      t1=$(date +%s%N)
      samples+=($(( t1 - t0 )))
    done
    read -r means[i] stddevs[i] < <(printf '%s\n' "${samples[@]}" | python3 -c '
import statistics, sys
v = [int(x) / 1e6 for x in sys.stdin]
print(f"{statistics.mean(v):.3f} {statistics.stdev(v):.3f}")
')
  done
fi

events=$(wc -l <"$VG_HOME/sessions/bench.jsonl" 2>/dev/null || echo 0)
echo "exec --host overhead ($tool, $runs runs each, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
printf '%-36s %10s %10s %12s\n' command "mean ms" "± ms" "vs true"
for i in "${!names[@]}"; do
  delta=$(python3 -c "print('%+.3f ms' % (${means[$i]} - ${means[0]}))")
  printf '%-36s %10s %10s %12s\n' "${names[$i]}" "${means[$i]}" "${stddevs[$i]}" "$delta"
done
verdict=$(python3 -c "print('met' if ${means[3]} - ${means[0]} <= 1.0 else 'NOT met')")
echo "target: exec --host -- true <= true + 1 ms: $verdict (audit events written: $events)"
python3 -c "print('beyond one extra process start: %+.3f ms' % (${means[3]} - ${means[0]} - ${means[1]}))"
if [[ -n $spawnwait ]]; then
  python3 -c "print('beyond the spawn-and-wait floor: %+.3f ms (the floor itself: %+.3f ms over true)' % (${means[3]} - ${means[4]}, ${means[4]} - ${means[0]}))"
fi
