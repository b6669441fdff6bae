#!/usr/bin/env bash
# Fresh Debian machine -> dependencies, build, every test.
#   scripts/test.sh            build into build/ and run all tests through ctest
#   VG_REQUIRE_ALL=1           any test that would skip fails instead (CI sets it)
#   VG_FUZZ_SECONDS=N          how long the parser fuzzer runs (default 60; 0 = not built)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Everything the build and the tests need, from Debian's packages.
packages=(
  cmake g++ make pkg-config git python3 ca-certificates
  libinih-dev libfmt-dev nlohmann-json3-dev libseccomp-dev libcap-ng-dev
  libcriterion-dev bats
  clang libclang-rt-14-dev
  bubblewrap util-linux procps iproute2 passwd strace
  zsh fish bash-builtins direnv zsh-autosuggestions zsh-syntax-highlighting
  jq hyperfine
  python3-jsonschema  # tests/shell/agent_schema_check.py: adapter output against the tools' schemas
  curl openssl  # the restricted network's tests: an HTTPS server with a self-signed certificate
  man-db  # man -l renders the generated vectra-guard.1
  asciinema  # tests/e2e/recording.bats: a real player reads our recordings
  login  # newgrp (setuid): the exec shim's setuid test as a non-root user
  podman runc uidmap busybox-static  # container runner tests (image built from busybox)
  mmdebstrap  # tests/e2e/fresh_install.sh: the Quick start on a fresh Debian 12 root
  python3-pip  # tests/e2e/sandbox_home_hint.bats: pip install --user of a local wheel
)
# The exec shim tests run a package.json script; nodejs from other sources bundles npm.
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "test.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing packages; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

# The parser fuzzer needs clang's libFuzzer: a build of its own.
fuzz_seconds=${VG_FUZZ_SECONDS:-60}
if [[ $fuzz_seconds != 0 ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVG_BUILD_TESTS=OFF -DVG_BUILD_FUZZ=ON >/dev/null
  cmake --build build-fuzz -j"$jobs" --target fuzz_shell_parse
fi
export VG_FUZZ_SECONDS=$fuzz_seconds VG_FUZZ_BIN="$root/build-fuzz/bin/fuzz_shell_parse"

ctest --test-dir build --output-on-failure -j"$jobs"
