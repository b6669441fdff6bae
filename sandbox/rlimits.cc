#include "sandbox/rlimits.h"

#include "sandbox/cgroup.h"

namespace vg::sandbox {

RlimitPlan plan_rlimits(const Limits& limits, std::vector<std::string>& enforced,
                        std::vector<std::string>& not_enforced) {
  RlimitPlan plan;
  if (!limits.memory_bytes) return plan;
  struct rlimit cur;
  if (getrlimit(RLIMIT_DATA, &cur) != 0) {
    not_enforced.push_back("memory " + format_bytes(limits.memory_bytes) +
                           " per process: RLIMIT_DATA cannot be read");
    return plan;
  }
  // Lowering is always allowed; a hard limit already below ours stays as it is.
  plan.data_bytes = limits.memory_bytes;
  if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < plan.data_bytes) plan.data_bytes = cur.rlim_max;
  enforced.push_back("memory " + format_bytes(plan.data_bytes) + " per process (RLIMIT_DATA)");
  return plan;
}

bool apply_rlimits_in_child(const RlimitPlan& plan) {
  if (plan.data_bytes == RLIM_INFINITY) return true;
  struct rlimit lim = {plan.data_bytes, plan.data_bytes};
  return setrlimit(RLIMIT_DATA, &lim) == 0;
}

}  // namespace vg::sandbox
