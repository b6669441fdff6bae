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

# Mode, owner, times and xattrs of a file: "%a %u %g %Y %z" plus its user.vg xattr.
meta_of() {
  echo "$(stat -c '%a %u %g %Y %z' "$1") $("$PY" -c 'import os, sys
try: print(os.getxattr(sys.argv[1], "user.vg"))
except OSError: print("-")' "$1")"
}

@test "metadata outside the writable paths is refused: chmod, chown, touch -d, xattrs" {
  canary=$ROOT/canary
  echo canary >"$canary"
  chmod 644 "$canary"
  chmod 600 "$HOME/.ssh/id_ed25519"
  chmod 700 "$VG_HOME"
  before=$(meta_of "$canary")
  key_before=$(meta_of "$HOME/.ssh/id_ed25519")
  vghome_before=$(stat -c '%a %z' "$VG_HOME")
  sleep 0.05  # a change would show in the ctime
  run --separate-stderr llx -- "$PY" -c "
import os
def attempt(what, f):
    try:
        f(); print(what, 'changed')
    except OSError as e:
        print(what, 'refused', e.errno)
c = '$canary'
attempt('chmod', lambda: os.chmod(c, 0o4777))
attempt('chown', lambda: os.chown(c, os.getuid(), os.getgid()))
attempt('utime', lambda: os.utime(c, (86400, 86400)))
attempt('setxattr', lambda: os.setxattr(c, 'user.vg', b'1'))
attempt('acl', lambda: os.setxattr(c, 'system.posix_acl_access', b'\x02\x00\x00\x00\x01\x00\x06\x00\xff\xff\xff\xff\x04\x00\x06\x00\xff\xff\xff\xff\x20\x00\x06\x00\xff\xff\xff\xff'))
attempt('key', lambda: os.chmod('$HOME/.ssh/id_ed25519', 0o644))
attempt('vghome', lambda: os.chmod('$VG_HOME', 0o777))
fd = os.open(c, os.O_RDONLY)
attempt('fchmod', lambda: os.fchmod(fd, 0o777))
attempt('procfd', lambda: os.chmod('/proc/self/fd/%d' % fd, 0o777))
attempt('futimens', lambda: os.utime(fd, (86400, 86400)))
attempt('fchown', lambda: os.fchown(fd, os.getuid(), os.getgid()))
os.symlink(c, 'link-out')
attempt('via-symlink', lambda: os.chmod('link-out', 0o777))
attempt('dotdot', lambda: os.chmod('../../canary', 0o777))
d = os.open('$ROOT', os.O_PATH)
attempt('dirfd', lambda: os.chmod('canary', 0o777, dir_fd=d))
"
  echo "$output"
  [[ $output != *changed* ]]
  [ "$(grep -c refused <<<"$output")" -eq 14 ]
  [ "$(meta_of "$canary")" = "$before" ]
  [ "$(meta_of "$HOME/.ssh/id_ed25519")" = "$key_before" ]
  [ "$(stat -c '%a %z' "$VG_HOME")" = "$vghome_before" ]
  # The same with the usual tools.
  run --separate-stderr llx -- sh -c "chmod u+s '$canary'; chown \"\$(id -u):\$(id -g)\" '$canary'; touch -d 2001-01-01 '$canary'; exit 0"
  [[ $stderr == *"Operation not permitted"* ]]
  [ "$(meta_of "$canary")" = "$before" ]
}

@test "metadata inside the workspace and TMPDIR still changes: chmod +x, touch -d, cp -p, xattrs" {
  printf '#!/bin/sh\necho ran\n' >"$WS/script.sh"
  chmod 644 "$WS/script.sh"
  echo data >"$WS/data"
  run --separate-stderr llx -- sh -c '
chmod +x script.sh && ./script.sh &&
touch -d 2001-01-01 data && chmod 640 data && cp -p data copy &&
ln -s data link && chmod 600 link &&
cp -p data "$TMPDIR/t" && touch -d 2002-02-02 "$TMPDIR/t" && stat -c "%a %y" "$TMPDIR/t" | cut -c1-14 &&
"$0" -c "import os; os.setxattr(\"data\", \"user.vg\", b\"kept\"); os.setxattr(\"data\", \"user.tmp\", b\"x\"); os.removexattr(\"data\", \"user.tmp\")"' "$PY"
  [ "$status" -eq 0 ]
  echo "$output $stderr"
  [ "${lines[0]}" = ran ]
  [ "${lines[1]}" = "600 2002-02-02" ]
  [ "$(stat -c '%a %y' "$WS/data" | cut -c1-14)" = "600 2001-01-01" ]
  [ "$(stat -c '%a %y' "$WS/copy" | cut -c1-14)" = "640 2001-01-01" ]
  [ "$("$PY" -c 'import os; print(os.getxattr("data", "user.vg").decode())')" = kept ]
}

@test "only the command's own terminal can be opened, not the user's other terminals" {
  run --separate-stderr "$PY" - "$VG" <<'PYEOF'
import os, pty, sys
m, s = os.openpty()              # another terminal window of the user's
other = os.ttyname(s)
pid, fd = pty.fork()             # the command's own terminal
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "sandbox", "run", "--runtime", "landlock", "--", "sh", "-c",
        'echo own >"$(tty)" && echo own-ok; (echo typed >%s) 2>/dev/null && echo other-written;'
        ' (exec 3<%s) 2>/dev/null && echo other-opened; echo done' % (other, other)])
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
os.set_blocking(m, False)
try:
    leaked = os.read(m, 100)
except BlockingIOError:
    leaked = b""
print(out.decode(errors="replace"))
print("leaked:", leaked)
PYEOF
  echo "$output"
  [[ $output == *own-ok* ]]
  [[ $output == *done* ]]
  [[ $output != *other-written* && $output != *other-opened* ]]
  [[ $output == *"leaked: b''"* ]]
}

@test "a process of another architecture (int 0x80) cannot change metadata either" {
  [[ $(uname -m) == x86_64 ]] || return 0  # int 0x80 is x86's
  canary=$ROOT/canary32
  echo canary >"$canary"
  chmod 644 "$canary"
  # i386 chmod(15) through int 0x80, from a 64-bit process: path and stub below 4 GiB.
  run --separate-stderr llx -- "$PY" -c "
import ctypes, mmap
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
page = libc.mmap(None, 4096, 7, 0x22 | 0x40, -1, 0)  # rwx, private|anonymous|MAP_32BIT
path = b'$canary\0'
ctypes.memmove(page + 64, path, len(path))
# push rbx; mov eax,15; mov ebx,page+64; mov ecx,0o4777; int 0x80; pop rbx; ret
code = b'\x53\xb8\x0f\x00\x00\x00' + b'\xbb' + (page + 64).to_bytes(4, 'little') + b'\xb9\xff\x09\x00\x00' + b'\xcd\x80\x5b\xc3'
ctypes.memmove(page, code, len(code))
print(ctypes.CFUNCTYPE(ctypes.c_int)(page)())"
  echo "$output $stderr"
  [ "$output" = -1 ]
  [ "$(stat -c %a "$canary")" = 644 ]
}
