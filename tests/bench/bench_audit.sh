#!/usr/bin/env bash
# The audit trail's hash chain: cost per appended record (not a test: prints a table,
# asserts nothing). Rows: sealing alone, an append as before the chain (directories
# checked, open, flock, write), a chained append (head file read and rewritten under
# the lock), with the session's HMAC key, and through an agent session's writer (a
# socket round trip). On the dev VM (ext4): +45-60 us per record, +120 us via the writer.
#
#   tests/bench/bench_audit.sh [APPENDS]     (default 2000 per row)
#
# Compiles the few core files it needs with -O2, so it needs no configured build tree.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CXX:-c++}
work=$(mktemp -d /var/tmp/vg-bench-audit-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$cxx" -std=c++20 -O2 -DNDEBUG -DFMT_HEADER_ONLY -I"$root" "$root"/core/{audit_chain,audit_log,audit_writer,sha256,session,risk}.cc \
  "$root/tests/bench/bench_audit.cc" -o "$work/bench_audit"
"$work/bench_audit" "${1:-2000}" "$work"
