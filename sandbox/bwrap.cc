#include "sandbox/bwrap.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sandbox/network.h"
#include "sandbox/changes.h"
#include "sandbox/child_status.h"
#include "sandbox/seccomp.h"
#include "sandbox/supervise.h"

namespace vg::sandbox {

namespace {

void add(std::vector<std::string>& v, std::initializer_list<std::string> items) {
  v.insert(v.end(), items);
}

}  // namespace

std::vector<std::string> overlayable_root_dirs() {
  std::vector<std::string> out;
  DIR* d = opendir("/");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == "proc" || name == "dev" || name == "sys" ||
        name == "tmp" || name == "run")
      continue;
    struct stat st;
    std::string path = "/" + name;
    if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(path);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> bwrap_argv(const SandboxSpec& spec, const BwrapOptions& o) {
  std::vector<std::string> a = {o.bwrap_path};
  // Process isolation: its own session (no TIOCSTI into our terminal) unless it is an
  // interactive shell that must own the terminal; every namespace; no capabilities.
  if (!spec.interactive) a.push_back("--new-session");
  add(a, {"--die-with-parent", "--unshare-all"});
  if (spec.network == NetworkMode::Full) a.push_back("--share-net");
  add(a, {"--cap-drop", "ALL", "--as-pid-1"});
  add(a, {"--seccomp", std::to_string(o.fds.seccomp), "--info-fd", std::to_string(o.fds.info)});

  // The root: the host's, read-only; a writable root gets a tmpfs-backed overlay per
  // top-level directory, so writes land in memory and vanish at exit.
  add(a, {"--ro-bind", "/", "/"});
  if (spec.root == RootFs::WritableDiscarded && o.overlay) {
    for (const std::string& dir : o.root_dirs) {
      if (std::find(o.kept_dirs.begin(), o.kept_dirs.end(), dir) != o.kept_dirs.end())
        add(a, {"--overlay-src", dir, "--overlay", spec.changes_dir + "/upper" + dir,
                spec.changes_dir + "/work" + dir, dir});
      else
        add(a, {"--overlay-src", dir, "--tmp-overlay", dir});
    }
  }
  for (const Mount& m : spec.mounts) {
    switch (m.kind) {
      case MountKind::RoBind: add(a, {"--ro-bind", m.source, m.target}); break;
      case MountKind::RwBind: add(a, {"--bind", m.source, m.target}); break;
      case MountKind::Tmpfs: add(a, {"--tmpfs", m.target}); break;
      case MountKind::Proc: add(a, {"--proc", m.target}); break;
      case MountKind::Dev: add(a, {"--dev", m.target}); break;
      case MountKind::Hide:
        if (m.directory)
          add(a, {"--perms", "0000", "--tmpfs", m.target, "--remount-ro", m.target});
        else
          add(a, {"--ro-bind", "/dev/null", m.target});
        break;
    }
  }
  add(a, {"--chdir", spec.cwd, "--"});

  // Our init runs from the descriptor: it need not be visible inside the sandbox.
  a.push_back("/proc/self/fd/" + std::to_string(o.fds.init));
  add(a, {"--ready-fd", std::to_string(o.fds.ready)});
  if (o.proxy) {
    std::vector<std::string> p = init_proxy_args(o.fds.proxy, o.forward_ports);
    a.insert(a.end(), p.begin(), p.end());
  }
  if (spec.timeout_seconds > 0) add(a, {"--timeout", std::to_string(spec.timeout_seconds)});
  if (spec.interactive) a.push_back("--interactive");
  a.push_back("--");
  a.insert(a.end(), spec.argv.begin(), spec.argv.end());
  return a;
}

std::string find_init_binary(Report& report) {
  std::string path = helper_binary("vg-init");
  if (!path.empty()) return path;
  report.error = "the sandbox helper vg-init is missing next to vectra-guard; reinstall vectra-guard";
  return "";
}

void report_workspace_and_network(const SandboxSpec& spec, Report& report) {
  report.enforced.push_back(workspace_line(spec));
  if (spec.network == NetworkMode::Restricted) return;  // start_restricted_network says more
  report.enforced.push_back("network " + std::string(to_string(spec.network)) +
                            (spec.network == NetworkMode::Full ? " (host network)"
                                                               : " (empty namespace, loopback only)"));
}

std::vector<std::string> init_proxy_args(int fd, const std::vector<int>& forward_ports) {
  std::vector<std::string> a = {"--proxy-fd", std::to_string(fd), "--proxy-port", std::to_string(kSandboxProxyPort)};
  for (int p : forward_ports) add(a, {"--forward-port", std::to_string(p)});
  return a;
}

bool start_restricted_network(SandboxSpec& spec, ProxyProcess& proxy, Report& report) {
  if (!proxy.start(spec.net_policy, false, report.error)) return false;
  set_proxy_env(spec.env, proxy.port());
  report.enforced.push_back(restricted_network_line(spec.net_policy, "empty namespace; vg-init bridges 127.0.0.1:" +
                                                                         std::to_string(proxy.port()) + " to vg-proxy"));
  return true;
}

bool BwrapRunner::prepare(SandboxSpec& spec, Report& report) {
  options_.bwrap_path = probe_.path;
  options_.overlay = probe_.overlay;
  if (spec.root == RootFs::WritableDiscarded) {
    if (probe_.overlay) {
      options_.root_dirs = overlayable_root_dirs();
      if (!spec.changes_dir.empty()) {
        KeptChanges k;
        if (!prepare_kept_changes(spec.changes_dir, options_.root_dirs, k, report.error)) return false;
        options_.kept_dirs = k.kept;
        report.enforced.push_back("root filesystem writable, changes kept in " + spec.changes_dir + "/upper");
        for (const std::string& d : k.discarded)
          report.not_enforced.push_back("keeping changes under " + d + ": it holds " + spec.changes_dir +
                                        " itself, so they are discarded there");
      } else {
        report.enforced.push_back("root filesystem writable, changes discarded (tmpfs overlay)");
      }
    } else {
      spec.root = RootFs::ReadOnly;
      spec.changes_dir.clear();
      report.not_enforced.push_back("writable root with changes discarded: bubblewrap " +
                                    probe_.version +
                                    " has no --overlay, so the root is read-only instead");
    }
  }
  if (spec.root == RootFs::ReadOnly) report.enforced.push_back("root filesystem read-only");
  report_workspace_and_network(spec, report);

  init_path_ = find_init_binary(report);
  if (init_path_.empty()) return false;
  if (spec.network == NetworkMode::Restricted) {
    if (!start_restricted_network(spec, proxy_, report)) return false;
    options_.proxy = true;
    options_.forward_ports = spec.net_policy.localhost_ports;
  }
  seccomp_fd_ = seccomp_bpf_memfd(spec.seccomp, report.error);
  if (seccomp_fd_ < 0) return false;
  report.enforced.push_back(spec.seccomp.profile_path.empty()
                                ? std::string("seccomp filter (built-in)")
                                : "seccomp filter (" + spec.seccomp.profile_path + ")");
  report.enforced.push_back("no capabilities, no_new_privs, own PID namespace");
  if (spec.timeout_seconds > 0)
    report.enforced.push_back("timeout " + std::to_string(spec.timeout_seconds) + " s");

  cgroups_.setup(spec.limits, report.enforced, report.not_enforced);
  // The per-process floor, only when no cgroup holds the sandbox's memory.
  bool memory_by_cgroup = std::any_of(report.enforced.begin(), report.enforced.end(),
                                      [](const std::string& s) { return s.rfind("memory", 0) == 0; });
  if (!memory_by_cgroup) rlimits_ = plan_rlimits(spec.limits, report.enforced, report.not_enforced);
  return true;
}

int BwrapRunner::run(const SandboxSpec& spec, Report& report) {
  int init_fd = open(init_path_.c_str(), O_RDONLY | O_CLOEXEC);
  int info[2], ready[2];
  if (init_fd < 0 || pipe2(info, O_CLOEXEC) != 0) {
    report.error = std::string("cannot start the sandbox (") + strerror(errno) + ")";
    return 125;
  }
  if (pipe2(ready, O_CLOEXEC) != 0) {
    report.error = std::string("cannot start the sandbox (") + strerror(errno) + ")";
    return 125;
  }
  Launch l;
  l.path = options_.bwrap_path;
  l.argv = bwrap_argv(spec, options_);
  l.env = spec.env;
  l.pass_fds = {seccomp_fd_, info[1], init_fd, ready[1]};  // = BwrapFds order
  if (options_.proxy) {
    l.pass_fds.push_back(proxy_.sandbox_fd());  // fd 7
    proxy_.forget_sandbox_fd();
  }
  l.cgroups = &cgroups_;
  l.rlimits = rlimits_;
  l.interactive = spec.interactive;
  l.info_fd = info[0];
  l.ready_fd = ready[0];
  seccomp_fd_ = -1;  // launch_and_wait closes the passed fds
  LaunchResult r = launch_and_wait(l, report.error);
  cgroups_.close_fds();
  report.network_blocked = proxy_.finish();
  if (!report.error.empty()) return 125;
  if (!r.started) {
    report.error = "bubblewrap could not set up the sandbox (its message is above); "
                   "check that the workspace and bind mounts exist";
    return 125;
  }
  return r.status;
}

}  // namespace vg::sandbox
