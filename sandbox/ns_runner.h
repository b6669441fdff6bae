// The namespace runner (`--runtime namespace`): our own container runtime, needing
// nothing but the kernel. One clone() with new user, mount, PID, IPC, UTS (and network
// unless "full") namespaces; the parent writes the uid/gid maps and moves the child into
// its cgroups, then lets it go; the child builds the filesystem view (ns_mount.cc),
// brings up loopback, enters a new cgroup namespace, applies the rlimits, drops every
// capability, sets no_new_privs, loads the seccomp filter last and executes vg-init
// (from a descriptor) as the sandbox's PID 1.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/ns_setup.h"
#include "sandbox/proxy_host.h"
#include "sandbox/rlimits.h"
#include "sandbox/runner.h"

namespace vg::sandbox {

class NamespaceRunner : public Runner {
 public:
  std::string_view name() const override { return "namespace"; }
  bool prepare(SandboxSpec& spec, Report& report) override;
  int run(const SandboxSpec& spec, Report& report) override;
  bool supports_review() const override { return true; }

 private:
  ns::MountPlan plan_;
  std::vector<std::string> kept_dirs_;  // keep_changes: overlay dirs with an on-disk upper layer
  CgroupLimits cgroups_;
  RlimitPlan rlimits_;
  std::vector<sock_filter> seccomp_;
  std::string init_path_;
  std::vector<std::string> init_argv_;
  ProxyProcess proxy_;
};

// The vg-init command line for a spec (argv[0] "vg-init"). Pure: tests call it.
std::vector<std::string> init_argv(const SandboxSpec& spec);

}  // namespace vg::sandbox
