#!/usr/bin/env bats
# Issue 18 in bash: the hook judges what the shell will really run, and cannot be
# switched off from inside. Every route below once ran a deny-listed command on the host.
# The command is `vgdeny-mark WHAT`, a script in PATH that creates $T/marker-WHAT; the
# deny pattern `vgdeny-mark*` sends it to the sandbox in mode auto, so the marker must
# never appear on the host. `vgok-mark WHAT` is the same script, not denied: the controls
# show that ordinary use still runs on the host.
load hook_helpers

setup() {
  hook_setup
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = vgdeny-mark*\n'
  mkdir -p "$HOME/.local/bin"
  local name
  for name in vgdeny-mark vgok-mark; do
    printf '#!/bin/sh\n: >"$T/marker-$1"\necho "%s-ran-$1"\n' "$name" >"$HOME/.local/bin/$name"
    chmod 755 "$HOME/.local/bin/$name"
  done
}
teardown() { hook_teardown; }

# The marker of WHAT is absent / present on the host.
no_marker() { [[ ! -e $T/marker-$1 ]] || { echo "marker-$1 was created on the host"; cat "$T/transcript"; return 1; }; }
marker() { [[ -e $T/marker-$1 ]] || { echo "marker-$1 is missing"; cat "$T/transcript"; return 1; }; }

@test "bash routes: the denied command itself is sandboxed, the harmless one runs on the host" {
  hook_install bash
  drive bash <<'S'
send vgdeny-mark direct
send vgok-mark direct2
S
  [ "$status" -eq 0 ]
  no_marker direct
  marker direct2
}

@test "bash routes: source FILE and . FILE are judged by the file's content" {
  hook_install bash
  printf 'vgdeny-mark source\n' >"$T/a.sh"
  printf 'vgdeny-mark dot\n' >"$T/b.sh"
  printf 'vgdeny-mark dynamic\n' >"$T/c.sh"
  drive bash <<'S'
send cd "$T"
send source ./a.sh
send . b.sh
send source "$T/c.sh"
send echo after-$((1+1))
S
  [ "$status" -eq 0 ]
  has "after-2"
  no_marker source
  no_marker dot
  # a path only known when the line runs is not sourced on the host unchecked
  no_marker dynamic
}

@test "bash routes: source of a harmless file sets its variable and its function works" {
  hook_install bash
  printf 'VGSRC=src-%s\nvgsrcf() { vgok-mark srcfunc; }\n' 42 >"$T/ok.sh"
  drive bash <<'S'
send cd "$T"
send source ./ok.sh
send echo "$VGSRC"
send vgsrcf
S
  [ "$status" -eq 0 ]
  has "src-42"
  marker srcfunc
}

@test "bash routes: an alias defined on one line and used on the next" {
  hook_install bash
  drive bash <<'S'
send alias vga='vgdeny-mark alias'
send vga
send echo after-$((1+2))
S
  [ "$status" -eq 0 ]
  has "after-3"
  no_marker alias
}

@test "bash routes: an alias from the rc file is expanded before judging" {
  hook_install bash "alias vgb='vgdeny-mark rcalias'"
  drive bash <<'S'
send vgb
send echo after-$((1+3))
S
  [ "$status" -eq 0 ]
  has "after-4"
  no_marker rcalias
}

@test "bash routes: a function defined on one line and called on the next" {
  # The body names the denied command through an alias of the rc file, as typed it looks
  # harmless.
  hook_install bash "alias vgm='vgdeny-mark'"
  drive bash <<'S'
send vgfn() { vgm func; }
send vgfn
send vgfn2() { vgdeny-mark func2; }
send vgfn2
send echo after-$((1+4))
S
  [ "$status" -eq 0 ]
  has "after-5"
  no_marker func
  no_marker func2
}

@test "bash routes: a function from the rc file is judged by its body, also when it calls another" {
  hook_install bash $'vginner() { vgdeny-mark inner "$@"; }\nvgouter() { vginner x; }'
  drive bash <<'S'
send vgouter
send echo after-$((1+5))
S
  [ "$status" -eq 0 ]
  has "after-6"
  no_marker inner
}

@test "bash routes: harmless aliases and functions keep running on the host" {
  hook_install bash "alias vgrc='vgok-mark rcalias'"
  drive bash <<'S'
send alias vgok='vgok-mark alias'
send vgok
send vgokf() { vgok-mark func "$@"; }
send vgokf 1
send vgrc
S
  [ "$status" -eq 0 ]
  marker alias
  marker func
  marker rcalias
  has "vgok-mark-ran-func"
}

@test "bash routes: PROMPT_COMMAND" {
  hook_install bash
  drive bash <<'S'
send PROMPT_COMMAND='vgdeny-mark pc'
send echo after-$((2+5))
send PROMPT_COMMAND+=$'\nvgdeny-mark pc2'
send echo after-$((2+6))
S
  [ "$status" -eq 0 ]
  has "after-8"
  no_marker pc
  no_marker pc2
}

@test "bash routes: a harmless PROMPT_COMMAND runs, and the hook still judges after it" {
  hook_install bash
  drive bash <<'S'
send PROMPT_COMMAND='echo pc-$((3*3))'
send true
send vgdeny-mark afterpc
send PROMPT_COMMAND=(vgpcf)
send vgpcf() { echo pcf-$((3*4)); }
send true
send vgdeny-mark afterpc2
S
  [ "$status" -eq 0 ]
  has "pc-9"
  has "pcf-12"
  no_marker afterpc
  no_marker afterpc2
}

@test "bash routes: PS0, PS1 and PS4 with \$(..)" {
  hook_install bash
  drive bash <<'S'
send PS0='$(vgdeny-mark ps0)'
send true
send PS1='$(vgdeny-mark ps1)VGP> '
send true
send PS4='$(vgdeny-mark ps4)+ '
send set -x; true; set +x
send echo after-$((3+6))
S
  [ "$status" -eq 0 ]
  has "after-9"
  no_marker ps0
  no_marker ps1
  no_marker ps4
}

@test "bash routes: trap CODE SIGNAL" {
  hook_install bash
  drive bash <<'S'
send trap 'vgok-mark trapok' USR1
send trap 'vgdeny-mark trap' USR1
send kill -USR1 $$
send trap 'vgdeny-mark trapexit' EXIT
send echo after-$((4+6))
S
  [ "$status" -eq 0 ]
  has "after-10"
  marker trapok
  no_marker trap
  no_marker trapexit
}

@test "bash routes: complete -C, mapfile -C and bind -x" {
  hook_install bash
  drive bash <<'S'
send complete -C 'vgdeny-mark comp' vgcmd
keys vgcmd a\t\t
keys \x15
send mapfile -C 'vgdeny-mark mapfile' -c 1 vgarr <<< x
send bind -x '"\C-y": vgdeny-mark bindx'
keys \x19
keys \x15
send echo after-$((5+6))
S
  [ "$status" -eq 0 ]
  has "after-11"
  no_marker comp
  no_marker mapfile
  no_marker bindx
}

@test "bash routes: history expansion !!, !!:1*, !\$ and ^a^b judge what bash runs" {
  hook_install bash
  drive bash <<'S'
send true
send vgdeny-mark bang
send !!
send echo vgdeny-mark colon
send !!:1*
send echo x vgdeny-mark
send !$ dollar
send vgdeny-mark caret
send ^caret^caret2
send echo after-$((6+6))
S
  [ "$status" -eq 0 ]
  has "after-12"
  no_marker bang
  no_marker colon
  no_marker dollar
  no_marker caret
  no_marker caret2
}

@test "bash routes: fc -s runs what it re-runs through the guard" {
  hook_install bash
  drive bash <<'S'
send true
send vgdeny-mark fcs
send fc -s
send echo after-$((6+7))
S
  [ "$status" -eq 0 ]
  has "after-13"
  no_marker fcs
}

@test "bash routes: history expansion of a harmless line still runs on the host" {
  hook_install bash
  drive bash <<'S'
send vgok-mark hist
send rm -f "$T/marker-hist"
send !-2
send echo x vgok-mark
send !$ hist2
S
  [ "$status" -eq 0 ]
  marker hist
  marker hist2
}

@test "bash routes: tampering: overwriting the hook's variables" {
  hook_install bash
  printf '#!/bin/bash\nexec bash -c "${@: -1}"\n' >"$T/fakevg"
  chmod 755 "$T/fakevg"
  drive bash <<'S'
send _vg_off=1
send vgdeny-mark off
send _vg_bin=$T/fakevg
send vgdeny-mark bin
send echo after-$((7+7))
S
  [ "$status" -eq 0 ]
  has "after-14"
  no_marker off
  no_marker bin
}

@test "bash routes: tampering: hidden writes of the hook's state, and lines that start with a hook function" {
  hook_install bash
  drive bash <<'S'
send : ${_vg_off:=1}
send vgdeny-mark colon
send (( _vg_off = 1 ))
send vgdeny-mark arith
send for _vg_off in 1; do :; done
send vgdeny-mark forvar
send _vg_restatus; vgdeny-mark restatus
send _vg_status=$(vgdeny-mark status)
send p=_v; declare -g "${p}g_off=1"
send vgdeny-mark computed
send echo after-$((7+9))
S
  [ "$status" -eq 0 ]
  has "after-16"
  no_marker computed
  no_marker colon
  no_marker arith
  no_marker forvar
  no_marker restatus
  no_marker status
}

@test "bash routes: the command hash table, octal escapes in a prompt, fc inside an alias" {
  hook_install bash
  drive bash <<'S'
send cd "$HOME/.local/bin"
send hash -p ./vgdeny-mark vgls
send vgls hash
send PS1='\044(vgdeny-mark octal) $ '
send echo next
send alias vgredo='fc -s'
send echo hist
send vgredo echo=vgdeny-mark
send echo after-$((8+9))
S
  [ "$status" -eq 0 ]
  has "after-17"
  no_marker hash
  no_marker octal
  no_marker hist
}

@test "bash routes: tampering: redefining a hook function" {
  hook_install bash
  drive bash <<'S'
send _vg_eval() { _vg_verdict=run _vg_notice=''; }
send vgdeny-mark redef
send echo after-$((7+8))
S
  [ "$status" -eq 0 ]
  has "after-15"
  no_marker redef
}

@test "bash routes: tampering: dropping the DEBUG trap" {
  # The trap is the backstop for lines that never pass our Enter key (here C-t).
  hook_install bash
  drive bash <<'S'
send bind '"\C-t": accept-line'
send PROMPT_COMMAND=; trap - DEBUG
keys vgdeny-mark trapdrop\x14
wait
send echo after-$((8+8))
S
  [ "$status" -eq 0 ]
  has "after-16"
  no_marker trapdrop
}

@test "bash routes: tampering: unbinding Enter" {
  hook_install bash
  drive bash <<'S'
send bind '"\C-m": accept-line'; set +o history
send true; vgdeny-mark unbind
send echo after-$((8+9))
S
  [ "$status" -eq 0 ]
  has "after-17"
  no_marker unbind
}

# The binary goes away (or loses its x bit) while the shell is open: a watcher does it
# when the shell creates $T/go, and says so with $T/done.
binary_watcher() {
  local bin=$HOME/.local/bin/vectra-guard
  (
    for _ in $(seq 200); do [[ -e $T/go ]] && break; sleep 0.1; done
    case $1 in
      missing) mv "$bin" "$bin.gone" ;;
      noexec) chmod a-x "$bin" ;;
    esac
    : >"$T/done"
  ) &
}

# Every line but exit/logout is refused then, so the status is shown by PROMPT_COMMAND.
@test "bash routes: a missing binary fails closed (126, how to repair), exit still works" {
  # shellcheck disable=SC2016
  hook_install bash $'PROMPT_COMMAND=\'echo "pc-rc=$?"\'\ntrap \': >"$T/exited"\' EXIT'
  binary_watcher missing
  drive bash <<'S'
send touch "$T/go"; while [ ! -e "$T/done" ]; do sleep 0.1; done
send vgok-mark missing
send cd /
S
  [ "$status" -eq 0 ]
  no_marker missing
  has "pc-rc=126"
  has "install-shell-wrapper.sh --uninstall"
  [ -e "$T/exited" ]
}

@test "bash routes: a non-executable binary fails closed" {
  # shellcheck disable=SC2016
  hook_install bash $'PROMPT_COMMAND=\'echo "pc-rc=$?"\''
  binary_watcher noexec
  drive bash <<'S'
send touch "$T/go"; while [ ! -e "$T/done" ]; do sleep 0.1; done
send vgok-mark noexec
S
  [ "$status" -eq 0 ]
  no_marker noexec
  has "pc-rc=126"
  has "install-shell-wrapper.sh"
}
