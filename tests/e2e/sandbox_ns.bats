#!/usr/bin/env bats
# The namespace runtime (--runtime namespace) beyond the shared suites (which also run
# against it, see sandbox_common.bash): the overlay root, the id maps, PID 1, seccomp
# calls the shared suites do not cover, Docker-format profiles.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() { sandbox_setup; }
teardown() {
  [[ $(id -u) == 0 ]] && rm -f /usr/vg-ns-overlay-probe
  sandbox_teardown
}

nsx() { "$VG" sandbox run --runtime namespace "$@"; }

@test "the notice names the namespace runtime" {
  run --separate-stderr nsx -- true
  [ "$status" -eq 0 ]
  [[ $stderr == *"📦 Running in sandbox (namespace, balanced)."* ]]
}

@test "balanced: the root is writable inside (root) or read-only and said so (non-root); the host stays untouched" {
  if [[ $(id -u) == 0 ]]; then
    run --separate-stderr nsx --security-level balanced -- sh -c 'touch /usr/vg-ns-overlay-probe && ls /usr/vg-ns-overlay-probe'
    [ "$status" -eq 0 ]
    [ "$output" = /usr/vg-ns-overlay-probe ]
    # /opt, not $ROOT: a top-level directory with mounts below it (podman's storage under
    # /var while the container suite runs alongside) stays read-only, and says so.
    run --separate-stderr nsx --security-level balanced -- sh -c "echo inside > /opt/vg-ns-overlay-file && cat /opt/vg-ns-overlay-file"
    [ "$status" -eq 0 ]
    [ "$output" = inside ]
    [ ! -e /opt/vg-ns-overlay-file ]
  else
    # Only our own id is mapped: overlayfs cannot copy up root-owned directories, so
    # the runner makes the root read-only instead and --verbose says why.
    run --separate-stderr nsx --verbose --security-level balanced -- touch "$ROOT/overlay-file"
    [ "$status" -ne 0 ]
    [[ $stderr == *"Not enforced: writable root with changes discarded: as a non-root user"* ]]
  fi
  [ ! -e /usr/vg-ns-overlay-probe ]
  [ ! -e "$ROOT/overlay-file" ]
}

@test "strict: the root is read-only" {
  run --separate-stderr nsx --security-level strict -- sh -c "touch '$ROOT/overlay-file'"
  [ "$status" -ne 0 ]
  [[ $stderr == *"Read-only file system"* ]]
  run --separate-stderr nsx --security-level strict -- touch /usr/vg-ns-overlay-probe
  [ "$status" -ne 0 ]
  [ ! -e "$ROOT/overlay-file" ]
  [ ! -e /usr/vg-ns-overlay-probe ]
}

@test "keep_changes: what the command wrote outside the workspace is kept under VG_HOME/changes, not on the host" {
  printf '[sandbox]\nruntime = namespace\nkeep_changes = true\n' >"$ROOT/keep.ini"
  if [[ $(id -u) != 0 ]]; then
    # No writable root for an ordinary user (see above): nothing to keep, and it says so.
    run --separate-stderr "$VG" --config "$ROOT/keep.ini" sandbox run --verbose --security-level balanced -- true
    [ "$status" -eq 0 ]
    [[ $stderr != *"changes kept"* ]]
    [ ! -d "$VG_HOME/changes" ] || [ -z "$(ls "$VG_HOME/changes")" ]
    return
  fi
  run --separate-stderr "$VG" --config "$ROOT/keep.ini" sandbox run --verbose --security-level balanced -- \
    sh -c "echo kept > /usr/vg-ns-kept-$$ && echo ws > workspace-file"
  [ "$status" -eq 0 ]
  [[ $stderr == *"changes kept in $VG_HOME/changes/"* ]]
  [ ! -e /usr/vg-ns-kept-$$ ]
  kept=$(ls "$VG_HOME"/changes/*/upper/usr/vg-ns-kept-$$)
  [ "$(cat "$kept")" = kept ]
  [ "$(stat -c %a "$(dirname "$(dirname "$(dirname "$kept")")")")" = 700 ]
  # The workspace is a bind, not part of the overlay: written straight to the host.
  [ "$(cat "$WS/workspace-file")" = ws ]
  # Without keep_changes nothing is kept.
  rm -rf "$VG_HOME/changes"
  run --separate-stderr nsx --security-level balanced -- touch /usr/vg-ns-kept-$$
  [ "$status" -eq 0 ]
  [ ! -e "$VG_HOME/changes" ]
}

@test "the invoking user maps to itself; no other id is mapped; setgroups is denied" {
  run --separate-stderr nsx -- sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/setgroups'
  [ "$status" -eq 0 ]
  lines_expected=("$(id -u)" "$(id -g)")
  [ "${lines[0]}" = "${lines_expected[0]}" ]
  [ "${lines[1]}" = "${lines_expected[1]}" ]
  [[ ${lines[2]} =~ ^\ *$(id -u)\ +$(id -u)\ +1$ ]]
  [ "${lines[3]}" = deny ]
}

@test "PID 1 is vg-init and the command is its child" {
  run --separate-stderr nsx -- sh -c 'cat /proc/1/comm; echo $$'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = vg-init ]
  [ "${lines[1]}" = 2 ]
}

@test "seccomp denies io_uring_setup and keyctl (EPERM)" {
  run --separate-stderr nsx -- "$PY" -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
for name, nr, args in (("io_uring_setup", 425, (1, 0)), ("keyctl", 250, (0, 0))):
    r = libc.syscall(nr, *args)
    print(name, r, errno.errorcode.get(ctypes.get_errno()))
'
  [ "$status" -eq 0 ]
  [[ $output == *"io_uring_setup -1 EPERM"* ]]
  [[ $output == *"keyctl -1 EPERM"* ]]
}

@test "a Docker-format seccomp profile replaces the built-in filter" {
  cat >"$ROOT/profile.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
JSON
  printf '[sandbox]\nseccomp_profile = %s\n' "$ROOT/profile.json" >"$ROOT/profile.ini"
  run --separate-stderr "$VG" --config "$ROOT/profile.ini" sandbox run --runtime namespace -- mkdir "$WS/denied"
  [ "$status" -ne 0 ]
  [ ! -e "$WS/denied" ]
  run --separate-stderr nsx -- mkdir "$WS/allowed"
  [ "$status" -eq 0 ]
  [ -d "$WS/allowed" ]
}

@test "no capabilities survive, even for root" {
  run --separate-stderr nsx -- sh -c 'grep -E "^Cap(Eff|Prm|Bnd|Amb)" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "$(grep -c ':	0000000000000000' <<<"$output")" = 4 ]
}

@test "a missing vg-init fails closed with a sentence" {
  cp "$VG" "$ROOT/vectra-guard"
  run --separate-stderr "$ROOT/vectra-guard" sandbox run --runtime namespace -- touch "$WS/ran"
  [ "$status" -eq 125 ]
  [[ $stderr == *"vg-init is missing"* ]]
  [ ! -e "$WS/ran" ]
}

@test "sandbox doctor: one line per check, the working runtimes, and --json" {
  run --separate-stderr "$VG" sandbox doctor
  [ "$status" -eq 0 ]
  for name in userns bubblewrap landlock seccomp cgroup overlayfs hidden docker podman; do
    [ "$(grep -cE "^(ok|warn|fail) +$name " <<<"$output")" = 1 ]
  done
  [[ $output == *"runtimes that work here"*namespace* ]]
  run --separate-stderr "$VG" sandbox doctor --json
  [ "$status" -eq 0 ]
  "$PY" -c 'import json,sys; j=json.loads(sys.argv[1]); assert "namespace" in j["runtimes"], j; assert len(j["checks"]) == 9, j' "$output"
  run --separate-stderr "$VG" sandbox doctor --frobnicate
  [ "$status" -eq 1 ]
}

@test "sandbox deps install --dry-run prints the distribution's commands and changes nothing" {
  printf 'ID=debian\nVERSION_ID="12"\n' >"$ROOT/os-release"
  run --separate-stderr env VG_OS_RELEASE="$ROOT/os-release" "$VG" sandbox deps install --dry-run --podman
  [ "$status" -eq 0 ]
  [[ ${lines[-1]} == *"apt-get install -y bubblewrap podman" ]]
  [[ $output != *sysctl* ]]
  printf 'ID=fedora\n' >"$ROOT/os-release"
  run --separate-stderr env VG_OS_RELEASE="$ROOT/os-release" VG_GUARD_BIN="$VG" "${VG_SOURCE_DIR:-$BATS_TEST_DIRNAME/../..}/scripts/install-sandbox-deps.sh" --dry-run
  [ "$status" -eq 0 ]
  [[ $output == *"dnf install -y bubblewrap"* ]]
  printf 'ID=plan9\n' >"$ROOT/os-release"
  run --separate-stderr env VG_OS_RELEASE="$ROOT/os-release" "$VG" sandbox deps install --dry-run
  [ "$status" -eq 1 ]
  [[ $stderr == *"unknown distribution 'plan9'"* ]]
}
