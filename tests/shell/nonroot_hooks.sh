#!/usr/bin/env bash
# The shell hook suites again as an ordinary user (`vgtest`, see tests/nonroot_user.bash):
# real bash, zsh and fish on a pty, hooked by install-shell-wrapper.sh, without root.
# ctest runs this as root; the sources and the parts of the build that `cmake --install`
# reads are copied to a world-readable directory, their absolute paths rewritten.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${VG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
build=${VG_BUILD_DIR:-}
[[ -z $build && -n ${VG_BIN:-} ]] && build=$(dirname "$VG_BIN")
if [[ -z $build || ! -x $build/bin/vectra-guard ]]; then
  echo "nonroot_hooks.sh: set VG_BUILD_DIR (or VG_BIN) to a build with bin/vectra-guard" >&2
  exit 1
fi
build=$(cd "$build" && pwd) src=$(cd "$src" && pwd)
if [[ $(id -u) != 0 ]]; then
  if [[ ${VG_REQUIRE_ALL:-} == 1 ]]; then
    echo "nonroot_hooks.sh: must run as root to switch to the test user (VG_REQUIRE_ALL=1 forbids skipping)" >&2
    exit 1
  fi
  echo "nonroot_hooks.sh: not root; the hook suites already ran as you" >&2
  exit 0
fi
# shellcheck source=../nonroot_user.bash
. "$here/../nonroot_user.bash"
nonroot_user_ensure || { echo "nonroot_hooks.sh: cannot set up the test user (above)." >&2; exit 1; }

suites=(${VG_NONROOT_SUITES:-hook_bash hook_bash_builtin hook_zsh hook_fish hook_bad_config hook_prompt_words hook_fish_syntax cli_status hook_routes_fish})

work=$(mktemp -d /var/tmp/vg-nonroot-hooks.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/src"
tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$work/src" -xf -
# What install-shell-wrapper.sh's `cmake --install` reads: the binaries, the man page and
# every cmake_install.cmake, pointed at the copies.
mkdir -p "$work/build"
(cd "$build" && find . -name cmake_install.cmake -print0 | tar --null -T - -cf - bin lib vectra-guard.1) |
  tar -C "$work/build" -xf - || { echo "nonroot_hooks.sh: cannot copy the build from $build" >&2; exit 1; }
find "$work/build" -name cmake_install.cmake -exec sed -i "s|$build|$work/build|g; s|$src|$work/src|g" {} +
chown -R "$nonroot_user" "$work/build"
chmod -R a+rX "$work"

failed=()
for name in "${suites[@]}"; do
  suite=$work/src/tests/shell/$name.bats
  [[ -f $suite ]] || { echo "nonroot_hooks.sh: $name.bats is missing" >&2; failed+=("$name"); continue; }
  echo "# as $nonroot_user: $name.bats"
  if ! (cd "$work" && runuser -u "$nonroot_user" -- env -i \
      HOME="$nonroot_home" USER="$nonroot_user" LOGNAME="$nonroot_user" SHELL=/bin/bash \
      PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TERM="${TERM:-dumb}" \
      VG_BIN="$work/build/bin" VG_BUILD_DIR="$work/build" VG_SOURCE_DIR="$work/src" \
      VG_REQUIRE_ALL="${VG_REQUIRE_ALL:-}" \
      bats --tap "$suite"); then
    failed+=("$name")
  fi
done
if ((${#failed[@]})); then
  echo "nonroot_hooks.sh: failed as $nonroot_user: ${failed[*]}" >&2
  exit 1
fi
echo "nonroot_hooks.sh: all ${#suites[@]} hook suites passed as $nonroot_user"
