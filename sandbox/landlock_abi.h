// Landlock's system calls and structures up to ABI 6, for installed kernel headers that
// may be older. Shared by the Landlock runtime (landlock.cc) and vg-proxy's own
// confinement (proxy_confine.cc).
#pragma once

#include <linux/landlock.h>
#include <sys/syscall.h>

#include <cstdint>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

namespace vg::sandbox::ll {

// struct landlock_ruleset_attr as of ABI 6; the size passed to the kernel says which
// fields are meant (8: fs only, 16: with net, 24: with scoped).
struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;
  std::uint64_t scoped;
};

constexpr std::uint64_t kNetBindTcp = 1ULL << 0, kNetConnectTcp = 1ULL << 1;  // ABI 4

// Every filesystem right this ABI knows.
inline std::uint64_t all_fs_rights(int abi) {
  std::uint64_t r = (1ULL << 13) - 1;  // EXECUTE .. MAKE_SYM (ABI 1)
  if (abi >= 2) r |= 1ULL << 13;       // REFER
  if (abi >= 3) r |= 1ULL << 14;       // TRUNCATE
  if (abi >= 5) r |= 1ULL << 15;       // IOCTL_DEV
  return r;
}

}  // namespace vg::sandbox::ll
