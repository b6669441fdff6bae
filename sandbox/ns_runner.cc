#include "sandbox/ns_runner.h"
#include "sandbox/child_status.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sandbox/bwrap.h"
#include "sandbox/changes.h"
#include "sandbox/probe.h"
#include "sandbox/seccomp.h"

namespace vg::sandbox {

namespace {


// Everything the child reads, prepared by the parent.
struct ChildContext {
  const ns::MountPlan* plan;
  const RlimitPlan* rlimits;
  const std::vector<sock_filter>* seccomp;
  char* const* argv;
  char* const* envp;
  const sigset_t* old_mask;
  int sync_read, sync_write, err_read, err_write, init_fd;
  int proxy_fd;  // restricted: vg-init's socket to vg-proxy (-1 otherwise)
  bool new_net, interactive;
};

// Child: report why setup failed on the error pipe and leave. Only write(2).
[[noreturn]] void child_fail(int fd, const char* what, int err) {
  auto put = [fd](const char* s) {
    ssize_t ignored = write(fd, s, std::strlen(s));
    (void)ignored;
  };
  put("the namespace sandbox could not ");
  put(what);
  if (err) {
    put(" (");
    put(strerrordesc_np(err));
    put(")");
  }
  _exit(125);
}

[[noreturn]] void child_main(const ChildContext& c) {
  close(c.sync_write);
  close(c.err_read);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Wait for the parent: uid/gid maps written, cgroups joined.
  char go = 0;
  if (read(c.sync_read, &go, 1) != 1 || go != 'G') _exit(125);
  close(c.sync_read);
  const int fd = c.err_write;
  // Our cgroup (the sandbox's own, when limits apply) becomes the namespace's root.
  if (unshare(CLONE_NEWCGROUP) != 0) child_fail(fd, "create a cgroup namespace", errno);
  const char* failed = nullptr;
  int err = 0;
  if (!ns::apply_mount_plan(*c.plan, &failed, &err)) {
    char what[256] = "set up the filesystem: ";
    std::strncat(what, failed, sizeof what - std::strlen(what) - 1);
    child_fail(fd, what, err);
  }
  if (c.new_net)
    if (int e = ns::loopback_up()) child_fail(fd, "bring up loopback", e);
  if (!apply_rlimits_in_child(*c.rlimits)) child_fail(fd, "set resource limits", errno);
  // Its own session: no TIOCSTI into the caller's terminal (the shell keeps it).
  if (!c.interactive && setsid() < 0) child_fail(fd, "start a new session", errno);
  if (const char* what = ns::drop_privileges()) child_fail(fd, what, errno);
  if (int e = ns::load_seccomp(*c.seccomp)) child_fail(fd, "load the seccomp filter", e);
  // Only stdin, stdout and stderr go further; the error pipe closes at exec.
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  if (c.proxy_fd >= 0 && fcntl(c.proxy_fd, F_SETFD, 0) != 0) child_fail(fd, "keep the network proxy's socket", errno);
  sigprocmask(SIG_SETMASK, c.old_mask, nullptr);
  syscall(SYS_execveat, c.init_fd, "", c.argv, c.envp, AT_EMPTY_PATH);
  child_fail(fd, "start vg-init", errno);
}

}  // namespace

std::vector<std::string> init_argv(const SandboxSpec& spec) {
  std::vector<std::string> a = {"vg-init"};
  if (spec.timeout_seconds > 0) {
    a.push_back("--timeout");
    a.push_back(std::to_string(spec.timeout_seconds));
  }
  if (spec.interactive) a.push_back("--interactive");
  a.push_back("--");
  a.insert(a.end(), spec.argv.begin(), spec.argv.end());
  return a;
}

bool NamespaceRunner::prepare(SandboxSpec& spec, Report& report) {
  std::vector<std::string> overlay_dirs;
  if (spec.root == RootFs::WritableDiscarded && geteuid() != 0) {
    // Only our own id is mapped inside: overlayfs cannot copy up the root-owned
    // directories above any path, so a write would fail anyway. Say so; read-only.
    spec.root = RootFs::ReadOnly;
    spec.changes_dir.clear();
    report.not_enforced.push_back(
        "writable root with changes discarded: as a non-root user the host's system files belong to "
        "ids not mapped in the sandbox, so overlayfs cannot copy them up; the root is read-only instead");
  }
  if (spec.root == RootFs::WritableDiscarded) {
    overlay_dirs = overlayable_root_dirs();
    std::vector<std::string> locked = ns::dirs_with_submounts(overlay_dirs);
    std::erase_if(overlay_dirs, [&](const std::string& d) {
      return std::find(locked.begin(), locked.end(), d) != locked.end();
    });
    if (!spec.changes_dir.empty()) {
      KeptChanges k;
      if (!prepare_kept_changes(spec.changes_dir, overlay_dirs, k, report.error)) return false;
      kept_dirs_ = k.kept;
      report.enforced.push_back("root filesystem writable, changes kept in " + spec.changes_dir +
                                "/upper (overlayfs)");
      for (const std::string& d : k.discarded)
        report.not_enforced.push_back("keeping changes under " + d + ": it holds " + spec.changes_dir +
                                      " itself, so they are discarded there");
    } else {
      report.enforced.push_back("root filesystem writable, changes discarded (overlayfs on a private tmpfs)");
    }
    for (const std::string& d : locked)
      report.not_enforced.push_back("writable " + d + ": it has mounts below it, which overlayfs cannot "
                                    "take in a user namespace, so it stays read-only");
  } else {
    report.enforced.push_back("root filesystem read-only");
  }
  if (!spec.review_dir.empty()) {
    // Overlay options cannot carry these characters, and a lower layer's submounts are
    // not part of it (the command would see the directories under them empty).
    for (const std::string& p : {spec.workspace, spec.review_dir})
      if (p.find_first_of(",:\\") != std::string::npos) {
        report.error = "review mode cannot mount " + p + " copy-on-write: its path holds ',', ':' or '\\'; "
                       "move it, or run with review = never";
        return false;
      }
    if (!ns::dirs_with_submounts({spec.workspace}).empty()) {
      report.error = "review mode cannot show " + spec.workspace +
                     " copy-on-write: other file systems are mounted inside it; unmount them, or run with review = never";
      return false;
    }
  }
  report_workspace_and_network(spec, report);
  init_path_ = find_init_binary(report);
  if (init_path_.empty()) return false;
  if (spec.network == NetworkMode::Restricted && !start_restricted_network(spec, proxy_, report)) return false;
  int memfd = seccomp_bpf_memfd(spec.seccomp, report.error);
  if (memfd < 0) return false;
  bool ok = ns::read_bpf(memfd, seccomp_, report.error);
  close(memfd);
  if (!ok) return false;
  report.enforced.push_back(spec.seccomp.profile_path.empty()
                                ? std::string("seccomp filter (built-in)")
                                : "seccomp filter (" + spec.seccomp.profile_path + ")");
  report.enforced.push_back("no capabilities, no_new_privs, own user, PID, mount, IPC and UTS namespaces");
  if (spec.timeout_seconds > 0)
    report.enforced.push_back("timeout " + std::to_string(spec.timeout_seconds) + " s");

  cgroups_.setup(spec.limits, report.enforced, report.not_enforced);
  auto by_cgroup = [&](const char* what) {
    return std::any_of(report.enforced.begin(), report.enforced.end(),
                       [&](const std::string& s) { return s.rfind(what, 0) == 0 && s.find("(cgroup") != std::string::npos; });
  };
  if (!by_cgroup("memory")) rlimits_ = plan_rlimits(spec.limits, report.enforced, report.not_enforced);
  plan_rlimit_floor(spec.limits, by_cgroup("pids"), rlimits_, report.enforced);

  plan_ = ns::plan_mounts(spec, overlay_dirs, kept_dirs_);
  init_argv_ = init_argv(spec);
  if (proxy_.running()) {
    // vg-init keeps the descriptor's number: the child inherits it as it is.
    std::vector<std::string> p = init_proxy_args(proxy_.sandbox_fd(), spec.net_policy.localhost_ports);
    init_argv_.insert(init_argv_.begin() + 1, p.begin(), p.end());
  }
  return true;
}

int NamespaceRunner::run(const SandboxSpec& spec, Report& report) {
  auto sys_error = [&](const char* what) {
    report.error = std::string("cannot start the sandbox (") + what + ": " + strerror(errno) + ")";
    return 125;
  };
  int init_fd = open(init_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (init_fd < 0) return sys_error("vg-init");
  int sync[2], err[2];
  if (pipe2(sync, O_CLOEXEC) != 0) return sys_error("pipe");
  if (pipe2(err, O_CLOEXEC) != 0) return sys_error("pipe");
  std::vector<char*> argv = c_strings(init_argv_), envp = c_strings(spec.env);

  sigset_t old_mask;
  int sfd = forwarded_signals_fd(&old_mask);
  if (sfd >= 0 && !spec.interactive) take_job_control_signals(sfd);

  const bool new_net = spec.network != NetworkMode::Full;
  ChildContext ctx{&plan_,  &rlimits_, &seccomp_, argv.data(), envp.data(), &old_mask, sync[0], sync[1],
                   err[0],  err[1],    init_fd,   proxy_.sandbox_fd(), new_net, spec.interactive};
  unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (new_net) flags |= CLONE_NEWNET;
  // fork(2) semantics (own copy of memory, same stack position) plus the namespaces.
  pid_t pid = static_cast<pid_t>(syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
  if (pid == 0) child_main(ctx);
  int clone_errno = errno;
  close(sync[0]);
  close(err[1]);
  close(init_fd);
  proxy_.finish_handover();  // the child has its copy: vg-proxy sees the end when vg-init exits

  auto finish = [&](int status) {
    close(sync[1]);
    close(err[0]);
    if (sfd >= 0) close(sfd);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    cgroups_.close_fds();
    report.network_blocked = proxy_.finish();
    return status;
  };
  if (pid < 0 || sfd < 0) {
    std::string blocker = userns_blocker();
    report.error = !blocker.empty() ? "the namespace sandbox cannot start here: " + blocker
                                    : std::string("the namespace sandbox cannot start here (clone: ") +
                                          strerror(clone_errno) +
                                          "); run 'vectra-guard sandbox doctor' to see what works";
    return finish(125);
  }
  auto abandon = [&]() {
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return finish(125);
  };
  if (!ns::write_id_maps(pid, spec.uid, spec.gid, report.error)) return abandon();
  if (!cgroups_.add_process(pid)) {
    report.error = std::string("the kernel refused to move the sandbox into its cgroup (") + strerror(errno) + ")";
    return abandon();
  }
  if (write(sync[1], "G", 1) != 1) return sys_error("sync");

  // The error pipe closes when vg-init is executed (close-on-exec) or the child exits.
  std::string message;
  char buf[512];
  ssize_t n;
  while ((n = read(err[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) message.append(buf, static_cast<size_t>(n));
  if (!message.empty()) {
    report.error = message;
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return finish(125);
  }

  int wstatus = 0;
  bool exited = false;
  while (!exited) {
    struct pollfd pfd = {sfd, POLLIN, 0};
    if (poll(&pfd, 1, -1) < 0 && errno != EINTR) break;
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) == sizeof si) {
      int sig = static_cast<int>(si.ssi_signo);
      if (sig == SIGCHLD) {
        if (waitpid(pid, &wstatus, WNOHANG) == pid) exited = true;
        continue;
      }
      // On a terminal the sandbox is in the foreground group and already got them.
      if (spec.interactive && (sig == SIGINT || sig == SIGQUIT || sig == SIGWINCH)) continue;
      kill(pid, sig);  // SIGTSTP/SIGCONT: vg-init stops/continues the command
      if (sig == SIGTSTP) stop_for_job_control();
    }
  }
  for (const std::string& e : cgroups_.events()) std::fprintf(stderr, "📦 Sandbox: %s.\n", e.c_str());
  return finish(exited ? shell_status(wstatus) : 125);
}

}  // namespace vg::sandbox
