#!/usr/bin/env bats
# `vectra-guard status` (issue 16 item 9): whether this shell is hooked, the config
# layers and what is in force, the mode per entry point, the runtime, what a sandboxed
# run may write, and the network; --json the same as one object.

load cli_helpers

setup() {
  cli_setup
  unset VG_HOOK VG_HOOK_OFF VG_SANDBOX
  mkdir -p "$SCRATCH/work/proj" && git -C "$SCRATCH/work/proj" init -q
  cd "$SCRATCH/work/proj"
}
teardown() { cli_teardown; }

@test "status: a shell without the hook says so; the built-in defaults are in force" {
  run --separate-stderr "$VG" status
  [ "$status" -eq 0 ]
  [[ $output == *"shell:      not hooked"* ]]
  [[ $output == *"user       $HOME/.config/vectra-guard/config.ini (not found)"* ]]
  [[ $output == *"in force:  the built-in defaults"* ]]
  [[ $output == *"mode:       not set in the config: shell hooks auto, exec and agents always"* ]]
  [ -z "$stderr" ]
}

@test "status: the hook's kind from VG_HOOK, and VG_HOOK_OFF=1 as off" {
  run env VG_HOOK="bash coprocess" "$VG" status
  [[ $output == *"shell:      hooked (bash coprocess)"* ]]
  run env VG_HOOK=fish VG_HOOK_OFF=1 "$VG" status
  [[ $output == *"hooked (fish), but off for this shell ('vectra-guard on' turns it back on)"* ]]
}

@test "status: the layers found, the preset they came from, and the mode the config sets" {
  "$VG" init --preset developer >/dev/null
  printf '[guard]\nlevel = high\n' >vectra-guard.ini
  run --separate-stderr "$VG" status
  [ "$status" -eq 0 ]
  [[ $output == *"user       $HOME/.config/vectra-guard/config.ini (found, preset developer)"* ]]
  [[ $output == *"workspace  $PWD/vectra-guard.ini (found)"* ]]
  [[ $output == *"in force:  $HOME/.config/vectra-guard/config.ini, then $PWD/vectra-guard.ini"* ]]
  [[ $output == *"mode:       auto (set in the config) for the shell hooks, exec and agents"* ]]
  [[ $output == *"guard:      high"* ]]
  [[ $output == *"network:    full"* ]]
}

@test "status: a project is writable in the sandbox, the home directory is not and says why" {
  run "$VG" status
  [[ $output == *"workspace:  $PWD (writable in the sandbox)"* ]]
  [[ $output == *"writable:   $PWD"* ]]
  cd "$HOME"
  run "$VG" status
  [[ $output == *"workspace:  $HOME (read-only in the sandbox: your home directory)"* ]]
}

@test "status: the runtime that would be used" {
  run "$VG" status
  [[ $output =~ runtime:\ +(bubblewrap|namespace|landlock|podman|docker)\ \(runtime\ =\ auto\) ]]
  printf '[sandbox]\nruntime = landlock\n' >"$SCRATCH/l.ini"
  run "$VG" --config "$SCRATCH/l.ini" status
  [[ $output == *"runtime:    landlock (runtime = landlock)"* || $output == *"runtime:    none works: Landlock"* ]]
}

@test "status --json: one object with the same facts" {
  run --separate-stderr env VG_HOOK="bash builtin" "$VG" status --json
  [ "$status" -eq 0 ]
  [ "$(json_field hook.hooked)" = true ]
  [ "$(json_field hook.kind)" = "bash builtin" ]
  [ "$(json_field mode.config)" = null ]
  [ "$(json_field mode.hooks)" = auto ]
  [ "$(json_field mode.exec)" = always ]
  [ "$(json_field workspace.writable)" = true ]
  [ "$(json_field 'config.layers[1].layer')" = user ]
  [[ $(json_field network.mode) =~ ^(none|restricted|full)$ ]]
  [[ -n $(json_field runtime.selected) ]]
}

@test "status: a broken config is named, and the defaults are shown" {
  mkdir -p "$HOME/.config/vectra-guard"
  printf '[sandbox]\nmode = sometimes\n' >"$HOME/.config/vectra-guard/config.ini"
  run "$VG" status
  [ "$status" -eq 0 ]
  [[ $output == *"error:"*"config.ini:2"*"the built-in defaults are shown"* ]]
}

@test "status: in the help, and an unknown option is one sentence" {
  run "$VG" help
  [[ $output == *"  status "* ]]
  run "$VG" help status
  [[ $output == *"usage: vectra-guard status [--json]"* ]]
  run --separate-stderr "$VG" status --bogus
  [ "$status" -eq 1 ]
  [[ $stderr == "vectra-guard: status: unexpected argument '--bogus'; the only option is --json." ]]
}
