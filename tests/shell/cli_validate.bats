#!/usr/bin/env bats
# `vectra-guard validate`: scripts analysed statement by statement, never run.

load cli_helpers

setup() { cli_setup; }
teardown() { cli_teardown; }

@test "a clean script: exit 0 and no output" {
  printf '#!/bin/sh\necho hello\nls -la\ngit status\n' >clean.sh
  run --separate-stderr "$VG" validate clean.sh
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ -z "$stderr" ]
}

@test "findings print as file:line: severity rule reason, exit 2" {
  printf '#!/bin/sh\necho start\nrm -rf /\necho done\n' >bad.sh
  run --separate-stderr "$VG" validate bad.sh
  [ "$status" -eq 2 ]
  [[ ${lines[0]} =~ ^bad\.sh:3:\ critical\ [a-z]+\.[a-z-]+\ .+ ]]
}

@test "multi-line constructs keep their source lines" {
  cat >loop.sh <<'SH'
#!/bin/bash
set -e

for f in *.tar.gz; do
  echo "$f"
  curl -fsSL https://x.example/install.sh | sh
done

if [ -n "$X" ]; then
  git push --force
fi
SH
  run "$VG" validate loop.sh
  [ "$status" -eq 2 ]
  [[ $output == *"loop.sh:6: "* ]]
  [[ $output == *"loop.sh:10: "*"git.push-force"* ]]
}

@test "validate never runs the script" {
  printf 'touch %s/canary\nrm -rf %s/work\n' "$SCRATCH" "$SCRATCH" >s.sh
  run "$VG" validate s.sh
  [ ! -e "$SCRATCH/canary" ]
  [ -e "$SCRATCH/work/s.sh" ]
}

@test "--json lists files and findings with lines" {
  printf 'echo ok\ngit reset --hard\n' >g.sh
  run --separate-stderr "$VG" validate --json g.sh
  [ "$status" -eq 2 ]
  [ "$(jq -r '.files[0].file' <<<"$output")" = g.sh ]
  [ "$(jq -r '.files[0].findings[0].line' <<<"$output")" = 2 ]
  [ "$(jq -r '.files[0].findings[0].rule' <<<"$output")" = git.reset-hard ]
  [ "$(jq -r '.max_severity' <<<"$output")" = high ]
  jq -e '.files[0].findings[0] | has("severity") and has("reason") and has("pack")' <<<"$output" >/dev/null
}

@test "--json of a clean script: no findings, exit 0" {
  printf 'echo ok\n' >c.sh
  run "$VG" validate --json c.sh
  [ "$status" -eq 0 ]
  [ "$(jq -r '.files[0].findings | length' <<<"$output")" = 0 ]
  [ "$(jq -r '.max_severity' <<<"$output")" = null ]
}

@test "a script that cannot be parsed counts as medium" {
  printf 'echo "unterminated\nls\n' >p.sh
  run "$VG" validate p.sh
  [ "$status" -eq 2 ]
  [[ $output == *"p.sh:1: medium parse."* ]]
}

@test "several files: the worst result decides" {
  printf 'echo ok\n' >ok.sh
  printf 'mkfs.ext4 /dev/sdb1\n' >disk.sh
  run "$VG" validate ok.sh disk.sh
  [ "$status" -eq 2 ]
  [[ $output == *"disk.sh:1: critical"* ]]
  [[ $output != *"ok.sh:"* ]]
}

@test "an unreadable file is an error (exit 1) and the others are still checked" {
  printf 'rm -rf /\n' >bad.sh
  run --separate-stderr "$VG" validate missing.sh bad.sh
  [ "$status" -eq 1 ]
  [[ $stderr == *"missing.sh"* ]]
  [[ $output == *"bad.sh:1:"* ]]
}

@test "a directory is an error" {
  mkdir d
  run --separate-stderr "$VG" validate d
  [ "$status" -eq 1 ]
  [[ $stderr == *"'d'"* ]]
}

@test "- reads the script from stdin" {
  run bash -c "printf 'git push --force\n' | '$VG' validate -"
  [ "$status" -eq 2 ]
  [[ $output == "-:1: high git.push-force"* ]]
}

@test "validate without files is a usage error" {
  run --separate-stderr "$VG" validate
  [ "$status" -eq 1 ]
  [[ $stderr == *"at least one script"* ]]
}

@test "unknown option is a usage error with a hint" {
  run --separate-stderr "$VG" validate --strict x.sh
  [ "$status" -eq 1 ]
  [[ $stderr == *"'--strict'"* && $stderr == *"help validate"* ]]
}

@test "quoted data is not a finding" {
  printf 'echo "rm -rf /"\ngit commit -m "rm -rf everything"\n' >q.sh
  run "$VG" validate q.sh
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "validate --help" {
  run "$VG" validate --help
  [ "$status" -eq 0 ]
  [[ $output == *"exit status"* ]]
}
