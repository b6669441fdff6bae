# A small stand-in for bash-preexec (not packaged in Debian), written for these tests
# with the same mechanics: it installs itself at the first prompt from PROMPT_COMMAND,
# then owns the DEBUG trap (keeping an earlier one) and puts its precmd runner first
# and its interactive-mode marker last in PROMPT_COMMAND. preexec_functions run once
# per typed line with the line; precmd_functions run before each prompt with $? set.
declare -a preexec_functions=() precmd_functions=()
__tp_armed=''
__tp_prev_trap=''

__tp_precmd_invoke() {
  local st=$? f
  for f in "${precmd_functions[@]}"; do __tp_set_status "$st"; "$f"; done
  __tp_set_status "$st"
}
__tp_set_status() { return "$1"; }
__tp_interactive_mode() { __tp_armed=1; }

__tp_preexec_invoke() {
  local st=$?
  [[ -n $__tp_prev_trap ]] && eval "$__tp_prev_trap"
  [[ -n $__tp_armed ]] || return "$st"
  [[ -n ${COMP_LINE-} ]] && return "$st"
  __tp_armed=''
  local line f
  line=$(HISTTIMEFORMAT='' builtin history 1)
  line=${line#*[0-9]  }
  for f in "${preexec_functions[@]}"; do "$f" "$line"; done
  return "$st"
}

__tp_install() {
  # Remove ourselves from PROMPT_COMMAND, keep what was there, wrap it.
  local pc=${PROMPT_COMMAND//__tp_install/}
  pc=${pc#$'\n'}
  pc=${pc%$'\n'}
  local t
  t=$(trap -p DEBUG)
  if [[ -n $t ]]; then
    local -a parts
    eval "parts=($t)"
    __tp_prev_trap=${parts[2]}
  fi
  trap '__tp_preexec_invoke' DEBUG
  PROMPT_COMMAND=$'__tp_precmd_invoke\n'${pc:+$pc$'\n'}'__tp_interactive_mode'
}

PROMPT_COMMAND=${PROMPT_COMMAND:+$PROMPT_COMMAND$'\n'}__tp_install
