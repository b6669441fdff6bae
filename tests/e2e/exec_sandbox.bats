#!/usr/bin/env bats
# vectra-guard exec into the sandbox (bubblewrap): the notice, transparency of output,
# exit codes, signals and stdin, --sandbox forcing, and failing closed (exit 125).

bats_require_minimum_version 1.5.0
load exec_helpers

setup() {
  exec_setup
  [[ -x /usr/bin/bwrap ]] || { echo "bubblewrap is required: apt-get install bubblewrap" >&2; return 1; }
}

@test "--sandbox: notice on stderr, output and exit code unchanged" {
  run --separate-stderr "$VG" exec --sandbox -- sh -c 'echo out; echo err >&2; exit 3'
  [[ $status == 3 ]]
  [[ $output == out ]]
  [[ $stderr == *"📦 Running in sandbox (bubblewrap, balanced)."* ]]
  [[ $stderr == *"   Why: "* ]]
  [[ $stderr == *err* ]]
}

@test "sandbox: binary output is byte-identical" {
  head -c 100000 /dev/urandom >"$T/ws/data"
  "$VG" exec --sandbox -- cat "$T/ws/data" >"$T/out" 2>/dev/null
  cmp "$T/ws/data" "$T/out"
}

@test "default mode (always) sandboxes even a harmless command" {
  run --separate-stderr "$VG" exec -- echo hi
  [[ $status == 0 && $output == hi ]]
  [[ $stderr == *"Running in sandbox"* ]]
  [[ $(json_get "$(LOG)" 1 'e["runtime"]') == bubblewrap ]]
}

@test "sandbox: SIGSEGV gives 139 and stdin is piped through" {
  run "$VG" exec --sandbox -- sh -c 'kill -SEGV $$'
  [[ $status == 139 ]]
  out=$(printf 'abc\n' | "$VG" exec --sandbox -- tr a-z A-Z 2>/dev/null)
  [[ $out == ABC ]]
}

@test "sandbox: -c line runs via sh inside the sandbox" {
  run --separate-stderr "$VG" exec --sandbox -c 'echo $((6*7)) | cat; exit 5'
  [[ $status == 5 ]]
  [[ $output == 42 ]]
}

@test "sandbox: writes outside the workspace do not reach the host" {
  mkdir -p "$T/outside"
  run "$VG" exec --sandbox -- sh -c "echo x > $T/outside/flag"
  [[ ! -e $T/outside/flag ]]
  run "$VG" exec --sandbox -- sh -c "echo x > $T/ws/inside"
  [[ $status == 0 && -f $T/ws/inside ]]
}

@test "--security-level and --network reach the sandbox and the audit log" {
  run --separate-stderr "$VG" exec --sandbox --security-level strict --network none -- true
  [[ $status == 0 ]]
  [[ $stderr == *"(bubblewrap, strict)."* ]]
  [[ $(json_get "$(LOG)" 1 'e["security_level"]') == strict ]]
  [[ $(json_get "$(LOG)" 1 'e["network"]') == none* ]]
}

@test "the sandbox could not start: exit 125, one sentence, never the host" {
  run --separate-stderr "$VG" exec --sandbox --runtime no-such-runtime -- touch "$T/outside-ran"
  [[ $status == 125 ]]
  [[ -z $output ]]
  [[ $stderr == *"vectra-guard: the sandbox could not start: "* ]]
  [[ ! -e $T/outside-ran ]]
  [[ $(json_get "$(LOG)" 1 'e["exit_code"]') == 125 ]]
  [[ $(json_get "$(LOG)" 1 'e["runtime"]') == none ]]
}

@test "sandbox timeout: 124" {
  run "$VG" exec --sandbox --timeout 1 -- sleep 30
  [[ $status == 124 ]]
}

@test "medium risk in mode auto goes to the sandbox with its why" {
  # inside the workspace: the sandbox's /tmp is private
  mkdir -p "$T/ws/bin"
  printf '#!/bin/sh\necho "fake npm $*"\n' >"$T/ws/bin/npm"
  chmod +x "$T/ws/bin/npm"
  PATH=$T/ws/bin:$PATH run --separate-stderr "$VG" --config "$T/auto.ini" exec --no-interactive -- npm install left-pad
  [[ $status == 0 ]]
  [[ $output == "fake npm install left-pad" ]]
  # npm's cache, made for its first run, is mounted: "(bubblewrap, balanced, cached)."
  [[ $stderr == *"📦 Running in sandbox (bubblewrap, balanced, cached)."* ]]
  [[ $stderr == *"   Why: medium risk"* ]]
  [[ $(json_get "$(LOG)" 1 'e["decision"]') == sandbox ]]
}

@test "non-root user: the sandbox runs and reports like for root" {
  dir=$(mktemp -d /tmp/vg-exec-user.XXXXXX)
  chmod 755 "$dir"
  uvg=$(user_vg "$dir")
  [[ $(id -u) == 0 ]] && chown 65534:65534 "$dir"
  cd "$dir"
  run --separate-stderr as_user env HOME="$dir" VG_HOME="$dir/state" VG_SESSION=user "$uvg" exec --sandbox -- sh -c 'echo hi; exit 9'
  [[ $status == 9 && $output == hi ]]
  [[ $stderr == *"Running in sandbox (bubblewrap"* ]]
  cd /
  rm -rf "$dir"
}
