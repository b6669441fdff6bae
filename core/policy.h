// Policy: analysis + config + context => one Decision with a human `why`.
#pragma once

#include <string>
#include <vector>

#include "core/analyze.h"
#include "core/config.h"

namespace vg {

enum class Action { Host, Sandbox, Prompt, Block };
std::string_view to_string(Action a);

struct DecideContext {
  bool interactive = false;   // a terminal is there to ask on
  bool force_sandbox = false; // exec --sandbox
  bool force_host = false;    // exec --host (still blocks critical)
  bool trusted = false;       // the trust store holds this command (issue: hooks)
  std::string line;           // the raw command line: deny patterns also match it whole
};

struct Decision {
  Action action = Action::Sandbox;
  Severity risk = Severity::Low;
  std::vector<Finding> findings;
  std::string why;           // one sentence: "Sandbox chosen: medium risk + networked install"
  bool allowlisted = false;
  bool denylisted = false;
};

// Order: critical blocks; deny raises to high; --host/--sandbox; trust and allow
// (deny wins over both); then the mode table, and the guard level may turn the
// verdict into Prompt (interactive) or Sandbox/Block (no terminal).
Decision decide(const Analysis& analysis, const Config& config, const DecideContext& ctx);

// The mode table of DESIGN.md "Modes" (critical is always Block).
Action mode_action(Mode mode, Severity risk);

// Whether the guard level asks the user before a command of this risk runs.
bool guard_asks(GuardLevel level, Severity risk);

// Review mode: why a sandboxed run should see the workspace copy-on-write (its changes
// kept as a change set), or "" when it writes through. `forced`: --review;
// `chosen_at_prompt`: the user answered [s] to a prompt.
std::string review_reason(Review review, const Analysis& analysis, bool chosen_at_prompt, bool forced);

// Glob match (fnmatch-like: * ? [..]) of a pattern against a normalized command.
bool policy_pattern_matches(std::string_view pattern, std::string_view normalized_command);

}  // namespace vg
