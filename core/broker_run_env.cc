#include "core/broker_run_env.h"

#include <set>

namespace vg {

std::vector<std::string> broker_run_environment(const std::vector<std::string>& caller,
                                                const std::map<std::string, std::string>& session) {
  // Markers that only mean something inside the agent's tree, or that would loosen the run.
  static const std::set<std::string> kDropped = {"VG_BROKER_FD", "VG_AGENT_CONFINED", "VG_VIA_SHIM",
                                                 "VG_DISABLE",   "VG_EXEC_CHECKED",   "VG_FROM_HOOK"};
  std::vector<std::string> env;
  for (const std::string& e : caller) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = e.substr(0, eq);
    if (kDropped.count(name) || session.count(name) || name.rfind("LD_", 0) == 0) continue;
    env.push_back(e);
  }
  for (const auto& [name, value] : session)
    if (!value.empty()) env.push_back(name + "=" + value);
  return env;
}

}  // namespace vg
