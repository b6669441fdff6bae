#include "sandbox/host_run.h"
#include "sandbox/child_status.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
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

long long now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
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

// Where execvp would find `name`: itself when it has a slash, else the first
// executable match in $PATH.
std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* env = getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t end = path.find(':', start);
    std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (end == std::string::npos) return name;
    start = end + 1;
  }
}

}  // namespace

int host_run(const HostRun& run, std::string* error) {
  if (run.argv.empty()) {
    *error = "nothing to run: the command is empty.";
    return 127;
  }
  std::vector<char*> args;
  for (const std::string& a : run.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  sigset_t handled, saved_mask;
  sigemptyset(&handled);
  for (int s : {SIGCHLD, SIGINT, SIGQUIT, SIGTERM, SIGHUP}) sigaddset(&handled, s);
  sigprocmask(SIG_BLOCK, &handled, &saved_mask);

  const bool own_group = run.timeout_seconds > 0;
  const int tty = own_group ? foreground_terminal() : -1;

  // posix_spawn (clone with CLONE_VM|CLONE_VFORK in glibc) instead of fork: copying our
  // page tables is most of what starting a child costs on VMs with slow page faults.
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_init(&actions);
  short flags = POSIX_SPAWN_SETSIGMASK;
  posix_spawnattr_setsigmask(&attr, &saved_mask);
  if (own_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
    // The child takes the terminal before it execs, so it never runs in the background.
    if (tty >= 0) posix_spawn_file_actions_addtcsetpgrp_np(&actions, tty);
  }
  posix_spawnattr_setflags(&attr, flags);
  if (!run.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, run.cwd.c_str());

  pid_t pid = -1;
  int err = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  if (err == ENOEXEC) {
    // A script without "#!": run it with /bin/sh, as execvp and every shell do.
    std::string path = find_in_path(run.argv[0]);
    std::vector<char*> sh_args{const_cast<char*>("sh"), path.data()};
    sh_args.insert(sh_args.end(), args.begin() + 1, args.end());
    err = posix_spawn(&pid, "/bin/sh", &actions, &attr, sh_args.data(), environ);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    struct stat st{};
    if (!run.cwd.empty() && (stat(run.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
      *error = fmt::format("cannot change to directory {}: {}.", run.cwd,
                           std::strerror(err == ENOENT ? ENOENT : ENOTDIR));
      return 126;
    }
    if (err == ENOENT) {
      *error = fmt::format("{}: command not found; check the name or install it.", run.argv[0]);
      return 127;
    }
    *error = fmt::format("cannot execute {}: {}.", run.argv[0], std::strerror(err));
    return 126;
  }
  // Taking the terminal back at the end is done from a background group: ignore SIGTTOU.
  struct sigaction ignore{}, saved_ttou{};
  ignore.sa_handler = SIG_IGN;
  if (tty >= 0) sigaction(SIGTTOU, &ignore, &saved_ttou);

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
  return shell_status(status, 1);
}

}  // namespace vg::sandbox
