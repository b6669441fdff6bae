#include "sandbox/network.h"

#include "sandbox/profile.h"

#include "sandbox/registries.h"

namespace vg::sandbox {

NetworkMode requested_network(std::optional<NetworkMode> from_request,
                              std::optional<NetworkMode> from_config, SecurityLevel level) {
  if (from_request) return *from_request;
  if (from_config) return *from_config;
  return level_profile(level).network;
}

NetworkMode effective_network(NetworkMode requested) { return requested; }

std::string describe_network(NetworkMode requested, NetworkMode effective) {
  if (requested == effective) return std::string(to_string(effective));
  return std::string(to_string(requested)) + " (built as " + std::string(to_string(effective)) + ")";
}

const std::vector<std::string>& default_network_aliases() {
  static const std::vector<std::string> aliases = {"@npm", "@yarn", "@pypi", "@cargo", "@go", "@rubygems", "@maven"};
  return aliases;
}

namespace {

std::vector<std::string> expand_alias(std::string_view alias, std::string& error) {
  return registry_hosts(alias, error);
}

}  // namespace

NetPolicy restricted_policy(const Config& config, std::vector<std::string>& warnings) {
  if (!config.network_allow.empty())
    return build_net_policy(config.network_allow, config.network_deny, config.allow_localhost_ports,
                            config.resolve, {}, expand_alias, warnings);
  // The default: the registries of the package managers found here, nothing else.
  // Looking them up may ask the tools (seconds, on a cold cache), so vg-proxy does it at
  // the first connection: a command that never uses the network never waits for it.
  NetPolicy p = build_net_policy({}, config.network_deny, config.allow_localhost_ports, config.resolve, {},
                                 expand_alias, warnings);
  p.default_aliases = default_network_aliases();
  p.allow_was_empty = true;
  return p;
}

std::string describe_restricted(const NetPolicy& policy) {
  if (policy.allow_was_empty) return "restricted (proxy: the package registries configured here)";
  size_t n = allowed_host_count(policy);
  return "restricted (proxy: " + std::to_string(n) + (n == 1 ? " allowed host)" : " allowed hosts)");
}

std::string restricted_network_line(const NetPolicy& p, const std::string& how) {
  std::string line = "network restricted (" + how + "): HTTP and HTTPS only through vg-proxy, to ";
  if (p.allow_was_empty)
    line += "the registries of the package managers configured here";
  else
    line += std::to_string(p.allow.size()) + (p.allow.size() == 1 ? " allowed host" : " allowed hosts");
  if (!p.localhost_ports.empty()) {
    line += "; host loopback ports";
    for (int port : p.localhost_ports) line += " " + std::to_string(port);
  }
  if (p.allow_was_empty) {
    line += "; network_allow is empty, so the default: the hosts";
    for (const std::string& a : p.default_aliases) line += " " + a;
    line += " stand for on this machine (read from their configuration at the first connection; a package "
            "manager not set up here admits nothing)";
  }
  return line;
}

}  // namespace vg::sandbox
