#!/usr/bin/env bash
# Container runner cost: `vectra-guard sandbox run --runtime podman -- true` cold (a new
# container per command) and warm (reuse = true: `podman exec` into the kept container),
# next to raw `podman run --rm` and the bubblewrap runner, measured in the same run.
# Prints a table; asserts nothing.
#   tests/bench/bench_container.sh [BUILD_DIR]      (default: build)
#   VG_BENCH_RUNS=N (default 20)   VG_BENCH_IMAGE=NAME (default: a busybox image built here)
# Without CONTAINERS_CONF set, this machine's podman settings (runc, cgroupfs, explicit
# ulimits) are written to a temporary containers.conf, as the e2e suite does.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
vg=$build/bin/vectra-guard
[[ -x $vg ]] || { echo "bench_container.sh: build first ($vg is missing)" >&2; exit 1; }
command -v podman >/dev/null || { echo "bench_container.sh: podman is not installed" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench_container.sh: hyperfine is not installed" >&2; exit 1; }

work=$(mktemp -d /var/tmp/vg-bench.XXXXXX)
cleanup() {
  podman ps -a --filter label=vectra-guard.warm=1 --format '{{.Names}}' | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
if [[ -z ${CONTAINERS_CONF:-} ]]; then
  export CONTAINERS_CONF=$work/containers.conf
  printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' \
    >"$CONTAINERS_CONF"
fi
image=${VG_BENCH_IMAGE:-localhost/vg-test:2}
if ! podman image exists "$image"; then
  command -v busybox >/dev/null || { echo "bench_container.sh: $image is missing and busybox-static is not installed" >&2; exit 1; }
  rootfs=$work/rootfs
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,dev,sys}
  chmod 1777 "$rootfs/tmp"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  tar -C "$rootfs" -cf "$work/rootfs.tar" .
  podman import "$work/rootfs.tar" "$image" >/dev/null
fi

mkdir -p "$work/ws" "$work/config"
cd "$work/ws"
export VG_HOME=$work/vghome XDG_CONFIG_HOME=$work/config
printf '[sandbox]\nimage = %s\n' "$image" >"$work/cold.ini"
printf '[sandbox]\nimage = %s\nreuse = true\n' "$image" >"$work/warm.ini"
"$vg" sandbox run --runtime bubblewrap -- true 2>/dev/null  # probe cached, as in real use

runs=${VG_BENCH_RUNS:-20}
hyperfine -N --warmup 3 --runs "$runs" --style basic --export-markdown "$work/table.md" \
  -n "raw podman run --rm --network=none" "podman run --rm --network=none $image true" \
  -n "sandbox run --runtime podman (cold)" "$vg --config $work/cold.ini sandbox run --runtime podman -- true" \
  -n "sandbox run --runtime podman, reuse (warm exec)" "$vg --config $work/warm.ini sandbox run --runtime podman -- true" \
  -n "sandbox run --runtime bubblewrap" "$vg sandbox run --runtime bubblewrap -- true" \
  >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
cat "$work/table.md"
echo "podman $(podman --version | awk '{print $3}'), $( [[ $(id -u) == 0 ]] && echo rootful || echo rootless ), image $image, $runs runs each"
