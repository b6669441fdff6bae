// What `agent start` does before the agent runs so that it cannot switch its guard off
// or rewrite its trail (issue 17 items 2 and 5): the session's audit key, the audit
// writer outside the agent's reach (core/audit_writer.h), and — for an agent on the
// host — the Landlock confinement of its tree (sandbox/agent_confine.h).
#pragma once

#include <string>

#include "sandbox/agent_confine.h"

namespace vg::cli {

// The session's audit key and writer; with `confine`, the paths the agent's tree will be
// kept from writing go to `paths` (and TMPDIR is set when it must move). False only when
// the session cannot be guarded as asked (the caller stops).
bool protect_agent_session(const std::string& state_dir, const std::string& session, bool confine,
                           sandbox::AgentProtect* paths);

// In the agent's process before it execs (the broker stays outside): confine it. Prints
// one line on stderr saying what holds or which protections do not.
void confine_agent_tree(const sandbox::AgentProtect& paths);

}  // namespace vg::cli
