# vectra-guard hook for interactive zsh (>= 5.3). Source it last from ~/.zshrc:
#   VECTRA_GUARD_BIN=/path/to/vectra-guard; source /path/to/vectra-guard.zsh
#
# accept-line and its siblings (accept-and-hold, accept-line-and-down-history,
# accept-and-infer-next-history) are wrapped: the whole text, $PREBUFFER$BUFFER, goes to
# `vectra-guard hook zsh` first. run: accepted unchanged (cd, export, functions work as
# always). block and sandbox: the line stays as typed (screen, history) and the DEBUG
# trap carries the verdict out at its first command: block prints why ($? = 126),
# sandbox runs the line in `vectra-guard exec --from-hook zsh` (a zsh in the sandbox that
# starts with this shell's $?); the rest of the line is skipped. A function definition
# alone is rewritten to `__vg_blocked N` / `__vg_reroute N` (no command of it would reach
# the trap). `vectra-guard off` / `on` turn the guard off/on for this shell; a host line's
# status goes to the audit log at the next prompt. A zle-line-finish hook catches widgets
# that accept a line some other way, and a TRAPDEBUG backstop (see below) lines that
# never pass either (`r`, `fc -e -`). A wrapper installed before ours stays in the chain.
# Rules live in the evaluator, never here.

[[ -o interactive ]] || return 0
# Loaded once per shell: its constants are read-only, and sourcing the rc file again must
# not trip over them (the hook already running stays).
(( ${+_vg_loaded} )) && return 0
autoload -Uz is-at-least
if ! is-at-least 5.3; then
  print -u2 "vectra-guard: zsh $ZSH_VERSION is too old for the hook (5.3 or newer needed); this shell is not guarded."
  return 0
fi

typeset -g _vg_bin=${VECTRA_GUARD_BIN:-${commands[vectra-guard]}}
if [[ -z $_vg_bin || ! -x $_vg_bin ]]; then
  print -u2 "vectra-guard: the vectra-guard binary was not found; this shell is not guarded. Reinstall with scripts/install-shell-wrapper.sh."
  return 0
fi
# The binary's path never changes in this shell (issue 18: overwriting it was an off
# switch). zsh lets `typeset +r` undo this, so the check at each prompt looks too.
typeset -gr _vg_bin _vg_loaded=1
typeset -gr _vg_gone_msg="vectra-guard: the guard binary $_vg_bin is missing or not executable, so this line was not run (only exit and logout are). Repair with scripts/install-shell-wrapper.sh, or remove the hook with scripts/install-shell-wrapper.sh --uninstall and open a new shell."

typeset -gA _vg_lines _vg_notes
typeset -gi _vg_id=0
typeset -g _vg_verdict='' _vg_notice='' _vg_orig='' _vg_rewrite='' _vg_done=''
# The definitions the last judgement looked up (JSON, for VG_HOOK_DEFS); the text our
# widgets judged (preexec compares it with what the shell runs after history expansion);
# a looked-up alias/function that can replay history.
typeset -g _vg_defs='' _vg_act_defs='' _vg_judged='' _vg_replay=''
typeset -gA _vg_ldefs
# The verdict the DEBUG trap carries out, its line and notice; the host line whose audit
# record gets its status at the next prompt; off for this shell (`vectra-guard off`).
typeset -g _vg_act='' _vg_act_line='' _vg_act_note='' _vg_recid='' _vg_rec_id='' _vg_rec_t0='' _vg_off=''
zmodload -F zsh/datetime p:EPOCHREALTIME 2>/dev/null
unset VG_HOOK_OFF VG_HOOK_DEFS
export VG_HOOK=zsh
[[ ${VG_SANDBOX-} == 1 && $PS1 != '(sandbox) '* ]] && PS1="(sandbox) $PS1"

# One `vectra-guard hook zsh --serve` coprocess per shell answers every line; its pipes
# are copied to our own descriptors, so a coproc the user starts later does not take them.
typeset -gi _vg_in=-1 _vg_out=-1 _vg_server_pid=0
_vg_start_server() {
  (( _vg_server_pid )) && kill -0 $_vg_server_pid 2>/dev/null && return 0
  setopt localoptions nomonitor
  (( _vg_in >= 0 )) && exec {_vg_in}>&-
  (( _vg_out >= 0 )) && exec {_vg_out}<&-
  coproc "$_vg_bin" hook zsh --serve
  _vg_server_pid=$!
  exec {_vg_in}>&p {_vg_out}<&p
  disown %+ 2>/dev/null
}

# The server's lookup rounds (core/shell_defs.h): "?" NAME "\n" ... and we answer, per
# name, the alias value and the function definition ("=" TEXT, or "-" when none), until
# the answer comes; it is left in `out` of the caller. No forks: zsh's own tables.
# A definition that can replay history (`r`, `fc`) arms the backstop for the line.
_vg_read_answer() {
  local n a f reply src body d
  while IFS= read -r -d '' out <&$_vg_out; do
    [[ $out == '?'* ]] || return 0
    reply=''
    for n in "${(@f)${out#\?}}"; do
      a=- f=-
      if [[ -n $n ]]; then
        if (( ${+aliases[$n]} )); then
          a="=${aliases[$n]}"
        elif (( ${+galiases[$n]} )); then
          a="=${galiases[$n]}"
        fi
        if (( ${+functions[$n]} )); then
          # Not loaded yet: what zsh will load from $fpath. zsh's own functions (loaded
          # or not) are commands of the system, like /usr/bin's, not the user's code.
          src=${functions_source[$n]-} body=${functions[$n]}
          if [[ $body == 'builtin autoload -X'* ]]; then
            src=''
            for d in $fpath; do [[ -f $d/$n ]] && { src=$d/$n; break; }; done
            [[ -n $src && $src != /usr/share/zsh/* ]] && body=$(<$src)
          fi
          [[ $src == /usr/share/zsh/* ]] || f="=$n () {"$'\n'"$body"$'\n'"}"
        fi
        [[ " ${a//[^[:alnum:]_-]/ } ${f//[^[:alnum:]_-]/ } " == *" "(r|fc)" "* ]] && _vg_replay=1
      fi
      reply+="$a"$'\0'"$f"$'\0'
    done
    print -rn -- "$reply" >&$_vg_in 2>/dev/null || return 1
  done
  return 1
}

# Ask the evaluator about $1 ($2 = 1: the shell is running it now, it cannot be
# incomplete); sets _vg_verdict, _vg_notice and _vg_defs (the definitions it looked up,
# for the one-shot question and the sandbox, see shell_defs.h).
_vg_eval() {
  local out='' rc=1 final=${2:-0} rest=''
  _vg_defs=''
  if [[ ! -x $_vg_bin ]]; then
    # Fail closed (issue 18): only leaving the shell still works.
    if [[ $1 =~ '^[[:space:]]*(exit|logout)([[:space:]]+[0-9]+)?[[:space:]]*$' ]]; then
      _vg_verdict=run _vg_notice=''
    else
      _vg_verdict=block _vg_notice=$_vg_gone_msg
    fi
    return
  fi
  if (( _vg_server_pid )) && kill -0 $_vg_server_pid 2>/dev/null &&
     print -rn -- "$final"$'\0'"$PWD"$'\0'"$1"$'\0' >&$_vg_in 2>/dev/null &&
     _vg_read_answer; then
    rc=0
    [[ $out == *$'\n'* ]] && rest=${out#*$'\n'}
    [[ $rest == defs:* ]] && _vg_defs=${${rest%%$'\n'*}#defs:}
  fi
  # The coprocess cannot read the terminal: questions go through a one-shot process,
  # with the definitions the server looked up (for that process only).
  if (( rc != 0 )) || [[ $out == ask || $out == ask$'\n'* ]]; then
    local -a cmd=("$_vg_bin" hook zsh)
    (( final )) && cmd+=(--final)
    if [[ -n $_vg_defs ]]; then
      out=$(VG_HOOK_DEFS=$_vg_defs "${cmd[@]}" -- "$1")
    else
      out=$("${cmd[@]}" -- "$1")
    fi
    rc=$?
    rest=''
    [[ $out == *$'\n'* ]] && rest=${out#*$'\n'}
    [[ $rest == defs:* ]] && _vg_defs=${${rest%%$'\n'*}#defs:}
  fi
  # The defs: line is for us, not for the user.
  if [[ $rest == defs:* ]]; then
    if [[ $rest == *$'\n'* ]]; then rest=${rest#*$'\n'}; else rest=''; fi
  fi
  _vg_verdict=${out%%$'\n'*}
  # "run<TAB>ID": the audit record whose status the next prompt reports.
  _vg_recid=''
  if [[ $_vg_verdict == *$'\t'* ]]; then
    _vg_recid=${_vg_verdict#*$'\t'}
    _vg_verdict=${_vg_verdict%%$'\t'*}
  fi
  _vg_notice=${rest%$'\n'}
  case $rc:$_vg_verdict in
    (0:run|0:sandbox|0:block|0:incomplete) ;;
    (*)
      _vg_verdict=block
      _vg_notice="vectra-guard could not check this line (exit $rc), so it was not run."
      ;;
  esac
}

__vg_blocked() {
  [[ -n ${_vg_notes[$1]} ]] && print -ru2 -- "${_vg_notes[$1]}"
  unset "_vg_lines[$1]" "_vg_notes[$1]"
  return 126
}

__vg_reroute() {
  local line=${_vg_lines[$1]} note=${_vg_notes[$1]} defs=${_vg_ldefs[$1]}
  unset "_vg_lines[$1]" "_vg_notes[$1]" "_vg_ldefs[$1]"
  _vg_sandbox "$line" "$note" ${2:-0} "$defs"
}

# Run $1 in the sandbox as zsh would run it here, starting with status $3 and with the
# aliases/functions $4 it uses (VG_HOOK_DEFS, for that command only); through eval of
# the quoted text, so `jobs` shows the typed line rather than our variables.
_vg_sandbox() {
  [[ -n $2 ]] && print -ru2 -- "$2"
  if [[ ! -x $_vg_bin ]]; then
    print -ru2 -- "$_vg_gone_msg"
    return 126
  fi
  if [[ -n $4 ]]; then
    eval "VG_HOOK_DEFS=${(q)4} ${(q)_vg_bin} exec --from-hook zsh --status $3 -c ${(q)1}"
  else
    eval "${(q)_vg_bin} exec --from-hook zsh --status $3 -c ${(q)1}"
  fi
}

# `vectra-guard off` / `on` for this shell only; the rest goes to the program.
_vg_cli() {
  case "$*" in
    (off)
      "$_vg_bin" hook zsh --toggle off
      _vg_off=1
      export VG_HOOK_OFF=1
      print -ru2 -- "vectra-guard: off for this shell; type 'vectra-guard on' to turn it back on."
      ;;
    (on)
      "$_vg_bin" hook zsh --toggle on
      _vg_off=''
      unset VG_HOOK_OFF
      print -ru2 -- 'vectra-guard: on again for this shell.'
      ;;
    (*) "$_vg_bin" "$@" ;;
  esac
}
vectra-guard() { _vg_cli "$@"; }
vg() { _vg_cli "$@"; }

# Judge the buffer. Returns 1 when the input was dropped (the caller must not accept).
_vg_judge() {
  [[ -n $_vg_done || -n $_vg_off ]] && return 0
  _vg_done=1
  _vg_act='' _vg_replay=''
  [[ ${functions[_vg_guard_quick]-} == "$_vg_quick_body" ]] || functions[_vg_guard_quick]=$_vg_quick_body
  _vg_guard_quick
  local text="$PREBUFFER$BUFFER"
  _vg_judged=$text
  [[ $text == *[![:space:]]* ]] || return 0
  _vg_widget_judged=1
  _vg_eval "$text"
  case $_vg_verdict in
    (run)
      [[ -n $_vg_notice ]] && { zle -I; print -ru2 -- "$_vg_notice"; }
      _vg_rec_id=$_vg_recid
      ;;
    # bash's grammar thinks the line goes on; if zsh runs it as it is (`{ cmd }`), the
    # preexec backstop judges it whole.
    (incomplete) _vg_widget_judged='' ;;
    (block|sandbox)
      if [[ ! $text =~ '^[[:space:]]*(function[[:space:]]|[[:alnum:]_.:-]+[[:space:]]*\(\))' ]]; then
        # The DEBUG trap carries it out at the line's first command; the line stays as typed.
        _vg_act=$_vg_verdict _vg_act_line=$text _vg_act_note=$_vg_notice _vg_act_defs=$_vg_defs
        _vg_widget_judged=''
        return 0
      fi
      ;|
    (block)
      if [[ -n $PREBUFFER ]]; then
        # Earlier lines are already with the parser: drop the whole input like ^C.
        zle -I
        print -ru2 -- "$_vg_notice"
        zle send-break
        return 1
      fi
      (( _vg_id++ ))
      _vg_lines[$_vg_id]=$text
      _vg_notes[$_vg_id]=$_vg_notice
      _vg_orig=$text
      BUFFER="__vg_blocked $_vg_id"
      _vg_rewrite=$BUFFER
      ;;
    (sandbox)
      (( _vg_id++ ))
      _vg_lines[$_vg_id]=$text
      _vg_notes[$_vg_id]=$_vg_notice
      _vg_ldefs[$_vg_id]=$_vg_defs
      if [[ -n $PREBUFFER ]]; then
        # The first lines cannot be rewritten any more: run the whole command in the
        # sandbox from here and drop the input.
        zle -I
        __vg_reroute $_vg_id
        zle send-break
        return 1
      fi
      _vg_orig=$text
      BUFFER="__vg_reroute $_vg_id"
      _vg_rewrite=$BUFFER
      ;;
  esac
  CURSOR=${#BUFFER}
  [[ -n $_vg_rewrite ]] && _vg_judged=$BUFFER
  return 0
}

typeset -ga _vg_accept_widgets=(accept-line accept-and-hold accept-line-and-down-history
  accept-and-infer-next-history)

# One wrapper for all accept widgets: judge, then call what the widget was before us.
# Another plugin may call us under its own name for the original widget
# (autosuggest-orig-3-accept-line): the widget is the one whose name ends $WIDGET.
_vg_accept() {
  _vg_judge || return 0
  local w base=accept-line
  for w in $_vg_accept_widgets; do [[ $WIDGET == (*-|)$w ]] && base=$w; done
  zle "_vg_prev_$base" -- "$@"
}

_vg_wrap_widgets() {
  local w
  for w in $_vg_accept_widgets; do
    [[ ${widgets[$w]} == user:_vg_accept ]] && continue
    # A plugin that re-binds at every prompt (zsh-autosuggestions) may have wrapped ours
    # and kept it as its original: we are in the chain already, wrapping again would
    # make a loop.
    local -a held=(${(k)widgets[(R)user:_vg_accept]})
    held=(${(M)held:#*-$w})
    (( ${#held} )) && continue
    # Keep the current definition (builtin or another plugin's wrapper) to call after us.
    if [[ ${widgets[$w]} == user:* ]]; then
      zle -A "$w" "_vg_prev_$w"
    else
      zle -A ".$w" "_vg_prev_$w"
    fi
    zle -N "$w" _vg_accept
  done
}

_vg_line_init() {
  _vg_done=''
  [[ ${functions[_vg_guard_quick]-} == "$_vg_quick_body" ]] || functions[_vg_guard_quick]=$_vg_quick_body
  _vg_guard_quick
}
_vg_line_finish() { _vg_judge; }

# Keep the typed text in history instead of our rewrite.
_vg_addhistory() {
  # History replayed by `r`/`fc` inside a function passes here before it runs: the
  # backstop judges it at its first command.
  if [[ -n $_vg_dbg ]] && (( ${#funcstack} > 1 )); then
    _vg_replayed=${1%$'\n'} _vg_skip_in=''
  fi
  if [[ -n $_vg_rewrite && ${1%%$'\n'} == "$_vg_rewrite" ]]; then
    print -sr -- "$_vg_orig"
    _vg_rewrite='' _vg_orig=''
    return 1
  fi
  return 0
}

# The backstop, for lines that never pass our widgets (`r`, `fc -e -`, another plugin's
# accept widget that skips zle-line-finish): a DEBUG trap (DEBUG_BEFORE_CMD, zsh's
# default). preexec arms it once per line; at the line's first top-level command it
# judges the whole line unless our widgets already did; after `r`/`fc` it judges each
# top-level command that fc feeds back to the shell. A non-zero return from TRAPDEBUG
# aborts the rest of the line as if interrupted, with that status ($? = 126 when
# blocked); after a sandboxed run that succeeded, ERR_EXIT set inside the trap skips
# each remaining command instead. Outside a line (prompt, widgets) it returns at once.
typeset -g _vg_dbg='' _vg_widget_judged='' _vg_line_text='' _vg_fc='' _vg_skip=''
typeset -g _vg_foreign_debug='' _vg_replayed='' _vg_skip_in=''
_vg_preexec() {
  _vg_rec_t0=${EPOCHREALTIME-}
  _vg_line_text=$3
  _vg_fc='' _vg_skip=''
  [[ ${functions[_vg_guard_quick]-} == "$_vg_quick_body" ]] || functions[_vg_guard_quick]=$_vg_quick_body
  _vg_guard_quick
  [[ -n $_vg_off ]] && return 0
  if [[ ( -n $_vg_widget_judged || -n $_vg_act ) && -n $1 && $1 != "$_vg_judged" ]]; then
    # History expansion (!!, !$, ^a^b) made another line than the one our widgets
    # judged ($1 is the typed text after it; $3 has aliases expanded): the backstop
    # judges what the shell runs.
    _vg_widget_judged='' _vg_act='' _vg_line_text=$1
  fi
  if [[ -n $_vg_widget_judged ]]; then
    # Judged by our widgets, and it names no `r` or `fc` that could replay history (nor
    # an alias or function that does): nothing for the backstop to do, so the line
    # runs without our DEBUG trap.
    local words=" ${3//[^[:alnum:]_-]/ } " w
    # The line's own aliases and functions one level down (the server's lookups
    # reach further): a few table lookups.
    for w in ${=${1//[^[:alnum:]_-]/ }}; do
      (( ${+functions[$w]} )) && words+=" ${${functions[$w]}//[^[:alnum:]_-]/ } "
    done
    if [[ -z $_vg_replay && $words != *" r "* && $words != *" fc "* ]]; then
      _vg_widget_judged=''
      return 0
    fi
  fi
  _vg_take_debug
  _vg_dbg=1
}

# Judge $1 now that the shell is running it; returns what TRAPDEBUG should return.
_vg_backstop_judge() {
  _vg_eval "$1" 1
  case $_vg_verdict in
    (run)
      [[ -n $_vg_notice ]] && print -ru2 -- "$_vg_notice"
      _vg_rec_id=$_vg_recid
      return 0
      ;;
    (sandbox)
      _vg_sandbox "$1" "$_vg_notice" ${2:-0} "$_vg_defs"
      local st=$?
      (( st )) && return $st
      _vg_skip=1
      setopt ERR_EXIT
      return 0
      ;;
    (*)
      print -ru2 -- "$_vg_notice"
      return 126
      ;;
  esac
}

_vg_debug() {
  # Only commands of the line itself: not those inside functions it calls (nor other
  # tools' preexec and precmd hooks); but an `r`/`fc` in a function the line calls
  # replays history at the top level after it.
  if (( ${#funcstack} > 2 )); then
    [[ ${funcstack[3]} == (_vg_|__vg_)* ]] && return 0
    [[ $_vg_dbg == 2 && $ZSH_DEBUG_CMD == (r|fc)(|[[:space:]]*) ]] && _vg_fc=1
    if [[ -n $_vg_skip && ${funcstack[-1]} == "$_vg_skip_in" ]]; then
      setopt ERR_EXIT
      return 0
    fi
    if [[ -n $_vg_replayed ]]; then
      local l=$_vg_replayed
      _vg_replayed=''
      _vg_backstop_judge "$l" || return
      # Sandboxed: the rest of the replayed line is skipped (in that function).
      [[ -n $_vg_skip ]] && _vg_skip_in=${funcstack[-1]}
    fi
    return 0
  fi
  if [[ -n $_vg_skip ]]; then
    setopt ERR_EXIT
    return 0
  fi
  local cmd=$ZSH_DEBUG_CMD
  if [[ $_vg_dbg == 1 ]]; then
    _vg_dbg=2
    if [[ -n $_vg_off ]]; then
      return 0
    elif [[ -n $_vg_act ]]; then
      # Judged at Enter: blocked or sandboxed; either way it does not run here.
      local act=$_vg_act
      _vg_act=''
      if [[ $act == block ]]; then
        print -ru2 -- "$_vg_act_note"
        return 126
      fi
      _vg_sandbox "$_vg_act_line" "$_vg_act_note" ${1:-0} "$_vg_act_defs"
      local st=$?
      (( st )) && return $st
      _vg_skip=1
      setopt ERR_EXIT
      return 0
    elif [[ -n $_vg_widget_judged ]]; then
      _vg_widget_judged=''
    else
      _vg_backstop_judge "${_vg_line_text:-$cmd}" ${1:-0} || return
    fi
  elif [[ -n $_vg_fc ]]; then
    _vg_backstop_judge "$cmd" || return
  fi
  # `r` and `fc` feed history lines back to the shell: judge each command that follows.
  [[ $cmd == (r|fc)(|[[:space:]]*) ]] && _vg_fc=1
  return 0
}

# The trap is ours only while a line runs (preexec to precmd): with a DEBUG trap set, zsh
# rebuilds the text of every command it runs, which would slow the prompt and every
# widget (7 ms a line in tests/bench/bench_hook.sh). A DEBUG trap of someone else's is
# kept and runs inside ours during the line, and is put back for the prompt.
# The status must leave through an explicit `return N` in TRAPDEBUG itself: zsh ignores a
# non-zero status that is only the last command's.
_vg_trapdebug_template() {
  local _vg_st=$?
  [[ -n $_vg_foreign_debug ]] && eval "$_vg_foreign_debug"
  [[ -n $_vg_dbg ]] || return 0
  _vg_debug $_vg_st
  return $?
}
typeset -g _vg_trapdebug_body=${functions[_vg_trapdebug_template]}
typeset -g _vg_foreign_kind='' _vg_debug_taken=''

# A `trap '...' DEBUG` (not a function) is only seen in `trap`'s listing (one fork; only
# on the lines the backstop watches).
_vg_read_string_trap() {
  local line
  _vg_foreign_debug='' _vg_foreign_kind=''
  for line in ${(f)"$(trap)"}; do
    if [[ $line == "trap -- "*" DEBUG" ]]; then
      eval "local -a w=(${line#trap -- })"
      _vg_foreign_debug=${w[1]} _vg_foreign_kind=str
    fi
  done
}

_vg_take_debug() {
  if (( $+functions[TRAPDEBUG] )); then
    if [[ ${functions[TRAPDEBUG]} != "$_vg_trapdebug_body" ]]; then
      _vg_foreign_debug=${functions[TRAPDEBUG]} _vg_foreign_kind=fn
    fi
  else
    _vg_read_string_trap
  fi
  functions[TRAPDEBUG]=$_vg_trapdebug_body
  _vg_debug_taken=1
}

_vg_give_back_debug() {
  [[ -n $_vg_debug_taken ]] || return 0
  _vg_debug_taken=''
  if [[ ${functions[TRAPDEBUG]-} == "$_vg_trapdebug_body" ]]; then
    unfunction TRAPDEBUG
  elif (( $+functions[TRAPDEBUG] )); then
    # The line defined a TRAPDEBUG of its own: that is the one to keep.
    _vg_foreign_debug=${functions[TRAPDEBUG]} _vg_foreign_kind=fn
    return 0
  else
    # The line replaced ours with `trap '...' DEBUG` or removed it.
    _vg_read_string_trap
    return 0
  fi
  case $_vg_foreign_kind in
    (fn) functions[TRAPDEBUG]=$_vg_foreign_debug ;;
    (str) trap "$_vg_foreign_debug" DEBUG ;;
  esac
}

# The last host line's status for its audit record ("end"): one write to the coprocess.
_vg_report_end() {
  local -i ms=0
  [[ -n $_vg_rec_t0 && -n ${EPOCHREALTIME-} ]] && (( ms = (EPOCHREALTIME - _vg_rec_t0) * 1000 ))
  if (( _vg_server_pid )) && kill -0 $_vg_server_pid 2>/dev/null; then
    print -rn -- "end"$'\0'"$_vg_rec_id"$'\0'"$1 $ms"$'\0' >&$_vg_in 2>/dev/null
  fi
  _vg_rec_id='' _vg_rec_t0=''
}

# Put the wrappers back at every prompt if a plugin replaced them.
_vg_precmd() {
  local st=$?
  [[ ${functions[_vg_guard_check]-} == "$_vg_guard_body" ]] || functions[_vg_guard_check]=$_vg_guard_body
  _vg_guard_check
  [[ -n $_vg_rec_id ]] && _vg_report_end $st
  [[ ${VG_SANDBOX-} == 1 && $PS1 != '(sandbox) '* ]] && PS1="(sandbox) $PS1"
  _vg_dbg='' _vg_fc='' _vg_skip='' _vg_widget_judged='' _vg_act='' _vg_replayed='' _vg_skip_in=''
  setopt DEBUG_BEFORE_CMD
  _vg_give_back_debug
  _vg_wrap_widgets
  _vg_start_server
}

# The hook's own pieces stay as loaded (issue 18). The evaluator refuses a typed line
# that changes them (rule self.hook-state); a change that got past it is undone here:
# functions come back from read-only copies, and _vg_bin, with a notice (nothing else
# changes those). Hook entries, zle hooks, accept widgets and DEBUG_BEFORE_CMD, which
# other plugins may legitimately replace, are put back quietly. zsh has no read-only
# functions and `typeset +r` undoes read-only variables: this is the second layer.
_vg_guard_check() {
  local f h what=''
  local -a hw
  for f in ${(k)_vg_saved_fns}; do
    [[ ${functions[$f]-} == "${_vg_saved_fns[$f]}" ]] && continue
    functions[$f]=${_vg_saved_fns[$f]}
    what+=" $f"
  done
  if [[ ${(t)_vg_bin} != *readonly* || $_vg_bin != "$_vg_saved_bin" ]]; then
    typeset -g +r _vg_bin 2>/dev/null
    typeset -g _vg_bin=$_vg_saved_bin
    typeset -gr _vg_bin
    what+=' _vg_bin'
  fi
  # Off only through `vectra-guard off`, which also sets VG_HOOK_OFF.
  if [[ -n $_vg_off && ${VG_HOOK_OFF-} != 1 ]]; then
    _vg_off=''
    what+=' _vg_off'
  fi
  (( ${precmd_functions[(Ie)_vg_precmd]} )) || precmd_functions+=(_vg_precmd)
  (( ${preexec_functions[(Ie)_vg_preexec]} )) || preexec_functions+=(_vg_preexec)
  (( ${zshaddhistory_functions[(Ie)_vg_addhistory]} )) || zshaddhistory_functions+=(_vg_addhistory)
  for h in line-init line-finish; do
    hw=()
    zstyle -a zle-$h widgets hw
    if [[ ${widgets[zle-$h]-} != user:azhw:zle-$h || ${hw[(I)*:_vg_${h/-/_}]} == 0 ]]; then
      add-zle-hook-widget $h _vg_${h/-/_}
    fi
  done
  _vg_wrap_widgets
  setopt DEBUG_BEFORE_CMD
  [[ -z $what ]] && return 0
  [[ -n ${WIDGET-} ]] && zle -I
  print -ru2 -- "vectra-guard: a line changed this shell's hook (${what# }); it is put back. 'vectra-guard off' (audited) or scripts/install-shell-wrapper.sh --uninstall are the ways to turn it off."
  return 1
}

# The full check costs about 0.5 ms (zsh prints each function to compare it), so it runs
# at the prompt; line start, Enter and preexec only see that its way there is intact,
# and run it when it is not.
_vg_guard_quick() {
  if [[ ${functions[_vg_precmd]-} == "${_vg_saved_fns[_vg_precmd]}" &&
        ${functions[_vg_guard_check]-} == "$_vg_guard_body" ]] &&
     (( ${precmd_functions[(Ie)_vg_precmd]} )); then
    return 0
  fi
  functions[_vg_guard_check]=$_vg_guard_body
  _vg_guard_check
}

autoload -Uz add-zsh-hook add-zle-hook-widget
add-zsh-hook zshaddhistory _vg_addhistory
add-zsh-hook precmd _vg_precmd
add-zsh-hook preexec _vg_preexec
add-zle-hook-widget line-init _vg_line_init
add-zle-hook-widget line-finish _vg_line_finish
_vg_wrap_widgets
_vg_start_server

# The read-only copies _vg_guard_check restores from.
typeset -gA _vg_saved_fns
() {
  local f
  for f in ${(k)functions[(I)(_vg_|__vg_)*]}; do _vg_saved_fns[$f]=${functions[$f]}; done
}
typeset -gr _vg_saved_fns _vg_saved_bin=$_vg_bin _vg_guard_body=${functions[_vg_guard_check]} \
  _vg_quick_body=${functions[_vg_guard_quick]}
typeset -gr _vg_trapdebug_body _vg_accept_widgets
