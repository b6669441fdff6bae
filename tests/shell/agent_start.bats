#!/usr/bin/env bats
# `vectra-guard agent start`: the agent runs with the shim, BASH_ENV, its own session
# id and name; whatever it spawns is judged (from the host: the victims survive).

bats_require_minimum_version 1.5.0
load agent_helpers

setup() { vg_agent_setup; }

agent() { "$GUARD" agent start --name tester --mode auto "$@"; }

@test "the agent gets the shim, BASH_ENV, a session id and its name" {
  run --separate-stderr agent -- /usr/bin/env
  [ "$status" -eq 0 ]
  [[ $output == *"LD_PRELOAD=$VG_BUILD_DIR/lib/libvgpreload.so"* ]]
  [[ $output == *"BASH_ENV="*"/noninteractive/bash_env.sh"* ]]
  [[ $output == *"VG_SESSION=agent-tester-"* ]]
  [[ $output == *"VG_AGENT=tester"* ]]
  [[ $output == *"VG_POLICY_SNAPSHOT=$VG_HOME/agents/"* ]]
  [[ $stderr == *"agent 'tester'"* ]]
  local snap
  snap=$(grep '^VG_POLICY_SNAPSHOT=' <<<"$output" | cut -d= -f2)
  [ -s "$snap" ]
}

@test "two agent starts get different sessions" {
  local a b
  a=$(agent -- /usr/bin/printenv VG_SESSION 2>/dev/null)
  sleep 1
  b=$(agent -- /usr/bin/printenv VG_SESSION 2>/dev/null)
  [ -n "$a" ] && [ "$a" != "$b" ]
}

@test "the agent's exit status is its own" {
  run agent -- /bin/sh -c 'exit 9'
  [ "$status" -eq 9 ]
}

@test "a scripted agent: every harmful spawn is stopped, every ordinary one works" {
  cat >"$T/agent.py" <<'PY'
import os, subprocess
home = os.environ["HOME"]
print("system-rm", os.system("rm -rf ~") >> 8)
try:
    subprocess.run(["/bin/rm", "-rf", home], env={})
    print("subprocess-rm ran")
except PermissionError:
    print("subprocess-rm refused")
try:
    subprocess.run(["bash", "-c", "rm -rf ~"])
    print("bash-c ran")
except PermissionError:
    print("bash-c refused")
print("env-i", subprocess.run(["env", "-i", "/bin/sh", "-c", "rm -rf " + home]).returncode)
print("ok", subprocess.run(["bash", "-c", "echo fine"], capture_output=True, text=True).stdout.strip())
print("ls", subprocess.run(["ls", home], capture_output=True, text=True).stdout.strip())
PY
  run --separate-stderr agent -- /usr/bin/python3 "$T/agent.py"
  home_intact
  [[ $output == *"system-rm 126"* ]]
  [[ $output == *"subprocess-rm refused"* ]]
  [[ $output == *"bash-c refused"* ]]
  [[ $output == *"env-i 126"* ]]
  [[ $output == *"ok fine"* ]]
  [[ $output == *"ls precious"* ]]
}

@test "the agent's commands land in its session log with its name" {
  run agent -- /bin/bash -c '/bin/bash -c "rm -rf ~"; true'
  home_intact
  ls "$VG_HOME"/sessions/agent-tester-*.jsonl
  has_event '.source == "agent start" and .agent == "tester"'
  has_event '.decision == "block" and .agent == "tester"'
}

@test "VG_DISABLE=1 is not honoured in agent sessions" {
  run env VG_DISABLE=1 "$GUARD" agent start --name tester --mode auto -- /bin/bash -c 'VG_DISABLE=1 /bin/rm -rf ~'
  home_intact
  [ "$status" -eq 126 ]
}

@test "--mode is the session's: mode never runs medium risk on the host, always sandboxes" {
  run --separate-stderr "$GUARD" agent start --name t --mode always -- /bin/bash -c 'echo hello'
  [ "$output" = "hello" ]
  [[ $stderr == *"sandbox"* ]]
  run --separate-stderr "$GUARD" agent start --name t --mode never -- /bin/bash -c 'echo hello'
  [ "$output" = "hello" ]
  [[ $stderr != *"runs in the sandbox"* ]]
}

@test "--sandbox runs the agent itself in the sandbox" {
  run --separate-stderr "$GUARD" agent start --name t --sandbox -- /bin/echo from-agent
  [ "$status" -eq 0 ]
  [ "$output" = "from-agent" ]
  [[ $stderr == *"Running in sandbox"* ]]
}

@test "--review: the agent's whole session is one change set; the project is untouched until applied" {
  mkdir -p .git src
  echo old >src/old.txt
  echo keep >src/keep.txt
  run --separate-stderr "$GUARD" agent start --name t --review -- sh -c 'echo new > src/new.txt; rm src/old.txt; echo more >> src/keep.txt'
  [ "$status" -eq 0 ]
  [[ $stderr == *"Running in sandbox (namespace"* ]]
  [[ $stderr == *"📝 "*"vectra-guard changes show 1"* ]]
  [ -e src/old.txt ] && [ ! -e src/new.txt ] && [ "$(cat src/keep.txt)" = keep ]
  run "$GUARD" changes list --json
  [ "$(jq length <<<"$output")" = 1 ]
  run --separate-stderr "$GUARD" changes apply 1
  [ "$status" -eq 0 ]
  [ ! -e src/old.txt ] && [ "$(cat src/new.txt)" = new ] && [ "$(printf 'keep\nmore')" = "$(cat src/keep.txt)" ]
}

@test "usage errors say what is missing" {
  run --separate-stderr "$GUARD" agent start -- true
  [ "$status" -eq 1 ]
  [[ $stderr == *"--name"* ]]
  run --separate-stderr "$GUARD" agent start --name x
  [ "$status" -eq 1 ]
  [[ $stderr == *"after '--'"* ]]
  run --separate-stderr "$GUARD" agent start --name x --mode sometimes -- true
  [ "$status" -eq 1 ]
  [[ $stderr == *"unknown mode"* ]]
  run --separate-stderr "$GUARD" agent start --name x -- /nonexistent/agent
  [ "$status" -eq 127 ]
}

@test "agent snapshot --print lists what the shim inspects" {
  run "$GUARD" agent snapshot --print
  [ "$status" -eq 0 ]
  [[ $output == *"inspect      rm"* ]]
  [[ $output == *"inline-code  bash"* ]]
}
