#!/usr/bin/env bash
# The restricted network's cost. Prints two tables; asserts nothing.
#  1. start-up: `sandbox run --network none -- true` next to `--network restricted`
#     (vg-proxy started, bridged by vg-init, stopped), per runtime. Target: +<= 10 ms.
#  2. throughput: a 100 MiB download from a loopback HTTP server, curl on the host
#     straight to it next to curl in the sandbox through vg-proxy (curl's own transfer
#     time, so sandbox start-up is not counted). Target: within 10 %.
#   tests/bench/bench_proxy.sh [BUILD_DIR]      (default: build)
#   VG_BENCH_RUNS=N (start-up runs, default 50), VG_BENCH_DOWNLOADS=N (default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
vg=$build/bin/vectra-guard
[[ -x $vg && -x $build/bin/vg-proxy ]] || { echo "bench_proxy.sh: build first ($vg or vg-proxy is missing)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench_proxy.sh: curl is needed" >&2; exit 1; }
py=$(command -v /usr/bin/python3 || command -v python3)
runs=${VG_BENCH_RUNS:-50}
downloads=${VG_BENCH_DOWNLOADS:-5}

work=$(mktemp -d /var/tmp/vg-bench-proxy.XXXXXX)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/ws" "$work/www" "$work/home/.config/vectra-guard"
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config VG_HOME=$work/vghome
port=$((30000 + $$ % 20000))
printf '[sandbox]\nnetwork_allow = big.test:%s\nresolve = big.test:127.0.0.2\n' "$port" \
  >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
cd "$work/ws"
"$vg" sandbox run -- true 2>/dev/null  # the bubblewrap probe, cached as in real use

# 1. Start-up.
runtimes=(bubblewrap namespace)
[[ $("$vg" sandbox doctor 2>/dev/null) == *"landlock    Landlock ABI"* ]] && runtimes+=(landlock)
printf '| runtime | --network none [ms] | --network restricted [ms] | added [ms] | target <= 10 ms |\n|:---|---:|---:|---:|:---|\n'
for rt in "${runtimes[@]}"; do
  none="$vg sandbox run --runtime $rt --network none -- true"
  restricted="$vg sandbox run --runtime $rt --network restricted -- true"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs "$runs" --style none --export-json "$work/$rt.json" \
      "$none" "$restricted" >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
    read -r none_ms restricted_ms < <("$py" -c "
import json; r = json.load(open('$work/$rt.json'))['results']
print(*(f\"{x['mean'] * 1000:.2f}\" for x in r))")
  else
    loop_ms() {
      local start end
      start=$(date +%s%N)
      for ((i = 0; i < runs; i++)); do $1 >/dev/null 2>&1; done
      end=$(date +%s%N)
      awk -v s="$start" -v e="$end" -v n="$runs" 'BEGIN { printf "%.2f", (e - s) / n / 1e6 }'
    }
    none_ms=$(loop_ms "$none")
    restricted_ms=$(loop_ms "$restricted")
  fi
  awk -v rt="$rt" -v a="$none_ms" -v b="$restricted_ms" 'BEGIN {
    d = b - a; printf "| %s | %.2f | %.2f | %.2f | %s |\n", rt, a, b, d, (d <= 10 ? "met" : "NOT met") }'
done

# 2. Throughput.
head -c $((100 * 1024 * 1024)) /dev/urandom >"$work/www/big.bin"
"$py" "$root/tests/e2e/proxy_world.py" 127.0.0.2 "$port" "$work/www" >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q ready "$work/server.out" 2>/dev/null && break; sleep 0.05; done
time_of() { "$@" 2>/dev/null | tail -n 1; }
direct=() proxied=()
for ((i = 0; i < downloads; i++)); do
  direct+=("$(time_of curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.2:$port/big.bin")")
  proxied+=("$(time_of "$vg" sandbox run --network restricted -- curl -s -o /dev/null -w '%{time_total}\n' \
    "http://big.test:$port/big.bin")")
done
printf '\n| 100 MiB download (mean of %s) | time [s] | MiB/s |\n|:---|---:|---:|\n' "$downloads"
"$py" - "${direct[*]}" "${proxied[*]}" <<'PY'
import sys
d = [float(x) for x in sys.argv[1].split()]
p = [float(x) for x in sys.argv[2].split()]
md, mp = sum(d) / len(d), sum(p) / len(p)
print(f"| curl on the host, direct | {md:.3f} | {100 / md:.0f} |")
print(f"| curl in the sandbox, through vg-proxy | {mp:.3f} | {100 / mp:.0f} |")
slower = (mp / md - 1) * 100
print(f"\nthrough the proxy: {slower:+.1f} % time (target within 10 %: {'met' if slower <= 10 else 'NOT met'})")
PY
