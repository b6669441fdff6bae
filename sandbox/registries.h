// `@ecosystem` aliases for network_allow: the hosts the user's own package managers are
// configured to use. Read from their configuration (.npmrc, .yarnrc(.yml), pip.conf and
// PIP_*_INDEX_URL, the Cargo registry cache and config.toml, GOPROXY/GOSUMDB, ~/.gemrc,
// ~/.m2/settings.xml); when nothing is configured, the installed tool is asked once
// (`npm config get registry`, pip's own default index, `go env`, `gem sources`) and the
// answer cached in $VG_HOME/registries.json, keyed by the tool's files' mtimes.
// No registry host name is written anywhere in vectra-guard.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vg::sandbox {

// Host names (or host:port when the URL names a port) for "npm", "yarn", "pypi",
// "cargo", "go", "rubygems" or "maven" (a leading '@' is accepted). Empty with `error`
// set (one sentence) for an unknown alias or when no host can be found.
std::vector<std::string> registry_hosts(std::string_view alias, std::string& error);

// What registry_hosts reads, so tests can give their own.
struct RegistryInputs {
  std::vector<std::string> environ;  // NAME=VALUE (PATH is used to find the tools)
  std::string home;
  std::string cwd;                   // workspace .npmrc/.yarnrc.yml are found from here up
  std::string state_dir;             // where registries.json is kept; "" = no cache
  int ask_timeout_ms = 10000;
};
std::vector<std::string> registry_hosts(std::string_view alias, const RegistryInputs& in,
                                        std::string& error);

// "https://user:pw@Host.Example:8443/path" -> "host.example:8443"; "" when not a URL
// with a host. "sparse+https://..." and "git+https://..." are accepted.
std::string url_host(std::string_view url);

}  // namespace vg::sandbox
