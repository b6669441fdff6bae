#!/usr/bin/env bats
# `vectra-guard init`: each preset round-trips through the real config loader (the
# settings in force are exactly the preset's, and decisions follow them), refusal
# without --force, --force, --dry-run, --local and the workspace tighten-only rule.
load cli_helpers

setup() { cli_setup; USER_CFG=$HOME/.config/vectra-guard/config.ini; }
teardown() { cli_teardown; }

# The settings each preset must give, as init prints them (one 'key = value' per line).
expected() {
  case $1 in
    developer) printf '%s\n' 'sandbox.mode = auto' 'sandbox.security_level = permissive' \
      'sandbox.network_mode = full' 'sandbox.enable_cache = true' 'guard.level = low' 'agent.allow_disable = false' ;;
    ci-cd) printf '%s\n' 'sandbox.mode = risky' 'sandbox.security_level = balanced' \
      'sandbox.network_mode = restricted' 'sandbox.enable_cache = true' 'guard.level = high' 'agent.allow_disable = false' ;;
    production) printf '%s\n' 'sandbox.mode = always' 'sandbox.security_level = paranoid' \
      'sandbox.network_mode = none' 'sandbox.enable_cache = false' 'sandbox.allow_unix_sockets = false' \
      'sandbox.log_output = true' 'guard.level = paranoid' 'agent.allow_disable = false' ;;
  esac
}

# decision LINE [explain options]: the decision explain gives for LINE.
decision() {
  local line=$1
  shift
  run --separate-stderr "$VG" explain --json "$@" -- "$line"
  [ "$status" -eq 0 ]
  json_field decision
}

@test "the test commands have the risks the decision checks below rely on" {
  for pair in 'ls -la:low' 'npm install left-pad:medium' 'git push --force origin main:high'; do
    run --separate-stderr "$VG" explain --json -- "${pair%:*}"
    [ "$(json_field risk)" = "${pair##*:}" ]
  done
}

@test "each preset round-trips: the file is the preset, loading it gives exactly its settings" {
  for p in developer ci-cd production; do
    rm -f "$USER_CFG"
    run --separate-stderr "$VG" init --preset "$p"
    [ "$status" -eq 0 ]
    [[ $stderr == *"wrote the $p preset to $USER_CFG"* ]]
    cmp "$USER_CFG" "$VG_SOURCE_DIR/presets/$p.ini"
    [ "$output" = "$(expected "$p")" ]
    # Only keys the loader knows: loading the file on its own through --config works too.
    run --separate-stderr "$VG" --config "$USER_CFG" explain -v -- ls
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
  done
}

@test "developer: mode auto, guard low (never asks): low on the host, medium and high sandboxed" {
  "$VG" init --preset developer >/dev/null 2>&1
  run "$VG" explain -v -- ls
  [[ $output == *"Mode:      auto, guard level low"* ]]
  [[ $output == *"Config:    $USER_CFG"* ]]
  [ "$(decision 'ls -la')" = host ]
  [ "$(decision 'npm install left-pad')" = sandbox ]
  [ "$(decision 'git push --force origin main' --interactive)" = sandbox ]
}

@test "ci-cd: mode risky, guard high: low on the host, medium and high ask (sandboxed without a terminal)" {
  "$VG" init --preset ci-cd >/dev/null 2>&1
  run "$VG" explain -v -- ls
  [[ $output == *"Mode:      risky, guard level high"* ]]
  [ "$(decision 'ls -la')" = host ]
  [ "$(decision 'npm install left-pad')" = sandbox ]
  [ "$(decision 'git push --force origin main')" = sandbox ]
  [ "$(decision 'npm install left-pad' --interactive)" = prompt ]
  [ "$(decision 'ls -la' --interactive)" = host ]
}

@test "production: mode always, guard paranoid: everything sandboxed, a terminal asks for everything" {
  "$VG" init --preset production >/dev/null 2>&1
  run "$VG" explain -v -- ls
  [[ $output == *"Mode:      always, guard level paranoid"* ]]
  [ "$(decision 'ls -la')" = sandbox ]
  [ "$(decision 'ls -la' --interactive)" = prompt ]
}

@test "init refuses to overwrite without --force and leaves the file alone; --force replaces it" {
  mkdir -p "$(dirname "$USER_CFG")"
  printf '[guard]\nlevel = high\n' >"$USER_CFG"
  cp "$USER_CFG" "$SCRATCH/before"
  run --separate-stderr "$VG" init --preset developer
  [ "$status" -eq 1 ]
  [[ $stderr == *"$USER_CFG already exists; use --force to replace it"* ]]
  cmp "$USER_CFG" "$SCRATCH/before"
  run --separate-stderr "$VG" init --preset production --dry-run
  [ "$status" -eq 1 ]
  cmp "$USER_CFG" "$SCRATCH/before"
  run --separate-stderr "$VG" init --preset developer --force
  [ "$status" -eq 0 ]
  cmp "$USER_CFG" "$VG_SOURCE_DIR/presets/developer.ini"
  # No temporary file is left next to it.
  [ "$(ls -A "$(dirname "$USER_CFG")")" = config.ini ]
}

@test "a preset that loosens what is in force says so; one that tightens does not" {
  run --separate-stderr "$VG" init --preset production
  [ "$status" -eq 0 ]
  [[ $stderr != *loosens* ]]
  run --separate-stderr "$VG" init --preset developer --force
  [ "$status" -eq 0 ]
  [[ $stderr == *"this loosens protection here: sandbox.mode always -> auto, sandbox.security_level paranoid -> permissive, sandbox.network_mode none -> full, sandbox.enable_cache false -> true, guard.level paranoid -> low."* ]]
  run --separate-stderr "$VG" init --preset ci-cd --force
  [ "$status" -eq 0 ]
  [[ $stderr == *"loosens protection here: sandbox.mode auto -> risky."* ]]
}

@test "--dry-run prints the preset and writes nothing" {
  run --separate-stderr "$VG" init --preset ci-cd --dry-run
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat "$VG_SOURCE_DIR/presets/ci-cd.ini")" ]
  [[ $stderr == *"would write the ci-cd preset to $USER_CFG"* ]]
  [ ! -e "$HOME/.config" ]
}

@test "XDG_CONFIG_HOME is honoured" {
  export XDG_CONFIG_HOME=$SCRATCH/xdg
  run --separate-stderr "$VG" init --preset production
  [ "$status" -eq 0 ]
  cmp "$XDG_CONFIG_HOME/vectra-guard/config.ini" "$VG_SOURCE_DIR/presets/production.ini"
  [ ! -e "$USER_CFG" ]
}

@test "--local writes vectra-guard.ini at the git root and it takes effect there" {
  mkdir -p "$SCRATCH/repo/.git" "$SCRATCH/repo/src"
  cd "$SCRATCH/repo/src"
  run --separate-stderr "$VG" init --preset production --local
  [ "$status" -eq 0 ]
  cmp "$SCRATCH/repo/vectra-guard.ini" "$VG_SOURCE_DIR/presets/production.ini"
  [ "$output" = "$(expected production)" ]
  [ ! -e "$USER_CFG" ]
  run --separate-stderr "$VG" explain -v -- ls
  [ -z "$stderr" ]
  [[ $output == *"Mode:      always, guard level paranoid"* ]]
  [[ $output == *"Config:    $SCRATCH/repo/vectra-guard.ini"* ]]
}

@test "--local refuses a preset that would loosen: a workspace file may only tighten" {
  run --separate-stderr "$VG" init --preset developer --local
  [ "$status" -eq 1 ]
  [[ $stderr == *"The developer preset cannot take effect from a workspace file, which may only tighten"* ]]
  [[ $stderr == *"ignored a looser mode in 'sandbox.mode'"* ]]
  [[ $stderr == *"ignored a looser guard level in 'guard.level'"* ]]
  [ ! -e vectra-guard.ini ]
  # ci-cd loosens the default mode (always) too.
  run --separate-stderr "$VG" init --preset ci-cd --local
  [ "$status" -eq 1 ]
  [ ! -e vectra-guard.ini ]
  # When the user's config is already that loose, nothing would be ignored: it is written.
  "$VG" init --preset developer >/dev/null 2>&1
  run --separate-stderr "$VG" init --preset developer --local
  [ "$status" -eq 0 ]
  cmp vectra-guard.ini "$VG_SOURCE_DIR/presets/developer.ini"
  [ "$output" = "$(expected developer)" ]
}

@test "a stricter workspace file is named when the user preset is not what is in force here" {
  printf '[guard]\nlevel = paranoid\n' >vectra-guard.ini
  run --separate-stderr "$VG" init --preset developer
  [ "$status" -eq 0 ]
  cmp "$USER_CFG" "$VG_SOURCE_DIR/presets/developer.ini"
  [[ $output == *"guard.level = paranoid"* ]]
  [[ $stderr == *"here guard.level is paranoid, not the preset's low: $SCRATCH/work/vectra-guard.ini tightens it"* ]]
}

@test "unknown presets, missing --preset and unknown options are usage errors; --list names them" {
  run --separate-stderr "$VG" init --preset laptop
  [ "$status" -eq 1 ]
  [[ $stderr == *"there is no preset 'laptop'; the presets are developer, ci-cd or production."* ]]
  run --separate-stderr "$VG" init
  [ "$status" -eq 1 ]
  [[ $stderr == *"init needs --preset NAME"* ]]
  run --separate-stderr "$VG" init --preset developer --frobnicate
  [ "$status" -eq 1 ]
  [ ! -e "$USER_CFG" ]
  run --separate-stderr "$VG" init --list
  [ "$status" -eq 0 ]
  [ "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" = "developer ci-cd production " ]
  run "$VG" init --help
  [ "$status" -eq 0 ]
  [[ $output == *"usage: vectra-guard init --preset NAME"* ]]
}
