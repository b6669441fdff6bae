# A stand-in for atuin's bash integration with enter_accept (atuin is not packaged in
# Debian 12): a key widget (bind -x) picks a line and runs it itself with eval, so the
# line never reaches Enter, PS0 or the DEBUG trap's per-line arming.
# The line it "picks" is the first line of ~/.atuin_pick.
__atuin_accept_line() {
  local __atuin_command=$1
  history -s "$__atuin_command"
  printf '%s%s\n' "${PS1@P}" "$__atuin_command"
  eval -- "$__atuin_command"
}
__atuin_history() {
  local pick
  IFS= read -r pick <~/.atuin_pick || return
  __atuin_accept_line "$pick"
  READLINE_LINE=''
  READLINE_POINT=0
}
bind -x '"\C-xa": __atuin_history'
