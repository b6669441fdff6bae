#!/usr/bin/env bats
# Issue 20: session recordings (asciicast v2 under $VG_HOME/recordings), replay, masking,
# the size cap, a killed recorder, and the recording's digest in the audit chain.
# The "secrets" here are fake strings in the shape of real tokens.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() {
  sandbox_setup
  SRC=${VG_SOURCE_DIR:-$BATS_TEST_DIRNAME/../..}
  printf "PS1='VGP> '\nPS2='VGC> '\n" >"$HOME/.bashrc"
  FAKE_GH=ghp_$(printf 'Ab1%.0s' {1..12})
}

teardown() { sandbox_teardown; }

# The one recording made so far.
only_cast() {
  local n
  n=$(find "$VG_HOME/recordings" -name '*.cast' | wc -l)
  [ "$n" -eq 1 ] || { echo "want 1 recording, found $n" >&2; return 1; }
  find "$VG_HOME/recordings" -name '*.cast'
}

# Every line of $1 is JSON; the first is a v2 header, the others [t, code, text].
valid_cast() {
  "$PY" - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the file does not end with a newline"
head = json.loads(lines[0])
assert head["version"] == 2 and head["width"] > 0 and head["height"] > 0, head
for n, line in enumerate(lines[1:-1], 2):
    ev = json.loads(line)
    assert isinstance(ev[0], (int, float)) and ev[1] in ("o", "i") and isinstance(ev[2], str), (n, ev)
PY
}

@test "recording: a pty-driven sandbox shell is recorded (0600 under a 0700 dir) and replayed" {
  cat >"$ROOT/script" <<'EOF2'
send echo hello-$((6*7))
send stty size
send exit 0
EOF2
  run python3 "$SRC/tests/shell/pty_drive.py" --timeout 20 -- env SHELL=/bin/bash "$VG" sandbox shell <"$ROOT/script"
  echo "$output" >&2
  [[ $output == *hello-42* ]]
  cast=$(only_cast)
  [ "$(stat -c %a "$cast")" = 600 ]
  [ "$(stat -c %a "$VG_HOME/recordings")" = 700 ]
  valid_cast "$cast"
  grep -q 'hello-42' "$cast"
  name=$(basename "$cast" .cast)
  run --separate-stderr "$VG" logs replay "$name" --speed 50 --idle-limit 0.1
  [ "$status" -eq 0 ]
  [[ $output == *hello-42* ]]
  # The session's trail holds the recording, so the session id replays it too.
  session=$(basename "$(ls "$VG_HOME"/sessions/*.jsonl)" .jsonl)
  grep -q "\"event\":\"recording\".*\"file\":\"$name.cast\"" "$VG_HOME/sessions/$session.jsonl"
  run --separate-stderr "$VG" logs replay "$session" --speed 50
  [[ $output == *hello-42* ]]
}

@test "recording: a real asciinema plays our file" {
  if ! command -v asciinema >/dev/null; then
    [[ ${VG_REQUIRE_ALL:-} == 1 ]] && { echo "asciinema is required (VG_REQUIRE_ALL=1)" >&2; return 1; }
    skip "asciinema is not installed"
  fi
  run --separate-stderr "$VG" sandbox run --record -- sh -c 'echo line-one; printf "caf\303\251\n"'
  [ "$status" -eq 0 ]
  cast=$(only_cast)
  # asciinema cat opens /dev/tty: give it one.
  run script -qec "asciinema cat '$cast'" /dev/null
  echo "$output" >&2
  [ "$status" -eq 0 ]
  [[ $output == *line-one* && $output == *café* ]]
}

@test "recording: piped output is recorded unchanged for the reader, exit status passed through" {
  run --separate-stderr "$VG" sandbox run --record -- sh -c 'echo out-line; echo err-line >&2; exit 7'
  [ "$status" -eq 7 ]
  [ "$output" = out-line ]
  [[ $stderr == *err-line* ]]
  cast=$(only_cast)
  valid_cast "$cast"
  grep -q 'out-line' "$cast" && grep -q 'err-line' "$cast"
  grep -q '"exit_code":7' "$VG_HOME"/sessions/*.jsonl
}

@test "recording: token shapes and secret environment values are masked in the file, not on screen" {
  export MY_API_TOKEN=value-of-my-token-$$
  run --separate-stderr env MY_API_TOKEN="$MY_API_TOKEN" "$VG" sandbox run --record -- \
    sh -c 'echo "gh $1 env $2 aws AKIAABCDEFGHIJKLMNOP"' sh "$FAKE_GH" "$MY_API_TOKEN"
  [ "$status" -eq 0 ]
  [[ $output == *"$FAKE_GH"* ]]
  cast=$(only_cast)
  ! grep -q "$FAKE_GH" "$cast"
  ! grep -q "$MY_API_TOKEN" "$cast"
  ! grep -q AKIAABCDEFGHIJKLMNOP "$cast"
  run --separate-stderr "$VG" logs replay "$(basename "$cast" .cast)" --speed 1000
  [[ $output == *"gh *** env *** aws ***"* ]]
}

@test "recording: a token split across two writes is still masked" {
  run --separate-stderr "$VG" sandbox run --record -- \
    sh -c 'printf "tok %s" "${1%????????????????}"; sleep 0.05; printf "%s end\n" "${1#????????????????????????}"' sh "$FAKE_GH"
  [ "$status" -eq 0 ]
  [[ $output == *"$FAKE_GH end"* ]]
  cast=$(only_cast)
  ! grep -q "${FAKE_GH:0:20}" "$cast"
  run --separate-stderr "$VG" logs replay "$(basename "$cast" .cast)" --speed 1000
  [[ $output == *"tok *** end"* ]]
}

@test "recording: the size cap ends the recording with a note in the file and on stderr; the command goes on" {
  mkdir -p "$XDG_CONFIG_HOME/vectra-guard"
  printf '[audit]\nrecord_max_bytes = 8K\n' >>"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run --separate-stderr "$VG" sandbox run --record -- sh -c 'seq 1 20000; echo done-all'
  [ "$status" -eq 0 ]
  [ "$(grep -c . <<<"$output")" -eq 20001 ]
  [[ $output == *done-all ]]
  [ "$(grep -c 'size cap' <<<"$stderr")" -eq 1 ]
  cast=$(only_cast)
  valid_cast "$cast"
  [ "$(stat -c %s "$cast")" -le 8192 ]
  tail -n 1 "$cast" | grep -q 'recording stopped here'
  ! grep -q done-all "$cast"
  grep -q '"capped":true' "$VG_HOME"/sessions/*.jsonl
}

@test "recording: a recorder killed mid-way leaves a file whose every line parses" {
  "$VG" sandbox run --timeout 20 --record -- sh -c 'i=0; while [ $i -lt 40 ]; do echo tick-$i; i=$((i+1)); sleep 0.05; done' \
    >"$ROOT/out" 2>&1 &
  recorder=$!
  for _ in $(seq 100); do grep -qs tick-5 "$VG_HOME"/recordings/*.cast && break; sleep 0.05; done
  kill -KILL "$recorder"
  wait "$recorder" || true
  sleep 2.5  # the command, cut off from its reader, ends by itself
  cast=$(only_cast)
  grep -q tick-5 "$cast"
  valid_cast "$cast"
  ! grep -q tick-39 "$cast"
}

@test "recording: logs verify catches an edited and a removed recording; logs show points into it" {
  run --separate-stderr "$VG" exec --record --sandbox -- sh -c 'echo verify-me'
  [ "$status" -eq 0 ]
  cast=$(only_cast)
  name=$(basename "$cast" .cast)
  session=$(basename "$(ls "$VG_HOME"/sessions/*.jsonl)" .jsonl)
  run --separate-stderr "$VG" logs verify "$session"
  echo "$output" >&2
  [ "$status" -eq 0 ]
  # The command's own event names the recording and where in it the command started.
  run --separate-stderr "$VG" logs show "$session"
  [[ $output == *"recording       $name.cast at "*" s"* ]]
  sed -i 's/verify-me/verify-ME/' "$cast"
  run --separate-stderr "$VG" logs verify "$session"
  echo "$output" >&2
  [ "$status" -eq 2 ]
  [[ $output == *"recording $cast was changed"* ]]
  rm "$cast"
  run --separate-stderr "$VG" logs verify --all
  [ "$status" -eq 2 ]
  [[ $output == *"recording $cast is missing"* ]]
}

@test "recording: sandbox run is not recorded unless asked; record = all records it; record = off stops sandbox shell" {
  run --separate-stderr "$VG" sandbox run -- true
  [ "$status" -eq 0 ]
  [ ! -d "$VG_HOME/recordings" ] || [ -z "$(ls -A "$VG_HOME/recordings")" ]
  mkdir -p "$XDG_CONFIG_HOME/vectra-guard"
  printf '[audit]\nrecord = all\n' >>"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run --separate-stderr "$VG" sandbox run -- echo rec-all
  [ "$status" -eq 0 ]
  grep -q rec-all "$(only_cast)"
  rm -r "$VG_HOME/recordings"
  printf '[audit]\nrecord = off\n' >>"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run python3 "$SRC/tests/shell/pty_drive.py" --timeout 20 -- env SHELL=/bin/bash "$VG" sandbox shell <<<'send exit 0'
  [ ! -d "$VG_HOME/recordings" ] || [ -z "$(ls -A "$VG_HOME/recordings")" ]
}

@test "recording: agent start records the session under its id, outside the agent's reach; the chain holds its digest" {
  run --separate-stderr "$VG" agent start --name rec -- \
    sh -c 'echo agent-said-hi; if (: >>"$VG_HOME/recordings/probe") 2>/dev/null; then echo wrote-recordings; fi'
  echo "$stderr" >&2
  [ "$status" -eq 0 ]
  [ "$output" = agent-said-hi ]
  cast=$(only_cast)
  session=$(basename "$cast" .cast)
  [[ $session == agent-rec-* ]]
  grep -q agent-said-hi "$cast"
  run --separate-stderr "$VG" logs verify "$session"
  echo "$output" >&2
  [ "$status" -eq 0 ]
  [[ $output == *"hmac checked"* ]]
  grep -q "\"event\":\"recording\".*\"file\":\"$session.cast\"" "$VG_HOME/sessions/$session.jsonl"
}
