#!/usr/bin/env bats
# vectra-guard exec on the host: byte-identical output, exit codes and signals like a
# shell, stdin, the -c form, blocking, notices, usage errors.

bats_require_minimum_version 1.5.0
load exec_helpers

setup() { exec_setup; }

@test "host run: binary output is byte-identical and stderr stays quiet" {
  head -c 200000 /dev/urandom >"$T/data"
  printf '\0\r\n\xff' >>"$T/data"
  "$VG" exec --host -- cat "$T/data" >"$T/out" 2>"$T/err"
  cmp "$T/data" "$T/out"
  [[ ! -s $T/err ]]
}

@test "host run: exit codes 0, 1 and 42 pass through" {
  run "$VG" exec --host -- true
  [[ $status == 0 ]]
  run "$VG" exec --host -- false
  [[ $status == 1 ]]
  run "$VG" exec --host -- sh -c 'exit 42'
  [[ $status == 42 ]]
  run "$VG" --config "$T/auto.ini" exec -- sh -c 'exit 42'
  [[ $status == 42 ]]
}

@test "host run: a child killed by SIGSEGV gives 139, SIGKILL 137" {
  run "$VG" exec --host -- sh -c 'kill -SEGV $$'
  [[ $status == 139 ]]
  run "$VG" exec --host -- sh -c 'kill -KILL $$'
  [[ $status == 137 ]]
}

@test "host run: stdin is piped through" {
  out=$(printf 'hello\nworld\n' | "$VG" exec --host -- tr a-z A-Z)
  [[ $out == $'HELLO\nWORLD' ]]
  head -c 100000 /dev/urandom >"$T/data"
  "$VG" exec --host -- cat <"$T/data" >"$T/out"
  cmp "$T/data" "$T/out"
}

@test "argv form: words are passed literally, never re-expanded" {
  run --separate-stderr "$VG" exec --host -- printf '%s|' '$HOME' '$(id)' 'a b' '*'
  [[ $status == 0 ]]
  [[ $output == '$HOME|$(id)|a b|*|' ]]
  [[ $(json_get "$(LOG)" 1 'e["command"]') == "printf '%s|' '\$HOME' '\$(id)' 'a b' '*'" ]]
}

@test "-c form: the whole line runs through /bin/sh" {
  run --separate-stderr "$VG" exec --host -c 'echo one; echo two | tr a-z A-Z; exit 3'
  [[ $status == 3 ]]
  [[ $output == $'one\nTWO' ]]
  [[ $(json_get "$(LOG)" 1 'e["command"]') == 'echo one; echo two | tr a-z A-Z; exit 3' ]]
}

@test "-c form: the whole line is evaluated, a dangerous tail blocks all of it" {
  run --separate-stderr "$VG" exec --host -c "echo start > $T/ran; rm -rf /"
  [[ $status == 126 ]]
  [[ -z $output ]]
  [[ ! -e $T/ran ]]
}

@test "blocked: exit 126, reason and safer alternative on stderr, nothing on stdout" {
  run --separate-stderr "$VG" exec -- rm -rf /
  [[ $status == 126 ]]
  [[ -z $output ]]
  [[ $stderr == *"⛔ Blocked: "*"."* ]]
  [[ $stderr == *"   Safer: "* ]]
  # --host does not unblock a critical command
  run --separate-stderr "$VG" exec --host -- rm -rf /
  [[ $status == 126 ]]
  [[ -z $output ]]
}

@test "-c form: a critical command later in the line stops the whole line, even with --host" {
  run --separate-stderr "$VG" exec --host -c "touch $T/ran; mkfs.ext4 /dev/vg-test-nonexistent"
  [[ $status == 126 ]]
  [[ -z $output ]]
  [[ $stderr == *"⛔ Blocked: "* ]]
  [[ ! -e $T/ran ]]
}

@test "host run of a medium-risk command prints a notice on stderr only" {
  printf '[sandbox]\nmode = never\n' >"$T/never.ini"
  mkdir -p "$T/bin"
  printf '#!/bin/sh\necho "fake npm $*"\n' >"$T/bin/npm"
  chmod +x "$T/bin/npm"
  PATH=$T/bin:$PATH run --separate-stderr "$VG" --config "$T/never.ini" exec --no-interactive -- npm install left-pad
  [[ $status == 0 ]]
  [[ $output == "fake npm install left-pad" ]]
  [[ $stderr == *"Running on host (medium risk)."* ]]
  [[ $stderr == *"Why: "* ]]
}

@test "--verbose: a low-risk host run says where it ran, on stderr" {
  run --separate-stderr "$VG" exec --host --verbose -- echo hi
  [[ $status == 0 ]]
  [[ $output == hi ]]
  [[ $stderr == *"Running on host (low risk)."* ]]
}

@test "a missing program is 127, like a shell" {
  run -127 --separate-stderr "$VG" exec --host -- vg-no-such-program-xyz
  [[ $status == 127 ]]
  [[ $stderr == *"vg-no-such-program-xyz: command not found"* ]]
}

@test "--timeout on the host kills the command's whole tree: 124" {
  start=$SECONDS
  run --separate-stderr "$VG" exec --host --timeout 1 -- sh -c "sleep 30 & echo \$! > $T/pid; sleep 30"
  [[ $status == 124 ]]
  (( SECONDS - start < 15 ))
  [[ $stderr == *"timed out"* ]]
  pid=$(cat "$T/pid")
  for _ in $(seq 50); do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
    [[ $state == gone || $state == Z ]] && break
    sleep 0.1
  done
  [[ $state == gone || $state == Z ]]
}

@test "usage errors exit 1 with one sentence" {
  run --separate-stderr "$VG" exec
  [[ $status == 1 && $stderr == vectra-guard:* ]]
  run --separate-stderr "$VG" exec --host --sandbox -- true
  [[ $status == 1 && $stderr == *contradict* ]]
  run --separate-stderr "$VG" exec --bogus -- true
  [[ $status == 1 && $stderr == *"unknown option"* ]]
  run --separate-stderr "$VG" exec --timeout soon -- true
  [[ $status == 1 ]]
  run --separate-stderr "$VG" exec --security-level extreme -- true
  [[ $status == 1 ]]
  run --separate-stderr "$VG" exec -c
  [[ $status == 1 ]]
}

@test "a bad config file is exit 1 and the command does not run" {
  printf '[sandbox]\nmode = sometimes\n' >"$T/bad.ini"
  run --separate-stderr "$VG" --config "$T/bad.ini" exec --host -- touch "$T/ran"
  [[ $status == 1 ]]
  [[ ! -e $T/ran ]]
}

@test "non-root user: output, exit codes, signals and a private log" {
  dir=$(mktemp -d /tmp/vg-exec-user.XXXXXX)
  chmod 755 "$dir"
  uvg=$(user_vg "$dir")
  as_user true || { echo "cannot switch to an unprivileged user" >&2; return 1; }
  [[ $(id -u) == 0 ]] && chown 65534:65534 "$dir"
  run as_user env HOME="$dir" VG_HOME="$dir/state" VG_SESSION=user "$uvg" exec --host -- sh -c 'echo hi; exit 42'
  [[ $status == 42 && $output == hi ]]
  run as_user env HOME="$dir" VG_HOME="$dir/state" VG_SESSION=user "$uvg" exec --host -- sh -c 'kill -SEGV $$'
  [[ $status == 139 ]]
  run as_user env HOME="$dir" VG_HOME="$dir/state" VG_SESSION=user "$uvg" exec -- rm -rf /
  [[ $status == 126 ]]
  [[ $(stat -c %a "$dir/state/sessions") == 700 ]]
  [[ $(stat -c %a "$dir/state/sessions/user.jsonl") == 600 ]]
  [[ $(stat -c %u "$dir/state/sessions/user.jsonl") == $(as_user id -u) ]]
  [[ $(wc -l <"$dir/state/sessions/user.jsonl") == 3 ]]
  rm -rf "$dir"
}

@test "^C on the terminal reaches the command once; the guard keeps its status" {
  script='trap "echo got-int; exit 5" INT; echo ready; while :; do sleep 0.1; done'
  run pty_interrupt "exec '$VG' exec --host -- sh -c '$script'"
  [[ $status == 5 ]]
  [[ $(grep -c got-int <<<"$output") == 1 ]]
  # with --timeout the command has its own process group, handed the terminal
  run pty_interrupt "exec '$VG' exec --host --timeout 60 -- sh -c '$script'"
  [[ $status == 5 ]]
  [[ $(grep -c got-int <<<"$output") == 1 ]]
}
