// The restricted network's policy: allow/deny matching, ports, raw IPs, the SSRF guard,
// trusted `resolve` entries, allow_localhost_ports, alias expansion and the JSON that
// carries the policy to vg-proxy.
#include <criterion/criterion.h>

#include <string>
#include <vector>

#include "sandbox/net_policy.h"

using namespace vg::sandbox;

namespace {

// Test-only alias expander (the real one is sandbox/registries.h's registry_hosts).
std::vector<std::string> fake_hosts(std::string_view alias, std::string& error) {
  if (alias == "@fake") return {"registry.fake.test", "*.cdn.fake.test"};
  error = "no such package manager here";
  return {};
}

NetPolicy policy(std::vector<std::string> allow, std::vector<std::string> deny = {},
                 std::vector<int> ports = {}, std::vector<std::string> resolve = {}) {
  std::vector<std::string> warnings;
  return build_net_policy(allow, deny, ports, resolve, {}, fake_hosts, warnings);
}

bool name_ok(const NetPolicy& p, const char* host, int port) { return decide_name(p, host, port).allowed; }

}  // namespace

Test(net_policy, exact_name_and_default_ports) {
  NetPolicy p = policy({"github.com"});
  cr_assert(name_ok(p, "github.com", 443));
  cr_assert(name_ok(p, "GitHub.com.", 80), "case and a final dot do not matter");
  cr_assert_not(name_ok(p, "github.com", 22), "no port given admits 80 and 443 only");
  cr_assert_not(name_ok(p, "api.github.com", 443), "an exact name does not admit sub-domains");
  cr_assert_not(name_ok(p, "evilgithub.com", 443));
  cr_assert_eq(decide_name(p, "evil.example", 443).reason, std::string("not in network_allow"));
  cr_assert_eq(decide_name(p, "github.com", 22).reason, std::string("port 22 not in network_allow for this host"));
}

Test(net_policy, wildcard_matches_subdomains_only) {
  NetPolicy p = policy({"*.githubusercontent.com:443"});
  cr_assert(name_ok(p, "raw.githubusercontent.com", 443));
  cr_assert(name_ok(p, "a.b.githubusercontent.com", 443));
  cr_assert_not(name_ok(p, "githubusercontent.com", 443), "the bare suffix is not a sub-domain");
  cr_assert_not(name_ok(p, "xgithubusercontent.com", 443));
  cr_assert_not(name_ok(p, "raw.githubusercontent.com", 80), "the explicit port is the only one");
}

Test(net_policy, deny_wins_on_every_port) {
  NetPolicy p = policy({"*.github.com", "github.com:8443"}, {"gist.github.com", "github.com:8443"});
  cr_assert(name_ok(p, "api.github.com", 443));
  cr_assert_not(name_ok(p, "gist.github.com", 443));
  cr_assert_eq(decide_name(p, "gist.github.com", 443).reason, std::string("denied by network_deny"));
  cr_assert_not(name_ok(p, "github.com", 8443));
}

Test(net_policy, raw_ip_refused_unless_listed) {
  NetPolicy p = policy({"example.com", "203.0.113.7:8080"});
  cr_assert_not(name_ok(p, "93.184.216.34", 443));
  cr_assert_eq(decide_name(p, "93.184.216.34", 443).reason, std::string("raw IP address not in network_allow"));
  cr_assert(name_ok(p, "203.0.113.7", 8080));
  cr_assert_not(name_ok(p, "[::1]", 443));
  NetPolicy w = policy({"*.0.113.7"});
  cr_assert_not(name_ok(w, "203.0.113.7", 443), "a wildcard never matches an address");
}

// A dev server on the host: the refusal names the key that would open its port.
Test(net_policy, loopback_refusal_names_allow_localhost_ports) {
  NetPolicy p = policy({"example.com"});
  const std::string want = "not in allow_localhost_ports; [sandbox] allow_localhost_ports = 8765 opens this port of the host";
  cr_assert_eq(decide_name(p, "127.0.0.1", 8765).reason, want);
  cr_assert_eq(decide_name(p, "localhost", 8765).reason, want);
  cr_assert_eq(decide_name(p, "[::1]", 8765).reason, want);
  cr_assert_eq(decide_name(p, "127.0.0.2", 8765).reason, std::string("raw IP address not in network_allow"));
}

Test(net_policy, ssrf_guard_classes) {
  NetPolicy p = policy({"x.test"});
  struct Case {
    const char* addr;
    const char* why;
  } refused[] = {
      {"127.0.0.1", "resolves to a loopback address; [sandbox] allow_localhost_ports = 443 opens this port of the host"},
      {"127.5.5.5", "resolves to a loopback address"},
      {"10.1.2.3", "resolves to a private address"},
      {"172.16.0.1", "resolves to a private address"},
      {"172.31.255.255", "resolves to a private address"},
      {"192.168.1.1", "resolves to a private address"},
      {"100.64.0.1", "resolves to a carrier-grade NAT (100.64/10) address"},
      {"169.254.1.1", "resolves to a link-local address"},
      {"169.254.169.254", "resolves to a cloud metadata address"},
      {"0.0.0.0", "resolves to an unspecified (0.0.0.0/8) address"},
      {"224.0.0.1", "resolves to a multicast address"},
      {"255.255.255.255", "resolves to a reserved or broadcast address"},
      {"::1", "resolves to a loopback address; [sandbox] allow_localhost_ports = 443 opens this port of the host"},
      {"fe80::1", "resolves to a link-local address"},
      {"fc00::1", "resolves to a private address"},
      {"fd00:ec2::254", "resolves to a cloud metadata address"},
      {"::ffff:10.0.0.1", "resolves to a private address"},
      {"ff02::1", "resolves to a multicast address"},
  };
  for (const Case& c : refused) {
    NetDecision d = decide_address(p, "x.test", 443, c.addr, false);
    cr_assert_not(d.allowed, "%s must be refused", c.addr);
    cr_assert_eq(d.reason, std::string(c.why), "%s: got '%s'", c.addr, d.reason.c_str());
  }
  for (const char* ok : {"93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "8.8.8.8"})
    cr_assert(decide_address(p, "x.test", 443, ok, false).allowed, "%s is public", ok);
  cr_assert_eq(decide_address(p, "169.254.169.254", 80, "169.254.169.254", false).reason,
               std::string("is a cloud metadata address"), "a literal is, not resolves to");
}

Test(net_policy, own_addresses_refused) {
  NetPolicy p = policy({"x.test"});
  p.self_addresses = {"198.51.100.20", "2001:db8::20"};
  cr_assert_not(decide_address(p, "x.test", 443, "198.51.100.20", false).allowed);
  cr_assert_eq(decide_address(p, "x.test", 443, "2001:DB8:0::20", false).reason,
               std::string("resolves to an address of this host"));
  cr_assert(decide_address(p, "x.test", 443, "198.51.100.21", false).allowed);
}

Test(net_policy, resolve_entries_are_trusted_for_their_name) {
  NetPolicy p = policy({"mirror.internal:8080"}, {}, {}, {"mirror.internal:10.0.0.5", "Other.Test:127.0.0.2"});
  const auto* a = resolved_by_config(p, "MIRROR.internal");
  cr_assert_not_null(a);
  cr_assert_eq(a->size(), 1u);
  cr_assert_eq((*a)[0], std::string("10.0.0.5"));
  std::vector<std::string> usable;
  cr_assert(decide(p, "mirror.internal", 8080, *a, true, &usable).allowed);
  cr_assert_eq(usable.size(), 1u);
  // Not listed in network_allow: a resolve entry alone admits nothing.
  cr_assert_not(decide(p, "other.test", 443, *resolved_by_config(p, "other.test"), true).allowed);
  cr_assert_null(resolved_by_config(p, "nothere.test"));
  // The same private address from a normal lookup is refused.
  cr_assert_not(decide(p, "mirror.internal", 8080, {"10.0.0.5"}, false).allowed);
}

Test(net_policy, decide_keeps_only_safe_addresses) {
  NetPolicy p = policy({"rebind.test"});
  std::vector<std::string> usable;
  NetDecision d = decide(p, "rebind.test", 443, {"127.0.0.1", "93.184.216.34", "10.0.0.1"}, false, &usable);
  cr_assert(d.allowed);
  cr_assert_eq(usable.size(), 1u);
  cr_assert_eq(usable[0], std::string("93.184.216.34"));
  d = decide(p, "rebind.test", 443, {"127.0.0.1"}, false);
  cr_assert_not(d.allowed);
  cr_assert_eq(d.reason, std::string("resolves to a loopback address; [sandbox] allow_localhost_ports = 443 opens this port of the host"));
  cr_assert_eq(decide(p, "rebind.test", 443, {}, false).reason, std::string("has no address"));
}

Test(net_policy, localhost_ports) {
  NetPolicy p = policy({}, {}, {5432});
  cr_assert(name_ok(p, "localhost", 5432));
  cr_assert(name_ok(p, "127.0.0.1", 5432));
  cr_assert(name_ok(p, "[::1]", 5432));
  cr_assert_not(name_ok(p, "localhost", 5433));
  cr_assert(decide_address(p, "localhost", 5432, "127.0.0.1", false).allowed);
  cr_assert(decide_address(p, "localhost", 5432, "::1", false).allowed);
  cr_assert_not(decide_address(p, "localhost", 5432, "127.0.0.2", false).allowed, "only 127.0.0.1 and ::1");
  cr_assert_not(decide_address(p, "localhost", 22, "127.0.0.1", false).allowed);
  NetPolicy d = policy({}, {"localhost"}, {5432});
  cr_assert_not(name_ok(d, "localhost", 5432), "deny still wins");
}

Test(net_policy, aliases_expand_and_warn) {
  std::vector<std::string> warnings;
  NetPolicy p = build_net_policy({"@fake", "@missing", "@fake:8443", "bad host!"}, {}, {}, {}, {}, fake_hosts, warnings);
  cr_assert(name_ok(p, "registry.fake.test", 443));
  cr_assert(name_ok(p, "a.cdn.fake.test", 443));
  cr_assert(name_ok(p, "registry.fake.test", 8443), "the entry's port applies to the alias's hosts");
  cr_assert_eq(warnings.size(), 2u);
  cr_assert(warnings[0].find("@missing matches no host (no such package manager here)") != std::string::npos,
            "%s", warnings[0].c_str());
  cr_assert(warnings[1].find("bad host!") != std::string::npos);
}

Test(net_policy, default_aliases_only_without_allow) {
  std::vector<std::string> warnings;
  NetPolicy p = build_net_policy({}, {}, {}, {}, {"@fake"}, fake_hosts, warnings);
  cr_assert(name_ok(p, "registry.fake.test", 443));
  cr_assert_eq(p.default_aliases.size(), 1u);
  NetPolicy q = build_net_policy({"github.com"}, {}, {}, {}, {"@fake"}, fake_hosts, warnings);
  cr_assert_not(name_ok(q, "registry.fake.test", 443), "an explicit network_allow replaces the default");
  cr_assert(q.default_aliases.empty());
}

Test(net_policy, json_round_trip) {
  NetPolicy p = policy({"a.test", "*.b.test:8443", "203.0.113.9"}, {"c.a.test"}, {5432, 6379}, {"m.test:10.0.0.5"});
  p.self_addresses = {"198.51.100.1"};
  p.default_aliases = {"@fake"};
  p.allow_was_empty = true;
  NetPolicy q;
  std::string error;
  cr_assert(net_policy_from_json(net_policy_to_json(p), q, error), "%s", error.c_str());
  cr_assert_eq(q.allow.size(), 3u);
  cr_assert(q.allow[1].wildcard);
  cr_assert_eq(q.allow[1].port, 8443);
  cr_assert_eq(q.deny.size(), 1u);
  cr_assert_eq(q.localhost_ports.size(), 2u);
  cr_assert_eq(q.resolve.at("m.test")[0], std::string("10.0.0.5"));
  cr_assert_eq(q.self_addresses[0], std::string("198.51.100.1"));
  cr_assert_eq(q.default_aliases.size(), 1u);
  cr_assert(q.allow_was_empty);
  cr_assert_not(net_policy_from_json("{\"allow\": 3}", q, error));
  cr_assert_not(net_policy_from_json("not json", q, error));
}

Test(net_policy, rule_parsing) {
  NetRule r;
  cr_assert(parse_net_rule("Example.COM:8080", r));
  cr_assert_eq(r.host, std::string("example.com"));
  cr_assert_eq(r.port, 8080);
  cr_assert(parse_net_rule("[2001:db8::1]:443", r));
  cr_assert_eq(r.host, std::string("2001:db8::1"));
  cr_assert_not(parse_net_rule("x.test:0", r));
  cr_assert_not(parse_net_rule("x.test:99999", r));
  cr_assert_not(parse_net_rule("@npm", r));
  cr_assert_not(parse_net_rule("*.", r));
  cr_assert_not(parse_net_rule("a b", r));
}

// The policy judges the canonical host (sandbox/net_host.h): a control character makes no
// host at all, and a numeric form is an address, judged as one.
Test(net_policy, judges_the_canonical_host) {
  using namespace std::string_literals;
  std::vector<std::string> warnings;
  NetPolicy p = build_net_policy({"*.allowed.test", "127.0.0.1:8080"}, {}, {}, {}, {}, nullptr, warnings);
  cr_assert_not(decide_name(p, "localhost\0.allowed.test"s, 443).allowed);
  cr_assert_eq(decide_name(p, "localhost\0.allowed.test"s, 443).reason, "not a valid host name");
  cr_assert(decide_name(p, "API.Allowed.Test.", 443).allowed);
  for (const char* form : {"2130706433", "127.1", "0x7f.1", "0177.0.0.1"}) {
    cr_assert(decide_name(p, form, 8080).allowed, "%s is the listed address", form);
    NetDecision d = decide(p, form, 8080, {"127.0.0.1"}, false);
    cr_assert_not(d.allowed);
    cr_assert_eq(d.reason, "is a loopback address; [sandbox] allow_localhost_ports = 8080 opens this port of the host", "%s: %s",
                 form, d.reason.c_str());
  }
  cr_assert(is_ip_literal("0x7f.1"));
  NetRule r;
  cr_assert(parse_net_rule("0x7f.1:8080", r));
  cr_assert_eq(r.host, "127.0.0.1", "a config entry is made canonical the same way");
  cr_assert_not(parse_net_rule("*.127.1", r), "a wildcard never names an address");
}
