#!/usr/bin/env bash
# Cost of the exec shim, side by side in one run (a benchmark, not a test: it prints a
# table and asserts nothing). Rows:
#   wrapper        execve() that fails at once: the wrapper's decision alone
#   spawn true     posix_spawn + wait of /bin/true (loading the library in the child)
#   spawn rm       an inspected program (/bin/rm -f on a missing file): the judged path
#   bash loop      bash -c 'for i in $(seq N); do /bin/true; done'
# Columns: no preload | an empty .so (the load cost of any library) | libvgpreload.so.
# Targets (issue 5): pass-through <= 20 us per exec beyond loading; loading no more than
# the empty .so. Then the session broker (issue 17), each row run as the agent of an
# `agent start` session (shim + broker + the seccomp exec filter):
#   load           dlopen of the library in a fresh process (its constructor included):
#                  the shim's load cost over an empty .so, without spawn noise (<= 50 us)
#   session true   a pass-through exec: the shim passes it, the kernel asks the broker
#   session rm     a judged exec: the shim asks the broker (socket round trip), the
#                  kernel's notification is answered from the broker's cache (<= 2 ms)
#   kernel only    the same two without the shim in the caller: every judgement is
#                  made on the kernel's notification (static programs, raw syscalls)
# Usage: tests/bench/bench_shim.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "${1:-$root/build}")
vg=$build/bin/vectra-guard shim=$build/lib/libvgpreload.so empty=$build/lib/libvgpreload_empty.so
for f in "$vg" "$shim" "$empty"; do
  [[ -e $f ]] || { echo "bench_shim.sh: $f is missing; build first (cmake --build $build)." >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/helper" "$root/tests/bench/bench_shim_helper.c" -ldl
export VG_HOME=$work/state
printf '[sandbox]\nmode = auto\n' >"$work/auto.ini"
"$vg" --config "$work/auto.ini" agent snapshot --output "$work/policy.snap" 2>/dev/null
export VG_POLICY_SNAPSHOT=$work/policy.snap

rounds=${VG_BENCH_ROUNDS:-5}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# run LIB CMD...: the median over the rounds of what CMD prints (us per call).
run() {
  local lib=$1; shift
  for _ in $(seq "$rounds"); do
    if [[ -n $lib ]]; then LD_PRELOAD=$lib "$@"; else "$@"; fi
  done | median
}
loop_us() {  # us per iteration of a bash loop of N /bin/true
  local n=$1 t0 t1
  t0=$(date +%s%N); bash -c "for i in \$(seq $n); do /bin/true; done"; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 / n ))
}
row() {  # name, then the command for each column
  local name=$1; shift
  local none empty_col shim_col
  none=$(run "" "$@"); empty_col=$(run "$empty" "$@"); shim_col=$(run "$shim" "$@")
  printf '%-34s %12s %12s %12s %12s\n' "$name" "$none" "$empty_col" "$shim_col" \
    "$(awk -v a="$shim_col" -v b="$empty_col" 'BEGIN {printf "%+.2f", a - b}')"
}

printf '%-34s %12s %12s %12s %12s\n' "us per call (median of $rounds)" "no preload" "empty .so" "shim" "shim-empty"
row "wrapper: failing execve x20000" "$work/helper" execfail 20000
row "spawn /bin/true x300" "$work/helper" spawn 300 /bin/true
row "spawn /bin/rm -f (judged) x20" "$work/helper" spawn 20 /bin/rm -f "$work/missing"
loop_row() {
  local none empty_col shim_col
  none=$(for _ in $(seq "$rounds"); do loop_us 300; done | median)
  empty_col=$(for _ in $(seq "$rounds"); do LD_PRELOAD=$empty loop_us 300; done | median)
  shim_col=$(for _ in $(seq "$rounds"); do LD_PRELOAD=$shim loop_us 300; done | median)
  printf '%-34s %12s %12s %12s %12s\n' "bash loop of /bin/true x300" "$none" "$empty_col" "$shim_col" \
    "$(awk -v a="$shim_col" -v b="$empty_col" 'BEGIN {printf "%+.2f", a - b}')"
}
loop_row

# ---- the session broker (issue 17) -----------------------------------------------------
med_of() { for _ in $(seq "$rounds"); do "$@"; done | median; }
session() { "$vg" --config "$work/auto.ini" agent start --name bench -- "$@" 2>/dev/null; }
load_none=$(med_of "$work/helper" dlopen 1 "$empty")
load_shim=$(med_of env VG_POLICY_SNAPSHOT="$work/policy.snap" "$work/helper" dlopen 1 "$shim")
echo
printf '%-44s %12s %12s %12s\n' "us per call (median of $rounds)" "plain" "session" "difference"
printf '%-44s %12s %12s %12s\n' "load: dlopen, empty .so vs shim" "$load_none" "$load_shim" \
  "$(awk -v a="$load_shim" -v b="$load_none" 'BEGIN {printf "%+.2f", a - b}')"
broker_row() {  # name, N, program...
  local name=$1 plain in_session; shift
  plain=$(med_of "$work/helper" spawn "$@")
  in_session=$(med_of session "$work/helper" spawn "$@")
  printf '%-44s %12s %12s %12s\n' "$name" "$plain" "$in_session" \
    "$(awk -v a="$in_session" -v b="$plain" 'BEGIN {printf "%+.2f", a - b}')"
}
broker_row "session: spawn /bin/true (pass) x300" 300 /bin/true
broker_row "session: spawn /bin/rm -f (judged) x50" 50 /bin/rm -f "$work/missing"
kernel_row() {
  local name=$1 plain in_session; shift
  plain=$(med_of "$work/helper" spawn "$@")
  in_session=$(med_of session env -u LD_PRELOAD "$work/helper" spawn "$@")
  printf '%-44s %12s %12s %12s\n' "$name" "$plain" "$in_session" \
    "$(awk -v a="$in_session" -v b="$plain" 'BEGIN {printf "%+.2f", a - b}')"
}
kernel_row "kernel only: spawn /bin/true (pass) x300" 300 /bin/true
kernel_row "kernel only: spawn /bin/rm -f (judged) x50" 50 /bin/rm -f "$work/missing"
