#include "sandbox/host_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vg::sandbox {
namespace {

// After the timeout's SIGTERM, how long the tree gets before SIGKILL.
constexpr int kKillGraceMs = 2000;

// What the child reports through the close-on-exec pipe when it could not exec.
struct ChildFailure {
  int stage;  // 0 = chdir, 1 = exec
  int err;
};

long long now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int shell_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

// A signal the kernel raised because of the terminal (^C, ^\, hang-up) already went to
// the whole foreground process group, the child included: repeating it would deliver
// it twice. Only signals someone sent us with kill(2) are passed on.
bool sent_by_a_process(const siginfo_t& si) { return si.si_code <= 0; }

// The terminal on stdin when our process group is its foreground group, else -1.
int foreground_terminal() {
  if (!isatty(STDIN_FILENO)) return -1;
  return tcgetpgrp(STDIN_FILENO) == getpgrp() ? STDIN_FILENO : -1;
}

}  // namespace

int host_run(const HostRun& run, std::string* error) {
  if (run.argv.empty()) {
    *error = "nothing to run: the command is empty.";
    return 127;
  }
  // Everything the child needs is prepared before fork: after it, only async-signal-
  // safe calls (another thread may hold the allocator's lock).
  std::vector<char*> args;
  for (const std::string& a : run.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const char* cwd = run.cwd.empty() ? nullptr : run.cwd.c_str();

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    *error = fmt::format("cannot start '{}': pipe: {}.", run.argv[0], std::strerror(errno));
    return 126;
  }

  sigset_t handled, saved_mask;
  sigemptyset(&handled);
  for (int s : {SIGCHLD, SIGINT, SIGQUIT, SIGTERM, SIGHUP}) sigaddset(&handled, s);
  sigprocmask(SIG_BLOCK, &handled, &saved_mask);

  const bool own_group = run.timeout_seconds > 0;
  const int tty = own_group ? foreground_terminal() : -1;
  struct sigaction ignore{}, saved_ttou{};
  ignore.sa_handler = SIG_IGN;
  if (tty >= 0) sigaction(SIGTTOU, &ignore, &saved_ttou);  // tcsetpgrp from any group

  pid_t pid = fork();
  if (pid == 0) {
    if (own_group) {
      setpgid(0, 0);
      if (tty >= 0) {
        tcsetpgrp(tty, getpid());
        sigaction(SIGTTOU, &saved_ttou, nullptr);
      }
    }
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    ChildFailure failure{0, 0};
    if (cwd && chdir(cwd) != 0) {
      failure.err = errno;
    } else {
      execvp(args[0], args.data());
      failure = {1, errno};
    }
    ssize_t ignored = write(report[1], &failure, sizeof failure);
    (void)ignored;
    _exit(failure.stage == 1 && failure.err == ENOENT ? 127 : 126);
  }
  close(report[1]);
  if (pid < 0) {
    close(report[0]);
    *error = fmt::format("cannot start '{}': fork: {}.", run.argv[0], std::strerror(errno));
    if (tty >= 0) sigaction(SIGTTOU, &saved_ttou, nullptr);
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    return 126;
  }
  if (own_group) {
    setpgid(pid, pid);  // also here: whichever of parent and child runs first
    if (tty >= 0) tcsetpgrp(tty, pid);
  }

  ChildFailure failure{};
  ssize_t got;
  do {
    got = read(report[0], &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  close(report[0]);
  if (got == static_cast<ssize_t>(sizeof failure)) {
    if (failure.stage == 0) {
      *error = fmt::format("cannot change to directory {}: {}.", run.cwd, std::strerror(failure.err));
    } else if (failure.err == ENOENT) {
      *error = fmt::format("{}: command not found; check the name or install it.", run.argv[0]);
    } else {
      *error = fmt::format("cannot execute {}: {}.", run.argv[0], std::strerror(failure.err));
    }
  }

  const pid_t target = own_group ? -pid : pid;  // signals go to the whole group with a timeout
  long long deadline = own_group ? now_ms() + run.timeout_seconds * 1000LL : 0;
  bool timed_out = false;
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      status = 0x7f00;  // "exited 127": the child is gone and we cannot learn how
      break;
    }
    siginfo_t si{};
    int sig;
    if (deadline > 0) {
      long long left = deadline - now_ms();
      if (left <= 0) {
        if (!timed_out) {
          timed_out = true;
          kill(target, SIGTERM);
          deadline = now_ms() + kKillGraceMs;
        } else {
          kill(target, SIGKILL);
          deadline = 0;  // SIGKILL cannot be refused: now just wait for SIGCHLD
        }
        continue;
      }
      timespec ts{static_cast<time_t>(left / 1000), static_cast<long>(left % 1000) * 1000000};
      sig = sigtimedwait(&handled, &si, &ts);
    } else {
      sig = sigwaitinfo(&handled, &si);
    }
    if (sig <= 0 || sig == SIGCHLD) continue;
    // A terminal signal reached the child itself unless it sits in a group of its own
    // that does not hold the terminal: then it is ours to pass on.
    bool child_saw_it = !own_group || tty >= 0;
    if (sent_by_a_process(si) || !child_saw_it) kill(target, sig);
  }
  if (timed_out) kill(-pid, SIGKILL);  // grandchildren that outlived the leader

  if (tty >= 0) {
    tcsetpgrp(tty, getpgrp());
    sigaction(SIGTTOU, &saved_ttou, nullptr);
  }
  // Drop what arrived while the child ran (a ^C the child already handled must not
  // kill us now), then restore the caller's mask.
  timespec zero{0, 0};
  while (sigtimedwait(&handled, nullptr, &zero) > 0) {
  }
  sigprocmask(SIG_SETMASK, &saved_mask, nullptr);

  if (timed_out) {
    *error = fmt::format("{} timed out after {} s; its processes were killed.", run.argv[0],
                         run.timeout_seconds);
    return 124;
  }
  return shell_status(status);
}

}  // namespace vg::sandbox
