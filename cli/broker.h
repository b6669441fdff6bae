// The session broker: one vectra-guard process per `agent start`. It holds the
// session's policy (config, mode, trust entries, read once at its start), judges every
// exec of the agent's tree - asked by the exec shim over an inherited socket, and seen
// by the kernel through a seccomp user-notification filter - and writes the audit trail.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "cli/broker_run.h"
#include "core/exec_identity.h"
#include "core/config.h"
#include "core/trust_store.h"

namespace vg::cli {

// The environment variable naming the shim's socket descriptor.
inline constexpr const char* kBrokerFdEnv = "VG_BROKER_FD";

struct BrokerSession {
  Config config;
  std::string config_file;   // the session's --config layer ("" for none)
  std::string session, agent, state, vg_bin;
  std::string snapshot;      // the policy snapshot's bytes, as written at the start
  std::vector<TrustEntry> trust;
  // Variables that steer what vectra-guard reads, as they were at the start; an exec of
  // vectra-guard with other values is refused.
  std::map<std::string, std::string> guard_env;
  ProgramIndex index;
  BrokerRunSession run;  // how sandboxed commands are started for the session
  int listen_fd = -1;    // the session's socket for processes that closed VG_BROKER_FD
};

// Read config-independent parts (program index, trust entries) into `s`.
void prepare_broker(BrokerSession& s, const std::string& path_env);

// Serve the shim and sandboxed runs (`requests`: the broker's end of the inherited socketpair) and the
// kernel (the listener arrives on `listener_sock`) until `agent` exits; returns the
// agent's exit status as a shell reports it.
int run_broker(BrokerSession& s, int requests, int listener_sock, pid_t agent);

}  // namespace vg::cli
