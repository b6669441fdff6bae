#!/usr/bin/env bats
# Files host tools execute later: nothing a sandboxed command writes in the workspace may
# make a later host `git status` (every git-aware prompt runs one) start a program, or
# break a later vectra-guard line in the project. Judged from the host with a canary
# script that only touches a file.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() {
  sandbox_setup
  # A real repository instead of the suite's fake .git.
  rm -rf "$WS/.git"
  git init -q "$WS"
  git -C "$WS" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init
  CANARY=$ROOT/canary-ran
  printf '#!/bin/sh\ntouch %s\n' "$CANARY" >"$ROOT/canary.sh"
  chmod 755 "$ROOT/canary.sh"
  # A repository outside the workspace whose config runs the canary: what a planted
  # commondir or gitfile would point host git at.
  git init -q "$ROOT/evil"
  git -C "$ROOT/evil" config core.fsmonitor "$ROOT/canary.sh"
  EVIL=$ROOT/evil/.git
}
teardown() {
  [[ -n ${ROOT:-} && -d $ROOT ]] && chmod -R u+rwX "$ROOT" 2>/dev/null
  sandbox_teardown
}

# `git status` on the host in DIR; the canary must not have run.
host_git_status_is_clean() {
  (cd "$1" && git status >/dev/null 2>&1) || true  # failing is fine; running the canary is not
  [ ! -e "$CANARY" ]
}

@test "a planted .git/commondir does not make host git run a program" {
  run --separate-stderr sbx -- sh -c "echo '$EVIL' > .git/commondir"
  [ "$status" -eq 0 ]
  host_git_status_is_clean "$WS"
  [[ $stderr == *"quarantined .git/commondir"* ]]
  [ -e "$(echo "$VG_HOME"/quarantine/*/.git/commondir)" ]
}

@test "a nested repository's config does not make host git run a program" {
  run --separate-stderr sbx -- sh -c "git init -q sub && git -C sub config core.fsmonitor '$ROOT/canary.sh'"
  [ "$status" -eq 0 ]
  host_git_status_is_clean "$WS/sub"
  host_git_status_is_clean "$WS"
  [[ $stderr == *"quarantined sub/.git/config"* ]]
  [ -d "$WS/sub/.git" ]  # the repository stays; only its config was moved
}

@test "a nested repository in a directory made unlistable does not make host git run a program" {
  run --separate-stderr sbx -- sh -c "git init -q a/b && git -C a/b config core.fsmonitor '$ROOT/canary.sh' && chmod 111 a"
  [ "$status" -eq 0 ]
  (cd "$WS/a/b" 2>/dev/null && git status >/dev/null 2>&1) || true
  chmod -R u+rwX "$WS" "$VG_HOME"
  [ ! -e "$CANARY" ]
  [[ $stderr == *"quarantined a"* ]]
}

@test "a planted gitfile does not make host git run a program" {
  run --separate-stderr sbx -- sh -c "mkdir sub && echo 'gitdir: $EVIL' > sub/.git"
  [ "$status" -eq 0 ]
  host_git_status_is_clean "$WS/sub"
  [[ $stderr == *"quarantined sub/.git"* ]]
  [ ! -e "$WS/sub/.git" ]
}

@test "a symlink named .git does not make host git run a program" {
  run --separate-stderr sbx -- sh -c "mkdir sub && ln -s '$EVIL' sub/.git"
  [ "$status" -eq 0 ]
  host_git_status_is_clean "$WS/sub"
  [[ $stderr == *"quarantined sub/.git"* ]]
}

@test "a bare repository made in the workspace does not make host git run a program" {
  run --separate-stderr sbx -- sh -c "git init -q --bare b && git -C b config core.bare false &&
    git -C b config core.worktree .. && git -C b config core.fsmonitor '$ROOT/canary.sh'"
  [ "$status" -eq 0 ]
  host_git_status_is_clean "$WS/b"
  [[ $stderr == *"quarantined b/config"* ]]
}

@test "a repository assembled over two runs (renamed into place) does not make host git run a program" {
  # First run: a repository under other names, nothing git would read there yet.
  run sbx -- sh -c "git init -q st && git -C st config core.fsmonitor '$ROOT/canary.sh' &&
    mv st/.git st/dotgit && mv st/dotgit/HEAD st/dotgit/HEAD.off"
  [ "$status" -eq 0 ]
  # Second run: its config keeps its old ctime; the directory renamed into place does not.
  run --separate-stderr sbx -- sh -c "mkdir sub && mv st/dotgit sub/.git && mv sub/.git/HEAD.off sub/.git/HEAD"
  [ "$status" -eq 0 ]
  host_git_status_is_clean "$WS/sub"
  [[ $stderr == *"quarantined sub/.git/config"* ]]
}

@test "a hook planted in a nested repository does not run on a host commit" {
  run --separate-stderr sbx -- sh -c "git init -q sub && printf '#!/bin/sh\ntouch %s\n' '$CANARY' > sub/.git/hooks/pre-commit &&
    chmod +x sub/.git/hooks/pre-commit"
  [ "$status" -eq 0 ]
  (cd "$WS/sub" && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m x) || true
  [ ! -e "$CANARY" ]
  [[ $stderr == *"quarantined sub/.git/hooks/pre-commit"* ]]
}

@test "a rewritten .git/config does not make host git run a program" {
  run --separate-stderr sbx -- git config core.fsmonitor "$ROOT/canary.sh"
  host_git_status_is_clean "$WS"
  if [[ $SBX_RUNTIME == landlock ]]; then
    # Landlock cannot make it read-only inside the writable workspace: moved afterwards.
    [[ $stderr == *"quarantined .git/config"* ]]
  else
    [ "$status" -ne 0 ]  # read-only inside
  fi
}

@test "a planted broken vectra-guard.ini is quarantined and later lines still work" {
  run --separate-stderr sbx -- sh -c "printf '[sandbox\nruntime = nonsense\n' > vectra-guard.ini"
  [ "$status" -eq 0 ]
  notice=$stderr
  run --separate-stderr "$VG" explain -- ls
  [ "$status" -eq 0 ]
  [[ $notice == *"quarantined vectra-guard.ini"* ]]
  [ ! -e "$WS/vectra-guard.ini" ]
  [ -e "$(echo "$VG_HOME"/quarantine/*/vectra-guard.ini)" ]
}

@test "the restore command printed puts the quarantined files back" {
  run --separate-stderr sbx -- sh -c "echo '$EVIL' > .git/commondir"
  [ "$status" -eq 0 ]
  restore=${stderr#*restore: }
  [ "$restore" != "$stderr" ]
  bash -c "$restore"
  [ "$(cat "$WS/.git/commondir")" = "$EVIL" ]
}

@test "ordinary git work in the sandbox is not disturbed" {
  before=$(cat "$WS/.git/config")
  run --separate-stderr sbx -- sh -c 'echo hi > f.txt && mkdir -p src && echo x > src/a.c &&
    git add f.txt && git -c user.name=t -c user.email=t@example.invalid commit -q -m work &&
    git init -q vendored && git -C vendored remote add origin https://example.invalid/v.git &&
    git worktree add -q wt'
  [ "$status" -eq 0 ]
  [[ $stderr != *quarantined* ]]
  [ ! -e "$VG_HOME/quarantine" ]
  [ "$(git -C "$WS" log -1 --format=%s)" = work ]
  [ "$(cat "$WS/.git/config")" = "$before" ]
  [ "$(cat "$WS/src/a.c")" = x ]
  [ "$(git -C "$WS/vendored" remote get-url origin)" = https://example.invalid/v.git ]
  [ "$(git -C "$WS/wt" rev-parse --abbrev-ref HEAD)" = wt ]
  host_git_status_is_clean "$WS"
}

@test "the exec audit event lists what was quarantined" {
  VG_SESSION=git-guard run --separate-stderr "$VG" exec -- sh -c "echo '$EVIL' > .git/commondir"
  [ "$status" -eq 0 ]
  [[ $stderr == *"Running in sandbox"* ]]
  host_git_status_is_clean "$WS"
  got=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline()).get("quarantined"))' \
    "$VG_HOME/sessions/git-guard.jsonl")
  [ "$got" = "['.git/commondir']" ]
}
