#!/usr/bin/env bats
# The Landlock mode (--runtime landlock): no namespaces, so the shared suites' checks of
# a private /tmp, an own /proc and an own network namespace do not apply; what it does
# enforce is tested here, and what it cannot is checked to be said in --verbose.
bats_require_minimum_version 1.5.0
load sandbox_common
load socket_helpers

setup() {
  sandbox_setup
  abi=$("$PY" -c 'import ctypes; print(ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1))')
  if ((abi < 4)); then
    echo "these tests need Landlock ABI >= 4 (found $abi); 'vectra-guard sandbox doctor' says why" >&2
    return 1
  fi
}
teardown() {
  [[ -n ${HOST_PID:-} ]] && kill "$HOST_PID" 2>/dev/null
  stop_socket_listeners
  sandbox_teardown
}

llx() { "$VG" sandbox run --runtime landlock "$@"; }

@test "the notice names landlock and --verbose says what is not isolated" {
  run --separate-stderr llx --verbose -- true
  [ "$status" -eq 0 ]
  [[ $stderr == *"📦 Running in sandbox (landlock, balanced)."* ]]
  [[ $stderr == *"Enforced: root filesystem read-only (Landlock ABI"* ]]
  [[ $stderr == *"Not enforced: PID namespace"* ]]
  [[ $stderr == *"Not enforced: private /tmp"* ]]
  [[ $stderr == *"Not enforced: network namespace: "* ]]
  [[ $stderr == *"Enforced: UDP, ICMP and socket kinds other than TCP refused (seccomp)"* ]]
  [[ $stderr == *"Not enforced: $WS/.git/hooks read-only"* ]]
}

@test "workspace writes land as the invoking user; writes elsewhere are denied" {
  run --separate-stderr llx -- sh -c "mkdir -p out && echo built > out/result.txt"
  [ "$status" -eq 0 ]
  [ "$(cat "$WS/out/result.txt")" = built ]
  [ "$(stat -c %u "$WS/out/result.txt")" = "$(id -u)" ]
  run --separate-stderr llx -- sh -c "touch '$HOME/outside' || touch '$ROOT/also' || touch /etc/vg-ll-probe || exit 3"
  [ "$status" -eq 3 ]
  [ ! -e "$HOME/outside" ] && [ ! -e "$ROOT/also" ] && [ ! -e /etc/vg-ll-probe ]
}

@test "secrets and VG_HOME are unreadable" {
  run --separate-stderr llx -- sh -c "cat '$HOME/.ssh/id_ed25519'; ls '$HOME/.ssh'; cat '$HOME/.aws/credentials' '$HOME/.netrc' '$HOME/.bash_history' '$VG_HOME/trust.json'"
  [ "$status" -ne 0 ]
  [[ $output != *secret* && $output != *trusted* ]]
  # Names in a hidden directory can be listed (Landlock's list right reaches below ~),
  # never their contents; --verbose says so.
  run --separate-stderr llx --verbose -- true
  [[ $stderr == *"Not enforced: hidden directories"* ]]
}

@test "TMPDIR is the sandbox's own, writable, and removed afterwards" {
  run --separate-stderr llx -- sh -c 'echo t > "$TMPDIR/f" && cat "$TMPDIR/f" && echo "$TMPDIR"'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = t ]
  [[ ${lines[1]} == /tmp/vg-landlock.* ]]
  [ ! -e "${lines[1]}" ]
}

@test "network none denies TCP to the host; full allows it" {
  port=$(test_port)
  "$PY" -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(5); time.sleep(30)" &
  LISTENER_PID=$!
  wait_for_port "$port"
  probe="import socket; socket.create_connection(('127.0.0.1', $port), timeout=3); print('connected')"
  run --separate-stderr llx --network none -- "$PY" -c "$probe"
  [ "$status" -ne 0 ]
  [[ $output != *connected* ]]
  [[ $stderr == *PermissionError* ]]
  run --separate-stderr llx --network full -- "$PY" -c "$probe"
  [ "$status" -eq 0 ]
  [ "$output" = connected ]
}

@test "host processes cannot be signalled (ABI >= 6) or traced" {
  sleep 77 &
  HOST_PID=$!
  run --separate-stderr llx -- sh -c "kill $HOST_PID"
  if ((abi >= 6)); then
    [ "$status" -ne 0 ]
    kill -0 "$HOST_PID"
  fi
  run --separate-stderr llx -- "$PY" -c "
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
r = libc.ptrace(16, $HOST_PID, 0, 0)  # PTRACE_ATTACH
print(r, errno.errorcode.get(ctypes.get_errno()))
print(open('/proc/$HOST_PID/environ').read())"
  [[ $output == *"-1 EPERM"* ]]
  [[ $stderr == *PermissionError* ]]
}

@test "what the command leaves running in its group is stopped; timeout is 124" {
  marker=$((33000 + RANDOM % 1000)).5
  run --separate-stderr llx -- sh -c "sleep $marker & echo started"
  [ "$status" -eq 0 ]
  sleep 0.3
  ! pgrep -f "sleep $marker"
  run --separate-stderr llx --timeout 1 -- sh -c "sleep $marker; echo finished"
  [ "$status" -eq 124 ]
  [[ $output != *finished* ]]
  ! pgrep -f "sleep $marker"
}

@test "seccomp and no capabilities apply as in the other runtimes" {
  run --separate-stderr llx -- "$PY" -c "
import socket
try:
    socket.socket(socket.AF_UNIX); print('unix-allowed')
except PermissionError:
    print('unix-denied')"
  [ "$output" = unix-denied ]
  run --separate-stderr llx -- sh -c 'grep -E "^CapEff" /proc/self/status; grep NoNewPrivs /proc/self/status'
  [[ $output == *"CapEff:	0000000000000000"* ]]
  [[ $output == *"NoNewPrivs:	1"* ]]
}

@test "a seccomp_profile of one's own still leaves UDP and MPTCP refused without --network full" {
  build_socket_probe
  start_udp_listener "$(test_port)"
  printf '{"defaultAction": "SCMP_ACT_ALLOW"}\n' >"$ROOT/allow-all.json"
  printf '[sandbox]\nruntime = landlock\nseccomp_profile = %s\n' "$ROOT/allow-all.json" >"$ROOT/profile.ini"
  run --separate-stderr "$VG" --config "$ROOT/profile.ini" sandbox run --network none -- "$ROOT/socket_probe" udp "$(test_port)"
  sleep 0.2
  [ ! -e "$ROOT/udp-hits" ]  # judged from the host first
  [[ $output == refused* ]]
  run --separate-stderr "$VG" --config "$ROOT/profile.ini" sandbox run --network none -- "$ROOT/socket_probe" mptcp "$(test_port)"
  [[ $output == refused* ]]
  # With the host's network the datagram arrives: the listener works.
  run --separate-stderr "$VG" --config "$ROOT/profile.ini" sandbox run --network full -- "$ROOT/socket_probe" udp "$(test_port)"
  [ "$output" = sent ]
}

@test "memory limit: 600 MiB fails under paranoid" {
  run --separate-stderr llx --security-level paranoid -- "$PY" -c 'b = b"x" * (600 << 20); print("allocated")'
  [ "$status" -ne 0 ]
  [[ $output != *allocated* ]]
}

@test "an unknown command is 127" {
  run -127 --separate-stderr llx -- vg-no-such-command
  [ "$status" -eq 127 ]
  [[ $stderr == *"command not found"* ]]
}
