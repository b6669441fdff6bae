// Starting the sandbox process and staying with it: the caller's terminal signals are
// passed on to the sandbox's init, and its exit status comes back as a shell's `$?`.
// Shared by the runners that drive a local helper process (bubblewrap, namespace).
#pragma once

#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/rlimits.h"

namespace vg::sandbox {

struct Launch {
  std::string path;                  // program to exec, absolute
  std::vector<std::string> argv;
  std::vector<std::string> env;      // NAME=VALUE, the complete environment
  std::vector<int> pass_fds;         // become fds 3, 4, ... in the child; closed here after fork
  const CgroupLimits* cgroups = nullptr;
  RlimitPlan rlimits;
  bool interactive = false;          // terminal signals reach the sandbox directly
  int info_fd = -1;                  // read end: JSON with "child-pid" (bwrap --info-fd)
  int ready_fd = -1;                 // read end: one byte once our init runs inside
};

struct LaunchResult {
  int status = 125;      // like `$?`
  bool started = false;  // our init ran inside the sandbox (setup succeeded)
};

// Fork, exec and wait. Only fds 0-2 and pass_fds reach the child: a stray host
// descriptor inside the sandbox would be a way out of it.
LaunchResult launch_and_wait(const Launch& launch, std::string& error);

}  // namespace vg::sandbox
