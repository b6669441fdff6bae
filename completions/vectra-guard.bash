# bash completion for vectra-guard and vg (installed under both names, as bash-completion
# loads a completion by the command's name). Needs nothing from the bash-completion package.

_vectra_guard() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local cmd='' sub='' w i words=''
  # The command is the first word that is not a global option (or --config's value);
  # the sub-command is the first plain word after it. After '--' comes a command line.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -- ]]; then
      COMPREPLY=($(compgen -c -- "$cur"))
      return
    fi
    if [[ -z $cmd ]]; then
      case $w in
        --config) ((i++)) ;;
        -*) ;;
        *) cmd=$w ;;
      esac
    elif [[ -z $sub && $w != -* ]]; then
      case ${COMP_WORDS[i-1]} in
        --mode | --security-level | --network | --runtime | --timeout | --preset | --name | \
          --session | --limit | --note | --duration | --kind | --file | --set | --command | \
          --output | --config | -c) ;;
        *) sub=$w ;;
      esac
    fi
  done

  # Values of options that take one.
  case $prev in
    --config | --file | --output)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --mode) words='always auto risky never' ;;
    --shell) [[ $cmd == explain ]] && words='bash zsh sh fish' ;;
    --security-level) words='permissive balanced strict paranoid' ;;
    --network) words='none restricted full' ;;
    --runtime) words='auto bubblewrap namespace landlock' ;;
    --preset | -p) [[ $cmd == init ]] && words='developer ci-cd production' ;;
    --kind) words='vscode-env cursor-hooks claude-hooks' ;;
    --timeout | --name | --session | --limit | --note | --duration | --set | --command | -c)
      return ;;
  esac
  if [[ -n $words ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi

  local commands='explain validate exec sandbox changes logs metrics audit trust hook agent init status help version'
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      words='--config --help --version'
    else
      words=$commands
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi

  local sandbox_opts='--runtime --security-level --network --timeout --review --record --record-input --verbose --help'
  case $cmd in
    explain) words='--json --batch --mode --shell --interactive --config --verbose --help --' ;;
    validate)
      if [[ $cur != -* ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return
      fi
      words='--json --help'
      ;;
    exec) words="-c --sandbox --host --interactive --no-interactive $sandbox_opts --" ;;
    sandbox)
      case $sub in
        '') words='run shell doctor deps' ;;
        run) words="$sandbox_opts --" ;;
        shell) words=$sandbox_opts ;;
        doctor) words='--json' ;;
        deps) words='install --dry-run --podman --docker' ;;
      esac
      ;;
    audit)
      case $sub in
        '') words='npm python' ;;
        *) words='--path --no-install --json' ;;
      esac
      ;;
    changes)
      case $sub in
        '') words='list show apply discard' ;;
        list) words='--json' ;;
        show | apply)
          compopt -o filenames 2>/dev/null
          COMPREPLY=($(compgen -f -- "$cur"))
          return
          ;;
      esac
      ;;
    metrics)
      case $sub in
        '') words='show reset' ;;
        show) words='--json' ;;
      esac
      ;;
    status) words='--json' ;;
    logs)
      case $sub in
        '') words='list show verify replay' ;;
        list) words='--session --limit --json' ;;
        show) words='--json' ;;
        verify) words='--all' ;;
        replay) words='--speed --idle-limit' ;;
      esac
      ;;
    trust)
      case $sub in
        '') words='add list remove clean' ;;
        add) words='--note --duration' ;;
      esac
      ;;
    hook)
      case $sub in
        '') words='bash zsh fish claude-code cursor' ;;
        bash | zsh | fish) words='--final --' ;;
      esac
      ;;
    agent)
      case $sub in
        '') words='start snapshot setup-ide' ;;
        start) words='--name --mode --security-level --sandbox --review --' ;;
        snapshot) words='--print --output' ;;
        setup-ide) words='--kind --file --set --command --uninstall --dry-run' ;;
      esac
      ;;
    init) words='--preset --local --force --dry-run --list --help' ;;
    help) [[ -z $sub ]] && words=$commands ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _vectra_guard vectra-guard vg
