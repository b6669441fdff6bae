#!/usr/bin/env bats
# Issue 18 in zsh: every route by which shell state used to run a command the policy
# denies on the host. `vgmark NAME` (in PATH, denied by `deny = vgmark*`) leaves
# $T/mark-NAME; each route must not leave its marker on the host. Controls show that the
# harmless variants still work. Real `zsh -i` on a pty (hook_helpers.bash).
load hook_helpers

setup() {
  hook_setup
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = vgmark*\n'
  hook_install zsh
  mkdir -p "$HOME/.local/bin"
  printf '#!/bin/sh\n: >"$T/mark-$1"\necho "vgmark-ran-$1"\n' >"$HOME/.local/bin/vgmark"
  chmod 755 "$HOME/.local/bin/vgmark"
}
teardown() { hook_teardown; }

# None of these markers was left on the host.
no_marks() {
  local m bad=0
  for m in "$@"; do
    [[ -e $T/mark-$m ]] && { echo "route ran on the host: $m"; bad=1; }
  done
  ((bad == 0)) || { cat "$T/transcript"; return 1; }
}

@test "zsh route: source FILE and . FILE judge the file's commands" {
  printf 'vgmark src\n' >"$T/ws/r1.zsh"
  printf 'echo first\nvgmark dot\n' >"$T/ws/r2.zsh"
  drive zsh <<'S'
send source ./r1.zsh
send . ./r2.zsh
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks src dot
}

@test "zsh route: an alias defined on one line and used on the next" {
  drive zsh <<'S'
send alias ll='vgmark alias'
send ll
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks alias
}

@test "zsh route: a global alias (alias -g) defined and then used" {
  drive zsh <<'S'
send alias -g GG='vgmark galias'
send true && GG
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks galias
}

@test "zsh route: a function defined on one line and called (directly and by another) later" {
  drive zsh <<'S'
send functions[vgf]='vgmark fn'
send vgf
send vgh() { vgf; }
send vgh
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks fn
}

@test "zsh route: precmd and preexec functions (precmd, precmd_functions, add-zsh-hook)" {
  drive zsh <<'S'
send functions[precmd]='vgmark precmd'
send echo one
send functions[vgp]='vgmark hookfn'
send precmd_functions+=(vgp)
send autoload -Uz add-zsh-hook; add-zsh-hook preexec vgp
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks precmd hookfn
}

@test "zsh route: sched runs a command later" {
  drive zsh <<'S'
send sched +1 vgmark sched
send sleep 2
send echo after-$((1+1))
send sleep 1
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks sched
}

@test "zsh route: PS1, PROMPT and RPROMPT with \$(..) under promptsubst" {
  drive zsh <<'S'
send setopt promptsubst; PS1='$(vgmark ps1)VGP> '
send echo one
send PROMPT='$(vgmark prompt)VGP> '
send echo two
send RPROMPT='$(vgmark rprompt)'
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks ps1 prompt rprompt
}

@test "zsh route: trap CODE SIG and a TRAPsig function" {
  drive zsh <<'S'
send trap 'vgmark trap' WINCH
send kill -WINCH $$
send functions[TRAPURG]='vgmark trapfn'
send kill -URG $$
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks trap trapfn
}

@test "zsh route: history expansion !!, !\$, !!:1* and ^old^new is judged as expanded" {
  drive zsh <<'S'
send print -s 'vgmark bang'
send !!
send print -s echo vgmark
send !$ dollar
send print -s x vgmark star
send !!:1*
send print -s 'vgmarq caret'
send ^q^k
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks bang dollar star caret
}

@test "zsh route: r and fc -e - reached through an alias or a function" {
  drive zsh <<'S'
send alias rr=r
send print -s 'vgmark ralias'
send rr
send vgfc() { fc -e - }
send print -s 'vgmark fcfn'
send vgfc
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks ralias fcfn
}

@test "zsh tamper: overwriting the hook's variables (_vg_off, _vg_bin)" {
  printf '#!/bin/sh\necho run\n' >"$T/fakevg"
  chmod 755 "$T/fakevg"
  drive zsh <<'S'
send _vg_off=1
send vgmark off
send _vg_bin=$T/fakevg; _vg_server_pid=0
send vgmark bin
send p=_vg_; typeset -g ${p}bin=$T/fakevg; typeset -g ${p}server_pid=0
send vgmark bin2
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks off bin bin2
}

@test "zsh routes: { cmd } without ';', hidden writes of _vg_off, the command hash table" {
  drive zsh <<'S'
send { vgmark brace }
send echo one; { vgmark brace2 }
send : ${_vg_off::=1}
send vgmark colon
send (( _vg_off = 1 ))
send vgmark arith
send hash vgls=$HOME/.local/bin/vgmark
send vgls hash
send a=_; typeset -g ${a}vg${a}off=1 VG${a}HOOK${a}OFF=1
send vgmark computed
send noglob vgmark noglob
send echo after-$((2+2))
S
  [ "$status" -eq 0 ]
  has "after-4"
  no_marks brace brace2 colon arith hash computed noglob
}

@test "zsh tamper: redefining the hook's functions, directly or by a computed name" {
  drive zsh <<'S'
send _vg_judge() { return 0; }; _vg_preexec() { :; }
send vgmark redef
send p=_vg_; functions[${p}judge]='return 0'; functions[${p}preexec]=':'
send vgmark redef2
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks redef redef2
}

@test "zsh tamper: Enter bound to .accept-line with the line-finish and preexec hooks removed" {
  drive zsh <<'S'
send bindkey '^M' .accept-line; add-zle-hook-widget -d line-finish _vg_line_finish; add-zsh-hook -d preexec _vg_preexec
send vgmark keys
send p=_vg_; bindkey '^M' .accept-line; add-zle-hook-widget -d line-finish ${p}line_finish; add-zsh-hook -d preexec ${p}preexec
send vgmark keys2
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks keys keys2
}

@test "zsh tamper: accept-line replaced, the precmd entry and TRAPDEBUG removed" {
  drive zsh <<'S'
send vgacc() { zle .accept-line; }
send zle -N accept-line vgacc; add-zsh-hook -d precmd _vg_precmd; add-zsh-hook -d preexec _vg_preexec; add-zle-hook-widget -d line-finish _vg_line_finish
send vgmark widget
send p=_vg_; zle -N accept-line vgacc; add-zsh-hook -d precmd ${p}precmd; add-zsh-hook -d preexec ${p}preexec; add-zle-hook-widget -d line-finish ${p}line_finish; unfunction TRAPDEBUG
send vgmark widget2
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marks widget widget2
}

@test "zsh: a missing guard binary fails closed (126, how to repair); exit still works" {
  # The binary goes away after the hook started (rc text after the hook, trusted).
  # The prompt shows $? (a typed `echo $?` would be refused too).
  printf 'mv %q %q\nPS1="[%%?] VGP> "\n' "$HOME/.local/bin/vectra-guard" "$T/vg-moved" >>"$HOME/.zshrc"
  drive zsh <<'S'
send vgmark gone
type exit
S
  [ "$status" -eq 0 ]
  has "[126] VGP> "
  has "install-shell-wrapper.sh"
  lacks "vgmark-ran-gone"
  no_marks gone
}

@test "zsh: a non-executable guard binary fails closed" {
  printf 'chmod a-x %q\nPS1="[%%?] VGP> "\n' "$HOME/.local/bin/vectra-guard" >>"$HOME/.zshrc"
  drive zsh <<'S'
send vgmark noexec
send echo hello
type exit
S
  [ "$status" -eq 0 ]
  has "[126] VGP> "
  lacks $'\nhello'

  has "install-shell-wrapper.sh"
  no_marks noexec
}

# --- controls: ordinary use of the same features still works on the host ---

@test "zsh routes control: aliases, global aliases and functions that run harmless commands" {
  drive zsh <<'S'
send alias hi='echo hello-alias'
send hi
send alias -g CNT='| wc -l | sed s/^/count-/'
send print -l a b c CNT
send greet() { echo "hello-$1"; }
send greet fn
send wrap() { greet inner; hi; }
send wrap
S
  [ "$status" -eq 0 ]
  has $'\nhello-alias'
  has $'\ncount-3'
  has $'\nhello-fn'
  has $'\nhello-inner'
}

@test "zsh routes control: source of a harmless file sets a variable and defines a working function" {
  printf 'VGSRC=val-7\nsrcfn() { echo "srcfn-$VGSRC"; }\n' >"$T/ws/ok.zsh"
  drive zsh <<'S'
send source ./ok.zsh
send echo var=$VGSRC
send srcfn
send . ./ok.zsh && echo dot-ok
S
  [ "$status" -eq 0 ]
  has "var=val-7"
  has $'\nsrcfn-val-7'
  has $'\ndot-ok'
}

@test "zsh routes control: harmless precmd, promptsubst prompt, trap, history, r and fc in a function still work" {
  drive zsh <<'S'
send precmd() { VGPC=$((VGPC+1)); }
send echo pc=$VGPC
send setopt promptsubst; PS1='$(echo VGP)> '
send echo prompt-ok
send trap 'echo trapped-$((2*5))' USR1
send kill -USR1 $$
send echo hist-$((3*3))
send !!
send r
send vgr() { fc -e - }
send echo fnreplay-$((2*4))
send vgr
send echo end pc=$VGPC
S
  [ "$status" -eq 0 ]
  has "pc=1"
  has $'\nprompt-ok'
  has $'\ntrapped-10'
  [ "$(grep -c '^hist-9' "$T/transcript")" -ge 3 ] || { cat "$T/transcript"; false; }
  [ "$(grep -c '^fnreplay-8' "$T/transcript")" -eq 2 ] || { cat "$T/transcript"; false; }
  grep -Eq '^end pc=([5-9]|[1-9][0-9])$' "$T/transcript" || { cat "$T/transcript"; false; }
}
