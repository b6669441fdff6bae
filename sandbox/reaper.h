// No process of a run may outlive it. The Landlock runtime has no PID namespace whose
// end would take them all, and a `setsid` child leaves the command's process group: the
// runner becomes a child subreaper (every orphan of the sandbox is re-parented to it)
// and, once the command has ended or timed out, kills its descendants until none is left.
#pragma once

#include <sys/types.h>

#include <vector>

namespace vg::sandbox {

// Make this process the subreaper of its descendants (PR_SET_CHILD_SUBREAPER).
bool become_subreaper();

// This process's children (every thread's), by pid.
std::vector<pid_t> children_of_self();

// SIGKILL every child but `spare` (and whatever they started, as each orphan arrives),
// reaping them, until only `spare` is left. Returns how many were killed.
int kill_descendants(pid_t spare = -1);

}  // namespace vg::sandbox
