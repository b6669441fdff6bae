#!/usr/bin/env bats
# `exec --from-hook SHELL -c LINE` with $VG_HOOK_DEFS (issue 18): a sandboxed line that
# uses the user's aliases and functions finds them in the sandbox's shell, is judged with
# them, and the command does not see the variable.

bats_require_minimum_version 1.5.0
load exec_helpers

setup() {
  exec_setup
  [[ -x /usr/bin/bwrap ]] || { echo "bubblewrap is required: apt-get install bubblewrap" >&2; return 1; }
}

# Definitions as the bash hook's server hands them over: an alias and a function
# (`declare -f` text) that exist only in the interactive shell.
bash_defs() {
  python3 -c 'import json,sys; print(json.dumps({
    "aliases": {"vgll": "echo via-alias", "vgnone": None},
    "functions": {"vgfn": "vgfn () \n{ \n    echo \"via-fn $1 defs=${VG_HOOK_DEFS-unset}\"\n}", "vgnone": None}}))'
}

@test "from-hook bash: the host shell's alias and function work in the sandbox, \$? kept, VG_HOOK_DEFS not passed on" {
  export VG_HOOK_DEFS
  VG_HOOK_DEFS=$(bash_defs)
  run --separate-stderr "$VG" exec --from-hook bash --status 3 -c 'echo "st=$?"; vgll x; vgfn y'
  [ "$status" -eq 0 ] || { echo "$output"; echo "$stderr"; false; }
  [ "$output" = $'st=3\nvia-alias x\nvia-fn y defs=unset' ]
  [[ $stderr == *"Running in sandbox"* ]]
}

@test "from-hook zsh and fish: aliases and functions in their own languages" {
  command -v zsh >/dev/null && command -v fish >/dev/null || { echo "zsh and fish are required" >&2; return 1; }
  export VG_HOOK_DEFS
  VG_HOOK_DEFS='{"aliases":{"vgll":"echo via-alias"},"functions":{"vgfn":"vgfn () {\n\techo via-fn $1\n}"}}'
  run --separate-stderr "$VG" exec --from-hook zsh --status 2 -c 'echo "st=$?"; vgll x; vgfn y'
  [ "$status" -eq 0 ] || { echo "$output"; echo "$stderr"; false; }
  [ "$output" = $'st=2\nvia-alias x\nvia-fn y' ]
  VG_HOOK_DEFS='{"aliases":{},"functions":{"vgfn":"# Defined in - @ line 1\nfunction vgfn\n    echo via-fn $argv\nend"}}'
  run --separate-stderr "$VG" exec --from-hook fish -c 'vgfn y'
  [ "$status" -eq 0 ] || { echo "$output"; echo "$stderr"; false; }
  [ "$output" = 'via-fn y' ]
}

@test "from-hook: malformed VG_HOOK_DEFS refuses the line with one sentence" {
  VG_HOOK_DEFS='{"aliases":' run --separate-stderr "$VG" exec --from-hook bash -c "touch $T/ws/ran"
  [ "$status" -eq 126 ]
  [ ! -e "$T/ws/ran" ]
  [[ $stderr == *'VG_HOOK_DEFS could not be read'* ]]
  [ "$(grep -c . <<<"$stderr")" -eq 1 ]
}
