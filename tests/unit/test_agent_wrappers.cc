// Looking through the agents' shell wrappers to the user's command (core/agent_wrappers).
#include <criterion/criterion.h>

#include "core/agent_wrappers.h"

using namespace vg;

Test(agent_wrappers, plain_string_is_taken_as_is) {
  AgentCommand c = unwrap_agent_command("rm -rf build", {});
  cr_assert_eq(c.command, "rm -rf build");
  cr_assert_eq(c.wrapper, "");
}

Test(agent_wrappers, claude_code_wrapper_yields_the_evaled_command) {
  AgentCommand c = unwrap_agent_command(
      "source /home/u/.claude/shell-snapshots/snapshot-bash-1.sh 2>/dev/null || true && "
      "shopt -u extglob 2>/dev/null || true && eval 'git status --short' < /dev/null && "
      "pwd -P >| /tmp/claude-ab12-cwd",
      {});
  cr_assert_eq(c.command, "git status --short");
  cr_assert_eq(c.wrapper, "claude-code");
}

Test(agent_wrappers, claude_code_quotes_inside_the_eval_are_undone) {
  AgentCommand c = unwrap_agent_command("eval 'echo '\"'\"'a b'\"'\"'' < /dev/null && pwd -P >| /tmp/x", {});
  cr_assert_eq(c.command, "echo 'a b'");
}

Test(agent_wrappers, cursor_wrapper_yields_dollar_one) {
  AgentCommand c = unwrap_agent_command("snap=$(command cat <&3) && eval \"$snap\" && eval \"$1\"; dump_bash_state >&4",
                                        {"npm test"});
  cr_assert_eq(c.command, "npm test");
  cr_assert_eq(c.wrapper, "cursor");
}

Test(agent_wrappers, eval_of_dollar_one_without_arguments_is_the_string) {
  AgentCommand c = unwrap_agent_command("eval \"$1\"", {});
  cr_assert_eq(c.command, "eval \"$1\"");
  cr_assert_eq(c.wrapper, "");
}

Test(agent_wrappers, eval_beside_other_commands_is_not_a_wrapper) {
  // Something besides wrapper bookkeeping runs: judge the whole string.
  const char* s = "rm -rf ~ && eval 'ls'";
  AgentCommand c = unwrap_agent_command(s, {});
  cr_assert_eq(c.command, s);
  cr_assert_eq(c.wrapper, "");
}

Test(agent_wrappers, dynamic_eval_is_not_unwrapped) {
  const char* s = "source snap.sh && eval \"$CMD\" && pwd -P >| /tmp/x";
  AgentCommand c = unwrap_agent_command(s, {});
  cr_assert_eq(c.command, s);
}

Test(agent_wrappers, two_evals_are_not_unwrapped_to_one) {
  const char* s = "eval 'ls' && eval 'rm -rf ~'";
  AgentCommand c = unwrap_agent_command(s, {});
  cr_assert_eq(c.command, s);
}

Test(agent_wrappers, compound_commands_are_not_wrapper_bookkeeping) {
  const char* s = "if true; then rm -rf ~; fi; eval 'ls'";
  AgentCommand c = unwrap_agent_command(s, {});
  cr_assert_eq(c.command, s);
}

Test(agent_wrappers, unparsable_string_is_taken_as_is) {
  const char* s = "eval 'unterminated";
  AgentCommand c = unwrap_agent_command(s, {});
  cr_assert_eq(c.command, s);
}
