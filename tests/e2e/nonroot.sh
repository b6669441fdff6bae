#!/usr/bin/env bash
# Runs every tests/e2e/*.bats suite again as an ordinary user (`vgtest`, created if
# missing, its home too): the sandbox must work, and protect, without root. ctest runs this as root
# (RUN_SERIAL); the build and the suites are copied to a world-readable directory first.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${VG_BUILD_DIR:-}
[[ -z $build && -n ${VG_BIN:-} ]] && build=$(dirname "$VG_BIN")
if [[ -z $build || ! -x $build/bin/vectra-guard ]]; then
  echo "nonroot.sh: set VG_BUILD_DIR (or VG_BIN) to a build with bin/vectra-guard" >&2
  exit 1
fi
if [[ $(id -u) != 0 ]]; then
  if [[ ${VG_REQUIRE_ALL:-} == 1 ]]; then
    echo "nonroot.sh: must run as root to create the test user (VG_REQUIRE_ALL=1 forbids skipping)" >&2
    exit 1
  fi
  echo "nonroot.sh: not root, so the non-root pass cannot create its user; run ctest as root" >&2
  exit 0
fi

# shellcheck source=../nonroot_user.bash
. "$here/../nonroot_user.bash"
nonroot_user_ensure || { echo "nonroot.sh: cannot set up the test user (above)." >&2; exit 1; }
user=$nonroot_user user_home=$nonroot_home

work=$(mktemp -d /var/tmp/vg-nonroot.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/build"
cp -a "$build/bin" "$work/build/bin"
[[ -d $build/lib ]] && cp -a "$build/lib" "$work/build/lib"
cp -a "$here" "$work/e2e"
mkdir -p "$work/shell" && cp "$here/../shell/pty_drive.py" "$work/shell/"  # the pty driver some suites use
rm -f "$work/e2e/nonroot.sh"
chmod -R a+rX "$work"

suites=("$work"/e2e/*.bats)
if ((${#suites[@]} == 0)) || [[ ! -e ${suites[0]} ]]; then
  echo "nonroot.sh: no bats suites found in $here" >&2
  exit 1
fi

cd "$work"
failed=()
for suite in "${suites[@]}"; do
  name=$(basename "$suite")
  echo "# as $user: $name"
  if ! runuser -u "$user" -- env -i \
      HOME="$user_home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
      PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TERM="${TERM:-dumb}" \
      VG_BIN="$work/build/bin" VG_BUILD_DIR="$work/build" VG_SOURCE_DIR="${VG_SOURCE_DIR:-}" \
      VG_REQUIRE_ALL="${VG_REQUIRE_ALL:-}" \
      bats --tap "$suite"; then
    failed+=("$name")
  fi
done

# The sandbox suites once more against the namespace runtime and the Landlock mode.
for runtime in namespace landlock; do
for suite in "$work"/e2e/sandbox_{cli,fs,git,net,process,proxy}.bats; do
  name="$(basename "$suite") ($runtime)"
  echo "# as $user: $name"
  if ! runuser -u "$user" -- env -i \
      HOME="$user_home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
      PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TERM="${TERM:-dumb}" \
      VG_BIN="$work/build/bin" VG_BUILD_DIR="$work/build" VG_TEST_RUNTIME=$runtime \
      VG_REQUIRE_ALL="${VG_REQUIRE_ALL:-}" \
      bats --tap "$suite"; then
    failed+=("$name")
  fi
done
done

if ((${#failed[@]})); then
  echo "nonroot.sh: failed as $user: ${failed[*]}" >&2
  exit 1
fi
echo "nonroot.sh: all ${#suites[@]} suites passed as $user"
