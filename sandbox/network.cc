#include "sandbox/network.h"

#include "sandbox/profile.h"

// The @ecosystem aliases come from sandbox/registries.h (the package caches' half of
// the issue); a build without it admits no alias and says so.
#if __has_include("sandbox/registries.h")
#include "sandbox/registries.h"
#define VG_HAVE_REGISTRIES 1
#endif

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
#ifdef VG_HAVE_REGISTRIES
  return registry_hosts(alias, error);
#else
  (void)alias;
  error = "this build of vectra-guard cannot look up package registries";
  return {};
#endif
}

// For the default list a missing package manager is normal, not worth a warning.
std::vector<std::string> expand_quietly(std::string_view alias, std::string& error) {
  std::vector<std::string> hosts = expand_alias(alias, error);
  error.clear();
  return hosts;
}

}  // namespace

NetPolicy restricted_policy(const Config& config, std::vector<std::string>& warnings) {
  if (!config.network_allow.empty())
    return build_net_policy(config.network_allow, config.network_deny, config.allow_localhost_ports,
                            config.resolve, {}, expand_alias, warnings);
  // The default: the registries of the package managers found here, nothing else.
  std::vector<std::string> found, ignored;
  for (const std::string& alias : default_network_aliases()) {
    std::string error;
    if (!expand_quietly(alias, error).empty()) found.push_back(alias);
  }
  NetPolicy p = build_net_policy({}, config.network_deny, config.allow_localhost_ports, config.resolve, found,
                                 expand_alias, ignored);
  p.default_aliases = found;
  warnings.insert(warnings.end(), ignored.begin(), ignored.end());
  return p;
}

std::string describe_restricted(const NetPolicy& policy) {
  size_t n = allowed_host_count(policy);
  return "restricted (proxy: " + std::to_string(n) + (n == 1 ? " allowed host)" : " allowed hosts)");
}

std::string restricted_network_line(const NetPolicy& p, const std::string& how) {
  std::string line = "network restricted (" + how + "): HTTP and HTTPS to " + std::to_string(p.allow.size()) +
                     (p.allow.size() == 1 ? " allowed host" : " allowed hosts") + " through vg-proxy";
  if (!p.localhost_ports.empty()) {
    line += "; host loopback ports";
    for (int port : p.localhost_ports) line += " " + std::to_string(port);
  }
  if (!p.default_aliases.empty()) {
    line += "; network_allow is empty, so the default: the registries of";
    for (const std::string& a : p.default_aliases) line += " " + a;
    line += " (found here)";
  } else if (p.allow.empty()) {
    line += "; network_allow is empty and no package manager's registry was found here, so nothing is admitted";
  }
  return line;
}

}  // namespace vg::sandbox
