#include "sandbox/supervise.h"
#include "sandbox/child_status.h"

#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace vg::sandbox {

namespace {


void child_fail(const char* what) {
  const char* msg = "vectra-guard: cannot start the sandbox: ";
  ssize_t ignored = write(2, msg, strlen(msg));
  ignored = write(2, what, strlen(what));
  ignored = write(2, ".\n", 2);
  (void)ignored;
  _exit(125);
}

// In the child (vfork-like, sharing our memory): only async-signal-safe calls, nothing
// that allocates or writes shared state.
[[noreturn]] void exec_child(const Launch& l, char* const* argv, char* const* envp,
                             const sigset_t& old_mask) {
  if (l.cgroups && !l.cgroups->join_in_child()) child_fail("the kernel refused to move it into its cgroup");
  if (!apply_rlimits_in_child(l.rlimits)) child_fail("setrlimit failed");
  // Park the fds above any target number, then put them at 3, 4, ...
  const int n = static_cast<int>(l.pass_fds.size());
  int parked[16];
  if (n > 16) child_fail("too many descriptors to pass");
  for (int i = 0; i < n; ++i) {
    parked[i] = fcntl(l.pass_fds[i], F_DUPFD_CLOEXEC, 64);
    if (parked[i] < 0) child_fail("dup failed");
  }
  for (int i = 0; i < n; ++i)
    if (dup2(parked[i], 3 + i) < 0) child_fail("dup2 failed");
  syscall(SYS_close_range, 3 + n, ~0U, 0);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  execve(l.path.c_str(), argv, envp);
  child_fail(strerror(errno));
  _exit(125);
}

struct ChildArgs {
  const Launch* launch;
  char* const* argv;
  char* const* envp;
  const sigset_t* old_mask;
};

int child_main(void* p) {
  auto* a = static_cast<ChildArgs*>(p);
  exec_child(*a->launch, a->argv, a->envp, *a->old_mask);
}

}  // namespace

LaunchResult launch_and_wait(const Launch& l, std::string& error) {
  LaunchResult result;
  std::vector<char*> argv = c_strings(l.argv), envp = c_strings(l.env);

  sigset_t old_mask;
  int sfd = forwarded_signals_fd(&old_mask);
  if (sfd >= 0 && !l.interactive) take_job_control_signals(sfd);

  // vfork semantics on a stack of its own: no copy of our page tables (the CLI is a
  // big process), and we resume only once the child has exec'd or failed.
  ChildArgs args{&l, argv.data(), envp.data(), &old_mask};
  std::vector<char> stack(256 * 1024);
  pid_t pid = clone(child_main, stack.data() + stack.size(), CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  for (int fd : l.pass_fds) close(fd);
  if (pid < 0 || sfd < 0) {
    error = std::string("cannot start the sandbox (") + strerror(errno) + ")";
    if (sfd >= 0) close(sfd);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    return result;
  }

  pid_t target = pid;  // until bwrap tells us the sandbox init's pid
  std::string info;
  int info_fd = l.info_fd, ready_fd = l.ready_fd;
  bool exited = false;
  int wstatus = 0;
  while (!exited) {
    struct pollfd fds[3] = {{sfd, POLLIN, 0}, {info_fd, POLLIN, 0}, {ready_fd, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0 && errno != EINTR) break;
    if (info_fd >= 0 && fds[1].revents) {
      char buf[512];
      ssize_t n = read(info_fd, buf, sizeof buf);
      if (n > 0) {
        info.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(info_fd);
        info_fd = -1;
      }
      // bwrap writes one JSON object: take the pid as soon as it parses.
      auto j = nlohmann::json::parse(info, nullptr, false);
      if (!j.is_discarded() && j.contains("child-pid")) target = j["child-pid"].get<pid_t>();
    }
    if (ready_fd >= 0 && fds[2].revents) {
      char c;
      ssize_t n = read(ready_fd, &c, 1);
      if (n == 1) result.started = true;
      if (n >= 0 || errno != EINTR) {
        close(ready_fd);
        ready_fd = -1;
      }
    }
    if (fds[0].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == sizeof si) {
        int sig = static_cast<int>(si.ssi_signo);
        if (sig == SIGCHLD) {
          if (waitpid(pid, &wstatus, WNOHANG) == pid) exited = true;
          continue;
        }
        // On a terminal session the sandbox is in the foreground group and already
        // got the keyboard's signals; sending them again would double them.
        if (l.interactive && (sig == SIGINT || sig == SIGQUIT || sig == SIGWINCH)) continue;
        kill(target, sig);  // SIGTSTP/SIGCONT: our init stops/continues the command
        if (sig == SIGTSTP) stop_for_job_control();
      }
    }
  }
  // A ready byte written just before a quick exit may still sit in the pipe.
  if (ready_fd >= 0) {
    char c;
    fcntl(ready_fd, F_SETFL, O_NONBLOCK);
    if (read(ready_fd, &c, 1) == 1) result.started = true;
    close(ready_fd);
  }
  if (info_fd >= 0) close(info_fd);
  close(sfd);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  result.status = exited ? shell_status(wstatus) : 125;
  return result;
}

}  // namespace vg::sandbox
