#!/usr/bin/env bash
# Session recording's overhead (not a test: prints a table, asserts nothing): a command
# that prints 100 MB (head -c 100M /dev/zero | base64, ~135 MB of text) run by
# `sandbox run`, unrecorded and with --record, with its output on a pipe (the
# recorder's pipe mode) and on a terminal (`script` gives it one: the pty relay).
# The recording is capped at its default 50 MB, so the rows also show the cost of
# relaying after the cap.  Best of N runs (default 3).
#
#   VG_BIN=build/bin tests/bench/bench_record.sh [RUNS] [MEGABYTES]
set -euo pipefail
: "${VG_BIN:?set VG_BIN to the bin directory of a build}"
runs=${1:-3}
mb=${2:-100}
work=$(mktemp -d /var/tmp/vg-bench-record-XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home VG_HOME=$work/vghome XDG_CONFIG_HOME=$work/home/.config
mkdir -p "$HOME/project" "$XDG_CONFIG_HOME/vectra-guard"
cd "$HOME/project"
cmd="head -c ${mb}M /dev/zero | base64"

best() {  # best wall time in ms of "$@" over $runs runs
  local b=0 t0 t1 ms
  for _ in $(seq "$runs"); do
    rm -rf "$VG_HOME/recordings"
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    ((b == 0 || ms < b)) && b=$ms
  done
  echo "$b"
}

printf '%-44s %8s\n' "case (${mb} MB through base64)" "best ms"
row() { printf '%-44s %8s\n' "$1" "$(best "${@:2}")"; }
row "sh directly, pipe" sh -c "$cmd"
row "sandbox run, pipe" "$VG_BIN/vectra-guard" sandbox run -- sh -c "$cmd"
row "sandbox run --record, pipe (50 MB cap)" "$VG_BIN/vectra-guard" sandbox run --record -- sh -c "$cmd"
printf '[audit]\nrecord_max_bytes = 1G\n' >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
row "sandbox run --record, pipe (no cap hit)" "$VG_BIN/vectra-guard" sandbox run --record -- sh -c "$cmd"
rm "$XDG_CONFIG_HOME/vectra-guard/config.ini"
if command -v script >/dev/null; then
  row "sandbox run, terminal (script)" script -qec "$VG_BIN/vectra-guard sandbox run -- sh -c '$cmd'" /dev/null
  printf '[audit]\nrecord_max_bytes = 1G\n' >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  row "sandbox run --record, terminal (no cap hit)" \
    script -qec "$VG_BIN/vectra-guard sandbox run --record -- sh -c '$cmd'" /dev/null
fi
