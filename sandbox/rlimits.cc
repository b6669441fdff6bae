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
  // The kernel counts only private writable mappings against RLIMIT_DATA. RLIMIT_AS would
  // count shared ones but stops V8, Go and the JVM; a sized /dev/shm would leave memfd and
  // shared anonymous mappings. Only a memory cgroup charges them all.
  not_enforced.push_back("memory in shared mappings (memfd, /dev/shm, MAP_SHARED|MAP_ANONYMOUS) and in tmpfs "
                         "files such as /tmp: RLIMIT_DATA does not count it, only a cgroup memory limit would");
  return plan;
}

void plan_rlimit_floor(const Limits& limits, bool pids_by_cgroup, RlimitPlan& plan,
                       std::vector<std::string>& enforced) {
  plan.core = 0;
  plan.nofile = 8192;
  enforced.push_back("no core dumps, at most 8192 open files per process (rlimits)");
  if (limits.pids && !pids_by_cgroup) {
    plan.nproc = static_cast<rlim_t>(limits.pids);
    enforced.push_back("pids " + std::to_string(limits.pids) +
                       " for the user inside the sandbox (RLIMIT_NPROC)");
  }
}

namespace {

// Lower one limit to `value` (never raise: a hard limit already below stays).
bool lower(int resource, rlim_t value) {
  if (value == RLIM_INFINITY) return true;
  struct rlimit cur;
  if (getrlimit(resource, &cur) != 0) return false;
  if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < value) value = cur.rlim_max;
  struct rlimit lim = {value, value};
  return setrlimit(resource, &lim) == 0;
}

}  // namespace

bool apply_rlimits_in_child(const RlimitPlan& plan) {
  return lower(RLIMIT_DATA, plan.data_bytes) && lower(RLIMIT_CORE, plan.core) &&
         lower(RLIMIT_NOFILE, plan.nofile) && lower(RLIMIT_NPROC, plan.nproc);
}

}  // namespace vg::sandbox
