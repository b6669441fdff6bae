#!/usr/bin/env bash
# Per-line cost of the hook evaluation (not a test: prints a table, asserts nothing).
# Issue 18 target: a line without aliases, functions or sources costs at most a few µs
# more than before the expansion was added.
#
#   tests/bench/bench_eval.sh [BUILD_DIR] [RUNS]     (default: build, 20000 runs per row)
#
# Links the driver against BUILD_DIR/core/libvgcore.a, so two builds (before and after
# a change) can be compared with the same driver.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cxx=${CXX:-c++}
work=$(mktemp -d "${TMPDIR:-/tmp}/vg-bench-eval-XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
"$cxx" -std=c++20 -O2 -DNDEBUG -I"${src:-$root}" "$root/tests/bench/bench_eval.cc" "$build/core/libvgcore.a" \
  $(pkg-config --libs inih) -o "$work/bench_eval"
"$work/bench_eval" "${2:-20000}"
