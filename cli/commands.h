// Sub-commands of the vectra-guard binary. Each lives in its own cmd_*.cc file and
// stays thin: argument parsing, calling a library, printing.
#pragma once

#include <string>
#include <vector>

namespace vg::cli {

// Exit codes (documented in README; keep stable).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;        // usage error, bad config, internal failure
inline constexpr int kExitFindings = 2;     // validate: findings at or above medium
inline constexpr int kExitBlocked = 126;    // the guard refused to run the command
inline constexpr int kExitSandboxFailed = 125;  // the sandbox could not be set up

// Options given before the sub-command.
struct Global {
  std::string config_file;  // --config FILE
  std::string argv0;        // how we were called
};

using Args = std::vector<std::string>;  // arguments after the sub-command name

int cmd_explain(const Global& g, const Args& args);
int cmd_validate(const Global& g, const Args& args);
int cmd_exec(const Global& g, const Args& args);
int cmd_sandbox(const Global& g, const Args& args);
int cmd_logs(const Global& g, const Args& args);
int cmd_metrics(const Global& g, const Args& args);
int cmd_trust(const Global& g, const Args& args);
int cmd_hook(const Global& g, const Args& args);
int cmd_agent(const Global& g, const Args& args);
int cmd_init(const Global& g, const Args& args);
int cmd_audit(const Global& g, const Args& args);
int cmd_changes(const Global& g, const Args& args);
int cmd_status(const Global& g, const Args& args);

// Help text of one command ("" for the overview); false when there is no such command.
bool print_help(const std::string& command);
// The man page vectra-guard(1) in roff, built from the same help texts.
void print_man();

}  // namespace vg::cli
