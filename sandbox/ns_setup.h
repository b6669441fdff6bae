// The namespace runner's building blocks, one concern per file (like nsjail):
//   ns_user.cc   uid/gid maps and setgroups (written by the parent)
//   ns_mount.cc  the filesystem view: a mount plan built in the parent, applied in the child
//   ns_net.cc    loopback in an empty network namespace
//   ns_caps.cc   capabilities dropped, no_new_privs, the seccomp filter
// Everything marked "child" runs between clone() and exec in a process that may have
// been cloned from a multi-threaded parent: it only makes system calls and reads
// memory prepared beforehand (no allocation, no locks).
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/spec.h"

namespace vg::sandbox::ns {

// ---- ns_user.cc (parent) ----
// Map `uid`/`gid` to themselves in the user namespace of `pid` and deny setgroups(2):
// the invoking user stays who they are, every other id is the overflow id.
bool write_id_maps(pid_t pid, uid_t uid, gid_t gid, std::string& error);

// ---- ns_mount.cc ----
// One step of the mount plan. Paths are absolute in the child's staging root, where the
// host's root is at /oldroot and the sandbox's root is assembled at /newroot.
struct MountStep {
  enum Op {
    MakeDir,   // mkdir -p a (EEXIST is fine)
    MakeFile,  // create an empty file a (and its parents) unless something is there
    Bind,      // bind a onto b, recursively
    SetAttr,   // mount_setattr(a, recursive, flags = MOUNT_ATTR_* to set)
    Mount,     // mount fstype c at b with data d and flags
    Symlink,   // symlink a -> b (b is the link)
    Chmod,     // chmod a to mode
  };
  Op op;
  std::string a, b, c, d;
  unsigned long flags = 0;
  unsigned mode = 0;
  bool optional = false;  // a failure is ignored (e.g. /proc/sysrq-trigger missing)
  std::string what;       // for the error message: "mount the workspace /x"
};

struct MountPlan {
  std::vector<MountStep> steps;
  std::string cwd;  // inside the new root, after pivot_root
};

// Translate the spec's filesystem view (root, overlays, spec.mounts in order) into steps.
// `overlay_dirs`: the top-level directories that get a tmpfs-backed overlay when the
// root is "writable, changes discarded" (empty: read-only root). Pure: tests call it.
// `kept`: overlay dirs whose upper layer lives on disk under spec.changes_dir (keep_changes).
MountPlan plan_mounts(const SandboxSpec& spec, const std::vector<std::string>& overlay_dirs,
                      const std::vector<std::string>& kept = {});

// Of `dirs`, those with another mount below them: overlayfs cannot use them as a lower
// layer inside a user namespace (their submounts are locked), so they stay read-only.
std::vector<std::string> dirs_with_submounts(const std::vector<std::string>& dirs);

// Child: make mounts private, stage a tmpfs, run the plan, pivot into /newroot, detach
// the host's root and chdir to plan.cwd. On failure returns false and points `failed`
// at the step's description (static storage or the plan's own strings), `err` = errno.
bool apply_mount_plan(const MountPlan& plan, const char** failed, int* err);

// ---- ns_net.cc (child) ----
// Bring "lo" up in the current (fresh) network namespace. Returns errno or 0.
int loopback_up();

// ---- ns_caps.cc (child) ----
// Drop every capability (ambient, bounding, effective, permitted, inheritable) with prctl
// and capset(2), then set no_new_privs. Returns a description of what failed, or nullptr.
const char* drop_privileges();

// Install a classic-BPF seccomp program (after drop_privileges: no_new_privs is set).
// Returns errno or 0.
int load_seccomp(const std::vector<sock_filter>& program);

// Parent: read the BPF program from the sealed memfd seccomp_bpf_memfd() made.
bool read_bpf(int memfd, std::vector<sock_filter>& program, std::string& error);

}  // namespace vg::sandbox::ns
