#!/usr/bin/env bats
# `vectra-guard changes`: change sets written by the kernel (a real overlayfs in a user
# namespace, see changes_helpers.bash), reviewed, applied, refused, discarded, judged from
# the host. Runs as root and, through nonroot.sh, as an ordinary user.
bats_require_minimum_version 1.5.0
load changes_helpers

setup() {
  : "${VG_BIN:?VG_BIN is set by ctest to the bin directory of the build}"
  VG="$VG_BIN/vectra-guard"
  ROOT=$(mktemp -d /var/tmp/vg-changes.XXXXXX)
  export HOME=$ROOT/home VG_HOME=$ROOT/vghome XDG_CONFIG_HOME=$ROOT/home/.config
  unset VG_SESSION VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD
  PY=$(command -v /usr/bin/python3 || command -v python3)
  WS=$ROOT/project
  mkdir -p "$HOME" "$VG_HOME" "$WS/src/lib" "$WS/olddir" "$WS/build"
  echo 'print("hello")' >"$WS/hello.py"
  echo 'int main() {}' >"$WS/src/main.c"
  echo 'void f() {}' >"$WS/src/lib/f.c"
  echo 'all:' >"$WS/Makefile"
  echo 'echo run' >"$WS/run.sh"
  echo 'moved content' >"$WS/before.txt"
  echo 'in old dir' >"$WS/olddir/x.txt"
  echo 'SECRET=1' >"$WS/.env"
  echo 'stale' >"$WS/build/out.o"
  ln -s hello.py "$WS/link"
  cp -a "$WS" "$ROOT/direct"
  cd "$WS"
}

teardown() {
  cd /
  [[ -n ${ROOT:-} && -d $ROOT ]] && rm -rf "$ROOT"
  return 0
}

# Every kind of change, relative to the current directory.
SCRIPT='echo "print(\"bye\")" >> hello.py
rm -rf src
mkdir -p src && echo "new main" > src/main.c
rm .env
chmod +x run.sh
mv before.txt after.txt
mv olddir newdir
ln -sf run.sh link
ln -s hello.py newlink
printf "\000\001bin" > data.bin
echo "x: y" > .gitlab-ci.yml
mkdir -p empty/dir'

@test "apply reproduces exactly what the direct run did; nothing reaches the project before" {
  before=$(tree "$WS")
  review_run 1 "$SCRIPT"
  [ "$(tree "$WS")" = "$before" ]   # judged from the host: untouched
  (cd "$ROOT/direct" && sh -c "$SCRIPT")

  run --separate-stderr "$VG" changes apply 1
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ $output == "Applied change set 1 to $WS: "* ]]
  diff <(tree "$ROOT/direct") <(tree "$WS")
  # The set is gone, and nothing is left behind in the project.
  [ ! -e "$VG_HOME/changes/1" ]
  [ -z "$(find "$WS" -name '.vg-apply*')" ]
  run "$VG" changes list
  [[ $output == "No change sets"* ]]
}

@test "show: a unified diff naming binaries, deletions, renames, modes and symlinks, flags first" {
  review_run 1 "$SCRIPT"
  run --separate-stderr "$VG" changes show 1
  [ "$status" -eq 0 ]
  echo "$output"
  [[ $output == *"+print(\"bye\")"* ]]
  [[ $output == *$'diff --git a/src/lib/f.c b/src/lib/f.c\ndeleted file mode 100644'* ]]
  [[ $output == *$'rename from before.txt\nrename to after.txt'* ]]
  [[ $output == *$'rename from olddir/x.txt\nrename to newdir/x.txt'* ]]
  [[ $output == *$'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755'* ]]
  [[ $output == *$'symlink from hello.py\nsymlink to run.sh'* ]]
  [[ $output == *$'diff --git a/newlink b/newlink\nnew file mode 120000\nsymlink to hello.py'* ]]
  [[ $output == *"Binary files /dev/null and b/data.bin differ"* ]]
  [[ $output == *"new directory mode 040755"* ]]
  # What deserves a look comes before the diff.
  head=$(sed -n '/^diff --git/q;p' <<<"$output")
  [[ $head == *"⚑ executable"*"run.sh"* ]]
  [[ $head == *"⚑ env"*".env"* ]]
  [[ $head == *"⚑ ci"*".gitlab-ci.yml"* ]]
  # PATH keeps one file.
  run --separate-stderr "$VG" changes show 1 hello.py
  [ "$status" -eq 0 ]
  [ "$(grep -c '^diff --git' <<<"$output")" -eq 1 ]
  # A whole new or deleted file reads exactly as diff -u prints it.
  review_run 2 'printf "a\nb\nno newline" > partial.txt; rm Makefile'
  printf 'a\nb\nno newline' >"$ROOT/partial.txt"
  run --separate-stderr "$VG" changes show 2 partial.txt
  diff <(sed '1,/^new file mode/d' <<<"$output") \
    <(diff -u --label /dev/null --label b/partial.txt /dev/null "$ROOT/partial.txt")
  run --separate-stderr "$VG" changes show 2 Makefile
  diff <(sed '1,/^deleted file mode/d' <<<"$output") \
    <(diff -u --label a/Makefile --label /dev/null "$WS/Makefile" /dev/null)
}

@test "apply refuses and names the file when the host changed it since the run began" {
  review_run 1 'echo review >> hello.py; echo review >> Makefile; rm -f run.sh'
  echo "host edit" >>"$WS/Makefile"
  before=$(tree "$WS")
  run --separate-stderr "$VG" changes apply 1
  [ "$status" -ne 0 ]
  [[ $stderr == *"Makefile (changed on the host since the run began)"* ]]
  [[ $stderr != *hello.py* ]]
  [[ $stderr == *"Nothing was applied"* ]]
  [ "$(tree "$WS")" = "$before" ]
  [ -d "$VG_HOME/changes/1" ]
  # A file the run deleted that the host deleted too is named as well.
  rm "$WS/run.sh"
  run --separate-stderr "$VG" changes apply 1 run.sh
  [ "$status" -ne 0 ]
  [[ $stderr == *"run.sh (deleted on the host since the run began)"* ]]
  # The paths the host left alone still apply.
  run --separate-stderr "$VG" changes apply 1 hello.py
  [ "$status" -eq 0 ]
  [ "$(tail -1 "$WS/hello.py")" = review ]
  [[ $output == *"left: vectra-guard changes show 1"* ]]
}

@test "apply PATH: only those paths; the set keeps the rest until it is applied too" {
  review_run 1 'echo a >> hello.py; echo new > src/new.c; rm src/main.c; mkdir -p docs && echo d > docs/x.md'
  run --separate-stderr "$VG" changes apply 1 src
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ "$(cat "$WS/src/new.c")" = new ]
  [ ! -e "$WS/src/main.c" ]
  [ "$(cat "$WS/hello.py")" = 'print("hello")' ]
  [ ! -e "$WS/docs" ]
  run --separate-stderr "$VG" changes list
  [[ $output == *"1 "*"2 changed"* ]]
  # Relative to the current directory inside the project.
  cd "$WS/src"
  run --separate-stderr "$VG" changes apply 1 ../docs/x.md
  [ "$status" -eq 0 ]
  [ "$(cat "$WS/docs/x.md")" = d ]
  run --separate-stderr "$VG" changes apply 1 nothing-here
  [ "$status" -ne 0 ]
  [[ $stderr == *"nothing in change set 1 is at src/nothing-here"* ]]
  run --separate-stderr "$VG" changes apply 1
  [ "$status" -eq 0 ]
  [ ! -e "$VG_HOME/changes/1" ]
  [ "$(tail -1 "$WS/hello.py")" = a ]
}

@test "discard drops the set and leaves the project alone; bad ids get one sentence" {
  before=$(tree "$WS")
  review_run 4 'rm -rf src hello.py'
  run --separate-stderr "$VG" changes discard 4
  [ "$status" -eq 0 ]
  [[ $output == "Discarded change set 4"* ]]
  [ ! -e "$VG_HOME/changes/4" ]
  [ -z "$(ls -A "$VG_HOME/changes")" ]
  [ "$(tree "$WS")" = "$before" ]
  run --separate-stderr "$VG" changes show 4
  [ "$status" -eq 1 ]
  [ "$stderr" = "vectra-guard: there is no change set 4; 'vectra-guard changes list' shows the ones there are." ]
  run --separate-stderr "$VG" changes apply abc
  [ "$status" -eq 1 ]
  [[ $stderr == *"'abc' is not a change set id"* ]]
  run --separate-stderr "$VG" changes frobnicate
  [ "$status" -eq 1 ]
}

@test "a set still being written is not applied; keep_changes directories are ignored" {
  mkdir -p "$VG_HOME/changes/2/upper" "$VG_HOME/changes/abc-keep/upper"
  echo x >"$VG_HOME/changes/2/upper/hello.py"
  write_meta 2 "$(now_ns)" "" "" "sleep 100"
  run --separate-stderr "$VG" changes apply 2
  [ "$status" -eq 1 ]
  [[ $stderr == *"still being written"* ]]
  [ "$(cat "$WS/hello.py")" = 'print("hello")' ]
  run --separate-stderr "$VG" changes list
  [[ $output == "2 "*"running"* ]]
  [[ $output != *abc-keep* ]]
  [[ $output != *"(in "* ]]
  cd /  # outside the project, the line names it
  run --separate-stderr "$VG" changes list
  [[ $output == *"(in $WS)"* ]]
}

@test "list --json: the documented schema" {
  review_run 1 'echo a >> hello.py; rm Makefile; chmod +x run.sh; mkdir -p .vscode && echo {} > .vscode/tasks.json'
  review_run 2 'true'
  run --separate-stderr "$VG" changes list --json
  [ "$status" -eq 0 ]
  echo "$output" >"$ROOT/list.json"
  "$PY" - "$WS" "$ROOT/list.json" <<'PY'
import json, sys
ws = sys.argv[1]
doc = json.load(open(sys.argv[2]))
sets = doc["change_sets"]
assert [s["id"] for s in sets] == [1, 2], sets
s = sets[0]
types = {"id": int, "dir": str, "state": str, "workspace": str, "cwd": str, "command": str,
         "argv": list, "started_ns": int, "finished_ns": int, "age_seconds": int, "runtime": str,
         "reason": str, "exit_code": int, "summary": str, "counts": dict, "entries": int, "flags": list}
for k, t in types.items():
    assert isinstance(s[k], t), (k, s.get(k))
assert s["session"] is None
assert s["state"] == "pending" and s["workspace"] == ws
assert s["counts"] == {"changed": 3, "deleted": 1, "renamed": 0}, s["counts"]
assert s["summary"] == "3 changed, 1 deleted", s["summary"]
cats = {f["category"] for f in s["flags"]}
assert cats == {"manifest", "executable", "editor"}, cats
for f in s["flags"]:
    assert set(f) == {"category", "path", "why"}
assert sets[1]["summary"] == "no changes" and sets[1]["flags"] == []
PY
  run --separate-stderr "$VG" changes list
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "1 "*"pending"*"3 changed, 1 deleted"*"⚑ manifest, executable, editor"* ]] || [[ ${lines[0]} == "1 "*"pending"*"3 changed, 1 deleted"*"⚑ "* ]]
}

@test "a real review run (exec --review, namespace runtime): git reset --hard over an edit, rm -rf, applied" {
  git -C "$WS" init -q
  git -C "$WS" add -A
  git -C "$WS" -c user.name=t -c user.email=t@t.invalid commit -qm init
  echo 'uncommitted edit' >>"$WS/hello.py"
  cp -a "$WS" "$ROOT/direct2"
  # --no-optional-locks: a plain `git status` on the host rewrites .git/index, a change
  # underneath that apply would rightly refuse.
  worktree() { (cd "$1" && git --no-optional-locks status --porcelain && tree "$1" | grep -v -e '^\.git' -e ' \./\.git/') ; }
  before=$(worktree "$WS")
  LINE='git reset -q --hard && rm -rf src && echo made > new.txt && chmod +x run.sh'
  run --separate-stderr "$VG" exec --review --runtime namespace --network none -- sh -c "$LINE"
  [ "$status" -eq 0 ]
  [[ $stderr == *"📝 "*"vectra-guard changes show 1"* ]]
  [ "$(worktree "$WS")" = "$before" ]   # the edit survives until apply
  [ "$(tail -1 "$WS/hello.py")" = 'uncommitted edit' ]
  (cd "$ROOT/direct2" && sh -c "$LINE")
  run --separate-stderr "$VG" changes apply 1
  [ "$status" -eq 0 ]
  diff <(worktree "$ROOT/direct2") <(worktree "$WS")
}
