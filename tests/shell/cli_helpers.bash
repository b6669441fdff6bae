# Shared set-up of the CLI suites: a scratch HOME, VG_HOME and working directory,
# so no real config, state or git repository leaks into the results.
bats_require_minimum_version 1.5.0

cli_setup() {
  if [[ -z ${VG_BIN:-} || ! -x $VG_BIN/vectra-guard ]]; then
    echo "VG_BIN must point at the directory holding a built vectra-guard (ctest sets it)" >&2
    return 1
  fi
  VG="$VG_BIN/vectra-guard"
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/vg-cli-XXXXXX")
  export HOME="$SCRATCH/home" VG_HOME="$SCRATCH/state"
  unset XDG_CONFIG_HOME NO_COLOR VG_SESSION VG_AGENT
  mkdir -p "$HOME" "$SCRATCH/work"
  cd "$SCRATCH/work"
}

cli_teardown() {
  cd /
  [[ -n ${SCRATCH:-} ]] && rm -rf "$SCRATCH"
}

# json_field KEY: the value of .KEY in the JSON text of $output (jq -r).
json_field() { jq -r ".$1" <<<"$output"; }
