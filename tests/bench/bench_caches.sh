#!/usr/bin/env bash
# Package caches: the first sandboxed `npm install` (empty cache, downloads from a
# registry) next to the second one in a fresh sandbox (cache filled by the first; once
# online with npm revalidating its metadata, once with no network and --offline).
# The registry is tests/e2e/npm_registry.py on 127.0.0.1 serving generated packages;
# VG_REGISTRY_DELAY_MS (default 30) delays each answer like a registry on the internet.
# Prints a table; asserts nothing.
#   tests/bench/bench_caches.sh [BUILD_DIR]      (default: build)
#   VG_BENCH_RUNS=3 VG_BENCH_PACKAGES=40 VG_BENCH_PACKAGE_KIB=256
#   VG_BENCH_RUNTIMES="host bubblewrap namespace"   (host: npm without vectra-guard, for reference)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
vg=$build/bin/vectra-guard
[[ -x $vg ]] || { echo "bench_caches.sh: build first ($vg is missing)" >&2; exit 1; }
command -v npm >/dev/null || { echo "bench_caches.sh: npm is not installed" >&2; exit 1; }
py=$(command -v /usr/bin/python3 || command -v python3)
runs=${VG_BENCH_RUNS:-3}
packages=${VG_BENCH_PACKAGES:-40}
kib=${VG_BENCH_PACKAGE_KIB:-256}
runtimes=${VG_BENCH_RUNTIMES:-host bubblewrap namespace}
export VG_REGISTRY_DELAY_MS=${VG_REGISTRY_DELAY_MS:-30}

work=$(mktemp -d /var/tmp/vg-bench-caches.XXXXXX)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export HOME=$work/home VG_HOME=$work/vghome
unset npm_config_cache NPM_CONFIG_CACHE
mkdir -p "$HOME" "$work/reg" "$work/ws"

# vg-bench-app depending on vg-bench-dep-1..N, each with KIB of incompressible data.
"$py" - "$work/reg" "$packages" "$kib" <<'PY'
import base64, hashlib, io, json, os, sys, tarfile
reg, n, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def publish(name, deps, size):
    manifest = {"name": name, "version": "1.0.0", "main": "index.js", "dependencies": deps}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for fname, data in (("package.json", json.dumps(manifest).encode()),
                            ("index.js", b"module.exports = 1;\n"),
                            ("data.bin", os.urandom(size))):
            info = tarfile.TarInfo("package/" + fname)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    tgz = buf.getvalue()
    fname = "%s-1.0.0.tgz" % name
    open(os.path.join(reg, fname), "wb").write(tgz)
    dist = {"tarball": "@TARBALL_BASE@" + fname, "shasum": hashlib.sha1(tgz).hexdigest(),
            "integrity": "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()}
    doc = {"name": name, "dist-tags": {"latest": "1.0.0"},
           "versions": {"1.0.0": dict(manifest, dist=dist)}}
    json.dump(doc, open(os.path.join(reg, name + ".json"), "w"))
deps = {}
for i in range(1, n + 1):
    publish("vg-bench-dep-%d" % i, {}, kib * 1024)
    deps["vg-bench-dep-%d" % i] = "1.0.0"
publish("vg-bench-app", deps, 1024)
PY

"$py" "$root/tests/e2e/npm_registry.py" "$work/reg" "$work/port" "$work/requests.log" &
server=$!
for _ in $(seq 50); do [[ -e $work/port ]] && break; sleep 0.1; done
registry=http://127.0.0.1:$(cat "$work/port")/

# seconds, with ms resolution, for one sandboxed install into a clean workspace
install_s() {
  local rt=$1 net=$2
  shift 2
  rm -rf "$work/ws/node_modules" "$work/ws/package.json" "$work/ws/package-lock.json"
  local start end
  start=$(date +%s%N)
  local -a prefix=("$vg" sandbox run --runtime "$rt" --network "$net" --)
  [[ $rt == host ]] && prefix=()  # npm alone, for reference
  (cd "$work/ws" && "${prefix[@]}" \
    npm install --registry "$registry" --no-audit --no-fund --no-update-notifier "$@" vg-bench-app) \
    >/dev/null 2>"$work/err" || { echo "bench_caches.sh: install failed ($rt, network $net):" >&2; cat "$work/err" >&2; exit 1; }
  [[ -f $work/ws/node_modules/vg-bench-dep-$packages/data.bin ]] || { echo "bench_caches.sh: install incomplete" >&2; exit 1; }
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1e9 }'
}
mean() { awk '{ s += $1 } END { printf "%.2f", s / NR }'; }

printf 'npm install of 1 + %d packages (%d KiB each) from a loopback registry answering after %d ms; mean of %d runs\n\n' \
  "$packages" "$kib" "$VG_REGISTRY_DELAY_MS" "$runs"
printf '| Runtime | First install, empty cache [s] | Second, cache, network full [s] | Second, cache, no network, --offline [s] | Speed-up (offline) |\n'
printf '|:---|---:|---:|---:|---:|\n'
for rt in $runtimes; do
  : >"$work/first"; : >"$work/second"; : >"$work/offline"
  for ((r = 0; r < runs; r++)); do
    rm -rf "$HOME/.npm"
    mkdir -p "$HOME/.npm"  # caches are mounted only when they exist
    install_s "$rt" full >>"$work/first"; echo >>"$work/first"
    install_s "$rt" full >>"$work/second"; echo >>"$work/second"
    install_s "$rt" none --offline >>"$work/offline"; echo >>"$work/offline"
  done
  first=$(mean <"$work/first")
  second=$(mean <"$work/second")
  offline=$(mean <"$work/offline")
  printf '| %s | %s | %s | %s | %s× |\n' "$rt" "$first" "$second" "$offline" \
    "$(awk -v a="$first" -v b="$offline" 'BEGIN { printf "%.1f", a / b }')"
done
