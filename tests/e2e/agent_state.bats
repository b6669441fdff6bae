#!/usr/bin/env bats
# Issue 17 items 2 and 5: an agent under `agent start` cannot write the guard's state
# (Landlock), and `logs verify` finds an edited, cut-off or reordered audit trail.
# Every probe is an empty append (`: >>FILE`): it opens for writing and changes nothing.
bats_require_minimum_version 1.5.0

setup_file() {
  export VG_SRC_BIN="${VG_BIN:?VG_BIN is set by ctest}"
  [[ -x $VG_SRC_BIN/vectra-guard ]] || { echo "build vectra-guard first" >&2; return 1; }
  export NO_LANDLOCK=$BATS_FILE_TMPDIR/no_landlock
  gcc -O1 -o "$NO_LANDLOCK" "$BATS_TEST_DIRNAME/no_landlock.c"
  chmod 755 "$BATS_FILE_TMPDIR" "$NO_LANDLOCK"
}

setup() {
  # Under /var/tmp, so that /tmp itself is not on the path to a protected directory.
  T=$(mktemp -d /var/tmp/vg-agent-state.XXXXXX)
  chmod 755 "$T"
  export HOME=$T/home VG_HOME=$T/state XDG_CONFIG_HOME=$T/home/.config
  unset VG_SESSION VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD VG_AGENT_CONFIG VG_POLICY_SNAPSHOT VG_AUDIT_FD \
    VG_AGENT_CONFINED
  mkdir -p "$HOME/.config/vectra-guard" "$T/proj" "$T/inst"
  printf '[sandbox]\nmode = never\n' >"$HOME/.config/vectra-guard/config.ini"
  echo '{}' >"$T/trust-canary"
  # A copy of the installation: the agent's probes aim at it, never at the build.
  cp -a "$VG_SRC_BIN" "$T/inst/bin"
  [[ -d $VG_SRC_BIN/../lib ]] && cp -a "$VG_SRC_BIN/../lib" "$T/inst/lib"
  VG=$T/inst/bin/vectra-guard
  cd "$T/proj"
}

teardown() { cd /; rm -rf "$T"; }

# Three records in session s1 (exec on the host, mode never).
three_records() {
  for i in 1 2 3; do VG_SESSION=s1 "$VG" exec -- true 2>/dev/null; done
  LOG=$VG_HOME/sessions/s1.jsonl
  [ "$(wc -l <"$LOG")" -eq 3 ]
}

@test "logs verify: an intact session says ok with its record count" {
  three_records
  run --separate-stderr "$VG" logs verify s1
  echo "$output $stderr" >&2
  [ "$status" -eq 0 ]
  [[ $output == "ok: 3 records"* ]]
  run --separate-stderr "$VG" logs verify --all
  [ "$status" -eq 0 ]
  [[ $output == "ok: 3 records in 1 session(s)"* ]]
}

@test "logs verify: an edited record is named with file:line" {
  three_records
  sed -i '2s/"exit_code":0/"exit_code":1/' "$LOG"
  run --separate-stderr "$VG" logs verify s1
  echo "$output" >&2
  [ "$status" -eq 2 ]
  [[ $output == *"$LOG:2: record edited"* ]]
}

@test "logs verify: a log with its last record removed is reported as truncated" {
  three_records
  sed -i '3d' "$LOG"
  run --separate-stderr "$VG" logs verify s1
  echo "$output" >&2
  [ "$status" -eq 2 ]
  [[ $output == *"$LOG:3: truncated"* ]]
}

@test "logs verify: reordered records are reported" {
  three_records
  { sed -n 1p "$LOG"; sed -n 3p "$LOG"; sed -n 2p "$LOG"; } >"$T/reordered"
  cat "$T/reordered" >"$LOG"
  run --separate-stderr "$VG" logs verify s1
  echo "$output" >&2
  [ "$status" -eq 2 ]
  [[ $output == *"$LOG:3: out of order"* ]]
}

@test "logs verify: a removed middle record is reported" {
  three_records
  sed -i '2d' "$LOG"
  run --separate-stderr "$VG" logs verify s1
  echo "$output" >&2
  [ "$status" -eq 2 ]
  [[ $output == *"$LOG:2: 1 record(s) missing"* ]]
}

@test "logs verify --all: a removed log whose head is left is reported" {
  three_records
  rm "$LOG"
  run --separate-stderr "$VG" logs verify --all
  echo "$output" >&2
  [ "$status" -eq 2 ]
  [[ $output == *"s1.head: the session's log was removed"* ]]
}

@test "logs verify: an old unchained log is 'not chained', not an error" {
  mkdir -p "$VG_HOME/sessions"
  echo '{"time":"2026-01-01T00:00:00.000Z","command":"true","session":"old"}' >"$VG_HOME/sessions/old.jsonl"
  run --separate-stderr "$VG" logs verify old
  echo "$output" >&2
  [ "$status" -eq 0 ]
  [[ $output == "old: not chained"* ]]
}

@test "agent start: the agent cannot write the guard's config, trust store, session log or binary" {
  cp "$T/trust-canary" "$VG_HOME/trust.json" 2>/dev/null || { mkdir -p "$VG_HOME"; cp "$T/trust-canary" "$VG_HOME/trust.json"; }
  cat >"$T/agent.sh" <<'AGENT'
#!/bin/bash
for f in "$XDG_CONFIG_HOME/vectra-guard/config.ini" "$VG_HOME/trust.json" \
         "$VG_HOME/sessions/$VG_SESSION.jsonl" "$VG_GUARD_BIN" "$VG_HOME/new-file"; do
  if : >>"$f"; then echo "WROTE $f"; else echo "refused $f"; fi
done
if cat "$VG_HOME/keys/$VG_SESSION.key" >/dev/null; then echo "READ key"; else echo "refused key"; fi
AGENT
  chmod 755 "$T/agent.sh"
  run --separate-stderr "$VG" agent start --name probe -- "$T/agent.sh"
  echo "$output" >&2
  echo "$stderr" >&2
  [ "$status" -eq 0 ]
  [[ $output != *WROTE* ]]
  [[ $output != *"READ key"* ]]
  [ "$(grep -c '^refused' <<<"$output")" -eq 6 ]
}

@test "agent start: the agent still writes its project and /tmp, and its records are chained with the key" {
  cat >"$T/agent.sh" <<'AGENT'
#!/bin/bash
set -e
echo built >"$PWD/out.txt"
mkdir -p "$PWD/sub/dir" && echo deep >"$PWD/sub/dir/f"
tmp=$(mktemp /tmp/vg-agent-state.XXXXXX) && echo t >"$tmp" && rm "$tmp"
"$VG_GUARD_BIN" exec -- true
echo done
AGENT
  chmod 755 "$T/agent.sh"
  run --separate-stderr "$VG" agent start --name probe -- "$T/agent.sh"
  echo "$output" >&2
  echo "$stderr" >&2
  [ "$status" -eq 0 ]
  [ "$output" = done ]
  [ "$(cat "$T/proj/out.txt")" = built ]
  [ -f "$T/proj/sub/dir/f" ]
  session=$(basename "$VG_HOME"/sessions/agent-probe-*.jsonl .jsonl)
  run --separate-stderr "$VG" logs verify "$session"
  echo "$output" >&2
  [ "$status" -eq 0 ]
  [[ $output =~ ^"ok: "([0-9]+)" records in $session ("([0-9]+)" chained, hmac checked)"$ ]]
  [ "${BASH_REMATCH[1]}" -ge 2 ] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
  # The record of the guard run inside the agent came through the session's writer.
  grep -q '"command":"true".*"source":"exec"' "$VG_HOME/sessions/$session.jsonl"
}

@test "agent start without Landlock says in one line which protections do not hold, and so does doctor" {
  run --separate-stderr "$NO_LANDLOCK" "$VG" agent start --name probe -- /bin/true
  echo "$stderr" >&2
  [ "$status" -eq 0 ]
  [ "$(grep -c 'Landlock is not available' <<<"$stderr")" -eq 1 ]
  [[ $stderr == *"the agent can still write vectra-guard's config, \$VG_HOME"* ]]
  run --separate-stderr "$NO_LANDLOCK" "$VG" sandbox doctor
  echo "$output" >&2
  [[ $output == *"agent sessions: without Landlock an agent can write vectra-guard's config"* ]]
}
