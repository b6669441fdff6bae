// Resource limits (setrlimit) as the floor under cgroups: they work everywhere, but
// only per process, and without CAP_SYS_RESOURCE they can only be lowered.
#pragma once

#include <sys/resource.h>

#include <string>
#include <vector>

#include "sandbox/spec.h"

namespace vg::sandbox {

struct RlimitPlan {
  rlim_t data_bytes = RLIM_INFINITY;  // RLIMIT_DATA: heap and private writable mappings
  // The floor the namespace and Landlock runners add (RLIM_INFINITY = left as it is).
  rlim_t core = RLIM_INFINITY;        // RLIMIT_CORE: 0, no core dumps of sandboxed memory
  rlim_t nofile = RLIM_INFINITY;      // RLIMIT_NOFILE
  rlim_t nproc = RLIM_INFINITY;       // RLIMIT_NPROC: processes of the user (no pids cgroup)
};

// Decide the rlimits for `limits`, describing them in enforced/not_enforced.
// RLIMIT_DATA (not RLIMIT_AS) so runtimes that reserve large address ranges
// (V8, Go, the JVM) still start.
RlimitPlan plan_rlimits(const Limits& limits, std::vector<std::string>& enforced,
                        std::vector<std::string>& not_enforced);

// The floor under any limits: no core dumps, at most 8192 open files, and, when no
// cgroup holds the pids limit (`pids_by_cgroup` false), RLIMIT_NPROC = limits.pids.
void plan_rlimit_floor(const Limits& limits, bool pids_by_cgroup, RlimitPlan& plan,
                       std::vector<std::string>& enforced);

// In the forked child, before exec (async-signal-safe). Only ever lowers a limit.
bool apply_rlimits_in_child(const RlimitPlan& plan);

}  // namespace vg::sandbox
