# Helpers for the socket-kind tests (sandbox_net.bats, sandbox_container.bats): a static
# probe that runs in every runtime (the podman test image has no libc), and host-side
# listeners that record every connection or datagram they get, so a test judges from
# the host whether anything crossed.

# $ROOT/socket_probe, built from socket_probe.c.
build_socket_probe() {
  gcc -O1 -static -o "$ROOT/socket_probe" "$BATS_TEST_DIRNAME/socket_probe.c"
}

# A unix stream listener at $1 on the host; each connection appends a line to $ROOT/unix-hits.
start_unix_listener() {
  "$PY" -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(5)
while True:
    c, _ = s.accept()
    with open(sys.argv[2], 'ab') as f: f.write(b'connection ' + c.recv(100) + b'\n')
    c.close()" "$1" "$ROOT/unix-hits" &
  SOCKET_LISTENERS+=" $!"
  wait_for_path "$1"
}

# A UDP listener on 127.0.0.1:$1 on the host; each datagram appends a line to $ROOT/udp-hits.
start_udp_listener() {
  "$PY" -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', int(sys.argv[1])))
open(sys.argv[2] + '.up', 'w').close()
while True:
    d, _ = s.recvfrom(100)
    with open(sys.argv[2], 'ab') as f: f.write(d + b'\n')" "$1" "$ROOT/udp-hits" &
  SOCKET_LISTENERS+=" $!"
  wait_for_path "$ROOT/udp-hits.up"
}

# A TCP listener on 127.0.0.1:$1 on the host; each connection appends a line to $ROOT/tcp-hits.
start_tcp_listener() {
  "$PY" -c "
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(5)
open(sys.argv[2] + '.up', 'w').close()
while True:
    c, _ = s.accept()
    with open(sys.argv[2], 'ab') as f: f.write(b'connection\\n')
    c.close()" "$1" "$ROOT/tcp-hits" &
  SOCKET_LISTENERS+=" $!"
  wait_for_path "$ROOT/tcp-hits.up"
}

stop_socket_listeners() {
  local pid
  for pid in ${SOCKET_LISTENERS:-}; do kill "$pid" 2>/dev/null; done
  SOCKET_LISTENERS=
}
