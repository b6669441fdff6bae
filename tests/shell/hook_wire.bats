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
