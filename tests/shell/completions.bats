#!/usr/bin/env bats
# completions/: each file loads in its shell without a word on stderr and completes
# commands, sub-commands and option values; every command of 'vectra-guard help' is
# offered. The man page (help --man) documents every command and renders.
load cli_helpers

setup() {
  cli_setup
  COMP=$VG_SOURCE_DIR/completions
}
teardown() { cli_teardown; }

# The commands listed by 'vectra-guard help', sorted, one per line.
help_commands() {
  "$VG" help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' | sort
}

# bash_complete 'LINE': what the bash completion offers for LINE (a trailing space
# starts a new word), sorted, space-separated.
bash_complete() {
  bash --norc --noprofile -c '
    source "$1" || exit 9
    read -ra COMP_WORDS <<<"$2"
    [[ $2 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$2 COMP_POINT=${#2}
    fn=$(complete -p "${COMP_WORDS[0]}" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
    "$fn" || exit 8
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
  ' bash "$COMP/vectra-guard.bash" "$1"
}

fish_complete() { fish --no-config -c "source '$COMP/vectra-guard.fish'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '; }

zsh_complete() {
  zsh -f "$VG_SOURCE_DIR/tests/shell/completions_zsh_query.zsh" "$COMP" "$SCRATCH/zsh.out" "$1"
  sort -u "$SCRATCH/zsh.out" | tr '\n' ' '
}

@test "bash: the file loads quietly and registers vectra-guard and vg" {
  run --separate-stderr bash --norc --noprofile -c 'source "$1" && complete -p vectra-guard vg' bash "$COMP/vectra-guard.bash"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$output" = $'complete -F _vectra_guard vectra-guard\ncomplete -F _vectra_guard vg' ]
}

@test "bash: commands, sub-commands and option values" {
  [ "$(bash_complete 'vectra-guard ex')" = "exec explain " ]
  [ "$(bash_complete 'vg ex')" = "exec explain " ]
  [ "$(bash_complete 'vg --config x.ini sandbox ')" = "deps doctor run shell " ]
  [ "$(bash_complete 'vectra-guard init --preset ')" = "ci-cd developer production " ]
  [ "$(bash_complete 'vectra-guard exec --network ')" = "full none restricted " ]
  [ "$(bash_complete 'vectra-guard init --l')" = "--list --local " ]
  [ "$(bash_complete 'vectra-guard trust ')" = "add clean list remove " ]
  [ "$(bash_complete 'vectra-guard changes ')" = "apply discard list show " ]
  # Every command of 'vectra-guard help' is offered.
  [ "$(bash_complete 'vectra-guard ')" = "$(help_commands | tr '\n' ' ')" ]
}

@test "zsh: the file loads after compinit and through \$fpath without a word on stderr" {
  run --separate-stderr zsh -f -c 'autoload -U compinit; compinit -u -d "$2/zcd1"; source "$1/_vectra-guard"; print -r -- $_comps[vectra-guard] $_comps[vg]' zsh "$COMP" "$SCRATCH"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$output" = "_vectra-guard _vectra-guard" ]
  run --separate-stderr zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcd2"; print -r -- $_comps[vg]' zsh "$COMP" "$SCRATCH"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$output" = "_vectra-guard" ]
}

@test "zsh: TAB completes commands, sub-commands and option values" {
  [ "$(zsh_complete 'vectra-guard ex')" = "exec explain " ]
  [ "$(zsh_complete 'vg sandbox ')" = "deps doctor run shell " ]
  [ "$(zsh_complete 'vg changes ')" = "apply discard list show " ]
  [ "$(zsh_complete 'vectra-guard init --preset ')" = "ci-cd developer production " ]
  [ "$(zsh_complete 'vg --config x.ini exec --network ')" = "full none restricted " ]
}

@test "fish: the file loads quietly, twice (as vectra-guard.fish and vg.fish) without duplicates" {
  run --separate-stderr fish --no-config -c "source '$COMP/vectra-guard.fish'; source '$COMP/vectra-guard.fish'; complete -C 'vg ex'"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "exec explain " ]
}

@test "fish: commands, sub-commands and option values" {
  [ "$(fish_complete 'vectra-guard ex')" = "exec explain " ]
  [ "$(fish_complete 'vg sandbox ')" = "deps doctor run shell " ]
  [ "$(fish_complete 'vg changes ')" = "apply discard list show " ]
  [ "$(fish_complete 'vectra-guard init --preset ')" = "ci-cd developer production " ]
  [ "$(fish_complete 'vectra-guard help i')" = "init " ]
  [ "$(fish_complete 'vectra-guard ' | tr ' ' '\n' | grep -v '^-' | sort | tr '\n' ' ')" = "$(help_commands | tr '\n' ' ')" ]
}

@test "help --man: roff with a section for every command, the same text as --help" {
  run --separate-stderr "$VG" help --man
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == '.TH VECTRA\-GUARD 1 '* ]]
  for c in $(help_commands); do
    [ "$c" = help ] || [ "$c" = version ] && continue
    grep -qxF ".SS $c" <<<"$output"
    # The first usage line of the command's help is in its section.
    usage=$("$VG" help "$c" | head -1 | sed 's/-/\\-/g')
    grep -qF -- "$usage" <<<"$output"
  done
}

@test "the build's vectra-guard.1 is help --man and man renders it" {
  [ -f "$VG_BUILD_DIR/vectra-guard.1" ]
  diff <("$VG" help --man) "$VG_BUILD_DIR/vectra-guard.1"
  run --separate-stderr env MANWIDTH=100 MANPAGER=cat man -l "$VG_BUILD_DIR/vectra-guard.1"
  [ "$status" -eq 0 ]
  [[ $output == *"vectra-guard, vg - "* ]]
  [[ $output == *"vectra-guard init --preset NAME [--local] [--force] [--dry-run]"* ]]
  [[ $output == *"vectra-guard explain [OPTIONS] -- LINE..."* ]]
  # groff finds nothing to warn about.
  run --separate-stderr groff -man -Tutf8 -ww -z "$VG_BUILD_DIR/vectra-guard.1"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
}
