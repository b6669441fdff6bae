#!/usr/bin/env bats
# fish lines are parsed as fish (issue 16 item 7): function definitions, `cd (…)`,
# `set -gx`, `and`/`or`, `begin … end` are low risk and run in the shell itself in mode
# auto (their effects stay in the shell); a `(…)` substitution is judged like bash's `$(…)`.
load hook_helpers

setup() {
  hook_setup
  mkdir -p "$T/ws/proj/sub"
  git -C "$T/ws/proj" init -q
}
teardown() { hook_teardown; }

fish_syntax_script() {
  cat <<'S'
send function greet; echo hi-(math 2+3); end
send greet
send function fish_prompt; echo -n "VGP> "; end
send set -gx VG_FISH_VAR value-(math 3+4)
send echo var-$VG_FISH_VAR
send cd proj/sub
send cd (git rev-parse --show-toplevel)/..
send echo at-(basename (pwd))
send test -d proj; and echo and-(math 1+1); or echo or-branch
send begin; echo in-(math 4+4); end
S
}

fish_syntax_checks() {
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  has $'\nhi-5'
  has $'\nvar-value-7'
  has $'\nat-ws'
  has $'\nand-2'
  has $'\nin-8'
  lacks $'\nor-branch'
  lacks "Running in sandbox"
  lacks "fish-only"
}

@test "fish: function, cd (…), set -gx, and/or, begin/end run in the shell in mode auto" {
  hook_install fish
  drive fish < <(fish_syntax_script)
  fish_syntax_checks
}

@test "fish: a (…) substitution in rm -rf is an unknown word, asked about like bash's \$(…)" {
  mkdir -p "$T/ws/victim" && touch "$T/ws/victim/keep"
  hook_install fish
  drive fish <<'S'
type rm -rf (echo $T/ws/victim)
expect Run it?
keys n\r
wait
S
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  has "Recursively deletes a path only known at run time"
  has "Not run: you answered no"
  [ -f "$T/ws/victim/keep" ]
}

@test "fish as an unprivileged user: function, cd (…), set -gx, and/or, begin/end" {
  hook_install fish
  hook_as_unprivileged
  drive fish < <(fish_syntax_script)
  fish_syntax_checks
}

@test "explain --shell fish judges the fish line, not its bash misreading" {
  run "$VG" explain --mode auto --shell fish --json -- 'function fish_prompt; echo -n "F> "; end'
  [ "$(jq -r .decision <<<"$output")" = host ]
  [ "$(jq -r .risk <<<"$output")" = low ]
  run "$VG" explain --mode auto --shell fish --json -- 'rm -rf (echo ~)'
  [ "$(jq -r .risk <<<"$output")" = high ]
  [ "$(jq -r '.findings[0].rule' <<<"$output")" = fs.delete-unknown ]
}
