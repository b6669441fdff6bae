#!/usr/bin/env bats
# The hooks' transport for issue 18, without a terminal: the server's lookup rounds
# (driven by tests/shell/fake_shell.py, a stand-in shell), the `defs:` answer line,
# $VG_HOOK_DEFS in the one-shot hook, and the binary identity checks of the server and
# the bash builtin.
load hook_helpers

setup() { hook_setup; cd "$T/ws"; }
teardown() { hook_teardown; }

fake() { run python3 "$SRC/tests/shell/fake_shell.py" "$@"; }

# answer N: the answer text of the N-th request (1-based) in $output.
answer() { sed -n "${1}p" <<<"$output" | jq -r .answer; }

@test "hook: a malformed \$VG_HOOK_DEFS blocks the line with one sentence; an empty one is no definitions" {
  VG_HOOK_DEFS='{"functions":' run setsid -w "$VG" hook bash -- 'ls'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = block ]
  [[ ${lines[1]} == *'$VG_HOOK_DEFS could not be read (it is not valid JSON)'* ]]
  [ "${#lines[@]}" -eq 2 ]
  VG_HOOK_DEFS='{"aliases":{"ls":5}}' run setsid -w "$VG" hook bash -- 'ls'
  [ "${lines[0]}" = block ]
  VG_HOOK_DEFS='' run setsid -w "$VG" hook bash -- 'ls'
  [ "${lines[0]%%$'\t'*}" = run ]
}

@test "hook --serve: a binary replaced or removed since the start refuses lines but exit and exec \$SHELL" {
  for mode in "" --fifo; do
    cp "$VG" "$T/vg"
    fake $mode -- "$T/vg" hook bash --serve <<S
line ls
sh cp "$T/vg" "$T/vg.new" && mv "$T/vg.new" "$T/vg"
line ls
line exit 2
line exec \$SHELL
sh rm -f "$T/vg"
line true
S
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    [[ $(answer 1) == run* ]]
    [[ $(answer 2) == "block"$'\n'"⛔ Blocked by vectra-guard: vectra-guard was replaced or removed since this shell started; open a new shell (exec \$SHELL)." ]] ||
      { echo "$output"; false; }
    [[ $(answer 3) == run* ]]
    [[ $(answer 4) == run* ]]
    [[ $(answer 5) == block* ]]
  done
  # Refusals are in the audit log.
  grep -h 'was replaced or removed' "$HOME"/.vectra-guard/sessions/*.jsonl | grep -q '"decision":"block"'
}

@test "builtin: --bin PATH at load; a replaced or removed binary refuses lines (one stat per line)" {
  SO=$VG_BUILD_DIR/lib/vectra-guard/vectra_guard_hook.so
  [[ -f $SO ]] || { echo "the loadable builtin was not built ($SO)" >&2; return 1; }
  cp "$VG" "$T/vg"
  # shellcheck disable=SC2016
  run bash -c '
    enable -f "$1" vectra_guard_hook || exit 9
    vectra_guard_hook --bin "$2" || exit 8
    v() { vectra_guard_hook -- "$1"; printf "%s => %s\n" "$1" "${_vg_reply%%$'\''\n'\''*}"; }
    v ls
    touch -d 2020-01-01 "$2"
    v ls; v "exit 1"
    rm -f "$2"
    v true
    vectra_guard_hook --bin "$2"; echo "bin-missing=$?"' _ "$SO" "$T/vg"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "ls => run"* ]]
  [ "${lines[1]}" = "ls => block" ]
  [[ ${lines[2]} == "exit 1 => run"* ]]
  [ "${lines[3]}" = "true => block" ]
  [[ $output == *"bin-missing=1"* ]]
}

@test "hook --toggle off: refused in an agent session unless [agent] allow_disable; audited either way" {
  VG_AGENT=claude-code run setsid -w "$VG" hook bash --toggle off
  [ "$status" -eq 126 ]
  [[ $output == *"'vectra-guard off' is refused in an agent session"*"allow_disable = true under [agent]"* ]]
  VG_AGENT=claude-code run setsid -w "$VG" hook zsh --toggle on
  [ "$status" -eq 0 ]
  run setsid -w "$VG" hook fish --toggle off
  [ "$status" -eq 0 ]
  hook_config $'[agent]\nallow_disable = true\n'
  VG_AGENT=claude-code run setsid -w "$VG" hook bash --toggle off
  [ "$status" -eq 0 ]
  log=$(cat "$HOME"/.vectra-guard/sessions/*.jsonl)
  [ "$(grep -c '"command":"vectra-guard off"' <<<"$log")" -eq 3 ]
  grep '"command":"vectra-guard off"' <<<"$log" | grep '"agent":"claude-code"' | grep -q '"decision":"block"'
  grep '"command":"vectra-guard off"' <<<"$log" | grep '"agent":"claude-code"' | grep -q '"decision":"host"'
}

# --- lookup rounds (core/shell_defs.h), with the evaluator's alias/function expansion ---

# A function and an alias that exist only in the (fake) shell: vgfn runs a deny-listed
# harmless command, vgok and vgll harmless ones.
wire_defs() {
  python3 -c 'import json; print(json.dumps({
    "aliases": {"vgll": "echo listed"},
    "functions": {"vgfn": "vgfn () \n{ \n    vgdeny-marker \"$@\"\n}", "vgok": "vgok () \n{ \n    echo ok\n}"}}))'
}

deny_config() { hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = *vgdeny*\n'; }

@test "hook --serve: one lookup round per level; a function that runs a denied command is sandboxed, with the defs: line" {
  deny_config
  for mode in "" --fifo; do
    fake $mode --defs "$(wire_defs)" -- "$VG" hook bash --serve <<'S'
line vgfn now
line vgok
line vgll
S
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    ! grep -q bad_id <<<"$output"
    # One round per level: the line's command word, then the body's.
    [ "$(sed -n 1p <<<"$output" | jq -c .asked)" = '[["vgfn"],["vgdeny-marker"]]' ] || { echo "$output"; false; }
    a=$(answer 1)
    [ "${a%%$'\n'*}" = sandbox ] || { echo "$output"; false; }
    defs=$(sed -n 2p <<<"$a")
    [[ $defs == defs:* ]]
    [ "$(jq -r '.functions.vgfn' <<<"${defs#defs:}")" = "$(wire_defs | jq -r .functions.vgfn)" ]
    [ "$(jq -r '.aliases | has("vgfn")' <<<"${defs#defs:}")" = true ]
    # The harmless ones run on the host; a host answer carries no defs: line.
    [[ $(answer 2) == run* ]] && [[ $(answer 2) != *defs:* ]]
    [[ $(answer 3) == run* ]]
  done
}

@test "hook --serve: a garbled or closed lookup reply blocks that line only (one sentence), fail closed" {
  deny_config
  fake --defs "$(wire_defs)" -- "$VG" hook bash --serve <<'S'
reply garbage
line vgok
reply table
line vgfn
reply close
line vgok
S
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $(answer 1) == "block"$'\n'"⛔ Blocked by vectra-guard: the shell's answer about 'vgok' was not understood, so the line was not run." ]]
  [[ $(answer 2) == sandbox* ]]
  [[ $(answer 3) == block* ]]
}

@test "hook --serve: a line given up during a lookup (^C) gets no answer; the next line gets its own" {
  deny_config
  for mode in "" --fifo; do
    fake $mode --defs "$(wire_defs)" -- "$VG" hook bash --serve <<'S'
reply abandon
line vgok
line vgfn
line vgok
S
    echo "$output"
    [ "$status" -eq 0 ]
    ! grep -q bad_id <<<"$output"
    [ "$(answer 1)" = abandoned ]
    [[ $(answer 2) == sandbox* ]]
    [[ $(answer 3) == run* ]]
  done
}

@test "hook: the one-shot judges with \$VG_HOOK_DEFS (a name not in it is not defined)" {
  deny_config
  VG_HOOK_DEFS=$(wire_defs) run setsid -w "$VG" hook bash --final -- 'vgfn x'
  [ "${lines[0]}" = sandbox ] || { echo "$output"; false; }
  [[ ${lines[1]} == defs:* ]]
  VG_HOOK_DEFS='{}' run setsid -w "$VG" hook bash --final -- 'vgfn x'
  [ "${lines[0]%%$'\t'*}" = run ]
}

@test "builtin: lookups read bash's own alias and function tables (declare -f text)" {
  deny_config
  SO=$VG_BUILD_DIR/lib/vectra-guard/vectra_guard_hook.so
  [[ -f $SO ]] || { echo "the loadable builtin was not built ($SO)" >&2; return 1; }
  # shellcheck disable=SC2016
  run bash -c '
    enable -f "$1" vectra_guard_hook || exit 9
    shopt -s expand_aliases
    vgfn() { vgdeny-marker "$@"; }
    vgok() { echo ok; }
    alias vgal="vgdeny-marker x"
    for l in "vgfn a" vgok vgal; do
      vectra_guard_hook --final -- "$l"
      printf "%s => %s\n" "$l" "${_vg_reply//$'\''\n'\''/|}"
    done
    declare -f vgfn' _ "$SO"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "vgfn a => sandbox|defs:"* ]]
  [[ ${lines[1]} == "vgok => run"* ]]
  [[ ${lines[2]} == "vgal => sandbox|defs:"*'"vgal":"vgdeny-marker x"'* ]]
  # The function's text is exactly what `declare -f` prints.
  defs=${lines[0]#*|defs:}
  defs=${defs%%|*}
  [ "$(jq -r .functions.vgfn <<<"$defs")" = "$(sed -n '4,$p' <<<"$output")" ]
}

@test "exec --from-hook: judged with \$VG_HOOK_DEFS: a function that deletes a home file is refused" {
  export VG_HOOK_DEFS
  VG_HOOK_DEFS='{"functions":{"vgclean":"vgclean () \n{ \n    rm -f ~/canary\n}"}}'
  run "$VG" exec --from-hook bash -c 'vgclean'
  [ "$status" -eq 126 ] || { echo "$output"; false; }
  [ -f "$HOME/canary" ]
  [[ $output == *"Blocked"* ]]
}
