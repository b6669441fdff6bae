// Network mode: which one the request asks for, which one is built, and how the
// notice describes it.
#pragma once

#include <optional>
#include <string>

#include "core/config.h"
#include "sandbox/net_policy.h"

namespace vg::sandbox {

// The requested mode: --network, else the config's network_mode, else the level's.
NetworkMode requested_network(std::optional<NetworkMode> from_request,
                              std::optional<NetworkMode> from_config, SecurityLevel level);

// The mode runners build: the one requested (every runner builds all three).
NetworkMode effective_network(NetworkMode requested);

// Report.network text: "none", "full", "restricted".
std::string describe_network(NetworkMode requested, NetworkMode effective);

// The package-manager aliases admitted when network_allow is empty.
const std::vector<std::string>& default_network_aliases();

// The restricted network's policy from the config: network_allow (its @aliases expanded
// by sandbox/registries.h), else the default aliases that match a host here;
// network_deny, allow_localhost_ports, resolve. Entries that admit nothing go to
// `warnings` (one sentence each).
NetPolicy restricted_policy(const Config& config, std::vector<std::string>& warnings);

// "restricted (proxy: 3 allowed hosts)".
std::string describe_restricted(const NetPolicy& policy);

// The --verbose line: "network restricted (HOW): only N allowed hosts through vg-proxy
// ...", naming the default when network_allow was empty.
std::string restricted_network_line(const NetPolicy& policy, const std::string& how);

}  // namespace vg::sandbox
