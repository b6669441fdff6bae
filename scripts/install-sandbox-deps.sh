#!/usr/bin/env bash
# Installs what the sandbox needs (bubblewrap; podman or docker with --podman/--docker)
# with this distribution's package manager. A thin wrapper over
# `vectra-guard sandbox deps install`: options are passed on, --dry-run only prints the
# commands. It never changes sysctls or AppArmor; `vectra-guard sandbox doctor` says
# what else stands in the way.
set -euo pipefail

vg=${VG_GUARD_BIN:-}
if [[ -z $vg ]]; then
  here=$(cd "$(dirname "$0")" && pwd)
  for candidate in "$here/../build/bin/vectra-guard" "$(command -v vectra-guard || true)"; do
    if [[ -n $candidate && -x $candidate ]]; then
      vg=$candidate
      break
    fi
  done
fi
if [[ -z $vg ]]; then
  echo "install-sandbox-deps.sh: vectra-guard was not found; build it (scripts/test.sh) or put it on PATH, or set VG_GUARD_BIN." >&2
  exit 1
fi
exec "$vg" sandbox deps install "$@"
