#!/usr/bin/env bats
# Package caches in the sandbox: a real npm against a registry served on 127.0.0.1 by
# npm_registry.py from a package this test packs. The first sandboxed install (network
# full, to reach the host's loopback) fills the host's cache; the second, in a fresh
# sandbox with no network, installs offline from it. Credentials next to caches stay
# unreadable. Every test runs for bubblewrap and for the namespace runtime.
bats_require_minimum_version 1.5.0
load sandbox_common

RUNTIMES=(bubblewrap namespace)

setup() {
  sandbox_setup
  if ! command -v npm >/dev/null; then
    [[ ${VG_REQUIRE_ALL:-} == 1 ]] && { echo "npm is required (VG_REQUIRE_ALL=1)" >&2; return 1; }
    skip "npm is not installed"
  fi
  make_npm_package vg-cache-demo
  start_registry
}
teardown() { sandbox_teardown; }

start_registry() {
  "$PY" "$BATS_TEST_DIRNAME/npm_registry.py" "$ROOT/reg" "$ROOT/port" "$ROOT/requests.log" &
  LISTENER_PID=$!
  wait_for_path "$ROOT/port"
  PORT=$(cat "$ROOT/port")
  REGISTRY=http://127.0.0.1:$PORT/
}

stop_registry() {
  kill "$LISTENER_PID"
  wait "$LISTENER_PID" 2>/dev/null || true
  LISTENER_PID=
}

# sbx_install RUNTIME NETWORK [NPM-OPTION...]: npm install of the demo package in the
# workspace, from the sandbox.
sbx_install() {
  local rt=$1 net=$2
  shift 2
  "$VG" sandbox run --runtime "$rt" --network "$net" -- \
    npm install --registry "$REGISTRY" --no-audit --no-fund --no-update-notifier "$@" vg-cache-demo
}

clean_workspace() { rm -rf "$WS/node_modules" "$WS/package.json" "$WS/package-lock.json"; }

# The first install fills CACHE on the host; the second, in a fresh sandbox, has no
# network and no registry and still installs, from CACHE.
install_twice() {
  local rt=$1 cache=$2
  run ! grep -rqs vg-cache-demo "$cache/_cacache/index-v5"
  run --separate-stderr sbx_install "$rt" full
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ $stderr == *"($rt, balanced, cached)."* ]]
  [ -f "$WS/node_modules/vg-cache-demo/index.js" ]
  grep -q 'vg-cache-demo-1.0.0.tgz' "$ROOT/requests.log"
  grep -rqs vg-cache-demo "$cache/_cacache/index-v5"
  [ "$(stat -c %u "$cache/_cacache")" = "$(id -u)" ]

  clean_workspace
  stop_registry
  run --separate-stderr sbx_install "$rt" none --offline
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ -f "$WS/node_modules/vg-cache-demo/index.js" ]
  run node -p 'require(process.argv[1])' "$WS/node_modules/vg-cache-demo"
  [ "$output" = "vg-cache-demo works" ]
}

@test "bubblewrap: the first install fills ~/.npm, a fresh offline sandbox installs from it" {
  mkdir -p "$HOME/.npm"
  install_twice bubblewrap "$HOME/.npm"
}

@test "npm's first run on a home without ~/.npm: the cache is made (the user's, 0755) and used" {
  [ ! -e "$HOME/.npm" ]
  run --separate-stderr sbx_install bubblewrap full
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ $stderr == *"(bubblewrap, balanced, cached)."* ]]
  [ -f "$WS/node_modules/vg-cache-demo/index.js" ]
  [ "$(stat -c '%u %a' "$HOME/.npm")" = "$(id -u) 755" ]
  grep -rqs vg-cache-demo "$HOME/.npm/_cacache/index-v5"
}

@test "namespace: the same with the cache moved by npm_config_cache" {
  mkdir -p "$ROOT/npm-cache"
  export npm_config_cache=$ROOT/npm-cache
  install_twice namespace "$ROOT/npm-cache"
  [ ! -e "$HOME/.npm/_cacache" ]
}

@test "with enable_cache = false the sandbox's downloads never reach the host's cache" {
  mkdir -p "$HOME/.npm"
  printf '[sandbox]\nenable_cache = false\n' >"$ROOT/nocache.ini"
  for rt in "${RUNTIMES[@]}"; do
    # The namespace runtime's root is writable (changes discarded), so npm may even
    # succeed there; either way nothing it downloads may land in the host's ~/.npm.
    run --separate-stderr "$VG" --config "$ROOT/nocache.ini" sandbox run --runtime "$rt" --network full -- \
      npm install --registry "$REGISTRY" --no-audit --no-fund --no-update-notifier vg-cache-demo
    echo "$rt without caches: status $status: $stderr"
    [[ $stderr == *"($rt, balanced)."* ]]
    grep -q vg-cache-demo "$ROOT/requests.log"  # it did reach the registry
    [ ! -e "$HOME/.npm/_cacache" ]
    clean_workspace
  done
  # The same install with caches on does fill it.
  run sbx_install bubblewrap full
  [ "$status" -eq 0 ]
  grep -rqs vg-cache-demo "$HOME/.npm/_cacache/index-v5"
}

@test "credentials next to caches are unreadable inside, the caches themselves writable" {
  mkdir -p "$HOME/.npm" "$HOME/.cargo/registry" "$HOME/.m2/repository" "$HOME/.gradle/caches" "$HOME/.gem"
  echo "//registry.test/:_authToken=npm-secret" >"$HOME/.npmrc"
  echo 'token = "cargo-secret"' >"$HOME/.cargo/credentials.toml"
  echo '<settings><servers><server><password>maven-secret</password></server></servers></settings>' >"$HOME/.m2/settings.xml"
  echo 'repoPassword=gradle-secret' >"$HOME/.gradle/gradle.properties"
  echo ':rubygems_api_key: gem-secret' >"$HOME/.gem/credentials"
  for rt in "${RUNTIMES[@]}"; do
    run --separate-stderr "$VG" sandbox run --runtime "$rt" --network none -- sh -c "
      cat '$HOME/.npmrc' '$HOME/.cargo/credentials.toml' '$HOME/.m2/settings.xml' \
          '$HOME/.gradle/gradle.properties' '$HOME/.gem/credentials'
      for d in .npm .cargo/registry .m2/repository .gradle/caches .gem; do echo $rt > \"$HOME/\$d/written\" || exit 3; done"
    echo "$rt: $output / $stderr"
    [[ $output != *secret* ]]
    [ "$status" -eq 0 ]
    for d in .npm .cargo/registry .m2/repository .gradle/caches .gem; do
      [ "$(cat "$HOME/$d/written")" = "$rt" ]
    done
    # Overwriting a credential from inside does not reach the host.
    run "$VG" sandbox run --runtime "$rt" --network none -- sh -c "echo planted > '$HOME/.gem/credentials'"
    [ "$(cat "$HOME/.gem/credentials")" = ':rubygems_api_key: gem-secret' ]
  done
  # The rest of CARGO_HOME is not writable: only registry/ and git/ are caches.
  run "$VG" sandbox run --runtime bubblewrap --network none -- sh -c "echo x > '$HOME/.cargo/config.toml'"
  [ "$status" -ne 0 ]
  [ ! -e "$HOME/.cargo/config.toml" ]
}

@test "--verbose lists the caches, the exec audit event records them, paranoid mounts none" {
  mkdir -p "$HOME/.npm" "$HOME/.cache/pip"
  for rt in "${RUNTIMES[@]}"; do
    run --separate-stderr "$VG" sandbox run --runtime "$rt" --network none --verbose -- true
    [ "$status" -eq 0 ]
    [[ $stderr == *"($rt, balanced, cached)."* ]]
    [[ $stderr == *"Cache: npm $HOME/.npm (read-write)"* ]]
    [[ $stderr == *"Cache: pip $HOME/.cache/pip (read-write)"* ]]

    run --separate-stderr "$VG" sandbox run --runtime "$rt" --security-level paranoid -- sh -c "touch '$HOME/.npm/p'"
    [[ $stderr != *cached* ]]
    [ ! -e "$HOME/.npm/p" ]
  done

  export VG_SESSION=cache-e2e
  printf '[sandbox]\nruntime = namespace\nnetwork_mode = none\n' >"$ROOT/exec.ini"
  run --separate-stderr "$VG" --config "$ROOT/exec.ini" exec --sandbox -- true
  [ "$status" -eq 0 ]
  [[ $stderr == *"(namespace, balanced, cached)."* ]]
  run "$PY" -c 'import json,sys; e=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print("\n".join(e["caches"]))' \
    "$VG_HOME/sessions/cache-e2e.jsonl"
  [ "$status" -eq 0 ]
  [[ $output == *"npm $HOME/.npm"* ]]
  [[ $output == *"pip $HOME/.cache/pip"* ]]
}
