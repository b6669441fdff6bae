# vectra-guard hook for interactive bash (>= 4.4). Source it last from ~/.bashrc:
#   VECTRA_GUARD_BIN=/path/to/vectra-guard; source /path/to/vectra-guard.bash
#
# Every line passes the evaluator before it runs: inside bash through the loadable
# builtin vectra_guard_hook (hooks/bash_builtin) when it loads, else through one
# `vectra-guard hook bash --serve` coprocess; questions go through a one-shot process.
#   - Enter (C-m, C-j in the emacs, vi-insert and vi-command keymaps) runs a macro: first
#     _vg_enter (bind -x) judges READLINE_LINE, then accept-line. The line stays as typed
#     (screen, history, `jobs`); the verdict is carried out by the DEBUG trap, which PS0
#     arms once per accepted line, at the line's first command:
#     run: the line is left alone, so cd/export/aliases/functions behave as always.
#     block: the reason is printed and the line is aborted as ^C would ($? = 126).
#     sandbox: the line runs in `vectra-guard exec --from-hook bash` (the same text in
#     a bash in the sandbox, starting with this shell's $?), then the rest is aborted.
#   - The same DEBUG trap is the backstop for lines that never pass our Enter key
#     (C-x C-e, fc, other tools' accept keys): it judges the whole line from history.
#     After an abort $? is set back (from ^C's 130) by _vg_restatus, first in
#     PROMPT_COMMAND, before other prompt hooks run.
#   - extdebug (a non-zero DEBUG trap return skips the command) is on only from the
#     prompt until a line's first command is let through: the line itself runs without
#     it (`declare -F f` prints `f`).
#   - `vectra-guard off` / `on` (or `vg off` / `on`) turn the guard off/on for this shell.
#   - A host line's exit status is reported at the next prompt (the audit's "end" record),
#     through the builtin or the coprocess: no process per line.
#   - At every prompt the trap, PS0 and the key bindings are put back if another tool
#     replaced them; a foreign DEBUG trap keeps running, inside ours. Enter puts back the
#     trap, PS0 and our PROMPT_COMMAND entry too, so a line cannot switch them off for the next.
#   - What the shell will really run is judged (issue 18): the evaluator asks for the
#     aliases and functions a line names (lookup rounds, core/shell_defs.h), history
#     expansion is done first, and a line that runs `fc` is judged command by command.
#   - No silent off switch: the hook's functions and constants are read-only, and a missing
#     or non-executable binary fails closed (only `exit` and `logout` still run).
# Rules live in the evaluator, never here.

[[ $- == *i* ]] || return 0
# Sourced again (~/.bashrc read twice): the hook is in place, and its pieces are read-only.
[[ -v _vg_loaded ]] && return 0
if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  printf 'vectra-guard: bash %s is too old for the hook (4.4 or newer needed); this shell is not guarded.\n' \
    "$BASH_VERSION" >&2
  return 0
fi

_vg_bin=${VECTRA_GUARD_BIN:-$(type -P vectra-guard)}
# Without its binary the hook fails closed (_vg_eval): say so once here too.
if [[ -z $_vg_bin || ! -x $_vg_bin ]]; then
  printf 'vectra-guard: the vectra-guard binary %s is missing or not executable, so lines will not run. Repair with scripts/install-shell-wrapper.sh, or remove the hook with scripts/install-shell-wrapper.sh --uninstall and open a new shell.\n' \
    "${_vg_bin:-(not found)}" >&2
fi

declare -gA _vg_lines=() _vg_notes=()
declare -g _vg_id=0 _vg_pending='' _vg_judged='' _vg_defer='' _vg_orig='' _vg_rewrite=''
declare -gi _vg_direct=0 _vg_rebind=0
# A verdict the DEBUG trap carries out (sandbox | block), the line and its notice; the
# audit record of a host line whose end is reported at the next prompt; off for this shell.
declare -g _vg_act='' _vg_act_status='' _vg_act_line='' _vg_act_note='' _vg_recid='' _vg_rec_id='' _vg_rec_t0='' _vg_off=''
# A child shell does not inherit `vectra-guard off`.
unset VG_HOOK_OFF
declare -g _vg_abort_status='' _vg_next_status='' _vg_server_pid='' _vg_foreign='' _vg_nested='' _vg_hc=0 _vg_verdict='' _vg_notice='' _vg_status=0 _vg_trap=''
# The shell's definitions the evaluator looked up for the last answer ($VG_HOOK_DEFS JSON),
# those of a sandboxed line waiting for the DEBUG trap, and of each stored line; after
# the line's first command, judge each further command (a line that runs `fc`).
declare -g _vg_defs='' _vg_act_defs='' _vg_tracing='' _vg_trace_next=''
declare -gA _vg_line_defs=()
declare -g _vg_alive='' _vg_prompted=1

# The evaluator runs inside bash as a loadable builtin (vectra_guard_hook.so, next to the
# binary in ../lib/vectra-guard, or $VECTRA_GUARD_BUILTIN; "none" turns it off): a line
# costs neither a process nor a pipe round trip. If it cannot be loaded, one
# `vectra-guard hook bash --serve` coprocess per shell answers every line over two pipes,
# and if that is gone too, a one-shot process answers.
declare -gi _vg_builtin=0
_vg_load_builtin() {
  local so=${VECTRA_GUARD_BUILTIN-}
  [[ $so == none || -z $_vg_bin ]] && return 1
  [[ -n $so ]] || so=${_vg_bin%/*}/../lib/vectra-guard/vectra_guard_hook.so
  [[ -f $so ]] && builtin enable -f "$so" vectra_guard_hook 2>/dev/null || return 1
  # The builtin remembers the binary's identity, to fail closed when it is replaced.
  builtin vectra_guard_hook --bin "$_vg_bin"
  _vg_builtin=1
}

# `vectra-guard status` shows how this shell is hooked.
_vg_export_hook() {
  if ((_vg_builtin)); then export VG_HOOK='bash builtin'; else export VG_HOOK='bash coprocess'; fi
}

_vg_start_server() {
  ((_vg_builtin)) && return 0
  [[ -x $_vg_bin ]] || return 0
  [[ -n ${_vg_server_pid-} ]] && kill -0 "$_vg_server_pid" 2>/dev/null && return 0
  coproc _VG_SERVER { exec "$_vg_bin" hook bash --serve; }
  _vg_server_pid=$_VG_SERVER_PID
}

# Ask the evaluator. $1: "--final" when bash is already running the line. Sets
# _vg_verdict (run|sandbox|block|incomplete), _vg_notice (text for stderr) and _vg_defs
# (the definitions it looked up, for the one-shot hook and the sandbox).
_vg_eval() {
  local out='' rc=1
  _vg_defs=''
  if [[ ! -x $_vg_bin ]]; then
    _vg_no_binary "$2"
    return
  fi
  local _vg_reply
  if ((_vg_builtin)) && builtin vectra_guard_hook ${1:+"$1"} -- "$2"; then
    out=$_vg_reply
    rc=0
  elif _vg_ask_server "$1" "$2"; then
    rc=0
  fi
  ((rc == 0)) && [[ $out == *$'\n'defs:* ]] && _vg_take_defs
  # The coprocess cannot read the terminal: questions go through a one-shot process,
  # with the definitions the server looked up (only for that process).
  if ((rc != 0)) || [[ $out == ask || $out == ask$'\n'* ]]; then
    if [[ -n $_vg_defs ]]; then
      out=$(VG_HOOK_DEFS=$_vg_defs "$_vg_bin" hook bash ${1:+"$1"} -- "$2")
    else
      out=$("$_vg_bin" hook bash ${1:+"$1"} -- "$2")
    fi
    rc=$?
    [[ $out == *$'\n'defs:* ]] && _vg_take_defs
  fi
  _vg_verdict=${out%%$'\n'*}
  # "run<TAB>ID": the audit record whose end (the status) the next prompt reports.
  _vg_recid=''
  if [[ $_vg_verdict == *$'\t'* ]]; then
    _vg_recid=${_vg_verdict#*$'\t'}
    _vg_verdict=${_vg_verdict%%$'\t'*}
  fi
  _vg_notice=''
  [[ $out == *$'\n'* ]] && _vg_notice=${out#*$'\n'}
  _vg_notice=${_vg_notice%$'\n'}
  case $rc:$_vg_verdict in
    0:run | 0:sandbox | 0:block | 0:incomplete) ;;
    *)
      _vg_verdict=block
      _vg_notice="vectra-guard could not check this line (exit $rc), so it was not run."
      ;;
  esac
}

# The answer's optional second line "defs:JSON" goes to _vg_defs, out of the notices.
# Works on the caller's `out`.
_vg_take_defs() {
  local head=${out%%$'\n'*} rest=${out#*$'\n'}
  [[ $rest == defs:* ]] || return 0
  _vg_defs=${rest%%$'\n'*}
  _vg_defs=${_vg_defs#defs:}
  _vg_defs=${_vg_defs# }
  if [[ $rest == *$'\n'* ]]; then out=$head$'\n'${rest#*$'\n'}; else out=$head; fi
}

# One request to the coprocess, answering its lookup rounds ("?" NAME "\n" ...) from
# this shell's tables, without a fork. Sets the caller's `out`; 1 when the server is gone.
_vg_ask_server() {
  [[ -n ${_VG_SERVER[1]-} ]] && kill -0 "$_vg_server_pid" 2>/dev/null || return 1
  local to=${_VG_SERVER[1]} from=${_VG_SERVER[0]} names name
  printf '%s\0%s\0%s\0' "${1:+1}" "$PWD" "$2" >&"$to" || return 1
  while IFS= read -r -d '' out <&"$from"; do
    [[ $out == '?'* ]] || return 0
    names=${out#?}$'\n'
    while [[ -n $names ]]; do
      name=${names%%$'\n'*}
      names=${names#*$'\n'}
      _vg_lookup "$name" >&"$to" || return 1
    done
  done
  return 1
}

# The two reply fields for NAME: its alias value and its function text, "=" TEXT or "-".
_vg_lookup() {
  # (${a[$1]+x} expands the name once; `-v` would expand it again)
  if [[ -n $1 && $1 != [@*] && -n ${BASH_ALIASES[$1]+x} ]]; then
    printf '=%s\0' "${BASH_ALIASES[$1]}"
  else
    printf -- '-\0'
  fi
  if [[ -n $1 ]] && declare -F -- "$1" >/dev/null 2>&1; then
    printf =
    declare -f -- "$1"
    printf '\0'
  else
    printf -- '-\0'
  fi
}

# The binary is gone or not executable: the line is not run (fail closed); only `exit`
# and `logout` still are, so the shell can be left.
_vg_no_binary() {
  _vg_recid=''
  if [[ $1 =~ ^[[:space:]]*(exit|logout)([[:space:]]+[0-9]+)?[[:space:]]*$ ]]; then
    _vg_verdict=run _vg_notice=''
    return
  fi
  _vg_verdict=block
  _vg_notice="vectra-guard: the guard's binary ${_vg_bin:-vectra-guard} is missing or not executable, so this line was not run. Repair with scripts/install-shell-wrapper.sh, or remove the hook with scripts/install-shell-wrapper.sh --uninstall and open a new shell."
}

# Keep the original text, its notice and definitions under a small id the rewritten
# line refers to.
_vg_store() {
  ((_vg_id++))
  _vg_lines[$_vg_id]=$1
  _vg_notes[$_vg_id]=$2
  _vg_line_defs[$_vg_id]=$3
}

__vg_blocked() {
  [[ -n ${_vg_notes[$1]-} ]] && printf '%s\n' "${_vg_notes[$1]}" >&2
  unset '_vg_lines[$1]' '_vg_notes[$1]' '_vg_line_defs[$1]'
  return 126
}

__vg_reroute() {
  local st=$? line=${_vg_lines[$1]-} note=${_vg_notes[$1]-} defs=${_vg_line_defs[$1]-}
  unset '_vg_lines[$1]' '_vg_notes[$1]' '_vg_line_defs[$1]'
  _vg_sandbox "$line" "$note" "${2:-$st}" "$defs"
}

# Run LINE in the sandbox as bash would run it here, starting with status $3; $4: the
# aliases and functions it uses ($VG_HOOK_DEFS, for that process only). Through eval of
# the quoted text, so `jobs` shows the typed line rather than our variables.
_vg_sandbox() {
  [[ -n $2 ]] && printf '%s\n' "$2" >&2
  if [[ -n ${4-} ]]; then
    local -x VG_HOOK_DEFS=$4
  fi
  builtin eval "${_vg_bin@Q} exec --from-hook bash --status $3 -c ${1@Q}"
}

# The shell's own CLI: `vectra-guard off` / `on` for this shell only; the rest goes to
# the program (the hooks never sandbox it: it judges itself).
_vg_cli() {
  case "$*" in
    off)
      "$_vg_bin" hook bash --toggle off
      _vg_off=1
      export VG_HOOK_OFF=1
      printf '%s\n' "vectra-guard: off for this shell; type 'vectra-guard on' to turn it back on." >&2
      ;;
    on)
      "$_vg_bin" hook bash --toggle on
      _vg_off=''
      unset VG_HOOK_OFF
      printf '%s\n' 'vectra-guard: on again for this shell.' >&2
      ;;
    *) "$_vg_bin" "$@" ;;
  esac
}
vectra-guard() { _vg_cli "$@"; }
vg() { _vg_cli "$@"; }

# Bound to Enter through the macro; runs before accept-line. The line stays as typed;
# a sandbox or block verdict waits in _vg_act for the DEBUG trap.
_vg_enter() {
  [[ -n $_vg_off ]] && return
  _vg_guard_pieces
  local text=$READLINE_LINE
  [[ -n $_vg_pending ]] && text=$_vg_pending$'\n'$READLINE_LINE
  _vg_judged='' _vg_defer='' _vg_act='' _vg_trace_next=''
  if [[ $text != *[![:space:]]* ]]; then
    [[ -z $_vg_pending ]] && return
  fi
  local next_status=$_vg_next_status
  _vg_next_status=
  # History expansion (!!, !$, ^a^b) happens after accept-line: judge what will really run.
  local hc=${histchars:-'!^'}
  if [[ $- == *H* && ($text == *"${hc:0:1}"* || $text == "${hc:1:1}"*) ]]; then
    local expanded
    expanded=$(_vg_history_expand "$text") && text=$expanded
  fi
  # `fc -s` / `fc -e -` / `fc` re-run history entries: each command they run is judged.
  # (also through an alias: any alias that runs fc, e.g. r='fc -s', traces the line)
  [[ $text == *fc* && $text =~ (^|[^[:alnum:]_.-])fc([[:space:]]|$) ]] && _vg_trace_next=1
  [[ ${BASH_ALIASES[*]} == *fc* && " ${BASH_ALIASES[*]} " =~ (^|[^[:alnum:]_.-])fc([[:space:]]|$) ]] &&
    _vg_trace_next=1
  _vg_eval '' "$text"
  case $_vg_verdict in
    incomplete)
      _vg_pending=$text
      return
      ;;
    run)
      [[ -n $_vg_notice ]] && printf '\n%s\n' "$_vg_notice" >&2
      _vg_rec_id=$_vg_recid _vg_rec_t0=${EPOCHREALTIME-}
      # The line before was aborted (sandboxed or blocked), and bash keeps $? at ^C's 130
      # for the next line whatever a prompt hook returns: a line that reads $? starts with
      # the status that line really had (its history entry stays as typed, see _vg_precmd).
      if [[ -n $next_status && -z $_vg_pending && ($text == *'$?'* || $text == *'${?'*) ]]; then
        local lead=${READLINE_LINE%%[![:space:]]*}
        _vg_orig=$READLINE_LINE
        READLINE_LINE="${lead}_vg_ret $next_status; ${READLINE_LINE#"$lead"}"
        _vg_rewrite=$READLINE_LINE
        READLINE_POINT=${#READLINE_LINE}
      fi
      _vg_pending=''
      _vg_judged=$text
      ;;
    block | sandbox)
      _vg_store "$text" "$_vg_notice" "$_vg_defs"
      local fn=__vg_blocked
      [[ $_vg_verdict == sandbox ]] && fn=__vg_reroute
      # Blocked, one line that starts with a plain word: that word becomes, for this
      # line only, an alias for __vg_blocked ending in a comment that swallows the rest
      # of the line. The line stays as typed on screen and in history, and $? is 126
      # for every prompt hook (no abort needed). A sandboxed line goes to the DEBUG
      # trap instead: a job started from a trap keeps the typed line as its name.
      if [[ $fn == __vg_blocked && -z $_vg_pending && $READLINE_LINE == "$text" ]] && _vg_alias_line "$text" "$fn $_vg_id"; then
        _vg_judged=$text
      # A function definition runs no command the DEBUG trap would see: it is replaced
      # (shown as typed again in history) by the call that carries the verdict out.
      elif [[ -z $_vg_pending && $text =~ ^[[:space:]]*(function[[:space:]]|[[:alnum:]_.:-]+[[:space:]]*\(\)) ]]; then
        _vg_orig=$text
        READLINE_LINE="$fn $_vg_id"
        _vg_rewrite=$READLINE_LINE
        _vg_judged=$READLINE_LINE
        READLINE_POINT=${#READLINE_LINE}
      else
        _vg_act=$_vg_verdict _vg_act_line=$text _vg_act_note=$_vg_notice _vg_act_status=$next_status _vg_act_defs=$_vg_defs
      fi
      _vg_pending=''
      ;;
  esac
}

# TEXT after history expansion, as bash will expand it after accept-line. In a subshell:
# inside bind -x, `history -p` first deletes the last entry (taking it for its own
# line) and so expands against the one before; a pushed dummy entry, deleted again,
# stops that.
_vg_history_expand() {
  builtin history -s -- '#vg' || return 1
  if ! builtin history -d -1 2>/dev/null; then
    # bash 4.4: no negative offsets.
    local last
    last=$(HISTTIMEFORMAT='' builtin history 1)
    last=${last#"${last%%[! ]*}"}
    builtin history -d "${last%% *}" || return 1
  fi
  builtin history -p -- "$1" 2>/dev/null
}

# Our pieces back before a line runs, when the line before removed them: the DEBUG trap
# (a foreign one that replaced it is kept inside ours), extdebug, PS0 and our
# PROMPT_COMMAND entry. No fork.
_vg_guard_pieces() {
  # _vg_debug_outer saw this key's command: our trap (or a wrapper of it) is in place.
  [[ -n $_vg_alive ]] || trap '_vg_debug_outer' DEBUG
  _vg_alive=''
  [[ $PS0 == *'${_vg_line=}'* ]] || PS0+='${_vg_line=}'
  # _vg_precmd (which sets extdebug) did not run at this line's prompt. Another tool may
  # wrap PROMPT_COMMAND: that is fine as long as ours still runs.
  if [[ -z $_vg_pending ]]; then
    if [[ -z $_vg_prompted ]]; then
      builtin shopt -s extdebug
      _vg_install_precmd
    fi
    _vg_prompted=''
  fi
}

# Words that are not looked up as aliases where a command starts.
declare -gA _vg_reserved=([if]=1 [then]=1 [else]=1 [elif]=1 [fi]=1 [case]=1 [esac]=1 [for]=1 [select]=1
  [while]=1 [until]=1 [do]=1 [done]=1 [function]=1 [time]=1 [coproc]=1 ['{']=1 ['}']=1 ['!']=1 ['[[']=1 [']]']=1)
declare -g _vg_alias_word='' _vg_alias_had='' _vg_alias_old=''

# Make the first word of one-line TEXT an alias for CALL plus a comment, until the next
# prompt (see _vg_enter). Fails when that is not safe: several lines, no plain first word.
_vg_alias_line() {
  [[ $1 != *$'\n'* ]] && builtin shopt -q expand_aliases || return 1
  [[ $1 =~ ^[[:space:]]*([[:alnum:]_./:+@%^,-]+)([[:space:]]|$) ]] || return 1
  local w=${BASH_REMATCH[1]}
  [[ -z ${_vg_reserved[$w]-} ]] || return 1
  _vg_alias_word=$w _vg_alias_had='' _vg_alias_old=''
  if [[ -v BASH_ALIASES[$w] ]]; then
    _vg_alias_had=1 _vg_alias_old=${BASH_ALIASES[$w]}
  fi
  BASH_ALIASES[$w]="$2 #"
}

# After the line: the word's own alias back (or none).
_vg_unalias() {
  if [[ -n $_vg_alias_had ]]; then
    BASH_ALIASES[$_vg_alias_word]=$_vg_alias_old
  else
    # (unsetting a BASH_ALIASES element does not remove the alias)
    builtin unalias -- "$_vg_alias_word" 2>/dev/null
  fi
  _vg_alias_word='' _vg_alias_had='' _vg_alias_old=''
}

# The DEBUG trap. Returning non-zero (with extdebug) skips the command about to run.
# $1: the status before the command (for a sandboxed line's $?).
_vg_debug() {
  [[ -n $_vg_nested ]] && return 0
  if [[ ! -v _vg_line ]]; then
    # Inside another tool's key widget (bind -x), e.g. atuin's enter_accept, which runs
    # the chosen line with eval and never lets it reach Enter or PS0: judge each command
    # the widget runs (eval's own text is skipped: what it runs is trapped one by one).
    # (or after the first command of a line that is judged command by command)
    [[ -v READLINE_LINE || -n $_vg_tracing ]] || return 0
    [[ $BASH_COMMAND == _vg_* || " ${FUNCNAME[*]:2} " == *" _vg_"* || " ${FUNCNAME[*]:2} " == *" __vg_"* ]] &&
      return 0
    [[ $BASH_COMMAND == eval\ * || $BASH_COMMAND == 'builtin eval '* ]] && return 0
    # A shell function: trace into it (functrace, until the next prompt turns it off).
    if declare -F -- "${BASH_COMMAND%% *}" >/dev/null; then
      set -T
      return 0
    fi
    _vg_widget_command "$BASH_COMMAND"
    return
  fi
  unset _vg_line
  # A verdict waiting for this line is carried out at its first command, whatever that
  # command is named (a typed `_vg_restatus; cmd` must not pass as one of ours).
  if [[ -z $_vg_act ]]; then
    case $BASH_COMMAND in
      _vg_enter | _vg_precmd | _vg_restatus | _vg_status=* | _vg_trap=* | '((_vg_direct))') return 0 ;;
    esac
  fi
  if [[ -n $_vg_off ]]; then
    builtin shopt -u extdebug
    return 0
  fi
  if [[ -n $_vg_act ]]; then
    # Judged at Enter: blocked, or sandboxed. Either way the line must not run here.
    local act=$_vg_act
    _vg_act=''
    if [[ $act == sandbox ]]; then
      _vg_sandbox "$_vg_act_line" "$_vg_act_note" "${_vg_act_status:-${1:-0}}" "$_vg_act_defs"
      _vg_abort_status=$?
    else
      printf '%s\n' "$_vg_act_note" >&2
      _vg_abort_status=126
    fi
    _vg_act_line='' _vg_act_note='' _vg_act_defs=''
    kill -INT $$
    return 1
  fi
  if [[ -n $_vg_judged ]]; then
    # Let the line run, without extdebug (until the next prompt), or judge each further
    # command it runs (`fc` re-runs history entries).
    _vg_judged=''
    if [[ -n $_vg_trace_next ]]; then
      _vg_tracing=1 _vg_trace_next=''
    else
      builtin shopt -u extdebug
    fi
    return 0
  fi
  # Not seen by our Enter key (so maybe our binding is gone: re-bind at the prompt).
  _vg_rebind=1
  # The whole line is history entry HISTCMD if bash saved it;
  # if it did not (ignorespace, HISTIGNORE, set +o history) judge the command itself,
  # and each further one (until the prompt).
  local text trace=''
  if ((HISTCMD == _vg_hc)); then
    text=$(HISTTIMEFORMAT='' builtin history 1)
    text=${text#*[0-9]  }
  else
    text=$BASH_COMMAND trace=1
  fi
  if _vg_carry_out "$text" "${1:-0}"; then
    [[ -z $_vg_nested ]] && _vg_rec_id=$_vg_recid _vg_rec_t0=${EPOCHREALTIME-}
    if [[ -n $trace ]]; then _vg_tracing=1; else builtin shopt -u extdebug; fi
    return 0
  fi
  # Abort the rest of the line, as ^C would (bash sets $? to 130; _vg_restatus, first in
  # PROMPT_COMMAND, puts the real status back before any prompt hook or the prompt sees it).
  kill -INT $$
  return 1
}

# Judge TEXT and carry the verdict out: 0 = let it run (a notice may be printed);
# 1 = it must not run on the host: it was blocked (reason on stderr) or has just run in
# the sandbox; _vg_abort_status holds the status the user should see.
_vg_carry_out() {
  _vg_eval --final "$1"
  case $_vg_verdict in
    run)
      [[ -n $_vg_notice ]] && printf '%s\n' "$_vg_notice" >&2
      return 0
      ;;
    sandbox)
      _vg_sandbox "$1" "$_vg_notice" "${2:-0}" "$_vg_defs"
      _vg_abort_status=$?
      ;;
    *)
      printf '%s\n' "$_vg_notice" >&2
      _vg_abort_status=126
      ;;
  esac
  return 1
}

# One command a foreign widget is about to run: 0 lets it run; otherwise it is skipped
# (blocked with the reason on stderr, or run in the sandbox instead).
_vg_widget_command() {
  # No ^C follows here, so the status is not carried to the prompt.
  local _vg_nested=1 _vg_abort_status=''
  _vg_carry_out "$1"
}

# First in PROMPT_COMMAND: after a line we aborted with SIGINT, $? becomes what the line
# really ended with (126 when it was blocked, the sandbox's status when it was re-routed)
# instead of 130, for every prompt hook. A function return sets $? without a fork;
# otherwise $? passes unchanged. Bash itself puts $? back to 130 after PROMPT_COMMAND,
# so _vg_enter also starts the next line with that status (_vg_next_status).
_vg_restatus() {
  local s=$?
  _vg_tracing=''
  if [[ -n $_vg_abort_status ]]; then
    _vg_next_status=$_vg_abort_status
    _vg_abort_status=''
  fi
  if [[ -n $_vg_next_status ]]; then
    # Only bash's own 130 is replaced; any other status means a new line ran since.
    if ((s == 130)); then s=$_vg_next_status; else _vg_next_status=''; fi
  fi
  return "$s"
}
_vg_ret() { return "$1"; }

# Outermost DEBUG trap: a foreign trap (VS Code, starship) runs first, its status ignored.
_vg_debug_outer() {
  local st=$?
  [[ $BASH_COMMAND == _vg_enter ]] && _vg_alive=1
  [[ -n $_vg_nested ]] && return 0
  # Called by bash itself (not through another tool's wrapper) for our prompt command:
  # we are still the outermost trap, so the prompt need not look (a fork) at `trap -p`.
  [[ $BASH_COMMAND == '_vg_status=$?' ]] && ((${#FUNCNAME[@]} == 1)) && _vg_direct=1
  if [[ -n $_vg_foreign ]]; then
    _vg_nested=1
    builtin eval -- "$_vg_foreign"
    _vg_nested=''
  fi
  _vg_debug "$st"
}

_vg_bind_keys() {
  local km
  for km in emacs vi-insert vi-command; do
    builtin bind -m "$km" -x '"\C-x\C-_V1\a": _vg_enter'
    builtin bind -m "$km" '"\C-x\C-_V2\a": accept-line'
    builtin bind -m "$km" '"\C-m": "\C-x\C-_V1\a\C-x\C-_V2\a"'
    builtin bind -m "$km" '"\C-j": "\C-x\C-_V1\a\C-x\C-_V2\a"'
  done
}

# Put our pieces back if something replaced them since the last prompt. Inside a
# function bash hides the DEBUG trap, so callers pass `trap -p DEBUG` in _vg_trap,
# taken at the top level.
_vg_reassert() {
  builtin shopt -s extdebug
  set +T +E
  [[ $PS0 == *'${_vg_line=}'* ]] || PS0+='${_vg_line=}'
  # A trap that already calls ours (a wrapper around it) must not be wrapped again.
  if ((!_vg_direct)) && [[ -n $_vg_trap && $_vg_trap != *_vg_debug* ]]; then
    local -a parts
    builtin eval "parts=($_vg_trap)"
    _vg_foreign=${parts[2]}
  fi
  trap '_vg_debug_outer' DEBUG
  if ((_vg_rebind)); then
    _vg_bind_keys
    _vg_rebind=0
  fi
  _vg_direct=0
}

# Runs from PROMPT_COMMAND as `_vg_status=$?; ((_vg_direct)) || _vg_trap=$(trap -p DEBUG);
# _vg_precmd`: the fork for `trap -p` only happens when another tool took the DEBUG trap.
_vg_precmd() {
  local status=$_vg_status
  [[ -n $_vg_alias_word ]] && _vg_unalias
  [[ -n $_vg_rec_id ]] && _vg_report_end "$status"
  # Inside `vectra-guard sandbox shell` the prompt says so.
  [[ ${VG_SANDBOX-} == 1 && $PS1 != '(sandbox) '* ]] && PS1="(sandbox) $PS1"
  # Show what the user typed in history, not our rewrite of it.
  if [[ -n $_vg_rewrite ]]; then
    local last
    last=$(HISTTIMEFORMAT='' builtin history 1)
    if [[ ${last#*[0-9]  } == "$_vg_rewrite" ]]; then
      builtin history -d -1 2>/dev/null || builtin history -d "${last%%[^0-9 ]*}"
      builtin history -s -- "$_vg_orig"
    fi
    _vg_rewrite='' _vg_orig=''
  fi
  _vg_pending='' _vg_judged='' _vg_defer='' _vg_act='' _vg_tracing='' _vg_trace_next=''
  unset _vg_line
  _vg_reassert
  _vg_restatus_first
  _vg_start_server
  _vg_hc=$HISTCMD
  _vg_prompted=1
  return $status
}

# The status of the last host line for its audit record ("end"): in the shell through
# the builtin, else one write to the coprocess; never a process of its own.
_vg_report_end() {
  local ms=0 t0=$_vg_rec_t0 now=${EPOCHREALTIME-}
  if [[ -n $t0 && -n $now ]]; then
    t0=${t0/[.,]/} now=${now/[.,]/}
    ms=$(((10#$now - 10#$t0) / 1000))
  fi
  if ((_vg_builtin)); then
    builtin vectra_guard_hook --end "$_vg_rec_id" "$1" "$ms"
  elif [[ -n ${_VG_SERVER[1]-} ]] && kill -0 "$_vg_server_pid" 2>/dev/null; then
    printf 'end\0%s\0%s %s\0' "$_vg_rec_id" "$1" "$ms" >&"${_VG_SERVER[1]}"
  fi
  _vg_rec_id='' _vg_rec_t0=''
}

# Tools that install themselves at the first prompt (bash-preexec) put their own hook
# first in PROMPT_COMMAND; _vg_restatus goes back in front of it, no fork.
_vg_restatus_first() {
  if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
    [[ ${PROMPT_COMMAND[0]} == _vg_restatus ]] && return
    local pc
    local -a rest=()
    for pc in "${PROMPT_COMMAND[@]}"; do [[ $pc == _vg_restatus ]] || rest+=("$pc"); done
    PROMPT_COMMAND=(_vg_restatus "${rest[@]}")
  else
    [[ $PROMPT_COMMAND == _vg_restatus$'\n'* || $PROMPT_COMMAND != *_vg_precmd* ]] && return
    local pc=${PROMPT_COMMAND/_vg_restatus$'\n'/}
    PROMPT_COMMAND=_vg_restatus$'\n'$pc
  fi
}

_vg_prompt_command='_vg_status=$?; ((_vg_direct)) || _vg_trap=$(trap -p DEBUG); _vg_precmd'

# Last in PROMPT_COMMAND (string or array), so other tools' prompt hooks run first.
# _vg_restatus goes first, so every prompt hook sees the status we put back.
_vg_install_precmd() {
  local decl
  decl=$(declare -p PROMPT_COMMAND 2>/dev/null)
  if [[ $decl == 'declare -a'* ]]; then
    local pc
    for pc in "${PROMPT_COMMAND[@]}"; do [[ $pc == "$_vg_prompt_command" ]] && return; done
    PROMPT_COMMAND=(_vg_restatus "${PROMPT_COMMAND[@]}" "$_vg_prompt_command")
  else
    [[ $PROMPT_COMMAND == *_vg_precmd* ]] && return
    PROMPT_COMMAND=_vg_restatus$'\n'${PROMPT_COMMAND:+$PROMPT_COMMAND$'\n'}$_vg_prompt_command
  fi
}

# The DEBUG trap, extdebug and PS0 are set at the first prompt: inside this sourced file
# bash hides a DEBUG trap that ~/.bashrc set before us, which must be kept (wrapped).
_vg_bind_keys
_vg_install_precmd
_vg_load_builtin
_vg_start_server
_vg_export_hook
[[ ${VG_SANDBOX-} == 1 && $PS1 != '(sandbox) '* ]] && PS1="(sandbox) $PS1"
_vg_hc=$HISTCMD

# No silent off switch: the hook's functions and constants cannot be redefined, unset
# or assigned by a line (the evaluator also refuses such lines: rule self.hook-state).
_vg_loaded=1
readonly -f vectra-guard vg $(compgen -A function -- _vg_; compgen -A function -- __vg_)
declare -r _vg_loaded _vg_bin _vg_builtin _vg_prompt_command _vg_reserved
