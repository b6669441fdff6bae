#!/usr/bin/env bats
# A broken config must not brick the shell: in bash (builtin and coprocess), zsh and fish
# on a pty the error is said once per shell (again when the file changes), with file:line
# and the way out, and lines are judged without that file (the other config files over
# the built-in defaults) and still run. The CLI
# keeps refusing with the error.
load hook_helpers

setup() {
  hook_setup
  echo ws-file >"$T/ws/ws-marker"
  # Line 2 is bad; the second version is bad on line 3, so the message differs too.
  printf '[sandbox]\nmode = sometimes\n' >"$T/bad1.ini"
  printf '[sandbox]\n\nsecurity_level = loose\n' >"$T/bad2.ini"
  hook_config "$(cat "$T/bad1.ini")"$'\n'
}
teardown() { hook_teardown; }

# The checks after the script below, for any shell.
bad_config_checks() {
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  local notice="lines are judged without that file"
  [ "$(grep -c "$notice" <<<"$output")" -eq 2 ] || { echo "want the notice twice (once per version of the file):"; echo "$output"; false; }
  has "config.ini:2: "
  has "config.ini:3: "
  has "VG_DISABLE=1 cmd"
  # Lines ran (with the defaults: in the sandbox), before and after the change.
  has $'\nws-file'
  has $'\nline-two-ran'
  has $'\nline-three-ran'
  has $'\nafter-change-ran'
  has $'\nafter-change-again'
  # The sandboxed line's own exec said nothing more.
  lacks "vectra-guard: $HOME/.config/vectra-guard/config.ini:2: unknown"
}

bad_config_script() {
  cat <<S
send cat ws-marker
send echo line-two-ran
send echo line-three-ran
send VG_DISABLE=1 cp "$T/bad2.ini" "$HOME/.config/vectra-guard/config.ini"
send echo after-change-ran
send echo after-change-again
S
}

@test "bash (loadable builtin): a broken config is said once and lines still run" {
  [[ -f $VG_BUILD_DIR/lib/vectra-guard/vectra_guard_hook.so ]] || {
    echo "the bash builtin is not built (bash-builtins headers missing)" >&2
    return 1
  }
  hook_install bash
  drive bash < <(bad_config_script)
  bad_config_checks
}

@test "bash (coprocess): a broken config is said once and lines still run" {
  hook_install bash 'VECTRA_GUARD_BUILTIN=none'
  drive bash < <(bad_config_script)
  bad_config_checks
}

@test "zsh: a broken config is said once and lines still run" {
  hook_install zsh
  drive zsh < <(bad_config_script)
  bad_config_checks
}

@test "fish: a broken config is said once and lines still run" {
  hook_install fish
  drive fish < <(bad_config_script)
  bad_config_checks
}

@test "bash: a broken project file is left out; the user's own config still applies" {
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = low\n'
  printf '[sandbox]\nmode = always\nbogus = 1\n' >"$T/ws/vectra-guard.ini"
  hook_install bash
  drive bash <<'S'
send echo plain-line
send echo second-line
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "vectra-guard.ini:3: "
  [ "$(grep -c "lines are judged without that file" <<<"$output")" -eq 1 ]
  # mode auto from the user's file: a low-risk line runs on the host, not in the sandbox
  lacks "Running in sandbox"
  has $'\nplain-line'
  has $'\nsecond-line'
}

@test "the CLI keeps refusing with the error, naming file:line" {
  run "$VG" explain -- ls
  [ "$status" -ne 0 ]
  [[ $output == *"config.ini:2: "* ]]
  run "$VG" exec --sandbox -- echo should-not-run
  [ "$status" -eq 1 ]
  [[ $output == *"config.ini:2: "* ]]
  [[ $output != *should-not-run* ]]
}
