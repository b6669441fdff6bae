// The bubblewrap runner: translates a SandboxSpec into a `bwrap` command line, runs
// it with our init (vg-init) as the sandbox's PID 1, and supervises it.
#pragma once

#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/probe.h"
#include "sandbox/proxy_host.h"
#include "sandbox/rlimits.h"
#include "sandbox/runner.h"

namespace vg::sandbox {

// Descriptor numbers inside bwrap (supervise.h puts the fds there).
struct BwrapFds {
  int seccomp = 3;  // BPF program (--seccomp)
  int info = 4;     // bwrap writes {"child-pid": N} (--info-fd)
  int init = 5;     // vg-init itself, executed as /proc/self/fd/5
  int ready = 6;    // vg-init writes one byte here once it runs
  int proxy = 7;    // restricted network: vg-init's socket to vg-proxy
};

struct BwrapOptions {
  std::string bwrap_path = "/usr/bin/bwrap";
  bool overlay = false;                 // this bwrap has --overlay-src/--tmp-overlay
  std::vector<std::string> root_dirs;   // top-level host dirs to overlay (writable root)
  std::vector<std::string> kept_dirs;   // of those, the ones whose changes go to spec.changes_dir
  BwrapFds fds;
  bool proxy = false;                   // restricted: vg-init bridges to vg-proxy
  std::vector<int> forward_ports;       // allow_localhost_ports, bridged too
};

// The complete argv (argv[0] = bwrap_path). Pure: tests call it directly.
std::vector<std::string> bwrap_argv(const SandboxSpec& spec, const BwrapOptions& options);

// Top-level directories of "/" that a writable root overlays (not /proc, /dev, /sys,
// /tmp, /run).
std::vector<std::string> overlayable_root_dirs();

class BwrapRunner : public Runner {
 public:
  explicit BwrapRunner(BwrapProbe probe) : probe_(std::move(probe)) {}
  std::string_view name() const override { return "bubblewrap"; }
  bool prepare(SandboxSpec& spec, Report& report) override;
  int run(const SandboxSpec& spec, Report& report) override;

 private:
  BwrapProbe probe_;
  BwrapOptions options_;
  CgroupLimits cgroups_;
  RlimitPlan rlimits_;
  int seccomp_fd_ = -1;
  std::string init_path_;
  ProxyProcess proxy_;
};

// vg-init next to our own executable (or in ../libexec/vectra-guard); "" with
// report.error set when it is missing.
std::string find_init_binary(Report& report);

// The report lines every namespace-based runner gives: workspace and network.
void report_workspace_and_network(const SandboxSpec& spec, Report& report);

// For the restricted network: start vg-proxy (bridged through vg-init), point the
// command's environment at it and report it. False: report.error says why.
bool start_restricted_network(SandboxSpec& spec, ProxyProcess& proxy, Report& report);

// vg-init's options for the bridge: --proxy-fd FD --proxy-port P --forward-port X...
std::vector<std::string> init_proxy_args(int fd, const std::vector<int>& forward_ports);

}  // namespace vg::sandbox
