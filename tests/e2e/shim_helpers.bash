# Shared setup for tests/e2e/shim_*.bats: a private HOME and VG_HOME per test, a policy
# snapshot in mode auto (harmless commands run on the host, destructive ones are
# stopped), the preload library, and the probe program that reaches each exec entry.

vg_shim_setup_file() {
  export VG="${VG_BIN:?VG_BIN is set by ctest}/vectra-guard"
  export SHIM_LIB="${VG_BUILD_DIR:?}/lib/libvgpreload.so"
  export EMPTY_LIB="${VG_BUILD_DIR:?}/lib/libvgpreload_empty.so"
  [[ -x $VG && -f $SHIM_LIB ]] || { echo "build vectra-guard and libvgpreload.so first" >&2; return 1; }
  export PROBE="$BATS_FILE_TMPDIR/shim_probe"
  gcc -O1 -o "$PROBE" "$BATS_TEST_DIRNAME/shim_probe.c"
  export PROBE_STATIC="$BATS_FILE_TMPDIR/shim_probe_static"
  gcc -O1 -static -o "$PROBE_STATIC" "$BATS_TEST_DIRNAME/shim_probe.c" 2>/dev/null
  chmod 755 "$BATS_FILE_TMPDIR" "$PROBE" "$PROBE_STATIC"
}

vg_shim_setup() {
  T=$BATS_TEST_TMPDIR
  export HOME=$T/home VG_HOME=$T/state
  unset VG_SESSION VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD LD_AUDIT VG_AGENT_CONFIG VG_EXEC_CHECKED
  mkdir -p "$HOME/precious" "$T/ws"
  echo keep >"$HOME/precious/file"
  cd "$T/ws"
  printf '[sandbox]\nmode = auto\n' >"$T/auto.ini"
  "$VG" --config "$T/auto.ini" agent snapshot --output "$T/policy.snap" 2>/dev/null
  export VG_POLICY_SNAPSHOT=$T/policy.snap
}

# Run a command with the shim loaded into it (its own exec is not seen: the shim
# guards what a process *spawns*).
shim() { LD_PRELOAD=$SHIM_LIB "$@"; }

home_intact() { [[ -f $HOME/precious/file ]]; }
