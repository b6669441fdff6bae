#!/usr/bin/env bats
# Network modes: none (empty namespace, loopback up), full (host network), restricted
# (empty namespace plus the allow-listing proxy: tests/e2e/sandbox_proxy.bats).
bats_require_minimum_version 1.5.0
load sandbox_common
load socket_helpers

setup() {
  sandbox_setup
  PORT=$(test_port)
  echo served >"$ROOT/index.html"
  "$PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT" >/dev/null 2>&1 &
  LISTENER_PID=$!
  wait_for_port "$PORT"
}
teardown() {
  stop_socket_listeners
  sandbox_teardown
}

probe_port() { echo "exec 3<>/dev/tcp/127.0.0.1/$PORT && echo REACHED || echo unreachable"; }

@test "host loopback is unreachable with --network none" {
  run --separate-stderr sbx --network none -- bash -c "$(probe_port)"
  [ "$output" = unreachable ]
}

@test "loopback inside works with --network none" {
  if [[ $SBX_RUNTIME == landlock ]]; then
    # No network namespace: TCP is cut entirely, loopback included.
    run --separate-stderr sbx --network none -- bash -c "(exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && echo reached || echo cut"
    [ "$output" = cut ]
    declares_not_enforced "network namespace" --network none
    return
  fi
  run --separate-stderr sbx --network none -- bash -c "
    '$PY' -m http.server 18080 --bind 127.0.0.1 >/dev/null 2>&1 &
    for i in \$(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/18080) 2>/dev/null && { echo up; exit 0; }; sleep 0.1; done; echo down"
  [ "$output" = up ]
}

@test "--network full reaches the host network" {
  run --separate-stderr sbx --network full -- "$PY" -c "
import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$PORT/index.html').read().decode().strip())"
  [ "$status" -eq 0 ]
  [ "$output" = served ]
}

@test "restricted: the host loopback is unreachable directly (only the proxy is; sandbox_proxy.bats)" {
  run --separate-stderr sbx --verbose --network restricted -- bash -c "$(probe_port)"
  [ "$output" = unreachable ]
  [[ $stderr == *"Network: restricted (proxy: "* ]]
}

@test "paranoid has no network by default, permissive has the host's" {
  run --separate-stderr sbx --security-level paranoid -- bash -c "$(probe_port)"
  [ "$output" = unreachable ]
  run --separate-stderr sbx --security-level permissive -- bash -c "$(probe_port)"
  [ "$output" = REACHED ]
}

@test "only loopback exists with none" {
  if [[ $SBX_RUNTIME == landlock ]]; then
    declares_not_enforced "network namespace: the host's network is visible" --network none
    return
  fi
  run --separate-stderr sbx --network none -- sh -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
  [ "$output" = lo ]
}

# The socket kinds a network mode allows are an allowlist (sandbox/socket_policy.cc),
# judged here from the host: the listeners record whatever reaches them.

@test "a unix socket made with garbage in the family's upper half is refused; the host listener sees nothing" {
  build_socket_probe
  # In the scratch root, outside the workspace: visible read-only, which does not stop connect().
  start_unix_listener "$ROOT/host.sock"
  local said=
  for net in none full; do
    run --separate-stderr sbx --network "$net" -- "$ROOT/socket_probe" unix "$ROOT/host.sock"
    said+="$output "
  done
  sleep 0.2
  [ ! -e "$ROOT/unix-hits" ]  # judged from the host first
  [ "$said" = "refused refused " ]
}

@test "MPTCP sockets are refused in every network mode; nothing reaches the host" {
  build_socket_probe
  start_tcp_listener $((PORT + 1))
  local said=
  for net in none restricted full; do
    run --separate-stderr sbx --network "$net" -- "$ROOT/socket_probe" mptcp $((PORT + 1))
    said+="$output,"
  done
  [ ! -e "$ROOT/tcp-hits" ]
  [ "$said" = "refused Protocol not supported,refused Protocol not supported,refused Protocol not supported," ]
}

@test "no UDP datagram leaves a sandbox without network; with --network full it does" {
  build_socket_probe
  start_udp_listener "$PORT"
  local said=
  for net in none restricted; do
    run --separate-stderr sbx --network "$net" -- "$ROOT/socket_probe" udp "$PORT"
    [ "$status" -eq 0 ]
    said+="$output "
  done
  sleep 0.3
  [ ! -e "$ROOT/udp-hits" ]
  # Landlock shares the host's network, so UDP is refused there; elsewhere it stays in
  # the sandbox's own network namespace.
  if [[ $SBX_RUNTIME == landlock ]]; then [[ $said == "refused "*"refused "* ]]; fi
  # The listener works: the host's network lets the datagram through.
  run --separate-stderr sbx --network full -- "$ROOT/socket_probe" udp "$PORT"
  [ "$output" = sent ]
  wait_for_path "$ROOT/udp-hits"
  [ "$(cat "$ROOT/udp-hits")" = udp-canary ]
}
