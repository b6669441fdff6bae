#!/usr/bin/env bats
# The hooks' question in a real interactive shell under a pty (issue 16 item 4): typed-ahead
# input is not an answer, only whole words count (y/yes, r, s, n/no; Enter = no), anything
# else is asked again. Guard level paranoid asks before every line.
load hook_helpers

setup() {
  hook_setup
  hook_config $'[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n'
}
teardown() { hook_teardown; }

# The script: a line asks; `ls` typed ahead before the question is dropped; `yarn` is
# asked again; `yes` runs it. Then Enter alone is no, and `N` is no.
words_script() {
  cat <<'S'
type echo ran-$((2+3))
keys ls\r
expect Run it?
keys yarn\r
expect Please answer
keys yes\r
wait
type echo enter-$((1+1))
expect Run it?
keys \r
wait
type echo upper-$((3+4))
expect Run it?
keys N\r
wait
S
}

words_checks() {
  [ "$status" -eq 0 ]
  has "ran-5"
  lacks "enter-2"
  lacks "upper-7"
  [ "$(grep -c 'Please answer' "$T/transcript")" -eq 1 ] || { echo "typed-ahead ls was taken as an answer"; cat "$T/transcript"; return 1; }
  [ "$(grep -c 'Not run: you answered no' "$T/transcript")" -eq 2 ]
}

@test "bash: typed-ahead input is dropped, yarn is asked again, yes runs, Enter and N are no" {
  hook_install bash
  drive bash < <(words_script)
  words_checks
}

@test "zsh: typed-ahead input is dropped, yarn is asked again, yes runs, Enter and N are no" {
  hook_install zsh
  drive zsh < <(words_script)
  words_checks
}

@test "fish: typed-ahead input is dropped, yarn is asked again, yes runs, Enter and N are no" {
  hook_install fish
  # fish echoes the typed line: $((a+b)) becomes (math a+b), so only the output has the sum.
  drive fish < <(words_script | sed -E 's/\$\(\(([0-9])\+([0-9])\)\)/(math \1+\2)/')
  words_checks
}
