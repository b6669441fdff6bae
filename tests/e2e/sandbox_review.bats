#!/usr/bin/env bats
# Review mode: a sandboxed run that may lose data in the project sees the workspace
# copy-on-write, and what it did is kept as a change set in $VG_HOME/changes/<N>
# (upper/ = the overlay's upper layer, meta.json). Judged from the host: the project's
# files, their contents, mtimes and `git status` are exactly what they were, and the
# change set holds the deletions (whiteouts: character devices 0/0) and the writes.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() {
  sandbox_setup
  command -v git >/dev/null || { echo "git is required for these tests" >&2; return 1; }
  # A real repository with a committed file, an uncommitted edit, untracked and ignored
  # files, and a source directory.
  rm -rf "$WS/.git"
  export GIT_CONFIG_GLOBAL=$ROOT/gitconfig GIT_CONFIG_NOSYSTEM=1
  git config --file "$GIT_CONFIG_GLOBAL" user.name vg-test
  git config --file "$GIT_CONFIG_GLOBAL" user.email vg-test@example.invalid
  git config --file "$GIT_CONFIG_GLOBAL" safe.directory '*'
  git init -q "$WS"
  mkdir -p "$WS/src" "$WS/node_modules/dep"
  echo 'print("hello")' >"$WS/hello.py"
  echo 'int main(void) { return 0; }' >"$WS/src/main.c"
  printf 'node_modules/\n.env\n' >"$WS/.gitignore"
  git -C "$WS" add hello.py src/main.c .gitignore
  git -C "$WS" commit -q -m initial
  echo 'print("uncommitted work")' >>"$WS/hello.py"
  echo 'SECRET_TOKEN=dev-only' >"$WS/.env"
  echo 'module.exports = 1;' >"$WS/node_modules/dep/index.js"
  echo 'notes' >"$WS/untracked.txt"
  # mode always: every command goes to the sandbox; the runtime is left to `auto`.
  mkdir -p "$XDG_CONFIG_HOME/vectra-guard"
  printf '[sandbox]\nmode = always\n' >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  rm -f "$VG_HOME/trust.json"  # no trust store: its absence is quiet
  GIT_BEFORE=$(git_status)
  BEFORE=$(snapshot)
}
teardown() { sandbox_teardown; }

# Every entry of the project with its type, mode, size, mtime and link target, and the
# content of every file: any change on the host shows up here.
snapshot() {
  (cd "$WS" && find . -printf '%P %y %m %s %T@ %l\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

# Without refreshing (writing) the index.
git_status() { git -C "$WS" --no-optional-locks status --porcelain --ignored; }

project_untouched() {
  local now
  now=$(snapshot)
  if [[ $now != "$BEFORE" ]]; then
    diff <(echo "$BEFORE") <(echo "$now") >&2
    return 1
  fi
  [ "$(git_status)" = "$GIT_BEFORE" ]
}

# The numeric change set directories, one per line.
change_sets() { find "$VG_HOME/changes" -mindepth 1 -maxdepth 1 -regex '.*/[0-9]+' -printf '%f\n' 2>/dev/null | sort -n; }

is_whiteout() { [ -c "$1" ] && [ "$(stat -c '%t:%T' "$1")" = "0:0" ]; }

meta() { "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m.get(sys.argv[2]))' "$VG_HOME/changes/$1/meta.json" "$2"; }

vexec() { "$VG" exec --no-interactive "$@"; }

@test "git reset --hard over an uncommitted edit is kept for review: the project keeps the edit" {
  run --separate-stderr vexec -- git reset --hard
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ $stderr == *"📦 Running in sandbox (namespace, "*"Review: the project is copy-on-write, changes are kept as change set 1."* ]]
  [[ $stderr == *"📝 "*" — vectra-guard changes show 1"* ]]
  project_untouched
  grep -q 'uncommitted work' "$WS/hello.py"
  [ "$(change_sets)" = 1 ]
  # The reset's result is in the upper layer: the committed content, a new index.
  [ "$(cat "$VG_HOME/changes/1/upper/hello.py")" = 'print("hello")' ]
  [ -f "$VG_HOME/changes/1/upper/.git/index" ]
  [ "$(meta 1 id)" = 1 ]
  [ "$(meta 1 workspace)" = "$WS" ]
  [ "$(meta 1 cwd)" = "$WS" ]
  [ "$(meta 1 command)" = "git reset --hard" ]
  [ "$(meta 1 runtime)" = namespace ]
  [ "$(meta 1 exit_code)" = 0 ]
  [[ $(meta 1 reason) == *"lose data"* ]]
  [ "$(meta 1 finished_ns)" -ge "$(meta 1 started_ns)" ]
  # The audit event names the change set.
  grep -rh --include='*.jsonl' '"git reset --hard"' "$VG_HOME" | grep -q '"change_set":1'
}

@test "git clean -fdx keeps .env and node_modules in the project; the set holds their deletion" {
  run --separate-stderr vexec -- git clean -fdx
  echo "$stderr"
  [ "$status" -eq 0 ]
  project_untouched
  [ -f "$WS/.env" ] && [ -f "$WS/node_modules/dep/index.js" ] && [ -f "$WS/untracked.txt" ]
  [ "$(change_sets)" = 1 ]
  is_whiteout "$VG_HOME/changes/1/upper/.env"
  is_whiteout "$VG_HOME/changes/1/upper/node_modules"
  is_whiteout "$VG_HOME/changes/1/upper/untracked.txt"
  [[ $stderr == *"📝 3 files deleted — vectra-guard changes show 1"* ]]
}

@test "rm -rf src leaves src in the project; the set holds its deletion" {
  run --separate-stderr vexec -- rm -rf src
  echo "$stderr"
  [ "$status" -eq 0 ]
  project_untouched
  [ -f "$WS/src/main.c" ]
  is_whiteout "$VG_HOME/changes/1/upper/src"
  [[ $stderr == *"📝 1 file deleted — vectra-guard changes show 1"* ]]
  # Inside, the command saw its own deletion.
  run --separate-stderr vexec -c 'rm -rf src && test ! -e src && echo gone'
  [ "$output" = gone ]
  project_untouched
  [ "$(change_sets | tr '\n' ' ')" = "1 2 " ]
}

@test "commit --amend, checkout -- ., find -delete and truncate are reviewed too" {
  local n=0 line
  for line in "git -c user.name=t -c user.email=t@example.invalid commit -q --amend -m rewritten" "git checkout -- ." "find . -name '*.py' -delete" \
      "truncate -s 0 hello.py"; do
    n=$((n + 1))
    run --separate-stderr vexec -c "$line"
    echo "$line: $stderr"
    [ "$status" -eq 0 ]
    [[ $stderr == *"change set $n."* && $stderr == *"vectra-guard changes show $n"* ]]
    project_untouched
  done
  # The amend's new commit is only in the change set: the project's branch is unchanged.
  [ "$(git -C "$WS" log --format=%s)" = initial ]
  grep -rqs . "$VG_HOME/changes/1/upper/.git/refs/heads" || [ -f "$VG_HOME/changes/1/upper/.git/logs/HEAD" ]
  is_whiteout "$VG_HOME/changes/3/upper/hello.py"
  [ ! -s "$VG_HOME/changes/4/upper/hello.py" ] && [ -f "$VG_HOME/changes/4/upper/hello.py" ]
}

@test "an additive build writes through under review = destructive; no change set" {
  run --separate-stderr vexec -c 'mkdir -p out && echo built >out/app'
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ "$(cat "$WS/out/app")" = built ]
  [[ $stderr != *Review* && $stderr != *"📝"* ]]
  [ -z "$(change_sets)" ]
}

@test "review = always keeps even additive writes; a run that changes nothing keeps no set" {
  printf '[sandbox]\nmode = always\nreview = always\n' >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run --separate-stderr vexec -c 'mkdir -p out && echo built >out/app && echo edit >>hello.py'
  echo "$stderr"
  [ "$status" -eq 0 ]
  project_untouched
  [ ! -e "$WS/out" ]
  [ "$(cat "$VG_HOME/changes/1/upper/out/app")" = built ]
  [[ $stderr == *"📝 2 files changed — vectra-guard changes show 1"* ]]
  run --separate-stderr vexec -- cat hello.py
  [ "$status" -eq 0 ]
  [[ $stderr == *"📝 no changes"* ]]
  [ "$(change_sets)" = 1 ]
}

@test "a workspace vectra-guard.ini may raise review to always but not lower it to never" {
  printf '[sandbox]\nreview = never\n' >"$WS/vectra-guard.ini"
  run --separate-stderr vexec -- rm -rf src
  echo "$stderr"
  [ -f "$WS/src/main.c" ]
  [[ $stderr == *"📝 1 file deleted"* ]]
  printf '[sandbox]\nreview = always\n' >"$WS/vectra-guard.ini"
  BEFORE=$(snapshot)
  run --separate-stderr vexec -c 'echo x >new.txt'
  echo "$stderr"
  [ ! -e "$WS/new.txt" ]
  [ -f "$VG_HOME/changes/2/upper/new.txt" ]
}

@test "sandbox run --review and exec --review force it; exit codes and signals are the command's" {
  run --separate-stderr "$VG" sandbox run --review -- sh -c 'echo x >a.txt; exit 7'
  echo "$stderr"
  [ "$status" -eq 7 ]
  project_untouched
  [ "$(meta 1 exit_code)" = 7 ]
  [ "$(cat "$VG_HOME/changes/1/upper/a.txt")" = x ]
  run --separate-stderr vexec --review -c 'echo y >b.txt; kill -TERM $$'
  [ "$status" -eq 143 ]
  project_untouched
  [ -f "$VG_HOME/changes/2/upper/b.txt" ]
  run --separate-stderr vexec --review --host -- true
  [ "$status" -ne 0 ]
}

@test "under review .git hooks and config stay read-only, secrets hidden, caches writable" {
  mkdir -p "$HOME/.npm"
  run --separate-stderr "$VG" sandbox run --review -- sh -c "
    echo evil >.git/hooks/pre-commit && echo hook-written
    echo '[core]' >>.git/config && echo config-written
    cat '$HOME/.ssh/id_ed25519' && echo secret-read
    echo cached >'$HOME/.npm/vg-review-cache' && echo cache-written
    true"
  echo "$output / $stderr"
  [[ $output != *hook-written* && $output != *config-written* && $output != *secret-read* ]]
  [[ $output == *cache-written* ]]
  [ "$(cat "$HOME/.npm/vg-review-cache")" = cached ]
  project_untouched
  [ ! -e "$VG_HOME/changes/1/upper/.git/hooks/pre-commit" ] || ! grep -q evil "$VG_HOME/changes/1/upper/.git/hooks/pre-commit"
}

@test "a review run with a runtime that cannot do it fails closed with one sentence" {
  for rt in bubblewrap landlock; do
    run --separate-stderr vexec --runtime "$rt" -- rm -rf src
    echo "$rt: $stderr"
    [ "$status" -eq 125 ]
    [[ $stderr == *"review mode needs a copy-on-write view of the workspace, which the $rt runtime cannot give"*"use --runtime namespace"* ]]
    [ "$(grep -c 'vectra-guard: ' <<<"$stderr")" -eq 1 ]
    project_untouched
  done
  [ -z "$(change_sets)" ]
}

@test "npm install under review = always leaves the project untouched and keeps the install" {
  command -v npm >/dev/null || { [[ ${VG_REQUIRE_ALL:-} == 1 ]] && return 1; skip "npm is not installed"; }
  make_npm_package vg-review-demo
  "$PY" "$BATS_TEST_DIRNAME/npm_registry.py" "$ROOT/reg" "$ROOT/port" "$ROOT/requests.log" &
  LISTENER_PID=$!
  wait_for_path "$ROOT/port"
  printf '[sandbox]\nmode = always\nreview = always\n' >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  mkdir -p "$HOME/.npm"  # the cache, read-write inside (as an ordinary user the root is read-only)
  run --separate-stderr vexec --network full -- npm install --registry "http://127.0.0.1:$(cat "$ROOT/port")/" \
    --no-audit --no-fund --no-update-notifier vg-review-demo
  echo "$output / $stderr"
  [ "$status" -eq 0 ]
  project_untouched
  [ ! -e "$WS/node_modules/vg-review-demo" ] && [ ! -e "$WS/package.json" ]
  local upper=$VG_HOME/changes/1/upper
  [ "$(cat "$upper/node_modules/vg-review-demo/index.js")" = 'module.exports = "vg-review-demo works";' ]
  grep -q vg-review-demo "$upper/package.json"
  # The upper layer on top of the project is the tree a direct install gives.
  mkdir -p "$ROOT/direct"  # the same directory name: npm writes it into the lockfiles
  cp -a "$WS" "$ROOT/direct/project"
  ln -s direct/project "$ROOT/direct-ws"
  (cd "$ROOT/direct/project" && npm install --registry "http://127.0.0.1:$(cat "$ROOT/port")/" --no-audit --no-fund \
    --no-update-notifier vg-review-demo >/dev/null 2>&1)
  diff "$upper/node_modules/vg-review-demo/index.js" "$ROOT/direct-ws/node_modules/vg-review-demo/index.js"
  diff "$upper/package.json" "$ROOT/direct-ws/package.json"
  # Applied, the project is the tree a direct install gives: the same files, contents
  # and modes.
  run --separate-stderr "$VG" changes apply 1
  [ "$status" -eq 0 ]
  [ ! -d "$VG_HOME/changes/1" ]
  diff -r --exclude=.git "$WS" "$ROOT/direct/project"
  [ "$(cd "$WS" && find . -path ./.git -prune -o -printf '%P %m %y\n' | sort)" = \
    "$(cd "$ROOT/direct/project" && find . -path ./.git -prune -o -printf '%P %m %y\n' | sort)" ]
}
