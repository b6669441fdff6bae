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

# Run "$@" on a pseudo-terminal of 30 rows x 100 columns; once "30 100" was printed resize
# it to 40 x 120 and type "typed-words" + Enter. The transcript goes to stdout.
on_resized_pty() {
  "$PY" - "$@" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
out, start, resized = b"", time.time(), False
while time.time() - start < 20:
    if not resized and b"30 100" in out:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.write(fd, b"typed-words\r")
        resized = True
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
}

@test "recording: on a terminal the window size is passed on (header and SIGWINCH), keystrokes recorded with --record-input" {
  run on_resized_pty "$VG" sandbox run --record-input -- sh -c 'stty size; sleep 0.3; read line; stty size; echo "got-$line"; exit 4'
  echo "$output" >&2
  [ "$status" -eq 4 ]
  [[ $output == *"30 100"* && $output == *"40 120"* && $output == *got-typed-words* ]]
  cast=$(only_cast)
  valid_cast "$cast"
  head -n 1 "$cast" | grep -q '"height":30' && head -n 1 "$cast" | grep -q '"width":100'
  grep -q '"i", "t' "$cast"
  # The terminal was handed back as it was: the driver saw our raw mode end (nothing to
  # check from outside but the exit status above) — and replay skips the keystrokes.
  run --separate-stderr "$VG" logs replay "$(basename "$cast" .cast)" --speed 100
  [[ $output == *got-typed-words* ]]
}
