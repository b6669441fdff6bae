# Shared setup for tests/shell/agent_*.bats: a private HOME and VG_HOME per test and
# a config file per mode; GUARD is the vectra-guard binary (ctest's VG_BIN is its dir).

vg_agent_setup() {
  T=$BATS_TEST_TMPDIR
  export GUARD="${VG_BIN:?VG_BIN is set by ctest}/vectra-guard"
  export HOME=$T/home VG_HOME=$T/state
  unset VG_SESSION VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD VG_AGENT_CONFIG VG_EXEC_CHECKED VG_POLICY_SNAPSHOT
  mkdir -p "$HOME/precious" "$T/ws"
  echo keep >"$HOME/precious/file"
  cd "$T/ws"
  printf '[sandbox]\nmode = auto\n' >"$T/auto.ini"
  printf '[sandbox]\nmode = always\n' >"$T/always.ini"
}

home_intact() { [[ -f $HOME/precious/file ]]; }

# All audit events of this test, one JSON object per line.
audit_events() { cat "$VG_HOME"/sessions/*.jsonl 2>/dev/null; }

# True when some audit event matches the jq condition, e.g. has_event '.decision == "block"'.
has_event() { audit_events | jq -s -e "any(.[]; $1)" >/dev/null; }
