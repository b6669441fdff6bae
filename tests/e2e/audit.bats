#!/usr/bin/env bats
# vectra-guard audit npm|python: the package manager's audit inside the sandbox with the
# restricted network, against a loopback registry the test serves (no network needed).
bats_require_minimum_version 1.5.0
load sandbox_common

setup() {
  sandbox_setup
  command -v npm >/dev/null || { echo "npm is required for these tests" >&2; return 1; }
  PORT=$(( $(test_port) + 7 ))
  mkdir -p "$HOME/.npm" "$XDG_CONFIG_HOME/vectra-guard"
  # The registry is a host loopback port: the sandbox may reach that port and nothing else.
  printf '[sandbox]\nallow_localhost_ports = %s\nnetwork_allow = 127.0.0.1:%s\n' "$PORT" "$PORT" \
    >>"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  printf 'registry=http://127.0.0.1:%s/\n' "$PORT" >"$WS/.npmrc"
  printf '{"name":"fixture","version":"1.0.0","dependencies":{"vg-vulnerable-lib":"1.0.0"}}\n' >"$WS/package.json"
  cat >"$WS/package-lock.json" <<JSON
{"name": "fixture", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "fixture", "version": "1.0.0", "dependencies": {"vg-vulnerable-lib": "1.0.0"}},
  "node_modules/vg-vulnerable-lib": {"version": "1.0.0",
    "resolved": "http://127.0.0.1:$PORT/vg-vulnerable-lib/-/vg-vulnerable-lib-1.0.0.tgz"}}}
JSON
}
teardown() { sandbox_teardown; }

serve() {
  "$PY" "$BATS_TEST_DIRNAME/audit_registry.py" "$PORT" "$@" &
  LISTENER_PID=$!
  wait_for_port "$PORT"
}

@test "audit npm: a known vulnerable lockfile gives exit 2 and the finding by severity" {
  serve
  run --separate-stderr "$VG" audit npm --path "$WS" --json
  echo "$stderr" >&2
  [ "$status" -eq 2 ]
  "$PY" -c '
import json, sys
j = json.loads(sys.argv[1])
assert j["ecosystem"] == "npm" and j["total"] == 1, j
assert j["by_severity"]["high"] == 1 and j["by_severity"]["critical"] == 0, j
assert j["findings"][0]["package"] == "vg-vulnerable-lib", j
' "$output"
  [[ $stderr == *"Running in sandbox"* ]]
  run --separate-stderr "$VG" audit npm --path "$WS"
  [ "$status" -eq 2 ]
  [[ $output == *"1 vulnerabilities (high 1)"* ]]
  [[ $output == *"vg-vulnerable-lib"* ]]
}

@test "audit npm: no advisories is exit 0" {
  serve --clean
  run --separate-stderr "$VG" audit npm --path "$WS"
  echo "$stderr" >&2
  [ "$status" -eq 0 ]
  [[ $output == *"no known vulnerabilities"* ]]
}

@test "audit npm: an unreachable registry is an error (1), not a clean result" {
  run --separate-stderr "$VG" audit npm --path "$WS"
  [ "$status" -eq 1 ]
  [[ $stderr == *"audit: "* ]]
}

@test "audit: bad input is one sentence and exit 1" {
  rm "$WS/package-lock.json"
  run --separate-stderr "$VG" audit npm --path "$WS"
  [ "$status" -eq 1 ]
  [[ $stderr == *"no package-lock.json"* ]]
  run --separate-stderr "$VG" audit npm --path "$WS/nope"
  [ "$status" -eq 1 ]
  [[ $stderr == *"is not a directory"* ]]
  run --separate-stderr "$VG" audit
  [ "$status" -eq 1 ]
  run --separate-stderr "$VG" audit python --path "$WS"
  [ "$status" -eq 1 ]
  [[ $stderr == *"neither requirements.txt nor pyproject.toml"* ]]
}

@test "audit python --no-install never installs pip-audit" {
  echo 'requests==2.0.0' >"$WS/requirements.txt"
  # Debian has no pip-audit package: it is not on this PATH.
  ! PATH=/usr/bin:/bin command -v pip-audit
  PATH=/usr/bin:/bin run --separate-stderr "$VG" audit python --path "$WS" --no-install
  [ "$status" -eq 1 ]
  [[ $stderr == *"pip-audit is not installed"* ]]
  [ ! -e "$HOME/.cache/vectra-guard/tools" ]
}
