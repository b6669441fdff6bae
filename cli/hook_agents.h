// Agent entry points that share one evaluation: the Claude Code / Codex PreToolUse
// adapter, the Cursor beforeShellExecution adapter (both reached through
// `vectra-guard hook claude-code|cursor`), and the checks `agent` runs for the
// preload shim and for non-interactive shells.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/analyze.h"
#include "core/config.h"
#include "core/policy.h"
#include "core/trust_store.h"

namespace vg::cli {

// One agent command judged: the verdict with nobody at a terminal to ask unless
// `can_ask` (an agent UI that asks the user, like Claude Code's "ask").
struct AgentVerdict {
  Action action = Action::Block;
  Analysis analysis;
  Decision decision;
  std::string command;  // what was judged
  bool config_error = false;  // the config could not be read; action is Block
  bool disabled = false;      // `VG_DISABLE=1 cmd`, allowed for agents by the config
  bool auto_approve = false;  // [agent] auto_approve: the adapter may grant approval itself
};

AgentVerdict evaluate_agent_command(const Global& g, const std::string& command, bool can_ask);

// The same with a config (and trust entries, nullptr: read the store now) the caller holds: the
// session broker reads them once at its start.
AgentVerdict evaluate_agent_command_with(const Config& config, const AnalyzeContext& ctx,
                                         const std::vector<TrustEntry>* trust, const std::string& command,
                                         bool can_ask);

// The decision's why without its "Sandbox chosen: " lead and final period.
std::string agent_why(const Decision& d);

// The first finding's reason (or the why), without a final period.
std::string agent_block_reason(const Decision& d);

// Append the audit event for an agent verdict. runtime: "host", "none", or "" when
// the run that follows records its own event.
void record_agent_event(const std::string& source, const AgentVerdict& v, const std::string& runtime);

// The command line that runs `command` in the sandbox through this binary:
// '/abs/vectra-guard' exec --sandbox --no-interactive -- bash -c 'COMMAND'
std::string sandboxed_command_line(const std::string& command);

// True when `command` is sandboxed_command_line(X) for some X: our own re-route, which
// `vectra-guard exec` judges again when it runs.
bool is_sandboxed_form(const std::string& command);

// Absolute path of the running vectra-guard binary.
std::string self_binary();

// `vectra-guard hook claude-code`: JSON on stdin. Exit 0 with no output (no opinion:
// Claude Code's own permission flow decides), or JSON: ask + updatedInput for the
// sandbox (allow + updatedInput only with [agent] auto_approve), ask for a prompt;
// 2 = blocked (reason on stderr). Codex events (turn_id, or an argv command): never
// ask, a sandbox verdict is allow + updatedInput (Codex's rewrite signal). Any internal
// failure, malformed input included, exits 2: fail closed.
int hook_claude_code(const Global& g);

// `vectra-guard hook cursor`: JSON on stdin, one JSON object on stdout: {} (no opinion:
// Cursor's own approval flow decides), or "permission": "ask"|"deny" with
// "user_message"/"agent_message" ("allow" only with [agent] auto_approve).
// Malformed input or an internal failure: deny (and exit 2).
int hook_cursor(const Global& g);

}  // namespace vg::cli
