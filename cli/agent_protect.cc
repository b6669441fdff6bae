#include "cli/agent_protect.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/hook_agents.h"
#include "cli/output.h"
#include "core/audit_log.h"
#include "core/audit_writer.h"
#include "sandbox/agent_confine.h"

namespace vg::cli {

bool protect_agent_session(const std::string& state_dir, const std::string& session, bool confine,
                           sandbox::AgentProtect* paths) {
  std::string error;
  // In the sandbox, the sandbox itself keeps $VG_HOME away from the agent.
  sandbox::AgentProtect& p = *paths;
  std::string tmpdir;
  if (!create_audit_key(state_dir, session, &error)) {
    print_error(fmt::format("the session's audit key cannot be created: {}; check {}.", error, state_dir));
    return false;
  }
  if (confine) {
    p = sandbox::agent_protected_paths(state_dir, self_binary());
    tmpdir = sandbox::agent_tmpdir_if_needed(p, error);
    if (!error.empty()) {
      print_error(fmt::format("{}; check that /tmp is writable.", error));
      return false;
    }
  }
  if (!start_agent_audit_writer(state_dir, session, tmpdir, &error)) {
    print_error(fmt::format("the session's audit trail cannot be set up: {}; check {}.", error, state_dir));
    return false;
  }
  if (!tmpdir.empty()) setenv("TMPDIR", tmpdir.c_str(), 1);
  return true;
}

void confine_agent_tree(const sandbox::AgentProtect& p) {
  std::string enforced, missing;
  if (!sandbox::confine_agent(p, enforced, missing)) {
    std::fprintf(stderr, "⚠️  vectra-guard: %s.\n", missing.c_str());
    return;
  }
  // Mounts are refused inside a Landlock domain: a sandbox started here (not by the
  // broker, cli/broker_run.h) uses Landlock too.
  setenv("VG_AGENT_CONFINED", "1", 1);
  if (std::getenv("VG_VERBOSE")) std::fprintf(stderr, "vectra-guard: %s.\n", enforced.c_str());
}

}  // namespace vg::cli
