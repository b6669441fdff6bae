// cgroup limits for one sandbox run: a fresh child cgroup per hierarchy that has the
// controller and that we may write (cgroup v1 as root, cgroup v2 where delegated),
// joined by the sandbox's first process before it execs, removed after the run.
#pragma once

#include <string>
#include <vector>

#include "sandbox/spec.h"

namespace vg::sandbox {

class CgroupLimits {
 public:
  CgroupLimits() = default;
  CgroupLimits(const CgroupLimits&) = delete;
  CgroupLimits& operator=(const CgroupLimits&) = delete;
  ~CgroupLimits();

  // Create the cgroups and write the limits. Each limit lands in `enforced` (with the
  // mechanism) or in `not_enforced` (with the reason); nothing is claimed on failure.
  void setup(const Limits& limits, std::vector<std::string>& enforced,
             std::vector<std::string>& not_enforced);

  // In the forked child, before exec: move this process into the cgroups.
  // Async-signal-safe (only write(2) on descriptors opened by setup()). False when
  // the kernel refused: the caller must not start the command then.
  bool join_in_child() const;

  // From the parent: move process `pid` into the cgroups (the namespace runner's
  // child, which is in its own user namespace by the time it could do it itself).
  bool add_process(pid_t pid) const;

  // After the run: limits the kernel had to enforce ("out of memory: the kernel killed
  // 1 process", "pids limit reached"), for the report. Empty when none was hit.
  std::vector<std::string> events() const;

  // Close the descriptors setup() opened (parent, once the child is started).
  void close_fds();

 private:
  std::vector<std::string> dirs_;  // created by us, removed in the destructor
  std::vector<int> procs_fds_;     // cgroup.procs of each, open for writing
};

// "1 GiB", "512 MiB".
std::string format_bytes(std::uint64_t bytes);
// "1.0", "0.25".
std::string format_cpus(double cpus);

}  // namespace vg::sandbox
