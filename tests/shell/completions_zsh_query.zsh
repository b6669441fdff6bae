# Ask zsh's completion system what it offers for a command line, as if TAB were pressed.
# usage: zsh -f completions_zsh_query.zsh COMPLETION_DIR OUT_FILE 'vectra-guard ex'
# Starts an interactive zsh on a pseudo-terminal (zsh/zpty), loads compinit with
# COMPLETION_DIR on $fpath, and records every match handed to compadd in OUT_FILE.
zmodload zsh/zpty || exit 3
dir=$1 out=$2 line=$3
: >"$out"
rm -f "$out.ready" "$out.done"
zpty vgq zsh -f -i
zpty -w vgq "PS1='' PROMPT='' RPROMPT=''; unsetopt zle_bracketed_paste 2>/dev/null; bindkey -e"
zpty -w vgq "fpath=('$dir' \$fpath); autoload -U compinit; compinit -u -d '$out.zcd'"
zpty -w vgq "compadd() { local -a vg_hits; builtin compadd -O vg_hits \"\$@\"; print -rl -- \$vg_hits >>'$out'; builtin compadd \"\$@\"; }"
zpty -w vgq "zstyle ':completion:*' menu no; zstyle ':completion:*' list-prompt ''"
zpty -w vgq "print VG_READY >>'$out.ready'"
for i in {1..100}; do [[ -s $out.ready ]] && break; sleep 0.05; done
zpty -n -w vgq "$line"$'\t'
# Input is read in order: once the line is cleared (^E^U) and the next one has run, the
# completion has finished and every match is in OUT_FILE.
zpty -n -w vgq $'\C-e\C-u'"print VG_DONE >>'$out.done'"$'\n'
for i in {1..200}; do [[ -s $out.done ]] && break; sleep 0.05; done
[[ -s $out.done ]] || { print -u2 "completions_zsh_query: zsh did not answer"; zpty -d vgq; exit 4; }
zpty -d vgq
rm -f "$out.ready" "$out.done" "$out.zcd"
