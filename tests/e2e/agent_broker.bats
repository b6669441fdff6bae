#!/usr/bin/env bats
# The session broker (issue 17): an "agent" (a script under `agent start`) tries to run a
# denied program on the host by every way the review found. The program is a harmless
# canary (vgcanary FILE writes FILE); the config denies it. Judged from the host: the
# canary file never appears, and each attempt is in the session's audit trail. Ordinary
# work (make, npm, python, git) gives the same output and exit code as without the guard.

setup_file() {
  export VG="${VG_BIN:?VG_BIN is set by ctest}/vectra-guard"
  [[ -x $VG && -f ${VG_BUILD_DIR:?}/lib/libvgpreload.so ]] || { echo "build vectra-guard first" >&2; return 1; }
  export TOOLS="$BATS_FILE_TMPDIR/tools"
  mkdir -p "$TOOLS"
  gcc -O1 -o "$TOOLS/vgcanary" "$BATS_TEST_DIRNAME/canary_main.c"
  gcc -O1 -pthread -o "$TOOLS/vgexec" "$BATS_TEST_DIRNAME/broker_helpers.c"
  gcc -O1 -shared -fPIC -o "$TOOLS/own_preload.so" "$BATS_TEST_DIRNAME/broker_preload.c"
  chmod -R a+rX "$BATS_FILE_TMPDIR"
}

setup() {
  export T=$BATS_TEST_TMPDIR
  export HOME=$T/home VG_HOME=$T/state
  unset VG_SESSION VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD LD_AUDIT VG_AGENT_CONFIG VG_EXEC_CHECKED VG_POLICY_SNAPSHOT VG_BROKER_FD
  mkdir -p "$HOME" "$T/ws" "$T/out"
  export CANARY=$T/out/canary
  export PATH="$TOOLS:$PATH"
  printf '[sandbox]\nmode = auto\n[policies]\ndeny = vgcanary*\n' >"$T/policy.ini"
  cd "$T/ws"
}

# agent SCRIPT: run SCRIPT (bash) as the agent of a session; sets status/output.
agent() {
  printf '%s\n' "$1" >"$T/agent.sh"
  run "$VG" --config "$T/policy.ini" agent start --name test -- bash "$T/agent.sh"
}

canary_absent() {
  [[ ! -e $CANARY ]] || { echo "the canary was written on the host: $(cat "$CANARY")"; return 1; }
}

# The session's audit trail has the attempt: a record naming vgcanary that did not run
# on the host (refused, or sent to the sandbox).
attempt_recorded() {
  grep 'vgcanary' "$VG_HOME"/sessions/*.jsonl | grep -v '"source":"agent start"' | grep -vq '"runtime":"host"' ||
    { echo "no vgcanary attempt kept off the host in the audit trail:"; cat "$VG_HOME"/sessions/*.jsonl; return 1; }
}

@test "broker: the plain denied program is refused on the host" {
  agent 'vgcanary "$CANARY"; echo "rc=$?"'
  canary_absent
  attempt_recorded
}

@test "broker: a renamed copy is judged by its content" {
  agent 'cp "$(command -v vgcanary)" ./harmless-tool; ./harmless-tool "$CANARY"; echo "rc=$?"'
  canary_absent
  attempt_recorded
  [[ $output == *"rc=126"* ]]
}

@test "broker: a copy with bytes appended keeps its ELF build id" {
  agent 'cp "$(command -v vgcanary)" ./padded && printf "junk" >>./padded && ./padded "$CANARY"; echo "rc=$?"'
  canary_absent
  attempt_recorded
}

@test "broker: a symlink and a hard link are judged by the file they reach" {
  agent 'ln -s "$(command -v vgcanary)" ./lnk; ./lnk "$CANARY"; cp -a "$(command -v vgcanary)" ./hard 2>/dev/null; ln -f "$(command -v vgcanary)" ./hard2 2>/dev/null; ./hard2 "$CANARY"; echo done'
  canary_absent
  attempt_recorded
}

@test "broker: the dynamic loader run as a program is judged by the program it loads" {
  ld=$(ls /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1 2>/dev/null | head -1)
  agent "$ld --inhibit-cache \"\$(command -v vgcanary)\" \"\$CANARY\"; echo rc=\$?"
  canary_absent
  attempt_recorded
}

@test "broker: a static busybox shell running a script" {
  bb=$(command -v busybox)
  [[ -n $bb ]] || { [[ ${VG_REQUIRE_ALL:-} != 1 ]] && skip "busybox is not installed"; false; }
  printf 'vgcanary "$CANARY"\n' >"$T/script.sh"
  agent "$bb sh \"$T/script.sh\"; echo rc=\$?"
  canary_absent
  attempt_recorded
}

@test "broker: a raw execve system call" {
  agent 'vgexec rawexec "$(command -v vgcanary)" "$CANARY"; echo rc=$?'
  canary_absent
  attempt_recorded
}

@test "broker: a second thread rewriting the path during the exec cannot swap in the denied program" {
  # /bin/true is fine; the canary is not. Without the freeze the kernel could re-read
  # the path after the broker's check and run the canary (it did, in each run of 100, when
  # the freeze was taken out for a try).
  agent 'vgexec race 100 /bin/true "$(command -v vgcanary)" "$CANARY"; echo rc=$?'
  canary_absent
  [[ $output == *"rc=0"* ]]
}

@test "broker: a vfork child's path rewritten by its parent's other thread cannot swap in the denied program" {
  agent 'vgexec vforkrace 100 /bin/true "$(command -v vgcanary)" "$CANARY"; echo rc=$?'
  canary_absent
  [[ $output == *"rc=0"* ]]
}

@test "broker: a path in shared memory that another process rewrites is refused" {
  agent 'vgexec sharedrace 100 /bin/true "$(command -v vgcanary)" "$CANARY"; echo rc=$?'
  canary_absent
  [[ $output == *"rc=0"* ]]
  grep -q 'lie in shared memory' "$VG_HOME"/sessions/*.jsonl
}

@test "broker: memfd_create + execveat of an anonymous copy is refused" {
  agent 'vgexec memexec "$(command -v vgcanary)" "$CANARY"; echo rc=$?'
  canary_absent
  cat "$VG_HOME"/sessions/*.jsonl | grep -q 'anonymous program'
}

@test "broker: the agent's own LD_PRELOAD before ours" {
  agent 'LD_PRELOAD="$TOOLS/own_preload.so:$LD_PRELOAD" env vgcanary "$CANARY"; echo rc=$?'
  canary_absent
  attempt_recorded
}

@test "broker: a policy snapshot of the agent's choosing (env var) changes nothing" {
  "$VG" agent snapshot --output "$T/open.snap" 2>/dev/null
  agent 'VG_POLICY_SNAPSHOT="$T/open.snap" env vgcanary "$CANARY"; echo rc=$?'
  canary_absent
  attempt_recorded
}

@test "broker: overwriting the session's own snapshot file blinds nothing" {
  "$VG" agent snapshot --output "$T/open.snap" 2>/dev/null
  # The overwrite is refused (Landlock) or, where it works, changes nothing: the canary
  # is tried either way, kept off the host, and in the trail.
  agent 'cp "$T/open.snap" "$VG_POLICY_SNAPSHOT"; echo cp=$?; env vgcanary "$CANARY"; echo rc=$?'
  canary_absent
  attempt_recorded
  ! cmp -s "$T/open.snap" "$VG_HOME"/agents/*.snap
}

@test "broker: a removed snapshot leaves the kernel's check in force" {
  agent 'rm -f "$VG_POLICY_SNAPSHOT"; env vgcanary "$CANARY"; echo rc=$?'
  canary_absent
  attempt_recorded
}

@test "broker: with the broker killed nothing runs any more (fail closed)" {
  # Only our broker is killed: the agent's parent when it is vectra-guard.
  agent 'cp "$(command -v vgcanary)" ./tool
[[ /proc/$PPID/exe -ef $VG_GUARD_BIN ]] && kill -9 $PPID; sleep 0.3; ./tool "$CANARY"; echo rc=$?'
  canary_absent
  [[ $output == *"rc=126"* || $output == *"rc=127"* ]]
}

@test "broker: vectra-guard exec --host, --config and trust add cannot loosen the session" {
  printf '[sandbox]\nmode = never\n' >"$T/loose.ini"
  agent '"$VG_GUARD_BIN" exec --host -- vgcanary "$CANARY"; echo "host=$?"
"$VG_GUARD_BIN" --config "$T/loose.ini" exec -- vgcanary "$CANARY"; echo "config=$?"
"$VG_GUARD_BIN" trust add -- vgcanary "$CANARY"; echo "trust=$?"
"$VG_GUARD_BIN" init; echo "init=$?"
VG_DISABLE=1 "$VG_GUARD_BIN" exec -- vgcanary "$CANARY"; echo "disable=$?"
HOME=$T "$VG_GUARD_BIN" exec -- vgcanary "$CANARY"; echo "home=$?"'
  canary_absent
  [[ $output == *"host=126"* && $output == *"config=126"* && $output == *"trust=126"* ]]
  [[ $output == *"init=126"* && $output == *"disable=126"* && $output == *"home=126"* ]]
  n=$(grep '"runtime":"none"' "$VG_HOME"/sessions/*.jsonl | grep -c '"source":"kernel exec"')
  ((n >= 6))
}

@test "broker: a judged exec the shim already asked about is not judged twice" {
  printf '[sandbox]\nmode = auto\n' >"$T/policy.ini"
  agent 'rm -f ./missing-file; echo rc=$?'
  [[ $output == *"rc=0"* ]]
  # one record (the shim's question), none from the kernel's notification
  n=$(grep -c "rm -f ./missing-file" "$VG_HOME"/sessions/*.jsonl)
  [[ $n == 1 ]]
}

# Sandboxed commands of a session are run by the broker, outside the agent's Landlock
# domain and exec filter, where a sandbox can start (issue 17 item 1).
@test "broker: a confined agent's sandboxed command runs, with its stdin, stdout, stderr and exit code" {
  agent 'echo x >>"$VG_HOME/trust.json"; echo "write=$?"
printf "from-stdin\n" | "$VG_GUARD_BIN" exec --sandbox -- sh -c "cat; echo to-stderr >&2; exit 7"; echo "rc=$?"
"$VG_GUARD_BIN" exec --sandbox -- sh -c "echo no-stdin" <&-; echo "closed=$?"'
  [[ $output == *"write=1"* ]]
  [[ $output == *"no-stdin"*"closed=0"* ]]
  [[ $output == *"from-stdin"*"rc=7"* ]]
  [[ $stderr == *"to-stderr"* ]] || [[ $output == *"to-stderr"* ]]
  grep '"decision":"sandbox"' "$VG_HOME"/sessions/*.jsonl | grep 'from-stdin\|exit 7' | grep -vq '"runtime":"none"'
}

@test "broker: the shim's re-route of a sandbox verdict runs in a session, also after close_fds" {
  printf '[sandbox]\nmode = always\n' >"$T/policy.ini"
  agent 'sh -c "echo routed; exit 4"; echo "rc=$?"
python3 -c "import subprocess, sys; sys.exit(subprocess.call([\"sh\", \"-c\", \"echo closed-fds; exit 5\"], close_fds=True))"; echo "py=$?"'
  [[ $output == *"routed"*"rc=4"* ]]
  [[ $output == *"closed-fds"*"py=5"* ]]
}

@test "broker: SIGTERM to a session's sandboxed command reaches the command" {
  agent '"$VG_GUARD_BIN" exec --sandbox -- sleep 30 & pid=$!
sleep 1; kill -TERM $pid; wait $pid; echo "rc=$?"'
  [[ $output == *"rc=143"* ]]
  ! pgrep -f "^sleep 30$" >/dev/null
}

# Ordinary work: same stdout and exit code with and without the guard.
same_as_plain() {
  printf '%s\n' "$1" >"$T/work.sh"
  mkdir -p "$T/plain" "$T/guarded"
  cp -a "$T/ws/." "$T/plain/"
  cp -a "$T/ws/." "$T/guarded/"
  plain_out=$(cd "$T/plain" && bash "$T/work.sh" 2>/dev/null); plain_rc=$?
  guarded_out=$(cd "$T/guarded" && "$VG" --config "$T/policy.ini" agent start --name test -- bash "$T/work.sh" 2>/dev/null); guarded_rc=$?
  [[ $plain_rc == "$guarded_rc" ]] || { echo "exit $plain_rc without the guard, $guarded_rc with it"; return 1; }
  [[ $plain_out == "$guarded_out" ]] || { diff <(echo "$plain_out") <(echo "$guarded_out"); return 1; }
}

@test "broker: a real make build is unchanged" {
  printf 'int main(void) { return 0; }\n' >hello.c
  printf 'all: hello\n\t@echo built\nhello: hello.c\n\t@$(CC) -o hello hello.c\n\t@./hello && echo ran\n' >Makefile
  same_as_plain 'make -s; echo "make=$?"'
}

@test "broker: python subprocesses are unchanged" {
  same_as_plain 'python3 -c "import subprocess, sys; print(subprocess.run([\"echo\", \"one\"]).returncode); print(subprocess.check_output([\"sh\", \"-c\", \"echo two; exit 0\"]).decode().strip()); sys.exit(subprocess.call([\"false\"]))"; echo "py=$?"'
}

@test "broker: git is unchanged" {
  same_as_plain 'git init -q . && git -c user.name=t -c user.email=t@t.invalid commit -q --allow-empty -m one && git log --format=%s; echo "git=$?"'
}

@test "broker: an npm script is unchanged" {
  command -v npm >/dev/null || { [[ ${VG_REQUIRE_ALL:-} != 1 ]] && skip "npm is not installed"; false; }
  printf '{"name":"t","version":"1.0.0","scripts":{"hello":"echo hello from npm && node -e \\"process.exit(3)\\""}}\n' >package.json
  same_as_plain 'npm run -s hello; echo "npm=$?"'
}
