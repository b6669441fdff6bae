#!/usr/bin/env bats
# The hooks next to the tools people load in the same shells: bash-preexec's mechanics,
# a starship-style prompt hook, direnv (the real one), a VS Code-style integration that
# wraps the DEBUG trap after ours; zsh precmd/preexec plugins, zsh-autosuggestions and
# zsh-syntax-highlighting (the Debian packages, sourced for real). Each test judges from
# the host: the canary survives a blocked line, ordinary output and $? are unchanged, and
# the other tool's hook still fired.
load hook_helpers

setup() { hook_setup; }
teardown() { hook_teardown; }

# The lines every test types: an ordinary line, a failing one, a blocked one through
# Enter, and one that bypasses Enter (bash: C-t bound to accept-line) for the backstop.
bash_lines() {
  cat <<'S'
send echo plain-$((6*7))
send false
send echo rc=$?
send rm -f ~/canary
send echo rc2=$?
send bind '"\C-t": accept-line'
keys rm -f ~/canary; echo not-$((9-7))\x14
wait
send echo rc3=$?
S
}

bash_checks() {
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  lacks "nested function level"
  [ -f "$HOME/canary" ]
  has $'\nplain-42'
  has "rc=1"
  has "rc2=126"
  lacks "not-2"
  has "rc3=126"
}

@test "coexist bash: bash-preexec's mechanics (DEBUG trap and PROMPT_COMMAND taken at the first prompt)" {
  # shellcheck disable=SC2016
  hook_install bash ". '$SRC/tests/shell/coexist/bash_preexec_like.sh'
t_pre() { printf 'PREEXEC:%s\n' \"\$1\"; }
t_pc() { printf 'PRECMD-rc=%s\n' \"\$?\"; }
preexec_functions+=(t_pre)
precmd_functions+=(t_pc)"
  drive bash < <(bash_lines)
  bash_checks
  has 'PREEXEC:echo plain-$((6*7))'
  has "PRECMD-rc=1"
  has "PRECMD-rc=126"
  lacks "PRECMD-rc=130"
}

@test "coexist bash: a starship-style prompt hook and DEBUG trap loaded before ours" {
  # starship's bash init without bash-preexec: a precmd that reads $? first thing, and
  # a DEBUG trap for the command's start time.
  # shellcheck disable=SC2016
  hook_install bash 'starship_precmd() { STARSHIP_CMD_STATUS=$?; printf "STARSHIP-status=%s\n" "$STARSHIP_CMD_STATUS"; PS1="VGP> "; }
starship_preexec() { STARSHIP_START_TIME=$SECONDS; }
trap '\''starship_preexec "$_"'\'' DEBUG
PROMPT_COMMAND="starship_precmd;${PROMPT_COMMAND}"'
  drive bash < <(bash_lines)
  bash_checks
  has "STARSHIP-status=1"
  has "STARSHIP-status=126"
  lacks "STARSHIP-status=130"
  # Its DEBUG trap still runs (kept inside ours).
  printf 'send echo start=${STARSHIP_START_TIME:-unset}\n' >"$T/more"
  drive bash <"$T/more"
  has "start="
  lacks "start=unset"
}

@test "coexist bash: direnv's real hook still loads .envrc, and lines are still judged" {
  command -v direnv >/dev/null || { echo "direnv is not installed (scripts/test.sh installs it)"; return 1; }
  hook_install bash 'eval "$(direnv hook bash)"'
  mkdir -p "$T/ws/proj"
  printf 'export VG_DIRENV_MARK=loaded-%s\n' '$((1+1))' >"$T/ws/proj/.envrc"
  (cd "$T/ws/proj" && HOME=$HOME direnv allow . 2>/dev/null)
  drive bash <<'S'
send cd proj
send echo mark=${VG_DIRENV_MARK:-none}
send rm -f ~/canary
send echo rc=$?
send cd ..
send echo mark2=${VG_DIRENV_MARK:-none}
S
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ -f "$HOME/canary" ]
  has "mark=loaded-2"
  has "rc=126"
  has "mark2=none"
}

@test "coexist bash: a VS Code-style integration that wraps the DEBUG trap and PROMPT_COMMAND after ours" {
  hook_install bash
  # Loaded after the user's rc, as VS Code does.
  printf '. %q\n' "$SRC/tests/shell/coexist/vscode_like.bash" >>"$HOME/.bashrc"
  drive bash < <(bash_lines)
  bash_checks
  has "VSC-PREEXEC"
  has "VSC-PRECMD-1"
  has "VSC-PRECMD-126"
}

zsh_lines() {
  cat <<'S'
send echo plain-$((6*7))
send false
send echo rc=$?
send rm -f ~/canary
send echo rc2=$?
send cd sub && pwd
S
}

zsh_checks() {
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  lacks "nested function level"
  [ -f "$HOME/canary" ]
  has $'\nplain-42'
  has "rc=1"
  has "rc2=126"
  has "$T/ws/sub"
}

@test "coexist zsh: precmd and preexec plugins keep firing" {
  mkdir -p "$T/ws/sub"
  # shellcheck disable=SC2016
  hook_install zsh 'autoload -Uz add-zsh-hook
t_pre() { print -r -- "ZPREEXEC:$1"; }
t_pc() { print -r -- "ZPRECMD-rc=$?"; }
add-zsh-hook preexec t_pre
add-zsh-hook precmd t_pc'
  drive zsh < <(zsh_lines)
  zsh_checks
  has 'ZPREEXEC:echo plain-$((6*7))'
  has "ZPRECMD-rc=1"
  has "ZPRECMD-rc=126"
}

@test "coexist zsh: zsh-autosuggestions and zsh-syntax-highlighting (Debian packages) loaded before ours" {
  local as=/usr/share/zsh-autosuggestions/zsh-autosuggestions.zsh
  local sh=/usr/share/zsh-syntax-highlighting/zsh-syntax-highlighting.zsh
  [[ -f $as && -f $sh ]] || { echo "install zsh-autosuggestions and zsh-syntax-highlighting (scripts/test.sh does)"; return 1; }
  mkdir -p "$T/ws/sub"
  hook_install zsh ". $as
. $sh"
  # Several prompts, so the plugins' per-prompt re-binding has happened more than once.
  drive zsh < <(zsh_lines; printf 'send echo again-%s\nsend rm -f ~/canary\nsend echo rc3=$?\n' '$((2+3))')
  zsh_checks
  lacks "nested function level"
  has $'\nagain-5'
  has "rc3=126"
  # The plugins are still there: their widgets wrap the accept widgets we wrap.
  printf 'send print -r -- "as=${+functions[_zsh_autosuggest_start]} hl=${+functions[_zsh_highlight]} al=${widgets[accept-line]}"\n' >"$T/more"
  drive zsh <"$T/more"
  has "as=1 hl=1"
  has "al=user:"
}

@test "coexist bash: an atuin-style widget that runs the picked line with eval is judged too" {
  hook_install bash "source '$SRC/tests/shell/coexist/atuin_like.bash'"
  printf '%s\n' 'rm -f ~/canary' >"$HOME/.atuin_pick"
  drive bash <<'S'
keys \x18a
send echo after=$?
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ -f "$HOME/canary" ]
  has "vectra-guard"
  # An ordinary picked line still runs, with its output.
  printf '%s\n' 'echo picked-$((20+22))' >"$HOME/.atuin_pick"
  drive bash <<'S'
keys \x18a
send echo done
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "picked-42"
}
