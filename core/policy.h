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
};

struct Decision {
  Action action = Action::Sandbox;
  Severity risk = Severity::Low;
  std::vector<Finding> findings;
  std::string why;           // one sentence: "Sandbox chosen: medium risk + networked install"
  bool allowlisted = false;
  bool denylisted = false;
};

Decision decide(const Analysis& analysis, const Config& config, const DecideContext& ctx);

// Glob match (fnmatch-like: * ? [..]) of a pattern against a normalized command.
bool policy_pattern_matches(std::string_view pattern, std::string_view normalized_command);

}  // namespace vg
