// Which sockets a sandboxed command may create: an allowlist of families, types and
// protocols, written once here as seccomp deny rules that seccomp.cc (libseccomp) and
// container_seccomp.cc (Docker JSON) both render, so the runtimes cannot drift apart.
//
// Allowed: AF_INET/AF_INET6 with SOCK_STREAM or SOCK_DGRAM and protocol 0, TCP, UDP or
// ICMP (ping sockets); AF_NETLINK with NETLINK_ROUTE only (getaddrinfo asks it for the
// addresses); AF_UNIX only with allow_unix_sockets. Everything else (MPTCP, SCTP,
// UDP-Lite, raw and packet sockets, vsock, ...) is refused as a kernel without it would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vg::sandbox {

struct SocketPolicy {
  bool unix_sockets = false;
  // UDP and ICMP sockets. Off where the sandbox shares the host's network and only TCP
  // is governed (Landlock with --network none/restricted).
  bool datagrams = true;
};

// One condition on a syscall argument: (arg & mask) == value, or arg > value (unsigned,
// all 64 bits) when `greater`.
struct ArgCondition {
  unsigned index;
  bool greater;
  std::uint64_t mask;
  std::uint64_t value;
};

// Fail `syscall` with `err` when all `args` hold.
struct DenyRule {
  std::string syscall;
  int err;
  std::vector<ArgCondition> args;
};

// The rules, in the order they must be added.
std::vector<DenyRule> socket_deny_rules(const SocketPolicy& policy);

}  // namespace vg::sandbox
