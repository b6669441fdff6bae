#!/usr/bin/env bash
# Parser speed (not a test: prints a table, asserts nothing). Target: a typical
# one-line command parses in a few microseconds; input is read in roughly linear time.
#
#   tests/bench/bench_parser.sh [RUNS]     (default 100000 parses per one-line row)
#
# Compiles core/shell_parse.cc with -O2 together with the benchmark driver, so it
# needs only a C++20 compiler, not a configured build tree.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CXX:-c++}
work=$(mktemp -d "${TMPDIR:-/tmp}/vg-bench-parser-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$cxx" -std=c++20 -O2 -DNDEBUG -I"$root" "$root/core/shell_parse.cc" "$root/tests/bench/bench_parser.cc" \
  -o "$work/bench_parser"
"$work/bench_parser" "${1:-100000}"
