#!/usr/bin/env bats
# The restricted network: vg-proxy on the host, bridged by vg-init into the sandbox's
# empty network namespace. A loopback test world: an HTTP server on 127.0.0.2 and an
# HTTPS server (self-signed certificate, made here) on 127.0.0.3, reached under test
# names that `resolve` maps to them; a host service on 127.0.0.1 for
# allow_localhost_ports. Runs for bubblewrap, (VG_TEST_RUNTIME=namespace) our own
# runtime, as root and as an ordinary user (nonroot.sh), and (VG_TEST_RUNTIME=landlock)
# the Landlock runtime, where vg-proxy listens on a host loopback port instead.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() {
  sandbox_setup
  for tool in curl openssl; do
    command -v $tool >/dev/null || { echo "$tool is required (scripts/test.sh installs it)" >&2; return 1; }
  done
  BASE=$(test_port)
  PH=$BASE PS=$((BASE + 1)) PL=$((BASE + 2))
  mkdir -p "$ROOT/www" "$ROOT/local"
  echo plain-ok >"$ROOT/www/index.html"
  echo local-ok >"$ROOT/local/index.html"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=secure.test \
    -addext subjectAltName=DNS:secure.test -keyout "$ROOT/key.pem" -out "$ROOT/cert.pem" 2>/dev/null
  chmod a+r "$ROOT/cert.pem"
  WORLD=$BATS_TEST_DIRNAME/proxy_world.py
  "$PY" "$WORLD" 127.0.0.2 "$PH" "$ROOT/www" >"$ROOT/http.out" 2>&1 &
  HTTP_PID=$!
  "$PY" "$WORLD" 127.0.0.3 "$PS" "$ROOT/www" "$ROOT/cert.pem" "$ROOT/key.pem" >"$ROOT/https.out" 2>&1 &
  HTTPS_PID=$!
  "$PY" "$WORLD" 127.0.0.1 "$PL" "$ROOT/local" >"$ROOT/local.out" 2>&1 &
  LISTENER_PID=$!
  for f in http https local; do wait_for_ready "$ROOT/$f.out"; done
  mkdir -p "$XDG_CONFIG_HOME/vectra-guard"
  {
    printf '[sandbox]\n'
    [[ -n ${VG_TEST_RUNTIME:-} ]] && printf 'runtime = %s\n' "$VG_TEST_RUNTIME"
    printf 'network_allow = plain.test:%s, secure.test:%s, denied.test:%s, localhost:%s, 169.254.169.254\n' \
      "$PH" "$PS" "$PH" "$PH"
    printf 'network_deny = denied.test\n'
    printf 'resolve = plain.test:127.0.0.2, secure.test:127.0.0.3, denied.test:127.0.0.2\n'
    printf 'allow_localhost_ports = %s\n' "$PL"
  } >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
}

teardown() {
  [[ -n ${HTTP_PID:-} ]] && kill "$HTTP_PID" 2>/dev/null
  [[ -n ${HTTPS_PID:-} ]] && kill "$HTTPS_PID" 2>/dev/null
  sandbox_teardown
}

wait_for_ready() {
  for _ in $(seq 100); do
    grep -q ready "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "test server did not start: $(cat "$1")" >&2
  return 1
}

# curl inside the sandbox: body on stdout, then the HTTP code on its own line.
in_curl() { sbx --network restricted -- curl -sS -w '\n%{http_code}\n' "$@"; }

@test "an allowed name is reachable over plain HTTP through the proxy" {
  run --separate-stderr in_curl "http://plain.test:$PH/index.html"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = plain-ok ]
  [ "${lines[1]}" = 200 ]
}

@test "an allowed name is reachable over HTTPS (CONNECT), the certificate checked end to end" {
  run --separate-stderr in_curl --cacert "$ROOT/cert.pem" "https://secure.test:$PS/index.html"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = plain-ok ]
  # Without trusting the test's certificate TLS fails: the proxy does not terminate TLS.
  run --separate-stderr in_curl "https://secure.test:$PS/index.html"
  [ "$status" -eq 60 ]
}

@test "a name not in network_allow is refused: 403, one stderr line" {
  run --separate-stderr in_curl "http://other.test:$PH/"
  [ "${lines[-1]}" = 403 ]
  [[ $stderr == *"vectra-guard: network: blocked other.test:$PH (not in network_allow)"* ]]
  run --separate-stderr in_curl "https://other.test/"
  [ "$status" -ne 0 ]
  [[ $stderr == *"vectra-guard: network: blocked other.test:443 (not in network_allow)"* ]]
}

@test "SOCKS5 on the same port: an allowed name connects, the rest is refused the same way" {
  # socks5h: the name goes to the proxy, which resolves and checks it itself.
  run --separate-stderr sbx --network restricted -- sh -c \
    'curl -sS --socks5-hostname "127.0.0.1:${HTTP_PROXY##*:}" "$1"' sh "http://plain.test:$PH/index.html"
  [ "$status" -eq 0 ]
  [ "$output" = plain-ok ]
  run --separate-stderr sbx --network restricted -- sh -c \
    'curl -sS --socks5-hostname "127.0.0.1:${HTTP_PROXY##*:}" "$1"' sh "http://other.test:$PH/"
  [ "$status" -eq 97 ]  # curl: the proxy refused (SOCKS5 reply 2)
  [[ $stderr == *"vectra-guard: network: blocked other.test:$PH (not in network_allow)"* ]]
  # socks5: curl resolves locally (nothing to resolve with inside) or sends a raw address.
  run --separate-stderr sbx --network restricted -- sh -c \
    'curl -sS --socks5 "127.0.0.1:${HTTP_PROXY##*:}" "$1"' sh "http://127.0.0.2:$PH/"
  [ "$status" -ne 0 ]
  [[ $stderr == *"vectra-guard: network: blocked 127.0.0.2:$PH (raw IP address not in network_allow)"* ]]
}

@test "SOCKS5: only CONNECT without authentication is offered" {
  # A raw SOCKS5 client inside the sandbox: BIND gets reply 7, a client that offers only
  # username/password gets 0xFF, a bad version is dropped.
  cat >"$WS/socks.py" <<'PY'
import os, socket, sys
port = int(os.environ["HTTP_PROXY"].rsplit(":", 1)[1])
def talk(data, want):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(data)
    got = b""
    while len(got) < want:
        chunk = s.recv(64)
        if not chunk:
            break
        got += chunk
    s.close()
    return got
name = b"plain.test"
bind = b"\x05\x01\x00" + b"\x05\x02\x00\x03" + bytes([len(name)]) + name + int(sys.argv[1]).to_bytes(2, "big")
print(talk(bind, 12).hex())
print(talk(b"\x05\x01\x02", 2).hex())
print(talk(b"\x04\x01\x00\x50\x7f\x00\x00\x01\x00", 2).hex() or "closed")
PY
  run --separate-stderr sbx --network restricted -- "$PY" socks.py "$PH"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 050005070001000000000000 ]
  [ "${lines[1]}" = 05ff ]
  [ "${lines[2]}" = closed ]
}

@test "vg-proxy confines itself: seccomp filter and no_new_privs (Landlock: tests/unit)" {
  "$VG" sandbox run --network restricted -- sh -c \
    'curl -s -o /dev/null "$1"; echo up > up.txt; sleep 5' sh "http://plain.test:$PH/index.html" 2>/dev/null &
  pid=$!
  wait_for_path "$WS/up.txt"
  proxy=$(pgrep -f -- "--parent $pid --policy" | head -1)
  [ -n "$proxy" ]
  grep -q "^Seccomp:[[:space:]]*2" "/proc/$proxy/status"
  grep -q "^NoNewPrivs:[[:space:]]*1" "/proc/$proxy/status"
  kill "$pid"
  wait "$pid" || true
}

@test "vg-proxy is loaded only at the first connection" {
  # A copy of the build whose vg-proxy notes each start, then runs the real one.
  bin=$ROOT/bin
  mkdir -p "$bin"
  cp "$VG_BIN/vectra-guard" "$VG_BIN/vg-init" "$bin/"
  cp "$VG_BIN/vg-proxy" "$bin/vg-proxy.real"
  printf '#!/bin/sh\necho started >> "%s/proxy-starts"\nexec "%s/vg-proxy.real" "$@"\n' "$ROOT" "$bin" >"$bin/vg-proxy"
  chmod 755 "$bin/vg-proxy"
  run --separate-stderr "$bin/vectra-guard" sandbox run --network restricted -- sh -c 'echo no-network'
  [ "$status" -eq 0 ]
  [ "$output" = no-network ]
  [ ! -e "$ROOT/proxy-starts" ]
  run --separate-stderr "$bin/vectra-guard" sandbox run --network restricted -- sh -c \
    'curl -sS "$1"; curl -sS "$1"' sh "http://plain.test:$PH/index.html"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'plain-ok\nplain-ok')" ]
  [ "$(wc -l <"$ROOT/proxy-starts")" -eq 1 ]
}

# proxy_client.py inside the sandbox, with network_allow extended by $1 for this test.
raw_requests() {
  sed -i "s/^network_allow = /network_allow = $1, /" "$XDG_CONFIG_HOME/vectra-guard/config.ini"
  cp "$BATS_TEST_DIRNAME/proxy_client.py" "$WS/"
  shift
  run --separate-stderr sbx --network restricted -- "$PY" proxy_client.py "$@"
}

@test "a host with a NUL or control character is refused on every protocol: 400, one blocked line" {
  # *.wild.test is allowed; the resolver would read "localhost\0.wild.test" as localhost.
  raw_requests "*.wild.test:$PL" "connect|localhost\\x00.wild.test|$PL" "http|localhost\\x00.wild.test|$PL" \
    "socks|localhost\\x00.wild.test|$PL" "connect|plain\\x01.test|$PH" "http|a\\tb.wild.test|$PL" \
    "connect|Secure.TEST.|$PS" "http|PLAIN.test.|$PH"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = '400 vectra-guard: localhost\x00.wild.test is not a valid host name' ]
  [ "${lines[1]}" = '400 vectra-guard: localhost\x00.wild.test is not a valid host name' ]
  [ "${lines[2]}" = 02 ]
  [ "${lines[3]}" = '400 vectra-guard: plain\x01.test is not a valid host name' ]
  [ "${lines[4]}" = '400 vectra-guard: a\x09b.wild.test is not a valid host name' ]
  # Case and one trailing dot do not matter: the canonical name is allowed and resolved.
  [ "${lines[5]}" = 200 ]
  [ "${lines[6]}" = "200 plain-ok" ]
  [[ $stderr == *'vectra-guard: network: blocked localhost\x00.wild.test:'"$PL (not a valid host name)"* ]]
  [[ $stderr == *'vectra-guard: network: blocked plain\x01.test:'"$PH (not a valid host name)"* ]]
  [ "$(grep -c 'localhost.x00.wild.test' <<<"$stderr")" -eq 1 ]
}

@test "numeric IPv4 forms are addresses: 2130706433, 127.1, 0x7f.1, 0177.0.0.1, ::ffff:127.0.0.1 refused as loopback like 127.0.0.1" {
  # 127.0.0.1 allowed by name: the SSRF guard still refuses it, in every spelling.
  local requests=() want=()
  for form in 127.0.0.1 2130706433 127.1 0x7f.1 0177.0.0.1 0X7F.0.0.1. '[::ffff:127.0.0.1]' '[::ffff:7f00:1]'; do
    requests+=("http|$form|$PH" "connect|$form|$PH" "socks|$form|$PH")
    want+=(403 403 02)
  done
  raw_requests "127.0.0.1:$PH" "${requests[@]}"
  [ "$status" -eq 0 ]
  for i in "${!want[@]}"; do
    [ "${lines[$i]}" = "${want[$i]}" ] || { echo "request ${requests[$i]}: ${lines[$i]}" >&2; false; }
  done
  [[ $stderr == *"vectra-guard: network: blocked 127.0.0.1:$PH (is a loopback address; [sandbox] allow_localhost_ports = $PH opens this port of the host)"* ]]
  [[ $stderr != *2130706433* && $stderr != *0x7f* ]]
}

@test "network_deny wins over network_allow" {
  run --separate-stderr in_curl "http://denied.test:$PH/"
  [ "${lines[-1]}" = 403 ]
  [[ $stderr == *"blocked denied.test:$PH (denied by network_deny)"* ]]
}

@test "a raw IP destination is refused" {
  run --separate-stderr in_curl "http://127.0.0.2:$PH/"
  [ "${lines[-1]}" = 403 ]
  [[ $stderr == *"blocked 127.0.0.2:$PH (raw IP address not in network_allow)"* ]]
}

@test "a port of the host's loopback that is not opened: one line, naming allow_localhost_ports" {
  local port=$((BASE + 3))
  run --separate-stderr in_curl "http://127.0.0.1:$port/"
  [ "${lines[-1]}" = 403 ]
  # The reason is said once, on stderr; the 403 has no body for curl to print again.
  [[ $output != *vectra-guard* ]] || { echo "stdout: $output"; false; }
  [ "$(grep -c "blocked 127.0.0.1:$port" <<<"$stderr")" -eq 1 ] || { echo "stderr: $stderr"; false; }
  [[ $stderr == *"vectra-guard: network: blocked 127.0.0.1:$port (not in allow_localhost_ports; [sandbox] allow_localhost_ports = $port opens this port of the host)"* ]]
}

@test "the cloud metadata address is refused even when network_allow names it" {
  run --separate-stderr in_curl "http://169.254.169.254/latest/meta-data/"
  [ "${lines[-1]}" = 403 ]
  [[ $stderr == *"blocked 169.254.169.254:80 (is a cloud metadata address)"* ]]
}

@test "an allowed name that resolves to loopback (no resolve entry) is refused" {
  run --separate-stderr in_curl "http://localhost:$PH/"
  [ "${lines[-1]}" = 403 ]
  [[ $stderr == *"blocked localhost:$PH (resolves to a loopback address; [sandbox] allow_localhost_ports = $PH opens this port of the host)"* ]]
}

@test "a direct connection that skips the proxy fails" {
  run --separate-stderr sbx --network restricted -- curl -sS --noproxy '*' --max-time 5 "http://127.0.0.2:$PH/"
  [ "$status" -eq 7 ]
  run --separate-stderr sbx --network restricted -- bash -c "exec 3<>/dev/tcp/127.0.0.3/$PS && echo REACHED || echo unreachable"
  [ "$output" = unreachable ]
  if [[ $SBX_RUNTIME == landlock ]]; then
    # No network namespace: Landlock refuses the connect itself.
    run --separate-stderr sbx --network restricted -- "$PY" -c "
import socket
try:
    socket.create_connection(('127.0.0.2', $PH), timeout=5); print('REACHED')
except PermissionError:
    print('denied')"
    [ "$output" = denied ]
  else
    # Only loopback exists inside.
    run --separate-stderr sbx --network restricted -- sh -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
    [ "$output" = lo ]
  fi
}

@test "allow_localhost_ports: the host's port is reachable directly and through the proxy" {
  run --separate-stderr sbx --network restricted -- curl -sS --noproxy '*' "http://127.0.0.1:$PL/index.html"
  [ "$status" -eq 0 ]
  [ "$output" = local-ok ]
  run --separate-stderr in_curl "http://localhost:$PL/index.html"
  [ "${lines[0]}" = local-ok ]
  # Another host loopback port stays closed.
  run --separate-stderr in_curl "http://localhost:$((PL + 7))/"
  [ "${lines[-1]}" = 403 ]
}

@test "the command cannot reach a unix socket: the bridge gives it none and it cannot make one" {
  run --separate-stderr sbx --network restricted -- "$PY" -c "
import os, socket
fds = [f for f in os.listdir('/proc/self/fd') if int(f) > 2]
print('fds', len(fds) - 1)   # the listing's own descriptor
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); print('unix created')
except PermissionError:
    print('unix denied')"
  [ "${lines[0]}" = "fds 0" ]
  [ "${lines[1]}" = "unix denied" ]
}

@test "the proxy variables point at the bridge; --verbose names the allowed hosts" {
  run --separate-stderr sbx --verbose --network restricted -- sh -c 'echo "$HTTPS_PROXY $http_proxy $npm_config_https_proxy $PIP_PROXY $CARGO_HTTP_PROXY [$NO_PROXY]"; git config --get http.proxy'
  url=http://127.0.0.1:3128
  # Landlock: vg-proxy's own port on the host's loopback.
  [[ $SBX_RUNTIME == landlock ]] && url=$(echo "${lines[1]}" | grep -Eo '^http://127\.0\.0\.1:[0-9]+$')
  [ "${lines[0]}" = "$url $url $url $url $url []" ]
  [ "${lines[1]}" = "$url" ]
  [[ $stderr == *"Network: restricted (proxy: 5 allowed hosts)"* ]]
  [[ $stderr == *"host loopback ports $PL"* ]]
}

@test "blocked destinations are in the audit record" {
  export VG_SESSION=proxy-e2e
  run --separate-stderr "$VG" exec --sandbox --network restricted -- curl -s -o /dev/null "http://other.test:$PH/"
  log=$VG_HOME/sessions/proxy-e2e.jsonl
  [ -f "$log" ]
  run "$PY" -c "
import json, sys
e = json.loads(open('$log').read().splitlines()[-1])
print(e['network']); print(e['network_blocked'])"
  [[ ${lines[0]} == "restricted (proxy: 5 allowed hosts)" ]]
  [[ ${lines[1]} == "['other.test:$PH (not in network_allow)']" ]]
}

@test "a large download streams through the proxy intact" {
  head -c $((8 * 1024 * 1024)) /dev/urandom >"$ROOT/www/big.bin"
  want=$(sha256sum <"$ROOT/www/big.bin" | cut -d' ' -f1)
  run --separate-stderr sbx --network restricted -- sh -c "curl -sS http://plain.test:$PH/big.bin | sha256sum"
  [ "$status" -eq 0 ]
  [ "${output%% *}" = "$want" ]
}

@test "a missing vg-proxy fails closed with a sentence; --network none still runs" {
  cp "$VG" "$VG_BIN/vg-init" "$ROOT/"
  run --separate-stderr "$ROOT/vectra-guard" sandbox run --network restricted -- touch "$WS/ran"
  [ "$status" -eq 125 ]
  [[ $stderr == *"vg-proxy is missing next to vectra-guard"* ]]
  [ ! -e "$WS/ran" ]
  run --separate-stderr "$ROOT/vectra-guard" sandbox run --network none -- touch "$WS/ran"
  [ "$status" -eq 0 ]
}
