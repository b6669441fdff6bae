#!/usr/bin/env bats
# Runs the parser's libFuzzer target for a bounded time on a copy of the seed corpus.
# Any crash, sanitizer report, leak or hang (-timeout) makes libFuzzer exit non-zero.
#   VG_FUZZ_BIN      path to fuzz_shell_parse (scripts/test.sh builds it in build-fuzz/)
#   VG_FUZZ_SECONDS  how long to fuzz (default 60)
#   VG_REQUIRE_ALL=1 a missing fuzzer binary is a failure, not a skip

setup() {
  seeds="${VG_SOURCE_DIR:-$BATS_TEST_DIRNAME/../..}/tests/fuzz/corpus"
  fuzzer="${VG_FUZZ_BIN:-}"
  if [[ -z $fuzzer && -n ${VG_BUILD_DIR:-} ]]; then
    fuzzer="$VG_BUILD_DIR/../build-fuzz/bin/fuzz_shell_parse"
  fi
  if [[ ! -x $fuzzer ]]; then
    if [[ ${VG_REQUIRE_ALL:-0} == 1 ]]; then
      echo "fuzz_shell_parse not found at '$fuzzer'; build it with scripts/test.sh (needs clang)" >&2
      return 1
    fi
    skip "fuzz_shell_parse not built (set VG_FUZZ_BIN, or run scripts/test.sh)"
  fi
  work="$BATS_TEST_TMPDIR/fuzz"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp "$seeds"/* "$work/corpus/"
}

@test "seed corpus is present" {
  run ls "$seeds"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -ge 5 ]
}

@test "every seed parses without a sanitizer report" {
  run "$fuzzer" -runs=0 "$work/corpus"
  echo "$output" | tail -20
  [ "$status" -eq 0 ]
}

@test "parser survives fuzzing for VG_FUZZ_SECONDS without crash, leak or hang" {
  seconds="${VG_FUZZ_SECONDS:-60}"
  [ "$seconds" -gt 0 ] || seconds=10
  run "$fuzzer" -max_total_time="$seconds" -timeout=5 -max_len=8192 \
    -dict="$seeds/../shell.dict" -artifact_prefix="$work/artifacts/" "$work/corpus"
  echo "$output" | tail -30
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$work/artifacts")" ]
}

@test "the fuzzer really reports a failing input" {
  # A harness that cannot fail proves nothing: an input file that is not there
  # must make it exit non-zero.
  run "$fuzzer" -runs=1 "$work/does-not-exist/input"
  [ "$status" -ne 0 ]
}
