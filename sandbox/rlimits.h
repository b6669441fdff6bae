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
};

// Decide the rlimits for `limits`, describing them in enforced/not_enforced.
// RLIMIT_DATA (not RLIMIT_AS) so runtimes that reserve large address ranges
// (V8, Go, the JVM) still start.
RlimitPlan plan_rlimits(const Limits& limits, std::vector<std::string>& enforced,
                        std::vector<std::string>& not_enforced);

// In the forked child, before exec (async-signal-safe). Only ever lowers a limit.
bool apply_rlimits_in_child(const RlimitPlan& plan);

}  // namespace vg::sandbox
