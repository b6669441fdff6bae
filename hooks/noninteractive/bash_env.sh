# vectra-guard: the BASH_ENV file. Agents run commands as `bash -c STRING` (Claude Code,
# Cursor) or `bash -lc STRING` (Codex); bash reads this file before the string runs.
# Every non-interactive bash reads it, scripts too, so a script pays one test and
# nothing more: only a -c string is judged, once, and this file prints nothing unless
# it acts. No DEBUG trap (it would cost every simple command of every script).
# VG_EXEC_CHECKED = our pid, or "parent:" our parent's pid when that parent is the
# vectra-guard binary (`exec --via-shim` started us): the exec shim already judged
# this very exec, so it is not judged twice.
# VG_NI_ROUTED: this shell already is the sandboxed run of a judged string.
[[ -n ${BASH_EXECUTION_STRING-} && ${VG_EXEC_CHECKED-} != "$$" && -z ${VG_NI_ROUTED-} ]] || return 0
[[ ${VG_EXEC_CHECKED-} == "parent:$PPID" && -n ${VG_GUARD_BIN-} && /proc/$PPID/exe -ef $VG_GUARD_BIN ]] && return 0

__vg_bin=${VG_GUARD_BIN:-vectra-guard}
__vg_cfg=()
[[ -n ${VG_AGENT_CONFIG-} ]] && __vg_cfg=(--config "$VG_AGENT_CONFIG")

# The user's command is judged, not the agent's wrapper around it; "$@" carries
# Cursor's `-- COMMAND` form. stdin stays the command's own.
"$__vg_bin" "${__vg_cfg[@]}" agent check-shell --shell bash -- "$BASH_EXECUTION_STRING" "$@" </dev/null
case $? in
  0) unset __vg_bin __vg_cfg ;;
  100) VG_NI_ROUTED=1 exec "$__vg_bin" "${__vg_cfg[@]}" exec --sandbox --no-interactive -- \
         "${BASH:-bash}" -c "$BASH_EXECUTION_STRING" "$0" "$@" ;;
  126) exit 126 ;;
  *) printf 'vectra-guard: this bash -c command could not be judged (is %s installed?); not running it.\n' \
       "$__vg_bin" >&2
     exit 126 ;;
esac
