#!/usr/bin/env bats
# The `sandbox` command: options, environment filtering, --verbose, runtime choice and
# failures that fail closed, the probe cache, `sandbox shell`.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() { sandbox_setup; }
teardown() { sandbox_teardown; }

@test "secret environment is not visible, whitelisted variables are" {
  run --separate-stderr env GITHUB_TOKEN=gh-secret AWS_SECRET_ACCESS_KEY=aws DB_PASSWORD=pw \
    EDITOR=vim LC_ALL=C TZ=UTC "$VG" sandbox run -- env
  [ "$status" -eq 0 ]
  [[ $output != *gh-secret* && $output != *AWS_* && $output != *DB_PASSWORD* ]]
  [[ $output != *EDITOR=* ]]
  [[ $output == *"HOME=$HOME"* ]]
  [[ $output == *"LC_ALL=C"* && $output == *"TZ=UTC"* ]]
  [[ $output == *"PWD=$WS"* ]]
}

@test "env_whitelist admits a secret only when named exactly" {
  printf '[sandbox]\nenv_whitelist = EDITOR GITHUB_TOKEN MY_*\n' >"$ROOT/env.ini"
  run --separate-stderr env GITHUB_TOKEN=gh NPM_TOKEN=npm EDITOR=vim MY_HOST=h MY_TOKEN=t \
    "$VG" --config "$ROOT/env.ini" sandbox run -- env
  [ "$status" -eq 0 ]
  [[ $output == *GITHUB_TOKEN=gh* && $output == *EDITOR=vim* && $output == *MY_HOST=h* ]]
  [[ $output != *NPM_TOKEN* && $output != *MY_TOKEN* ]]
  [[ $output == *"PATH="* ]]
}

@test "--verbose lists enforced and not enforced limits" {
  run --separate-stderr sbx --verbose -- true
  [ "$status" -eq 0 ]
  [[ $stderr == *"Enforced: memory"* ]]
  [[ $stderr == *"Enforced: seccomp filter"* ]]
  [[ $stderr == *"Network: restricted"* ]]
  # Never claimed twice: each limit is either enforced or not.
  if [[ $stderr == *"Enforced: cpu"* ]]; then [[ $stderr != *"Not enforced: cpu"* ]]; fi
  # bubblewrap without --overlay cannot discard root writes: said, and read-only instead.
  if [[ $SBX_RUNTIME == bubblewrap ]] && ! bwrap --help 2>&1 | grep -q -- --tmp-overlay; then
    [[ $stderr == *"Not enforced: writable root"* ]]
    run sbx --security-level permissive -- touch /usr/vg-e2e-probe
    [ "$status" -ne 0 ]
  fi
  [ ! -e /usr/vg-e2e-probe ]
}

@test "limits follow the security level" {
  run --separate-stderr sbx --verbose --security-level strict -- true
  [[ $stderr == *"512 MiB"* ]]
  [[ $stderr == *"($SBX_RUNTIME, strict)"* ]]
  run --separate-stderr sbx --verbose --security-level permissive -- true
  [[ $stderr == *"2 GiB"* ]]
}

@test "unknown runtimes and an engine that is not there fail closed" {
  run --separate-stderr env PATH=/usr/bin:/bin "$VG" sandbox run --runtime docker -- touch ran
  [ "$status" -eq 125 ]
  [[ $stderr == *"docker"* && ( $stderr == *"not installed"* || $stderr == *"does not answer"* ) ]]
  run --separate-stderr sbx --runtime firecracker -- touch ran
  [ "$status" -eq 125 ]
  [[ $stderr == *"unknown sandbox runtime"* ]]
  [ ! -e "$WS/ran" ]
}

@test "bad options are usage errors (exit 1)" {
  run sbx --security-level extreme -- true
  [ "$status" -eq 1 ]
  run sbx --network wifi -- true
  [ "$status" -eq 1 ]
  run sbx --timeout soon -- true
  [ "$status" -eq 1 ]
  run sbx
  [ "$status" -eq 1 ]
  run "$VG" sandbox frobnicate
  [ "$status" -eq 1 ]
}

@test "sandbox --help describes run and shell" {
  run "$VG" sandbox --help
  [ "$status" -eq 0 ]
  [[ $output == *"sandbox run"* && $output == *"sandbox shell"* && $output == *"--network"* ]]
}

@test "the probe is cached in VG_HOME/probe.json for this bwrap, kernel and user" {
  rm -f "$VG_HOME/probe.json"
  run sbx --runtime bubblewrap -- true
  [ "$status" -eq 0 ]
  [ -f "$VG_HOME/probe.json" ]
  "$PY" - "$VG_HOME/probe.json" "$(id -u)" "$(uname -r)" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["ok"] is True and j["bwrap"].endswith("bwrap"), j
assert j["uid"] == int(sys.argv[2]) and j["kernel"] == sys.argv[3], j
PY
}

@test "a system directory is not a project: the command runs, read-only there" {
  cd /
  run --separate-stderr sbx -- true
  [ "$status" -eq 0 ]
  [[ $stderr == *"/ is not a project (a system directory): read-only in the sandbox"* ]]
}

@test "sandbox shell runs an interactive shell inside" {
  run --separate-stderr bash -c "printf 'echo inside=\$VG_SANDBOX; touch shell-was-here; exit 3\n' | SHELL=/bin/bash '$VG' sandbox shell"
  [ "$status" -eq 3 ]
  [[ $output == *inside=1* ]]
  [ -e "$WS/shell-was-here" ]
}

@test "sandbox shell refuses a command" {
  run sbx
  run "$VG" sandbox shell -- ls
  [ "$status" -eq 1 ]
}

@test "on a terminal: sandbox shell gets job control, TIOCSTI injection is denied" {
  command -v script >/dev/null || { echo "script(1) from util-linux is required" >&2; return 1; }
  cat >"$WS/inject.py" <<'PY'
import fcntl, sys, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"x")
    print("INJECTED")
except OSError as e:
    print("denied", e.errno)
PY
  run bash -c "(sleep 1; echo 'sleep 30 & jobs; kill %1; \"$PY\" inject.py; exit 4'; sleep 3) |
    SHELL=/bin/bash timeout 30 script -qec '\"$VG\" sandbox shell' /dev/null"
  [[ $output == *"Running"*"sleep 30"* ]]
  [[ $output == *"denied 1"* ]]
  [[ $output != *INJECTED* ]]
  [[ $output != *"no job control"* ]]
}

@test "sandbox run on a terminal cannot inject keystrokes either" {
  cat >"$WS/inject.py" <<'PY'
import fcntl, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"x"); print("INJECTED")
except OSError as e:
    print("denied", e.errno)
PY
  run bash -c "SHELL=/bin/bash timeout 30 script -qec '\"$VG\" sandbox run -- \"$PY\" inject.py' /dev/null </dev/null"
  [[ $output == *"denied"* ]]
  [[ $output != *INJECTED* ]]
}
