#!/usr/bin/env bats
# The Claude Code / Codex PreToolUse adapter and the Cursor beforeShellExecution
# adapter, fed recorded events (tests/shell/agent_events/), malformed ones included.

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

@test "claude-code: an ordinary command gets no objection (exit 0, nothing on stdout)" {
  run --separate-stderr claude claude_bash_harmless.json
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  has_event '.source == "claude-code" and .command == "ls -la" and .decision == "host"'
}

@test "claude-code: rm -rf ~ is blocked with exit 2 and the reason on stderr" {
  run --separate-stderr claude claude_bash_delete_home.json
  [ "$status" -eq 2 ]
  [ -z "$output" ]
  [[ $stderr == *"vectra-guard blocked this command"* ]]
  [[ $stderr == *"home directory"* ]]
  has_event '.source == "claude-code" and .decision == "block"'
}

@test "claude-code: a sandboxed command is allowed with updatedInput rewritten to the sandbox" {
  run --separate-stderr claude claude_bash_install.json
  [ "$status" -eq 0 ]
  jq -e '.hookSpecificOutput.hookEventName == "PreToolUse"' <<<"$output"
  jq -e '.hookSpecificOutput.permissionDecision == "allow"' <<<"$output"
  local cmd
  cmd=$(jq -r '.hookSpecificOutput.updatedInput.command' <<<"$output")
  [[ $cmd == *"vectra-guard' exec --sandbox --no-interactive -- bash -c 'npm install left-pad'"* ]] ||
    [[ $cmd == *"vectra-guard exec --sandbox --no-interactive -- bash -c 'npm install left-pad'"* ]]
  # The other tool inputs are kept.
  jq -e '.hookSpecificOutput.updatedInput.timeout == 120000' <<<"$output"
  jq -e '.hookSpecificOutput.updatedInput.description == "Install a package"' <<<"$output"
}

@test "claude-code: mode always sandboxes even an ordinary command" {
  run --separate-stderr claude claude_bash_harmless.json "$T/always.ini"
  [ "$status" -eq 0 ]
  jq -e '.hookSpecificOutput.permissionDecision == "allow" and (.hookSpecificOutput.updatedInput.command | contains("exec --sandbox"))' <<<"$output"
}

@test "claude-code: guard level paranoid asks through Claude Code's own prompt" {
  printf '[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n' >"$T/paranoid.ini"
  run --separate-stderr claude claude_bash_harmless.json "$T/paranoid.ini"
  [ "$status" -eq 0 ]
  jq -e '.hookSpecificOutput.permissionDecision == "ask"' <<<"$output"
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

@test "cursor: an ordinary command is allowed" {
  run --separate-stderr cursor cursor_harmless.json
  [ "$status" -eq 0 ]
  jq -e '.permission == "allow"' <<<"$output"
}

@test "cursor: rm -rf ~ is denied with a user and an agent message" {
  run --separate-stderr cursor cursor_delete_home.json
  [ "$status" -eq 0 ]
  jq -e '.permission == "deny"' <<<"$output"
  jq -e '.userMessage | contains("home directory")' <<<"$output"
  jq -e '.agentMessage | contains("blocked")' <<<"$output"
}

@test "cursor: a command the policy sandboxes is denied with the sandboxed form for the agent" {
  run --separate-stderr cursor cursor_install.json
  jq -e '.permission == "deny"' <<<"$output"
  jq -e '.agentMessage | contains("exec --sandbox --no-interactive -- bash -c '"'"'npm install left-pad'"'"'")' <<<"$output"
}

@test "cursor: guard level paranoid asks" {
  printf '[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n' >"$T/paranoid.ini"
  run --separate-stderr cursor cursor_harmless.json "$T/paranoid.ini"
  jq -e '.permission == "ask"' <<<"$output"
}

@test "cursor: malformed JSON is denied (exit 2), never crashes" {
  local f
  for f in malformed_truncated.json malformed_text.json malformed_empty.json malformed_array.json claude_bash_harmless.json; do
    run --separate-stderr cursor "$f"
    [ "$status" -eq 2 ] || { echo "$f: $status"; return 1; }
    jq -e '.permission == "deny"' <<<"$output" >/dev/null || { echo "$f: $output"; return 1; }
  done
}

@test "cursor and claude-code: the sandboxed form they hand out is let through (no deny loop)" {
  run --separate-stderr cursor cursor_install.json "$T/always.ini"
  local routed
  routed=$(jq -r '.agentMessage | sub("^.*instead: "; "")' <<<"$output")
  [[ $routed == *"exec --sandbox"* ]]
  run --separate-stderr "$GUARD" --config "$T/always.ini" hook cursor <<<"$(jq -n --arg c "$routed" --arg d "$T/ws" '{command: $c, cwd: $d}')"
  jq -e '.permission == "allow"' <<<"$output"
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
