#include "sandbox/socket_policy.h"

#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

namespace vg::sandbox {

namespace {

constexpr std::uint64_t kLow32 = 0xffffffffu;
constexpr std::uint64_t kTypeMask = 0xf;  // SOCK_TYPE_MASK: the rest are NONBLOCK/CLOEXEC flags

// The kernel reads family, type and protocol as `int`: compare the low 32 bits only,
// whatever the caller put in the upper half of the register.
ArgCondition low32_is(unsigned index, std::uint64_t value) { return {index, false, kLow32, value}; }
ArgCondition above(unsigned index, std::uint64_t value) { return {index, true, 0, value}; }
// The type's lowest bit, 0 or 1: a family rule is added once with each. On i386 libseccomp
// turns every socket rule into one on socketcall(SYS_SOCKET) and refuses two that test the
// same and differ in errno; testing a second argument keeps these apart from AF_VSOCK's.
ArgCondition type_bit(std::uint64_t bit) { return {1, false, 1, bit}; }

// Aligned blocks (value, mask) covering [0, limit) minus `allowed`: "not in the set" as
// masked equalities, the only form libseccomp and Docker profiles share.
std::vector<ArgCondition> not_in(unsigned index, std::vector<std::uint64_t> allowed, std::uint64_t limit,
                                 std::uint64_t width) {
  std::vector<ArgCondition> out;
  auto is_allowed = [&](std::uint64_t from, std::uint64_t to) {  // any allowed in [from, to)
    return std::any_of(allowed.begin(), allowed.end(), [&](std::uint64_t a) { return a >= from && a < to; });
  };
  for (std::uint64_t v = 0; v < limit;) {
    if (is_allowed(v, v + 1)) {
      ++v;
      continue;
    }
    std::uint64_t size = 1;
    while (v % (size * 2) == 0 && v + size * 2 <= limit && !is_allowed(v, v + size * 2)) size *= 2;
    out.push_back({index, false, width & ~(size - 1), v});
    v += size;
  }
  return out;
}

// Deny `index` outside `allowed` when `given` holds: the blocks below the largest allowed
// value, and every value above it (an upper half that is not zero included: no libc sets one).
void deny_outside(std::vector<DenyRule>& rules, int err, const std::vector<ArgCondition>& given,
                  unsigned index, const std::vector<std::uint64_t>& allowed) {
  auto rule = [&](ArgCondition c) {
    std::vector<ArgCondition> args = given;
    args.push_back(c);
    std::sort(args.begin(), args.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    rules.push_back({"socket", err, args});
  };
  std::uint64_t top = *std::max_element(allowed.begin(), allowed.end());
  for (const ArgCondition& c : not_in(index, allowed, top + 1, kLow32)) rule(c);
  rule(above(index, top));
}

}  // namespace

std::vector<DenyRule> socket_deny_rules(const SocketPolicy& policy) {
  std::vector<DenyRule> rules;
  // vsock reaches the hypervisor. This rule comes first and tests the family alone: on
  // i386, where programs may create sockets through socketcall(2) with the arguments in
  // memory the filter cannot read, libseccomp turns it into "socketcall(SYS_SOCKET):
  // EPERM", which then answers for every rule below as well.
  rules.push_back({"socket", EPERM, {low32_is(0, AF_VSOCK)}});
  // Unix sockets reach host daemons (docker, ssh-agent, dbus) whatever the mounts say.
  if (!policy.unix_sockets) rules.push_back({"socket", EPERM, {low32_is(0, AF_UNIX)}});
  // Families: AF_UNIX is decided above; everything but IP and netlink is unsupported.
  for (std::uint64_t bit : {0, 1})
    deny_outside(rules, EAFNOSUPPORT, {type_bit(bit)}, 0, {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK});

  for (std::uint64_t family : {std::uint64_t{AF_INET}, std::uint64_t{AF_INET6}}) {
    std::vector<std::uint64_t> types = {SOCK_STREAM};
    if (policy.datagrams) types.push_back(SOCK_DGRAM);
    for (const ArgCondition& c : not_in(1, types, kTypeMask + 1, kTypeMask))
      rules.push_back({"socket", ESOCKTNOSUPPORT, {low32_is(0, family), c}});
    std::vector<std::uint64_t> protocols = {0, IPPROTO_TCP};
    if (policy.datagrams) {
      protocols.push_back(IPPROTO_UDP);
      protocols.push_back(family == AF_INET ? std::uint64_t{IPPROTO_ICMP} : std::uint64_t{IPPROTO_ICMPV6});
    }
    // MPTCP, SCTP, UDP-Lite, ...: EPROTONOSUPPORT, so programs fall back to TCP.
    deny_outside(rules, EPROTONOSUPPORT, {low32_is(0, family)}, 2, protocols);
  }
  deny_outside(rules, EPROTONOSUPPORT, {low32_is(0, AF_NETLINK)}, 2, {NETLINK_ROUTE});
  return rules;
}

}  // namespace vg::sandbox
