// The Landlock mode (`--runtime landlock`): for hosts where user namespaces do not work
// (Ubuntu's AppArmor restriction, containers). No namespaces at all: the command runs
// as a child of ours, confined by a Landlock ruleset (which paths it may read, write,
// execute; TCP bind/connect on ABI >= 4; signals and abstract unix sockets scoped to the
// sandbox on ABI >= 6), the same seccomp filter, no_new_privs, rlimits and cgroups
// where we may write them. What it does not isolate is said in the report: no PID
// namespace (host processes are visible in /proc), no private /tmp (TMPDIR points at a
// private directory instead), no network namespace (UDP is not filtered).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/meta_supervisor.h"
#include "sandbox/proxy_host.h"
#include "sandbox/rlimits.h"
#include "sandbox/runner.h"

namespace vg::sandbox {

// The kernel's Landlock ABI version; 0 when Landlock is unavailable.
int landlock_abi();

// One Landlock rule: `rights` (LANDLOCK_ACCESS_FS_* bits) for the hierarchy at `path`.
struct LandlockRule {
  std::string path;
  std::uint64_t rights = 0;
};

// Rights for read-only, read-write and device access, masked to what `abi` knows.
std::uint64_t landlock_read_rights();
std::uint64_t landlock_write_rights(int abi);
std::uint64_t landlock_device_rights(int abi);

// What each path should allow (later entries are more specific and win) turned into
// rules Landlock can express: its rights only add up along a path, so a directory that
// has a less-privileged path below it (a hidden secret, a protected file) is not granted
// itself; its other children are, one by one. Reads the directories it must split.
std::vector<LandlockRule> landlock_rules(const std::vector<LandlockRule>& wanted);

// For a read-only bind inside a writable one (.git/hooks in the workspace): the
// writable path that makes it impossible to express, else "".
std::string landlock_unprotected(const SandboxSpec& spec, const Mount& m);

// The wanted access for a spec (root read-only, workspace read-write, hidden paths
// nothing, protected paths read-only, device nodes, the private TMPDIR read-write).
// `terminals`: the command's own terminal devices, the only ones it may open.
std::vector<LandlockRule> landlock_wanted(const SandboxSpec& spec, const std::string& tmpdir, int abi,
                                          const std::vector<std::string>& terminals = {});

// The terminal devices our stdin, stdout and stderr are on ("/dev/pts/3").
std::vector<std::string> own_terminals();

class LandlockRunner : public Runner {
 public:
  explicit LandlockRunner(int abi) : abi_(abi) {}
  ~LandlockRunner() override;
  std::string_view name() const override { return "landlock"; }
  bool prepare(SandboxSpec& spec, Report& report) override;
  int run(const SandboxSpec& spec, Report& report) override;

 private:
  int abi_;
  int ruleset_fd_ = -1;
  std::string tmpdir_;
  std::string program_;  // argv[0] resolved on PATH
  CgroupLimits cgroups_;
  RlimitPlan rlimits_;
  std::vector<unsigned char> seccomp_;  // sock_filter array
  std::vector<unsigned char> socket_seccomp_;  // the socket rules, stacked on a user's profile
  ProxyProcess proxy_;                  // restricted: vg-proxy on a host loopback port
  std::vector<sock_filter> meta_filter_;  // chmod, chown, utimes, xattrs: to meta_
  MetaSupervisor meta_;
};

}  // namespace vg::sandbox
