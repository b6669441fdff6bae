// Agents run each command inside a shell wrapper of their own (snapshot sourcing,
// cwd bookkeeping). The evaluator must judge the user's command, not the wrapper:
//   Claude Code: $SHELL -c 'source SNAP … && eval '\''CMD'\'' < /dev/null && pwd -P >| F'
//   Cursor:      /bin/bash -O extglob -c '… eval "$1" …' -- CMD
//   Codex:       bash -lc CMD   (no wrapper: the string is the command)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vg {

struct AgentCommand {
  std::string command;  // what to evaluate
  std::string wrapper;  // "claude-code", "cursor", or "" when the string was taken as is
};

// exec_string: the -c string; args: the positional parameters after it ($1, $2, …).
AgentCommand unwrap_agent_command(std::string_view exec_string, const std::vector<std::string>& args);

}  // namespace vg
