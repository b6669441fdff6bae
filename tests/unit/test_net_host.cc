// canonical_host: the one place where a destination host the sandbox's command names
// becomes a name or an address, for the policy and for vg-proxy's connection alike.
#include <criterion/criterion.h>

#include <string>

#include "sandbox/net_host.h"

using namespace vg::sandbox;

namespace {

std::string canon(std::string_view raw, Host::Kind want) {
  Host h;
  cr_assert(canonical_host(raw, h), "%s should be a host", printable_host(raw).c_str());
  cr_assert(h.kind == want, "%s has the wrong kind", printable_host(raw).c_str());
  return h.text;
}

bool valid(std::string_view raw) {
  Host h;
  return canonical_host(raw, h);
}

}  // namespace

Test(net_host, names_lower_case_one_trailing_dot_dropped) {
  cr_assert_eq(canon("GitHub.COM", Host::Kind::Name), "github.com");
  cr_assert_eq(canon("github.com.", Host::Kind::Name), "github.com");
  cr_assert_eq(canon("my_host-1.example", Host::Kind::Name), "my_host-1.example");
  cr_assert_not(valid("github.com.."), "only one trailing dot is dropped");
  cr_assert_not(valid(".github.com"));
  cr_assert_not(valid("a..b"));
  cr_assert_not(valid(""));
  cr_assert_not(valid("."));
  cr_assert_not(valid(std::string(64, 'a') + ".test"), "a label has at most 63 bytes");
  cr_assert(valid(std::string(63, 'a') + ".test"));
}

Test(net_host, control_characters_and_other_bytes_refused) {
  using namespace std::string_literals;
  const std::string bad[] = {"localhost\0.allowed.test"s, "a\tb.test", "a\nb.test", "a\rb.test", "a\x7f.test",
                             "a b.test", "a%2e.test", "user@a.test", "a/b.test", "a\\b.test", "caf\xc3\xa9.test",
                             "a.test\0"s, "*.a.test", "a:b.test", "[a.test]", "[::1"};
  for (const std::string& b : bad) cr_assert_not(valid(b), "%s should be refused", printable_host(b).c_str());
}

Test(net_host, every_inet_aton_form_is_an_ipv4_address) {
  for (const char* form : {"127.0.0.1", "2130706433", "127.1", "127.0.1", "0x7f.1", "0X7F.0.0.1", "0177.0.0.1",
                           "0x7f000001", "017700000001", "127.0.0.1."})
    cr_assert_eq(canon(form, Host::Kind::V4), "127.0.0.1", "%s", form);
  cr_assert_eq(canon("0xA9FEA9FE", Host::Kind::V4), "169.254.169.254");
  // Not addresses to inet_aton, so not to getaddrinfo either: names, looked up as such.
  for (const char* name : {"1.2.3.4.5", "256.1.1.1", "08.1.1.1", "4294967296", "0x"})
    cr_assert_eq(canon(name, Host::Kind::Name), name);
}

Test(net_host, ipv6_bracketed_or_bare) {
  cr_assert_eq(canon("[::1]", Host::Kind::V6), "::1");
  cr_assert_eq(canon("[0:0:0:0:0:0:0:1]", Host::Kind::V6), "::1");
  cr_assert_eq(canon("[FD00::0001]", Host::Kind::V6), "fd00::1");
  cr_assert_eq(canon("[::ffff:127.0.0.1]", Host::Kind::V4), "127.0.0.1", "an IPv4-mapped address is the IPv4 one");
  cr_assert_eq(canon("::FFFF:7f00:1", Host::Kind::V4), "127.0.0.1");
  cr_assert_eq(canon("[::127.0.0.1]", Host::Kind::V6), "::127.0.0.1", "IPv4-compatible is not mapped");
  cr_assert_not(valid("[fe80::1%eth0]"), "no zone ids");
  cr_assert_not(valid("[::1]x"));
}

Test(net_host, printable_escapes_what_is_not_printable_ascii) {
  using namespace std::string_literals;
  cr_assert_eq(printable_host("a\0b\n\\c\xff"s), "a\\x00b\\x0a\\x5cc\\xff");
  cr_assert_eq(printable_host("plain.test"), "plain.test");
}
