// The environment of a sandboxed command the session broker runs for the agent
// (cli/broker_run.h): the caller's, except what steers the guard or the dynamic loader.
// The broker's child runs outside the agent's confinement, so nothing of the agent's
// choosing may be loaded into it or change what it reads.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vg {

// `caller`: NAME=VALUE entries; `session`: the session's own values of the guard's
// variables (name -> value, "" = unset), which replace the caller's.
std::vector<std::string> broker_run_environment(const std::vector<std::string>& caller,
                                                const std::map<std::string, std::string>& session);

}  // namespace vg
