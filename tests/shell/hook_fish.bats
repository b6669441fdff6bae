#!/usr/bin/env bats
# The fish hook in a real interactive fish under a pty, installed by the installer.
load hook_helpers

setup() { hook_setup; }
teardown() { hook_teardown; }

@test "fish: ordinary lines run on the host with their output and \$status unchanged" {
  hook_install fish
  drive fish <<'S'
send math 6 \* 7
send false
send echo rc=$status
S
  [ "$status" -eq 0 ]
  has $'\n42'
  has "rc=1"
}

@test "fish: a harmful line is cancelled: \$status is 126, the canary survives" {
  hook_install fish
  drive fish <<'S'
send rm -rf ~
send echo rc=$status
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  has "rc=126"
  has "Blocked by vectra-guard"
}

@test "fish: cd and set -gx keep working in the shell" {
  hook_install fish
  mkdir -p "$T/ws/sub"
  drive fish <<'S'
send cd sub
send pwd
send set -gx VGX val-1
send sh -c 'echo from-child-$VGX'
S
  [ "$status" -eq 0 ]
  has "$T/ws/sub"
  has "from-child-val-1"
}

@test "fish: a deny-listed line runs in the sandbox, not on the host" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send echo vgdeny-in-sandbox; touch "$T/vgdeny-marker"
S
  [ "$status" -eq 0 ]
  has "Running in sandbox"
  has $'\nvgdeny-in-sandbox'
  [ ! -e "$T/vgdeny-marker" ]
}

@test "fish: VG_DISABLE=1 runs that one command unguarded" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  hook_install fish
  drive fish <<'S'
send VG_DISABLE=1 touch "$T/vgdeny-1"
send touch "$T/vgdeny-2"
S
  [ "$status" -eq 0 ]
  [ -e "$T/vgdeny-1" ]
  [ ! -e "$T/vgdeny-2" ]
}

@test "fish: prompts on the terminal: y runs once, n cancels with 126, r remembers" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n'
  hook_install fish
  drive fish <<'S'
type echo asked-5
expect Run it?
keys y\r
wait
type echo refused-2
expect Run it?
keys n\r
wait
type echo rc=$status
expect Run it?
keys y\r
wait
type echo kept-6
expect Run it?
keys r\r
wait
send echo kept-6
S
  [ "$status" -eq 0 ]
  has $'\nasked-5'
  lacks $'\nrefused-2'
  has "rc=126"
  [ "$(grep -c '^kept-6' "$T/transcript")" -eq 2 ]
  "$VG" trust list | grep -q 'kept-6'
}

@test "fish as an unprivileged user: blocked line, ordinary line, cd" {
  hook_install fish
  mkdir -p "$T/ws/sub"
  hook_as_unprivileged
  drive fish <<'S'
send rm -rf ~
send echo rc=$status
send math 6 \* 7
send cd sub; and pwd
S
  [ "$status" -eq 0 ]
  [ -f "$HOME/canary" ]
  has "rc=126"
  has $'\n42'
  has "$T/ws/sub"
}
