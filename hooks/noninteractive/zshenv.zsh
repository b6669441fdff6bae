# vectra-guard: judge `zsh -c STRING` once before it runs. Source this file from
# ~/.zshenv (or /etc/zsh/zshenv, which zsh reads even with -f): agents' zsh shells
# are non-interactive and read only zshenv. Prints nothing unless it acts.
# VG_EXEC_CHECKED: this exec was judged already (our pid, or "parent:" the pid of the
# vectra-guard process that started us).
if [[ -n ${ZSH_EXECUTION_STRING-} && ${VG_EXEC_CHECKED-} != $$ && -z ${VG_NI_ROUTED-} &&
  ! ( ${VG_EXEC_CHECKED-} == parent:$PPID && -n ${VG_GUARD_BIN-} && /proc/$PPID/exe -ef $VG_GUARD_BIN ) ]]; then
  __vg_bin=${VG_GUARD_BIN:-vectra-guard}
  __vg_cfg=()
  [[ -n ${VG_AGENT_CONFIG-} ]] && __vg_cfg=(--config "$VG_AGENT_CONFIG")
  "$__vg_bin" "${__vg_cfg[@]}" agent check-shell --shell zsh -- "$ZSH_EXECUTION_STRING" "$@" </dev/null
  case $? in
    0) unset __vg_bin __vg_cfg ;;
    100) VG_NI_ROUTED=1 exec "$__vg_bin" "${__vg_cfg[@]}" exec --sandbox --no-interactive -- \
           zsh -c "$ZSH_EXECUTION_STRING" "${ZSH_ARGZERO:-zsh}" "$@" ;;
    126) exit 126 ;;
    *) print -r -- "vectra-guard: this zsh -c command could not be judged (is $__vg_bin installed?); not running it." >&2
       exit 126 ;;
  esac
fi
