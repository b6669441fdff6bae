// vg-init: PID 1 inside the sandbox. Starts the command, reaps every orphan, passes
// signals on, enforces the timeout on the whole tree and exits with the command's
// status as a shell reports it. Static and small: it starts on every sandboxed command.
//
//   vg-init [--ready-fd N] [--timeout SECONDS] [--interactive] -- PROGRAM [ARGS...]
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1, SIGUSR2};
constexpr int kIgnored[] = {SIGTSTP, SIGTTIN, SIGTTOU};

[[noreturn]] void fail(const char* what) {
  fprintf(stderr, "vectra-guard: the sandbox init failed: %s.\n", what);
  _exit(125);
}

// Belt and braces: bubblewrap already dropped them (--cap-drop ALL), but the init
// must not hand any capability to the command whatever launched it. Raw capget/capset:
// a static libcap-ng reads /proc at start-up and drags in NSS a static binary lacks.
void drop_privileges() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("cannot set no_new_privs");
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) fail("cannot read capabilities");
  bool any = false;
  for (const auto& d : data) any = any || d.effective || d.permitted || d.inheritable;
  if (!any) return;
  for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, none) != 0) fail("cannot drop capabilities");
}

int shell_status(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 125;
}

}  // namespace

int main(int argc, char** argv) {
  int ready_fd = -1;
  long timeout = 0;
  bool interactive = false;
  int i = 1;
  for (; i < argc; ++i) {
    if (!strcmp(argv[i], "--ready-fd") && i + 1 < argc) {
      ready_fd = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
      timeout = atol(argv[++i]);
    } else if (!strcmp(argv[i], "--interactive")) {
      interactive = true;
    } else if (!strcmp(argv[i], "--")) {
      ++i;
      break;
    } else {
      fprintf(stderr, "vg-init: unknown option %s; vg-init is started by vectra-guard only.\n", argv[i]);
      return 125;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "vg-init: no command given; vg-init is started by vectra-guard only.\n");
    return 125;
  }
  char** command = argv + i;

  drop_privileges();
  if (ready_fd >= 0) {
    if (write(ready_fd, "R", 1) != 1) fail("cannot report readiness");
  }
  // Nothing of the host's but stdin/stdout/stderr goes further in.
  syscall(SYS_close_range, 3, ~0U, 0);

  sigset_t set, old_mask;
  sigemptyset(&set);
  for (int s : kForwarded) sigaddset(&set, s);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGALRM);
  sigprocmask(SIG_BLOCK, &set, &old_mask);
  for (int s : kIgnored) signal(s, SIG_IGN);

  // posix_spawn (vfork-style): no copy of our page tables for a child that execs at once.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : kIgnored) sigaddset(&defaults, s);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  // Its own process group, so a forwarded Ctrl-C reaches a whole pipeline like a
  // terminal's would; an interactive shell manages groups on the terminal itself.
  if (!interactive) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  posix_spawnattr_setsigmask(&attr, &old_mask);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  pid_t child = -1;
  int err = posix_spawnp(&child, command[0], nullptr, &attr, command, environ);
  if (err == ENOEXEC) {
    // A script without "#!": /bin/sh runs it, as execvp would.
    int n = 0;
    while (command[n]) ++n;
    char* with_sh[n + 2];
    with_sh[0] = const_cast<char*>("sh");
    for (int k = 0; k <= n; ++k) with_sh[k + 1] = command[k];
    err = posix_spawn(&child, "/bin/sh", nullptr, &attr, with_sh, environ);
  }
  posix_spawnattr_destroy(&attr);
  if (err == ENOENT) {
    fprintf(stderr, "vectra-guard: %s: command not found\n", command[0]);
    _exit(127);
  }
  if (err != 0) {
    fprintf(stderr, "vectra-guard: cannot run %s: %s\n", command[0], strerror(err));
    _exit(126);
  }
  if (!interactive) setpgid(child, child);  // also here: no race with the first signal
  if (timeout > 0) alarm(static_cast<unsigned>(timeout));

  bool timed_out = false;
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&set, &si);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int wstatus;
      pid_t p;
      while ((p = waitpid(-1, &wstatus, WNOHANG)) > 0) {
        // Leaving kills whatever else still runs in this PID namespace.
        if (p == child) _exit(timed_out ? 124 : shell_status(wstatus));
      }
    } else if (sig == SIGALRM) {
      timed_out = true;
      fprintf(stderr, "vectra-guard: the command ran past its %ld s timeout; stopped it and everything it started.\n",
              timeout);
      kill(-1, SIGKILL);  // as PID 1: every other process of the sandbox
    } else {
      if (interactive && (sig == SIGINT || sig == SIGQUIT || sig == SIGWINCH)) continue;
      if (interactive || kill(-child, sig) != 0) kill(child, sig);
    }
  }
}
