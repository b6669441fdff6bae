# A stand-in for VS Code's bash shell integration, written for these tests with the
# same mechanics: loaded after the user's rc (so after vectra-guard), it wraps the DEBUG
# trap it finds (calling the old one from its own) and wraps PROMPT_COMMAND in a function
# that keeps $? and then evals the original prompt command.
__vsc_prior_trap=$(trap -p DEBUG)
if [[ -n $__vsc_prior_trap ]]; then
  declare -a __vsc_parts
  eval "__vsc_parts=($__vsc_prior_trap)"
  __vsc_prior_trap=${__vsc_parts[2]}
fi
__vsc_in_command=''

__vsc_preexec_all() {
  [[ -n $__vsc_prior_trap ]] && builtin eval -- "$__vsc_prior_trap"
  if [[ -z $__vsc_in_command && $BASH_COMMAND != __vsc_prompt_cmd* ]]; then
    __vsc_in_command=1
    printf 'VSC-PREEXEC\n'
  fi
}
trap '__vsc_preexec_all "$_"' DEBUG

__vsc_original_prompt_command=$PROMPT_COMMAND
__vsc_set_status() { return "$1"; }
__vsc_prompt_cmd() {
  __vsc_status=$?
  printf 'VSC-PRECMD-%s\n' "$__vsc_status"
  __vsc_in_command=''
  __vsc_set_status "$__vsc_status"
  builtin eval -- "$__vsc_original_prompt_command"
}
PROMPT_COMMAND=__vsc_prompt_cmd
