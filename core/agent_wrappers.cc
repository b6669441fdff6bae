#include "core/agent_wrappers.h"

#include <array>

#include "core/shell_parse.h"

namespace vg {
namespace {

// Commands an agent wrapper runs around the user's command; none of them acts on
// the user's files (stdout of `pwd` goes to the wrapper's own cwd file).
bool wrapper_builtin(const std::string& program) {
  static constexpr std::array<std::string_view, 14> kWrapper = {
      "source", ".", "true", ":", "pwd", "export", "shopt", "set", "unset", "cd",
      "setopt", "unsetopt", "unalias", "builtin"};
  for (std::string_view w : kWrapper) {
    if (program == w) return true;
  }
  return false;
}

// Every simple command at the top level of the script (and-or lists and pipelines).
void top_level_commands(const Script& s, std::vector<const SimpleCommand*>& out, bool& other) {
  for (const AndOr& ao : s.items) {
    for (const Pipeline& p : ao.pipelines) {
      for (const Command& c : p.commands) {
        if (c.kind == CommandKind::Simple) out.push_back(&c.simple);
        else other = true;
      }
    }
  }
}

}  // namespace

AgentCommand unwrap_agent_command(std::string_view exec_string, const std::vector<std::string>& args) {
  // Cursor hands the command over as $1 and evals it.
  if (!args.empty() && (exec_string.find("eval \"$1\"") != std::string_view::npos ||
                        exec_string.find("eval \"${1}\"") != std::string_view::npos)) {
    return {args[0], "cursor"};
  }
  // Claude Code: one `eval 'LITERAL'` among wrapper-only commands.
  if (exec_string.find("eval") != std::string_view::npos) {
    ParseResult parsed = parse_shell(exec_string);
    if (parsed.ok) {
      std::vector<const SimpleCommand*> cmds;
      bool other = false;
      top_level_commands(parsed.script, cmds, other);
      const SimpleCommand* eval = nullptr;
      bool only_wrapper = !other;
      for (const SimpleCommand* c : cmds) {
        if (c->words.empty()) continue;  // assignments only
        const std::string& program = c->words[0].value;
        if (program == "eval" && c->words.size() == 2 && !c->words[1].dynamic() && eval == nullptr) {
          eval = c;
        } else if (!wrapper_builtin(program)) {
          only_wrapper = false;
        }
      }
      if (eval != nullptr && only_wrapper) return {eval->words[1].value, "claude-code"};
    }
  }
  return {std::string(exec_string), ""};
}

}  // namespace vg
