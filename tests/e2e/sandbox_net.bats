#!/usr/bin/env bats
# Network modes: none (empty namespace, loopback up), full (host network), restricted
# (empty namespace plus the allow-listing proxy: tests/e2e/sandbox_proxy.bats).
bats_require_minimum_version 1.5.0
load sandbox_common

setup() {
  sandbox_setup
  PORT=$(test_port)
  echo served >"$ROOT/index.html"
  "$PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT" >/dev/null 2>&1 &
  LISTENER_PID=$!
  wait_for_port "$PORT"
}
teardown() { sandbox_teardown; }

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
    declares_not_enforced "network namespace: UDP and ICMP still reach the host's network" --network none
    return
  fi
  run --separate-stderr sbx --network none -- sh -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
  [ "$output" = lo ]
}
