#!/usr/bin/env bats
# The Claude Code / Codex PreToolUse adapter and the Cursor beforeShellExecution
# adapter, fed recorded events (tests/shell/agent_events/), malformed ones included.
# Every answer is checked against the tool's documented output (agent_schemas/, checked
# by agent_schema_check.py), and against the rule that an adapter never approves more
# than the user would: no "allow" unless [agent] auto_approve = true, and Cursor never
# denies a command the policy does not block.

bats_require_minimum_version 1.5.0
load agent_helpers

setup() {
  vg_agent_setup
  EVENTS="$BATS_TEST_DIRNAME/agent_events"
}

# The recorded event with its cwd pointed at this test's workspace.
event() { sed "s|WORKSPACE|$T/ws|g" "$EVENTS/$1"; }

claude() { event "$1" | "$GUARD" --config "${2:-$T/auto.ini}" hook claude-code; }
cursor() { event "$1" | "$GUARD" --config "${2:-$T/auto.ini}" hook cursor; }

SCHEMAS=$BATS_TEST_DIRNAME/agent_schemas
schema_check() { python3 "$BATS_TEST_DIRNAME/agent_schema_check.py" "$SCHEMAS/$1"; }

# The last `run` answered as Claude Code documents: exit 0 with no output (no decision),
# exit 2 with the reason on stderr and nothing on stdout (a block), or exit 0 with JSON
# its PreToolUse output schema accepts.
claude_documented() {
  if [[ $status -eq 2 ]]; then
    [[ -z $output && -n $stderr ]] || { echo "exit 2 needs an empty stdout and a reason on stderr"; return 1; }
    return 0
  fi
  [[ $status -eq 0 ]] || { echo "exit $status is a non-blocking error to Claude Code (the command runs)"; return 1; }
  [[ -z $output ]] || schema_check claude_code_pretooluse_output.schema.json <<<"$output"
}

# The last `run` answered as Cursor documents: exit 0 and one JSON object its
# beforeShellExecution output schema accepts (an empty stdout is invalid to Cursor).
cursor_documented() {
  [[ $status -eq 0 ]] || { echo "exit $status"; return 1; }
  schema_check cursor_before_shell_execution_output.schema.json <<<"$output"
}

# The same for Codex, which supports less: no "ask", "allow" only with updatedInput.
codex_documented() {
  if [[ $status -eq 2 ]]; then
    [[ -z $output && -n $stderr ]] || { echo "exit 2 needs an empty stdout and a reason on stderr"; return 1; }
    return 0
  fi
  [[ $status -eq 0 ]] || { echo "exit $status"; return 1; }
  [[ -z $output ]] || schema_check codex_pretooluse_output.schema.json <<<"$output"
}

claude_decision() { [[ -z $output ]] || jq -r '.hookSpecificOutput.permissionDecision // empty' <<<"$output"; }
cursor_permission() { jq -r '.permission // empty' <<<"$output"; }

# The exec-level guard as an IDE would pass it on to both its agent shell and this hook.
bash_env_file() { echo "${VG_SOURCE_DIR:-$BATS_TEST_DIRNAME/../..}/hooks/noninteractive/bash_env.sh"; }
with_bash_env_guard() { export SHELL=/bin/bash BASH_ENV; BASH_ENV=$(bash_env_file); }
with_zshenv_guard() {
  export SHELL=/usr/bin/zsh
  printf '# >>> vectra-guard agents >>>\n[[ -r /x/zshenv.zsh ]] && source /x/zshenv.zsh\n# <<< vectra-guard agents <<<\n' \
    >"$HOME/.zshenv"
}

@test "claude-code: a host verdict is no opinion (exit 0, nothing on stdout), never allow" {
  run --separate-stderr claude claude_bash_harmless.json
  claude_documented
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  has_event '.source == "claude-code" and .command == "ls -la" and .decision == "host"'
}

@test "claude-code: rm -rf ~ is blocked with exit 2 and the reason on stderr" {
  run --separate-stderr claude claude_bash_delete_home.json
  claude_documented
  [ "$status" -eq 2 ]
  [ -z "$output" ]
  [[ $stderr == *"vectra-guard blocked this command"* ]]
  [[ $stderr == *"home directory"* ]]
  has_event '.source == "claude-code" and .decision == "block"'
}

@test "claude-code: a sandbox verdict rewrites the command into the sandbox and asks, never allows" {
  run --separate-stderr claude claude_bash_install.json
  claude_documented
  [ "$(claude_decision)" = ask ]
  jq -e '.hookSpecificOutput.permissionDecisionReason | contains("sandbox")' <<<"$output"
  local cmd
  cmd=$(jq -r '.hookSpecificOutput.updatedInput.command' <<<"$output")
  [[ $cmd == *"vectra-guard' exec --sandbox --no-interactive -- bash -c 'npm install left-pad'"* ]] ||
    [[ $cmd == *"vectra-guard exec --sandbox --no-interactive -- bash -c 'npm install left-pad'"* ]]
  # updatedInput replaces the whole input: the other tool inputs are kept.
  jq -e '.hookSpecificOutput.updatedInput.timeout == 120000' <<<"$output"
  jq -e '.hookSpecificOutput.updatedInput.description == "Install a package"' <<<"$output"
}

@test "claude-code: rm -rf src and find -delete sent to the sandbox are asked about, not approved" {
  local e
  for e in claude_bash_rm_src.json claude_bash_find_delete.json; do
    run --separate-stderr claude "$e" "$T/always.ini"
    claude_documented || { echo "$e: $output"; return 1; }
    [ "$(claude_decision)" = ask ] || { echo "$e: $output"; return 1; }
    jq -e '.hookSpecificOutput.updatedInput.command | contains("exec --sandbox")' <<<"$output"
  done
  jq -e '.hookSpecificOutput.updatedInput.timeout == 60000' <<<"$output"
}

@test "claude-code: [agent] auto_approve = true restores allow + rewrite for a sandbox verdict" {
  printf '[sandbox]\nmode = auto\n[agent]\nauto_approve = true\n' >"$T/approve.ini"
  run --separate-stderr claude claude_bash_install.json "$T/approve.ini"
  claude_documented
  [ "$(claude_decision)" = allow ]
  jq -e '.hookSpecificOutput.updatedInput.command | contains("exec --sandbox")' <<<"$output"
  # A host verdict still expresses no opinion, a block is still a block.
  run --separate-stderr claude claude_bash_harmless.json "$T/approve.ini"
  claude_documented
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run --separate-stderr claude claude_bash_delete_home.json "$T/approve.ini"
  claude_documented
  [ "$status" -eq 2 ]
}

@test "claude-code: a workspace vectra-guard.ini cannot turn auto_approve on" {
  printf '[agent]\nauto_approve = true\n' >"$T/ws/vectra-guard.ini"
  run --separate-stderr claude claude_bash_install.json
  claude_documented
  [ "$(claude_decision)" = ask ]
}

@test "claude-code: mode always sandboxes even an ordinary command (asked, rewritten)" {
  run --separate-stderr claude claude_bash_harmless.json "$T/always.ini"
  claude_documented
  jq -e '.hookSpecificOutput.permissionDecision == "ask" and (.hookSpecificOutput.updatedInput.command | contains("exec --sandbox"))' <<<"$output"
}

@test "claude-code: guard level paranoid asks through Claude Code's own prompt" {
  printf '[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n' >"$T/paranoid.ini"
  run --separate-stderr claude claude_bash_harmless.json "$T/paranoid.ini"
  claude_documented
  [ "$status" -eq 0 ]
  jq -e '.hookSpecificOutput.permissionDecision == "ask"' <<<"$output"
  jq -e '.hookSpecificOutput.permissionDecisionReason | contains("risk")' <<<"$output"
}

@test "claude-code: other tools are not ours (exit 0, no output)" {
  run --separate-stderr claude claude_edit_tool.json
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # Anything added to the form is judged as usual.
  run --separate-stderr "$GUARD" --config "$T/always.ini" hook cursor \
    <<<"$(jq -n --arg c "$routed; rm -rf ~" '{command: $c}')"
  jq -e '.permission == "deny"' <<<"$output"
  run --separate-stderr "$GUARD" --config "$T/always.ini" hook cursor \
    <<<"$(jq -n --arg c "${routed%%bash -c *}bash -c \"\$(rm -rf ~)\"" '{command: $c}')"
  jq -e '.permission == "deny"' <<<"$output"
}

@test "claude-code: a Bash call without a command fails closed (exit 2)" {
  run --separate-stderr claude claude_bash_no_command.json
  [ "$status" -eq 2 ]
  [[ $stderr == *"fail closed"* ]]
}

@test "claude-code: malformed JSON of every kind blocks (exit 2), never crashes" {
  local f
  for f in malformed_truncated.json malformed_text.json malformed_empty.json malformed_array.json; do
    run --separate-stderr claude "$f"
    [ "$status" -eq 2 ] || { echo "$f: $status"; return 1; }
    [[ $stderr == *"fail closed"* ]] || { echo "$f: $stderr"; return 1; }
  done
}

@test "claude-code: a config that cannot be read blocks (exit 2)" {
  printf '[sandbox]\nmode = sometimes\n' >"$T/bad.ini"
  run --separate-stderr claude claude_bash_harmless.json "$T/bad.ini"
  [ "$status" -eq 2 ]
}

@test "codex: PreToolUse with an argv command (bash -lc CMD) is judged on CMD" {
  run --separate-stderr claude codex_shell_argv.json
  [ "$status" -eq 2 ]
  run --separate-stderr claude codex_shell_harmless.json
  [ "$status" -eq 0 ]
  has_event '.command == "git status"'
}

@test "codex: every verdict gets an answer Codex supports (never ask, allow only as a rewrite)" {
  run --separate-stderr claude codex_bash_harmless.json
  codex_documented
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run --separate-stderr claude codex_bash_delete_home.json
  codex_documented
  [ "$status" -eq 2 ]
  # Sandbox: allow is Codex's rewrite signal, it approves nothing there.
  run --separate-stderr claude codex_bash_install.json
  codex_documented
  [ "$(claude_decision)" = allow ]
  jq -e '.hookSpecificOutput.updatedInput.command | contains("exec --sandbox --no-interactive -- bash -c")' <<<"$output"
  run --separate-stderr claude codex_bash_harmless.json "$T/always.ini"
  codex_documented
  [ "$(claude_decision)" = allow ]
  # A verdict that would ask cannot be asked through Codex ("ask" fails open there): it is
  # sandboxed or blocked instead.
  printf '[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n' >"$T/paranoid.ini"
  local e
  for e in codex_bash_harmless.json codex_bash_install.json codex_shell_harmless.json; do
    run --separate-stderr claude "$e" "$T/paranoid.ini"
    codex_documented || { echo "$e: $output"; return 1; }
    [ "$(claude_decision)" != ask ] || { echo "$e: $output"; return 1; }
  done
}

@test "cursor: a host verdict is no opinion ({}), never an explicit allow" {
  local e
  for e in cursor_harmless.json cursor_git_push.json; do
    run --separate-stderr cursor "$e"
    cursor_documented || { echo "$e: $output"; return 1; }
    [ "$output" = "{}" ] || { echo "$e: $output"; return 1; }
  done
  has_event '.source == "cursor" and .command == "git push origin main" and .decision == "host"'
}

@test "cursor: rm -rf ~ is denied with a user and an agent message" {
  run --separate-stderr cursor cursor_delete_home.json
  cursor_documented
  [ "$(cursor_permission)" = deny ]
  jq -e '.user_message | contains("home directory")' <<<"$output"
  jq -e '.agent_message | contains("blocked")' <<<"$output"
}

@test "cursor: a sandbox verdict without the exec guard asks the user, never denies" {
  export SHELL=/bin/bash
  local e
  for e in cursor_install.json cursor_rm_src.json; do
    run --separate-stderr cursor "$e" "$T/always.ini"
    cursor_documented || { echo "$e: $output"; return 1; }
    [ "$(cursor_permission)" = ask ] || { echo "$e: $output"; return 1; }
    jq -e '.user_message | contains("sandbox")' <<<"$output"
    jq -e '.agent_message | contains("sandbox")' <<<"$output"
  done
  # With the default config (no file at all) ls is never denied.
  run --separate-stderr bash -c "sed 's|WORKSPACE|$T/ws|g' '$EVENTS/cursor_harmless.json' | '$GUARD' hook cursor"
  cursor_documented
  [ "$(cursor_permission)" != deny ]
  # A BASH_ENV file that is not ours is no guard.
  echo 'true' >"$T/other_env.sh"
  BASH_ENV=$T/other_env.sh run --separate-stderr cursor cursor_install.json
  [ "$(cursor_permission)" = ask ]
}

@test "cursor: a sandbox verdict with the BASH_ENV guard in place defers to it ({})" {
  with_bash_env_guard
  run --separate-stderr cursor cursor_install.json
  cursor_documented
  [ "$output" = "{}" ]
  run --separate-stderr cursor cursor_rm_src.json "$T/always.ini"
  cursor_documented
  [ "$output" = "{}" ]
  # BASH_ENV does not reach a zsh agent shell.
  SHELL=/usr/bin/zsh run --separate-stderr cursor cursor_install.json
  [ "$(cursor_permission)" = ask ]
}

@test "cursor: a sandbox verdict with the ~/.zshenv guard and a zsh shell defers to it ({})" {
  with_zshenv_guard
  run --separate-stderr cursor cursor_install.json
  cursor_documented
  [ "$output" = "{}" ]
}

@test "cursor: a sandbox verdict with the exec shim (agent start) defers to it ({})" {
  export SHELL=/usr/bin/zsh
  local lib=$VG_BIN/../lib/libvgpreload.so
  [[ -f $lib ]] || lib=${VG_BUILD_DIR:-$VG_BIN/..}/lib/libvgpreload.so
  [[ -f $lib ]] || { echo "libvgpreload.so not built beside $VG_BIN"; return 1; }
  # Without a policy snapshot the shim stands aside: no guard.
  LD_PRELOAD=$lib run --separate-stderr cursor cursor_install.json
  [ "$(cursor_permission)" = ask ]
  "$GUARD" --config "$T/auto.ini" agent snapshot >/dev/null
  LD_PRELOAD=$lib run --separate-stderr cursor cursor_install.json
  cursor_documented
  [ "$output" = "{}" ]
}

@test "cursor: [agent] auto_approve = true allows host verdicts and guarded sandbox verdicts only" {
  printf '[sandbox]\nmode = auto\n[agent]\nauto_approve = true\n' >"$T/approve.ini"
  export SHELL=/bin/bash
  run --separate-stderr cursor cursor_git_push.json "$T/approve.ini"
  cursor_documented
  [ "$(cursor_permission)" = allow ]
  # Unguarded, a sandbox verdict would run on the host: still asked.
  run --separate-stderr cursor cursor_install.json "$T/approve.ini"
  cursor_documented
  [ "$(cursor_permission)" = ask ]
  with_bash_env_guard
  run --separate-stderr cursor cursor_install.json "$T/approve.ini"
  cursor_documented
  [ "$(cursor_permission)" = allow ]
  run --separate-stderr cursor cursor_delete_home.json "$T/approve.ini"
  [ "$(cursor_permission)" = deny ]
}

@test "cursor: guard level paranoid asks" {
  printf '[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n' >"$T/paranoid.ini"
  run --separate-stderr cursor cursor_harmless.json "$T/paranoid.ini"
  cursor_documented
  jq -e '.permission == "ask"' <<<"$output"
  jq -e '.user_message | contains("risk")' <<<"$output"
  jq -e '.agent_message | contains("confirm")' <<<"$output"
}

@test "cursor: malformed JSON is denied (exit 2), never crashes" {
  local f
  for f in malformed_truncated.json malformed_text.json malformed_empty.json malformed_array.json claude_bash_harmless.json; do
    run --separate-stderr cursor "$f"
    [ "$status" -eq 2 ] || { echo "$f: $status"; return 1; }
    jq -e '.permission == "deny"' <<<"$output" >/dev/null || { echo "$f: $output"; return 1; }
    schema_check cursor_before_shell_execution_output.schema.json <<<"$output" || { echo "$f: $output"; return 1; }
  done
}

@test "cursor and claude-code: the sandboxed form is not judged twice, and not approved either" {
  run --separate-stderr claude claude_bash_install.json "$T/always.ini"
  local routed
  routed=$(jq -r '.hookSpecificOutput.updatedInput.command' <<<"$output")
  [[ $routed == *"exec --sandbox"* ]]
  run --separate-stderr "$GUARD" --config "$T/always.ini" hook cursor <<<"$(jq -n --arg c "$routed" --arg d "$T/ws" '{command: $c, cwd: $d}')"
  cursor_documented
  [ "$output" = "{}" ]
  run --separate-stderr "$GUARD" --config "$T/always.ini" hook claude-code \
    <<<"$(jq -n --arg c "$routed" '{tool_name: "Bash", tool_input: {command: $c}}')"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # Anything added to the form is judged as usual.
  run --separate-stderr "$GUARD" --config "$T/always.ini" hook cursor \
    <<<"$(jq -n --arg c "$routed; rm -rf ~" '{command: $c}')"
  jq -e '.permission == "deny"' <<<"$output"
  run --separate-stderr "$GUARD" --config "$T/always.ini" hook cursor \
    <<<"$(jq -n --arg c "${routed%%bash -c *}bash -c \"\$(rm -rf ~)\"" '{command: $c}')"
  jq -e '.permission == "deny"' <<<"$output"
}
