#!/usr/bin/env bats
# Issue 18 in fish: the hook judges what fish will really run, not only the typed line.
# Each route below once ran a command the policy denies on the host, by way of the
# shell's state (files it sources, functions, prompts, key bindings, completions, traps,
# the hook's own variables and functions). The denied command is `vgdeny-mark NAME`, a
# harmless script that leaves $T/mark-NAME behind where it runs: the mark must never
# appear on the host. The controls show that ordinary use of the same features works.
load hook_helpers

setup() {
  hook_setup
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n[policies]\ndeny = vgdeny-mark*\ndeny = vghelper *\n'
}
teardown() { hook_teardown; }

# Install the hook ($1: rc text before it) and the denied marker command.
routes_install() {
  hook_install fish "${1:-}"
  mkdir -p "$HOME/.local/bin"
  # shellcheck disable=SC2016
  printf '#!/bin/sh\ntouch "$T/mark-$1"\necho "vgdeny-ran-$1"\n' >"$HOME/.local/bin/vgdeny-mark"
  chmod 755 "$HOME/.local/bin/vgdeny-mark"
}

# The denied command named $1 did not run on the host.
not_on_host() {
  [ ! -e "$T/mark-$1" ] || { echo "vgdeny-mark $1 ran on the host"; echo "$output"; return 1; }
}

ok_drive() {
  [[ -z ${VG_ROUTES_DEBUG:-} ]] || echo "$output" | sed "s/^/# /" >&3
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

# A function defined before the hook (in config.fish, never judged): it runs the denied
# command, so a line or a definition that calls it is judged with its body.
# shellcheck disable=SC2016
pre_fn='function vgpre; vgdeny-mark $argv; end'

# --- code the line runs now ---

@test "fish routes: source and . of a file judge the file's commands" {
  routes_install
  printf 'vgdeny-mark source\n' >"$T/ws/evil.fish"
  printf 'vgdeny-mark dot\n' >"$T/ws/evil2.fish"
  drive fish <<'S'
send source evil.fish
send . evil2.fish
send echo rc=$status
S
  ok_drive
  not_on_host source
  not_on_host dot
}

@test "fish routes: a function from config.fish is judged with its body when called" {
  routes_install 'function vgpre; vgdeny-mark config-fn; end; function vgpre2; vgpre; end'
  drive fish <<'S'
send vgpre
send vgpre2
S
  ok_drive
  not_on_host config-fn
}

# --- code the line defines for later ---

@test "fish routes: alias then use" {
  routes_install
  drive fish <<'S'
send alias vgal 'vgdeny-mark alias'
send vgal
S
  ok_drive
  not_on_host alias
}

@test "fish routes: an abbreviation, expanded after the line was judged" {
  routes_install
  drive fish <<'S'
send abbr -a vgab 'vgdeny-mark abbr'
send vgab
S
  ok_drive
  not_on_host abbr
}

@test "fish routes: function then use" {
  routes_install "$pre_fn"
  drive fish <<'S'
send function vgfn; vgdeny-mark function; end
send vgfn
send function vgfn3; vgpre function3; end
send vgfn3
send alias vgfn4 'vgpre function4'
send vgfn4
send function vgfn2 --wraps ls; vgdeny-mark function2 $argv; end
send vgfn2 x
S
  ok_drive
  not_on_host function
  not_on_host function2
  not_on_host function3
  not_on_host function4
}

@test "fish routes: fish_prompt and fish_right_prompt with a denied body" {
  routes_install "$pre_fn"
  drive fish <<'S'
send function fish_prompt; vgdeny-mark prompt; echo -n 'VGP> '; end
send echo one
send function fish_right_prompt; vgpre rprompt; end
send echo two
send alias fish_right_prompt 'vgdeny-mark rprompt2'
send echo three
S
  ok_drive
  not_on_host prompt
  not_on_host rprompt
  not_on_host rprompt2
}

@test "fish routes: --on-event, --on-variable and --on-signal handlers with a denied body" {
  routes_install "$pre_fn"
  printf 'function vgev2 --on-event fish_postexec; vgdeny-mark event2; end\n' >"$T/ws/handler.fish"
  drive fish <<'S'
send source handler.fish
send echo zero
send function vgev --on-event fish_postexec; vgpre event; end
send echo one
send function vgvar --on-variable VGV; vgpre variable; end
send set -g VGV 1
send function vgsig --on-signal WINCH; vgpre signal; end
send kill -WINCH $fish_pid
send echo done
S
  ok_drive
  not_on_host event
  not_on_host event2
  not_on_host variable
  not_on_host signal
}

@test "fish routes: bind KEY CMD" {
  routes_install
  drive fish <<'S'
send bind \cx 'vgdeny-mark bind'
keys \x18
send echo after
S
  ok_drive
  not_on_host bind
}

@test "fish routes: complete -a '(CMD)'" {
  routes_install 'function vgcc; echo vgcc-ran; end'
  drive fish <<'S'
send complete -c vgcc -f -a '(vgdeny-mark complete)'
keys vgcc \t
send
send echo after
S
  ok_drive
  not_on_host complete
}

@test "fish routes: trap CMD SIG" {
  routes_install
  drive fish <<'S'
send trap 'vgdeny-mark trap' WINCH
send kill -WINCH $fish_pid
send echo done
S
  ok_drive
  not_on_host trap
}

# --- turning the guard off from inside ---

@test "fish routes: overwriting the hook's variables (__vg_bin, __vg_off)" {
  routes_install
  drive fish <<'S'
send set -g __vg_bin /nonexistent/vectra-guard
send vgdeny-mark bin
send set -e __vg_bin
send vgdeny-mark bin-erased
send set -g __vg_off 1
send vgdeny-mark off
S
  ok_drive
  not_on_host bin
  not_on_host bin-erased
  not_on_host off
}

@test "fish routes: redefining a hook function" {
  routes_install
  drive fish <<'S'
send function __vg_enter; commandline -f execute; end
send vgdeny-mark redefine
send alias __vg_enter 'commandline -f execute'
send vgdeny-mark redefine1
send function __vg_prompt --on-event fish_prompt; end
send bind \r execute
send vgdeny-mark redefine2
S
  ok_drive
  not_on_host redefine
  not_on_host redefine1
  not_on_host redefine2
}

@test "fish routes: erasing hook functions and their event handlers (functions -e)" {
  routes_install
  drive fish <<'S'
send functions -e __vg_prompt
send bind \r execute
send vgdeny-mark erase
send functions -e __vg_enter __vg_bind_keys
send vgdeny-mark erase2
S
  ok_drive
  not_on_host erase
  not_on_host erase2
}

@test "fish routes: unbinding or rebinding Enter" {
  routes_install
  drive fish <<'S'
send bind --erase \n
keys vgdeny-mark unbind\n
wait
send bind -M default \n execute
keys vgdeny-mark rebind\n
wait
send echo done
S
  ok_drive
  not_on_host unbind
  not_on_host rebind
}

@test "fish routes: a missing guard binary fails closed (126, how to repair); exit still works" {
  routes_install
  rm "$HOME/.local/bin/vectra-guard"
  drive fish <<'S'
send vgdeny-mark missing
send echo rc=$status
S
  ok_drive
  not_on_host missing
  has "scripts/install-shell-wrapper.sh"
  has "--uninstall"
  lacks $'\nrc=0'
}

@test "fish routes: a non-executable guard binary fails closed" {
  routes_install
  chmod 644 "$HOME/.local/bin/vectra-guard"
  drive fish <<'S'
send vgdeny-mark noexec
send echo rc=$status
S
  ok_drive
  not_on_host noexec
  has "scripts/install-shell-wrapper.sh"
  lacks $'\nrc=0'
}

# --- ordinary use still works, on the host ---

@test "fish routes control: harmless alias, function, sourced file and prompt work on the host" {
  routes_install 'function vgpreok; echo preok-(math 1+1); end'
  printf 'set -g VGS sourced-1\nfunction vgsf; echo sf-$VGS-$argv; end\n' >"$T/ws/ok.fish"
  drive fish <<'S'
send alias vgll 'echo alias-ok'
send vgll 7
send function vgfok; echo fn-ok-$argv; end
send vgfok 3
send source ok.fish
send vgsf 4
send vgpreok
send function fish_prompt; echo -n "[p-"(math 2+2)"] VGP> "; end
send echo prompt-set
send cd ..; and cd ws; and echo back-in-(basename $PWD)
S
  ok_drive
  has $'\nalias-ok 7'
  has $'\nfn-ok-3'
  has $'\nsf-sourced-1-4'
  has $'\npreok-2'
  has "[p-4] VGP> "
  has $'\nback-in-ws'
  lacks "Running in sandbox"
  lacks "Blocked"
  lacks "refused"
}

@test "fish routes control: a sandboxed line that calls the user's function still finds it in the sandbox" {
  routes_install 'function vghelper; echo helper-$argv; end'
  drive fish <<'S'
send vghelper vgdeny-x
S
  ok_drive
  has $'\nhelper-vgdeny-x'
}
