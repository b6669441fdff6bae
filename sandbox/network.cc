#include "sandbox/network.h"

#include "sandbox/profile.h"

namespace vg::sandbox {

NetworkMode requested_network(std::optional<NetworkMode> from_request,
                              std::optional<NetworkMode> from_config, SecurityLevel level) {
  if (from_request) return *from_request;
  if (from_config) return *from_config;
  return level_profile(level).network;
}

NetworkMode effective_network(NetworkMode requested) {
  return requested == NetworkMode::Restricted ? NetworkMode::None : requested;
}

std::string describe_network(NetworkMode requested, NetworkMode effective) {
  if (requested == effective) return std::string(to_string(effective));
  return std::string(to_string(requested)) + " (not yet available: no network)";
}

}  // namespace vg::sandbox
