#!/usr/bin/env bats
# The bash hook's loadable builtin (hooks/bash_builtin, vectra_guard_hook.so): installed by
# the installer, loaded by the hook, answering exactly as `hook bash --serve` does, and
# the coprocess taking over when it cannot be loaded.
load hook_helpers

setup() {
  hook_setup
  SO=$VG_BUILD_DIR/lib/vectra-guard/vectra_guard_hook.so
  [[ -f $SO ]] || { echo "the loadable builtin was not built ($SO); install bash-builtins and rebuild" >&2; return 1; }
}
teardown() { hook_teardown; }

@test "builtin: the .so exports only the three symbols bash looks up" {
  run nm -D --defined-only "$SO"
  [ "$status" -eq 0 ]
  names=$(awk '{ print $3 }' <<<"$output" | sort | tr '\n' ' ')
  [ "$names" = "vectra_guard_hook_builtin_load vectra_guard_hook_builtin_unload vectra_guard_hook_struct " ] ||
    { echo "exported: $names"; return 1; }
}

@test "builtin: every answer is the same as the --serve coprocess's for the same line" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'
  mkdir -p "$T/ws/sub"
  cd "$T/ws"
  # shellcheck disable=SC2016
  run env VG_HOME="$T/vg" bash -c '
    enable -f "$1" vectra_guard_hook || exit 9
    coproc S { exec "$2" hook bash --serve; }
    n=0
    while IFS= read -r line; do
      for final in "" --final; do
        vectra_guard_hook $final -- "$line" || { echo "builtin failed: $line"; exit 1; }
        printf "%s\0%s\0%s\0" "${final:+1}" "$PWD" "$line" >&"${S[1]}"
        IFS= read -r -d "" served <&"${S[0]}"
        # Lookup rounds (core/shell_defs.h): this shell defines no aliases or functions.
        while [[ $served == "?"* ]]; do
          names=${served#?}
          while IFS= read -r _; do printf -- "-\0-\0"; done <<<"$names" >&"${S[1]}"
          IFS= read -r -d "" served <&"${S[0]}"
        done
        # A host line answer carries its audit record id ("run<TAB>16 hex"): one per call.
        [[ $_vg_reply == run$'\''\t'\''* ]] && _vg_reply=run${_vg_reply:20}
        [[ $served == run$'\''\t'\''* ]] && served=run${served:20}
        if [[ $_vg_reply != "$served" ]]; then
          printf "differs for [%s] %s:\nbuiltin: %s\nserve:   %s\n" "$line" "$final" "$_vg_reply" "$served"
          exit 1
        fi
        printf "%s => %s\n" "$line" "${served%%$'\''\n'\''*}"
        ((n++))
      done
    done <"$3"
    echo "compared $n"' _ "$SO" "$VG" "$BATS_TEST_DIRNAME/hook_builtin_lines.txt"
  cd /
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"compared 22"* ]]
  # The lines cover every verdict.
  [[ $output == *"rm -f ~/canary => block"* ]]
  [[ $output == *"echo vgdeny-marker => sandbox"* ]]
  [[ $output == *"for i in 1 2; do => incomplete"* ]]
  [[ $output == *"ls -la => run"* ]]
}

@test "builtin: installed next to the binary and loaded by the hook; no coprocess; lines judged" {
  hook_install bash
  [ -f "$HOME/.local/lib/vectra-guard/vectra_guard_hook.so" ]
  drive bash <<'S'
send echo builtin=$_vg_builtin server=${_vg_server_pid:-none}
send echo hello-$((6*7))
send rm -f ~/canary
send echo rc=$?
send false
send echo rc=$?
S
  [ "$status" -eq 0 ]
  has "builtin=1 server=none"
  has "hello-42"
  has "rc=126"
  has "rc=1"
  [ -f "$HOME/canary" ]
  "$SRC/scripts/install-shell-wrapper.sh" --uninstall >/dev/null
  [ ! -e "$HOME/.local/lib/vectra-guard/vectra_guard_hook.so" ]
}

@test "builtin: when it cannot be loaded the coprocess answers, and lines are still judged" {
  hook_install bash "VECTRA_GUARD_BUILTIN=$T/missing.so"
  drive bash <<'S'
send echo builtin=$_vg_builtin server=${_vg_server_pid:-none}
send rm -f ~/canary
send echo rc=$?
S
  [ "$status" -eq 0 ]
  has "builtin=0 server="
  lacks "server=none"
  has "rc=126"
  [ -f "$HOME/canary" ]
}

@test "builtin as an unprivileged user: loaded, blocked line, cd" {
  hook_install bash
  mkdir -p "$T/ws/sub"
  hook_as_unprivileged
  drive bash <<'S'
send echo builtin=$_vg_builtin
send rm -f ~/canary
send echo rc=$?
send cd sub && pwd
S
  [ "$status" -eq 0 ]
  has "builtin=1"
  has "rc=126"
  has "$T/ws/sub"
  [ -f "$HOME/canary" ]
}
