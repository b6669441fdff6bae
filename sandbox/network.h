// Network mode: which one the request asks for, which one is built, and how the
// notice describes it.
#pragma once

#include <optional>
#include <string>

#include "core/config.h"

namespace vg::sandbox {

// The requested mode: --network, else the config's network_mode, else the level's.
NetworkMode requested_network(std::optional<NetworkMode> from_request,
                              std::optional<NetworkMode> from_config, SecurityLevel level);

// The mode runners build today. `restricted` (allow-listed proxy) is not available yet
// and is built as `none`: never more network than asked for.
NetworkMode effective_network(NetworkMode requested);

// Report.network text: "none", "full", "restricted (not yet available: no network)".
std::string describe_network(NetworkMode requested, NetworkMode effective);

}  // namespace vg::sandbox
