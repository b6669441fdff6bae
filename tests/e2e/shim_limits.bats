#!/usr/bin/env bats
# What the exec shim cannot see, as README says: static binaries, programs that make
# the execve syscall themselves (Go), and setuid programs. These tests pin down that
# documented behaviour, next to a control showing the same exec *is* stopped from an
# ordinary dynamically linked program.

bats_require_minimum_version 1.5.0
load shim_helpers

setup_file() { vg_shim_setup_file; }
setup() { vg_shim_setup; }

@test "control: a dynamically linked program's exec of rm -rf HOME is refused" {
  run shim "$PROBE" execv /bin/rm -rf "$HOME/precious"
  home_intact
  [[ $output == *"refused errno=EACCES"* ]]
}

@test "static binaries are not seen: their exec runs unjudged (documented limitation)" {
  run readelf -d "$PROBE_STATIC"
  [[ $output != *"NEEDED"* ]]  # no shared libraries: no dynamic loader runs
  run shim "$PROBE_STATIC" execv /bin/rm -rf "$HOME/precious"
  [ "$status" -eq 0 ]
  ! home_intact
}

@test "raw execve syscalls (what Go binaries do) are not seen (documented limitation)" {
  run shim "$PROBE" raw-execve /bin/rm -rf "$HOME/precious"
  [ "$status" -eq 0 ]
  ! home_intact
}

@test "what a raw-syscall program starts still carries the shim: its children are judged" {
  run shim "$PROBE" raw-execve /bin/bash -c '/bin/rm -rf "$HOME/precious"; echo rc=$?'
  home_intact
  [[ $output == *"rc=126"* ]]
}

@test "setuid programs are not seen, and neither is anything they start (documented limitation)" {
  if [[ $(id -u) == 0 ]]; then
    # A setuid copy of the probe, run by an unprivileged user: the loader is in
    # secure-execution mode, ignores LD_PRELOAD and strips it from the environment.
    local dir
    dir=$(mktemp -d /tmp/vg-suid.XXXXXX)
    chmod 755 "$dir"
    cp "$PROBE" "$dir/probe"
    chmod 4755 "$dir/probe"
    run setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_PRELOAD="$SHIM_LIB" "$dir/probe" maps
    [ "$output" = "shim-absent" ]
    run setpriv --reuid=nobody --regid=nogroup --clear-groups env LD_PRELOAD="$SHIM_LIB" "$dir/probe" execv /usr/bin/env
    [[ $output != *"LD_PRELOAD"* ]]
    chmod 755 "$dir/probe"  # control: the same program without the setuid bit
    run env LD_PRELOAD="$SHIM_LIB" "$dir/probe" maps
    [ "$output" = "shim-loaded" ]
    rm -rf "$dir"
  else
    # Unprivileged: newgrp is setuid root and starts the login shell, which reads
    # these commands from stdin; LD_PRELOAD does not reach it.
    run bash -c 'printf "%s\n" "grep -c libvgpreload /proc/\$\$/maps; echo LDP=\${LD_PRELOAD-unset}" |
                 LD_PRELOAD="$SHIM_LIB" newgrp'
    [[ $output == *"LDP=unset"* ]]
    [[ $output == *"0"* ]]
  fi
}
