#include "sandbox/net_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sandbox/net_host.h"

namespace vg::sandbox {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == '.') out.pop_back();  // "example.com." is example.com
  return out;
}

bool port_matches(const NetRule& r, int port, bool deny) {
  if (r.port != 0) return r.port == port;
  return deny || port == 80 || port == 443;  // a deny rule without a port covers every port
}

bool host_matches(const NetRule& r, const std::string& host) {
  if (!r.wildcard) return host == r.host;
  return host.size() > r.host.size() + 1 && host.compare(host.size() - r.host.size(), r.host.size(), r.host) == 0 &&
         host[host.size() - r.host.size() - 1] == '.';
}

bool has_port(const std::vector<int>& ports, int port) {
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

// The class of a numeric address the SSRF guard refuses, or nullptr when it is public.
const char* v4_class(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  if (a == 0xA9FEA9FE) return "a cloud metadata address";  // 169.254.169.254
  if (in(0x7F000000, 8)) return "a loopback address";
  if (in(0x00000000, 8)) return "an unspecified (0.0.0.0/8) address";
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return "a private address";
  if (in(0x64400000, 10)) return "a carrier-grade NAT (100.64/10) address";
  if (in(0xA9FE0000, 16)) return "a link-local address";
  if (in(0xE0000000, 4)) return "a multicast address";
  if (in(0xF0000000, 4)) return "a reserved or broadcast address";
  return nullptr;
}

const char* v6_class(const unsigned char* b) {
  static const unsigned char metadata[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, metadata, 16) == 0) return "a cloud metadata address";
  if (std::memcmp(b, mapped, 12) == 0) {
    uint32_t a = (uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) | (uint32_t(b[14]) << 8) | b[15];
    return v4_class(a);
  }
  bool zero_prefix = std::all_of(b, b + 15, [](unsigned char c) { return c == 0; });
  if (zero_prefix && b[15] == 1) return "a loopback address";
  if (zero_prefix && b[15] == 0) return "an unspecified address";
  if (zero_prefix) return "a reserved address";  // IPv4-compatible ::a.b.c.d (deprecated)
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "a link-local address";
  if ((b[0] & 0xfe) == 0xfc) return "a private address";
  if (b[0] == 0xff) return "a multicast address";
  return nullptr;
}

// Canonical text of a numeric address ("" when not one: a name or nothing valid), so
// "::ffff:1.2.3.4", "127.1" and upper/lower case compare equal.
std::string canonical_address(std::string_view text, const char** klass) {
  Host h;
  if (!canonical_host(text, h) || !h.is_address()) return "";
  if (klass) {
    in_addr v4;
    in6_addr v6;
    if (h.kind == Host::Kind::V4 && inet_pton(AF_INET, h.text.c_str(), &v4) == 1) *klass = v4_class(ntohl(v4.s_addr));
    if (h.kind == Host::Kind::V6 && inet_pton(AF_INET6, h.text.c_str(), &v6) == 1) *klass = v6_class(v6.s6_addr);
  }
  return h.text;
}

bool is_loopback_one(const std::string& canon) { return canon == "127.0.0.1" || canon == "::1"; }

// A refused port of the host's own loopback names the key that opens it: a dev server
// or database on the host is the usual reason for such a connection.
std::string localhost_hint(const std::string& why, int port) {
  return why + "; [sandbox] allow_localhost_ports = " + std::to_string(port) + " opens this port of the host";
}

}  // namespace

bool is_ip_literal(std::string_view host) { return !canonical_address(host, nullptr).empty(); }

bool parse_net_rule(std::string_view entry, NetRule& out) {
  std::string e = lower(entry);
  out = NetRule{};
  // IPv6 literals only in brackets ("[fd00::1]:443"): a bare one has colons of its own.
  auto colon = e.rfind(':');
  bool bracketed = !e.empty() && e[0] == '[';
  if (colon != std::string::npos && (!bracketed || (colon > 0 && e[colon - 1] == ']'))) {
    std::string port = e.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
    out.port = std::stoi(port);
    if (out.port < 1 || out.port > 65535) return false;
    e = e.substr(0, colon);
  }
  if (bracketed) {
    if (e.size() < 3 || e.back() != ']') return false;
    e = e.substr(1, e.size() - 2);
  }
  if (e.rfind("*.", 0) == 0) {
    out.wildcard = true;
    e = e.substr(2);
  }
  if (e.empty() || e[0] == '@') return false;
  Host h;
  if (!canonical_host(e, h) || (h.is_address() && out.wildcard)) return false;
  out.host = h.text;
  return true;
}

NetPolicy build_net_policy(const std::vector<std::string>& allow, const std::vector<std::string>& deny,
                           const std::vector<int>& localhost_ports, const std::vector<std::string>& resolve,
                           const std::vector<std::string>& default_aliases, AliasExpander expand,
                           std::vector<std::string>& warnings) {
  NetPolicy p;
  p.localhost_ports = localhost_ports;
  std::vector<std::string> allow_in = allow;
  if (allow_in.empty()) {
    allow_in = default_aliases;
    p.default_aliases = default_aliases;
  }
  auto add = [&](const std::vector<std::string>& entries, std::vector<NetRule>& into, const char* key) {
    for (const std::string& raw : entries) {
      std::string entry = lower(raw);
      if (!entry.empty() && entry[0] == '@') {
        // "@npm:443": the port applies to each host of the alias.
        std::string alias = entry, port;
        if (auto c = entry.find(':'); c != std::string::npos) {
          alias = entry.substr(0, c);
          port = entry.substr(c);
        }
        std::string error;
        std::vector<std::string> hosts = expand ? expand(alias, error) : std::vector<std::string>{};
        if (hosts.empty()) {
          warnings.push_back(std::string(key) + " entry " + alias + " matches no host" +
                             (error.empty() ? "" : " (" + error + ")") + "; it admits nothing");
          continue;
        }
        for (const std::string& h : hosts) {
          NetRule r;
          // A registry host may carry its own port; the entry's port wins.
          std::string candidate = h;
          if (!port.empty()) {
            NetRule bare;
            if (parse_net_rule(h, bare)) candidate = (bare.wildcard ? "*." : "") + bare.host + port;
          }
          if (parse_net_rule(candidate, r)) into.push_back(r);
        }
        continue;
      }
      NetRule r;
      if (parse_net_rule(entry, r))
        into.push_back(r);
      else
        warnings.push_back(std::string(key) + " entry " + entry + " is not a host name, *.suffix or address; ignored");
    }
  };
  add(allow_in, p.allow, "network_allow");
  add(deny, p.deny, "network_deny");
  for (const std::string& r : resolve) {
    auto colon = r.find(':');
    if (colon == std::string::npos) continue;
    Host name;
    std::string addr = canonical_address(r.substr(colon + 1), nullptr);
    if (!canonical_host(r.substr(0, colon), name) || name.is_address()) {
      warnings.push_back("resolve entry " + r + " does not start with a host name; ignored");
      continue;
    }
    if (addr.empty()) {
      warnings.push_back("resolve entry " + r + " does not give a numeric address; ignored");
      continue;
    }
    p.resolve[name.text].push_back(addr);
  }
  return p;
}

NetDecision decide_name(const NetPolicy& p, std::string_view host_in, int port) {
  Host h;
  if (!canonical_host(host_in, h)) return {false, "not a valid host name"};
  const std::string& host = h.text;
  const std::string canon = h.is_address() ? h.text : "";
  if (port < 1 || port > 65535) return {false, "not a valid port"};
  for (const NetRule& r : p.deny)
    if (host_matches(r, host) && port_matches(r, port, true)) return {false, "denied by network_deny"};
  // The host's own loopback ports opened by allow_localhost_ports.
  if (has_port(p.localhost_ports, port) && (host == "localhost" || is_loopback_one(canon))) return {true, ""};
  bool listed = false, other_port = false;
  for (const NetRule& r : p.allow) {
    if (!host_matches(r, host) || (r.wildcard && !canon.empty())) continue;
    if (port_matches(r, port, false)) {
      listed = true;
      break;
    }
    other_port = true;
  }
  if (listed) return {true, ""};
  if (host == "localhost" || is_loopback_one(canon)) return {false, localhost_hint("not in allow_localhost_ports", port)};
  if (!canon.empty()) return {false, "raw IP address not in network_allow"};
  if (other_port) return {false, "port " + std::to_string(port) + " not in network_allow for this host"};
  return {false, "not in network_allow"};
}

NetDecision decide_address(const NetPolicy& p, std::string_view host, int port, std::string_view address,
                           bool trusted) {
  const char* klass = nullptr;
  std::string canon = canonical_address(address, &klass);
  if (canon.empty()) return {false, "has no usable address"};
  if (trusted) return {true, ""};
  if (is_loopback_one(canon) && has_port(p.localhost_ports, port)) return {true, ""};
  const bool literal = is_ip_literal(host);
  auto refuse = [&](const std::string& what) {
    return NetDecision{false, (literal ? "is " : "resolves to ") + what};
  };
  if (klass && is_loopback_one(canon)) return refuse(localhost_hint(klass, port));
  if (klass) return refuse(klass);
  for (const std::string& self : p.self_addresses)
    if (canonical_address(self, nullptr) == canon) return refuse("an address of this host");
  return {true, ""};
}

NetDecision decide(const NetPolicy& p, std::string_view host, int port, const std::vector<std::string>& addresses,
                   bool trusted, std::vector<std::string>* usable) {
  NetDecision d = decide_name(p, host, port);
  if (!d.allowed) return d;
  NetDecision first_refusal{false, "has no address"};
  bool any = false;
  for (const std::string& a : addresses) {
    NetDecision ad = decide_address(p, host, port, a, trusted);
    if (ad.allowed) {
      any = true;
      if (usable) usable->push_back(a);
    } else if (first_refusal.reason == "has no address") {
      first_refusal = ad;
    }
  }
  return any ? NetDecision{true, ""} : first_refusal;
}

const std::vector<std::string>* resolved_by_config(const NetPolicy& p, std::string_view host) {
  Host h;
  if (!canonical_host(host, h)) return nullptr;
  auto it = p.resolve.find(h.text);
  return it == p.resolve.end() ? nullptr : &it->second;
}

std::string net_policy_to_json(const NetPolicy& p) {
  auto rules = [](const std::vector<NetRule>& rs) {
    nlohmann::json a = nlohmann::json::array();
    for (const NetRule& r : rs) a.push_back({{"host", r.host}, {"wildcard", r.wildcard}, {"port", r.port}});
    return a;
  };
  nlohmann::json j = {{"allow", rules(p.allow)},
                      {"deny", rules(p.deny)},
                      {"localhost_ports", p.localhost_ports},
                      {"resolve", p.resolve},
                      {"self_addresses", p.self_addresses},
                      {"default_aliases", p.default_aliases},
                      {"allow_was_empty", p.allow_was_empty}};
  return j.dump();
}

bool net_policy_from_json(std::string_view text, NetPolicy& out, std::string& error) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "the network policy given to vg-proxy is not valid JSON";
    return false;
  }
  try {
    auto rules = [](const nlohmann::json& a) {
      std::vector<NetRule> rs;
      for (const auto& r : a) rs.push_back({r.at("host").get<std::string>(), r.at("wildcard").get<bool>(), r.at("port").get<int>()});
      return rs;
    };
    out.allow = rules(j.at("allow"));
    out.deny = rules(j.at("deny"));
    out.localhost_ports = j.at("localhost_ports").get<std::vector<int>>();
    out.resolve = j.at("resolve").get<std::map<std::string, std::vector<std::string>>>();
    out.self_addresses = j.value("self_addresses", std::vector<std::string>{});
    out.default_aliases = j.value("default_aliases", std::vector<std::string>{});
    out.allow_was_empty = j.value("allow_was_empty", false);
  } catch (const nlohmann::json::exception& e) {
    error = std::string("the network policy given to vg-proxy is incomplete (") + e.what() + ")";
    return false;
  }
  return true;
}

}  // namespace vg::sandbox
