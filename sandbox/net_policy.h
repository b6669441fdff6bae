// The `restricted` network's policy: which destinations the proxy (vg-proxy) admits.
// Pure: no I/O, no name resolution; the proxy resolves and asks again per address.
//
//   allow / deny entries   `name`, `*.suffix` (sub-domains only, not the bare suffix), an
//                          IPv4 literal; each with an optional `:port`. Without a port an
//                          entry admits ports 80 and 443 only. Deny wins over allow.
//   SSRF guard             an address the connection would go to is refused when it is
//                          loopback, link-local, private, CGNAT, 0/8, multicast, broadcast,
//                          a cloud metadata address or one of the host's own addresses —
//                          unless it came from a `resolve` entry for that name (trusted),
//                          or it is 127.0.0.1/::1 on a port in allow_localhost_ports.
//   raw IP destinations    refused unless network_allow names that address (and then the
//                          SSRF guard still applies: trust an internal address with `resolve`).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vg::sandbox {

struct NetRule {
  std::string host;      // lower-case name or address; for a wildcard, the suffix without "*."
  bool wildcard = false;
  int port = 0;          // 0: ports 80 and 443
};

struct NetPolicy {
  std::vector<NetRule> allow;
  std::vector<NetRule> deny;
  std::vector<int> localhost_ports;                          // host 127.0.0.1/::1 ports
  std::map<std::string, std::vector<std::string>> resolve;   // name -> trusted addresses
  std::vector<std::string> self_addresses;                   // the host's interface addresses
  // network_allow was not given: these aliases, expanded by vg-proxy at its first
  // connection (or by build_net_policy when passed to it).
  std::vector<std::string> default_aliases;
  bool allow_was_empty = false;
};

// One `name[:port]` / `*.suffix[:port]` entry; false when it is not one (aliases must be
// expanded before).
bool parse_net_rule(std::string_view entry, NetRule& out);

// Build a policy from the config's lists. `expand(alias, error)` returns the hosts of an
// `@alias` (sandbox/registries.h in the CLI; a stub in tests). An alias that yields
// nothing adds one sentence to `warnings`. Entries that do not parse also go to warnings.
// `default_aliases` is used when `allow` is empty (the package managers found here).
using AliasExpander = std::vector<std::string> (*)(std::string_view alias, std::string& error);
NetPolicy build_net_policy(const std::vector<std::string>& allow, const std::vector<std::string>& deny,
                           const std::vector<int>& localhost_ports, const std::vector<std::string>& resolve,
                           const std::vector<std::string>& default_aliases, AliasExpander expand,
                           std::vector<std::string>& warnings);

struct NetDecision {
  bool allowed = false;
  std::string reason;   // why refused: "not in network_allow", "denied by network_deny", ...
};

// Is `host:port` admitted by name (allow/deny rules, raw IP rule)? No address checks.
// `host` is made canonical first (sandbox/net_host.h): "127.1" is the address 127.0.0.1,
// and a host that is neither name nor address is refused ("not a valid host name").
NetDecision decide_name(const NetPolicy& p, std::string_view host, int port);

// May the proxy connect to `address` (numeric, as resolved for `host`) on `port`?
// `trusted`: the address came from a resolve entry for that host.
NetDecision decide_address(const NetPolicy& p, std::string_view host, int port, std::string_view address,
                           bool trusted);

// Both steps, on the addresses the proxy resolved: allowed when the name is admitted and
// at least one address passes; `usable` gets the addresses that pass, in order.
NetDecision decide(const NetPolicy& p, std::string_view host, int port, const std::vector<std::string>& addresses,
                   bool trusted, std::vector<std::string>* usable = nullptr);

// The addresses `resolve` maps `host` to ({} when none): trusted, never looked up.
const std::vector<std::string>* resolved_by_config(const NetPolicy& p, std::string_view host);

// Whether `host` is an IPv4 (any inet_aton form) or IPv6 literal.
bool is_ip_literal(std::string_view host);

// Number of allow rules (for the notice: "proxy: N allowed hosts").
inline size_t allowed_host_count(const NetPolicy& p) { return p.allow.size(); }

// Serialised for vg-proxy's --policy argument, and back.
std::string net_policy_to_json(const NetPolicy& p);
bool net_policy_from_json(std::string_view text, NetPolicy& out, std::string& error);

}  // namespace vg::sandbox
