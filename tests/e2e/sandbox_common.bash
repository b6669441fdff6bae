# Shared setup for tests/e2e/sandbox_*.bats: a throw-away HOME, VG_HOME and workspace
# per test under /var/tmp (the host root is visible read-only inside the sandbox, so
# secrets there must be hidden by us; /tmp would be hidden anyway by the private /tmp).
#
# VG_TEST_RUNTIME=namespace (or landlock) runs the same suites against that runtime: the
# user config selects it, so every `vectra-guard sandbox run` of a suite uses it.
# SBX_RUNTIME is the runtime name the notice shows.
SBX_RUNTIME=${VG_TEST_RUNTIME:-bubblewrap}

sandbox_setup() {
  : "${VG_BIN:?VG_BIN is set by ctest to the bin directory of the build}"
  VG="$VG_BIN/vectra-guard"
  [[ -x $VG && -x $VG_BIN/vg-init ]] || { echo "build vectra-guard and vg-init first" >&2; return 1; }
  command -v bwrap >/dev/null || { echo "bubblewrap is required for these tests" >&2; return 1; }
  ROOT=$(mktemp -d /var/tmp/vg-e2e.XXXXXX)
  export HOME=$ROOT/home VG_HOME=$ROOT/vghome XDG_CONFIG_HOME=$ROOT/home/.config
  unset VG_SESSION VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD VG_POLICY_SNAPSHOT
  WS=$HOME/project
  mkdir -p "$WS/.git/hooks" "$HOME/.ssh" "$HOME/.aws" "$VG_HOME"
  echo "ssh-secret-$$" >"$HOME/.ssh/id_ed25519"
  echo "aws-secret-$$" >"$HOME/.aws/credentials"
  echo "machine x login u password netrc-secret" >"$HOME/.netrc"
  echo "history-secret" >"$HOME/.bash_history"
  echo '{"trusted": []}' >"$VG_HOME/trust.json"
  printf '#!/bin/sh\nexit 0\n' >"$WS/.git/hooks/pre-commit"
  printf '[core]\n\tbare = false\n' >"$WS/.git/config"
  if [[ -n ${VG_TEST_RUNTIME:-} ]]; then
    mkdir -p "$XDG_CONFIG_HOME/vectra-guard"
    printf '[sandbox]\nruntime = %s\n' "$VG_TEST_RUNTIME" >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  fi
  cd "$WS"
  # /usr/bin/python3 first: a per-user python shim may not be readable by other users.
  PY=$(command -v /usr/bin/python3 || command -v python3)
}

sandbox_teardown() {
  cd /
  [[ -n ${LISTENER_PID:-} ]] && kill "$LISTENER_PID" 2>/dev/null
  [[ -n ${ROOT:-} && -d $ROOT ]] && rm -rf "$ROOT"
  return 0
}

# Run the sandbox with the command after --; stderr kept apart from stdout.
sbx() { "$VG" sandbox run "$@"; }

# Wait (up to ~5 s) until a TCP port on 127.0.0.1 accepts connections.
wait_for_port() {
  for _ in $(seq 50); do
    (echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# Wait until a path exists.
wait_for_path() {
  for _ in $(seq 50); do
    [[ -e $1 ]] && return 0
    sleep 0.1
  done
  echo "$1 never appeared" >&2
  return 1
}

# Run `vectra-guard sandbox run ARGS...` in the background (SIGINT and SIGTERM at their
# defaults: a background job of a non-interactive shell starts with SIGINT ignored),
# wait until the command has written $WS/up.txt, send it SIG, and set `status` to how
# vectra-guard exited.
signal_sandbox() {
  local sig=$1 pid
  shift
  env --default-signal=INT,TERM "$VG" sandbox run "$@" 2>/dev/null &
  pid=$!
  wait_for_path "$WS/up.txt"
  kill -"$sig" "$pid"
  status=0
  wait "$pid" || status=$?
}

# A free-ish port from the test's pid, away from common services.
test_port() { echo $((20000 + ($$ % 20000))); }

# Landlock mode has no mount, PID or network namespace. Where a suite's property cannot
# hold there, the runtime must say so: this checks `--verbose` declares it as not enforced.
declares_not_enforced() {
  local out
  out=$("$VG" sandbox run --verbose "${@:2}" -- true 2>&1 >/dev/null) || { echo "$out" >&2; return 1; }
  [[ $out == *"Not enforced: "*"$1"* ]] || { echo "--verbose does not declare '$1':" >&2; echo "$out" >&2; return 1; }
}

# A one-file npm package NAME 1.0.0, packed with npm into $ROOT/reg, and its package
# document for tests/e2e/npm_registry.py.
make_npm_package() {
  local name=$1
  mkdir -p "$ROOT/pkg-$name" "$ROOT/reg"
  printf '{"name": "%s", "version": "1.0.0", "main": "index.js"}\n' "$name" >"$ROOT/pkg-$name/package.json"
  printf 'module.exports = "%s works";\n' "$name" >"$ROOT/pkg-$name/index.js"
  (cd "$ROOT/pkg-$name" && HOME=$ROOT/pack-home npm pack --json --pack-destination "$ROOT/reg" >"$ROOT/pack.json" 2>/dev/null)
  "$PY" - "$ROOT/pack.json" "$ROOT/reg/$name.json" "$name" <<'PY'
import json, sys
p, name = json.load(open(sys.argv[1]))[0], sys.argv[3]
doc = {"name": name, "dist-tags": {"latest": "1.0.0"},
       "versions": {"1.0.0": {"name": name, "version": "1.0.0", "main": "index.js",
                              "dist": {"tarball": "@TARBALL_BASE@" + p["filename"],
                                       "shasum": p["shasum"], "integrity": p["integrity"]}}}}
json.dump(doc, open(sys.argv[2], "w"))
PY
  [ -s "$ROOT/reg/$name-1.0.0.tgz" ]
}
