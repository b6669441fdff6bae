#!/usr/bin/env bats
# `vectra-guard trust add|list|remove|clean` and the trust store file.
load hook_helpers

setup() { hook_setup; cd "$T/ws"; STORE=$HOME/.vectra-guard/trust.json; }
teardown() { hook_teardown; }

@test "trust add stores a 0600 entry keyed by SHA-256, with note, scope and expiry" {
  run "$VG" trust add 'npm test' --note 'project tests' --duration 7d
  [ "$status" -eq 0 ]
  [ "$(stat -c %a "$STORE")" = 600 ]
  [ "$(stat -c %a "$HOME/.vectra-guard")" = 700 ]
  run "$VG" trust list --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[0].note' <<<"$output")" = 'project tests' ]
  [ "$(jq -r '.[0].scope' <<<"$output")" = "$T/ws" ]
  command=$(jq -r '.[0].command' <<<"$output")
  [ "$(jq -r '.[0].key' <<<"$output")" = "$(printf '%s' "$command" | sha256sum | cut -d' ' -f1)" ]
  created=$(jq -r '.[0].created' <<<"$output")
  [ "$(jq -r '.[0].expires' <<<"$output")" -eq $((created + 7 * 86400)) ]
  run "$VG" trust list
  [[ $output == *"npm test"* && $output == *"project tests"* ]]
}

@test "trust add refuses critical commands, bad durations and missing commands" {
  run "$VG" trust add 'rm -rf /'
  [ "$status" -eq 1 ]
  [[ $output == *"can never be trusted"* ]]
  run "$VG" trust add 'make' --duration 7y
  [ "$status" -eq 1 ]
  run "$VG" trust add
  [ "$status" -eq 1 ]
  [ ! -s "$STORE" ] || [ "$(jq '.entries | length' "$STORE")" -eq 0 ]
}

@test "trust scope: a workspace entry does not apply elsewhere, --everywhere does" {
  hook_config $'[sandbox]\nmode = always\n'
  "$VG" trust add 'make test'
  "$VG" trust add 'make lint' --everywhere
  mkdir -p "$T/other"
  cd "$T/other"
  run setsid -w "$VG" hook bash -- 'make test' </dev/null
  [ "${lines[0]}" = sandbox ]
  run setsid -w "$VG" hook bash -- 'make lint' </dev/null
  [ "${lines[0]%%$'\t'*}" = run ]
}

@test "trust remove by command or key prefix; clean drops expired entries" {
  "$VG" trust add 'make a'
  "$VG" trust add 'make b'
  run "$VG" trust remove 'make a'
  [ "$status" -eq 0 ]
  run "$VG" trust remove 'make a'
  [ "$status" -eq 1 ]
  key=$("$VG" trust list --json | jq -r '.[0].key')
  run "$VG" trust remove "${key:0:12}"
  [ "$status" -eq 0 ]
  [ "$("$VG" trust list --json | jq length)" -eq 0 ]
  # An entry that expired a minute ago.
  "$VG" trust add 'make c' --duration 1s
  "$VG" trust add 'make d'
  sleep 2
  run "$VG" trust clean
  [ "$status" -eq 0 ]
  [[ $output == *"Removed 1 expired"* ]]
  [ "$("$VG" trust list --json | jq -r '.[].command')" = 'make d' ]
}

@test "a corrupt trust store is reported and left untouched" {
  mkdir -p "$HOME/.vectra-guard"
  printf '{"entries": [ broken' >"$STORE"
  chmod 600 "$STORE"
  cp "$STORE" "$T/before"
  run "$VG" trust list
  [ "$status" -eq 1 ]
  [[ $output == *"corrupt"* ]]
  run "$VG" trust add 'make'
  [ "$status" -eq 1 ]
  cmp "$STORE" "$T/before"
}

@test "a trust store readable by others is not used" {
  "$VG" trust add 'make'
  chmod 644 "$STORE"
  run "$VG" trust list
  [ "$status" -eq 1 ]
  [[ $output == *"chmod 600"* ]]
}

@test "concurrent trust add from 8 shells loses nothing" {
  for i in 1 2 3 4 5 6 7 8; do
    ( for j in 1 2 3 4 5; do "$VG" trust add "make t$i-$j" >/dev/null; done ) &
  done
  wait
  [ "$("$VG" trust list --json | jq length)" -eq 40 ]
}
