// vg-init: PID 1 inside the sandbox. Starts the command, reaps every orphan, passes
// signals on, enforces the timeout on the whole tree and exits with the command's
// status as a shell reports it. Static and small: it starts on every sandboxed command.
//
//   vg-init [--ready-fd N] [--timeout SECONDS] [--interactive]
//           [--proxy-fd N | --proxy-socket PATH] [--proxy-port P] [--forward-port X]...
//           -- PROGRAM [ARGS...]
//   vg-init --idle-exit SECONDS   (a reused container's PID 1: see idle_keeper)
//
// The restricted network's bridge: with --proxy-fd (a connected unix SOCK_SEQPACKET
// socket to vg-proxy, inherited) or --proxy-socket (connected once at start, for
// container engines that cannot pass descriptors), init listens on 127.0.0.1:P and on
// each --forward-port inside the sandbox's own network namespace, and hands every
// accepted TCP connection to vg-proxy over that socket (SCM_RIGHTS, tagged with the port
// it arrived on). No unix socket is created per connection, and the command inherits
// neither the control socket nor the listeners.
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <initializer_list>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
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

// The bridge to vg-proxy: listening sockets on the sandbox's loopback.
struct Bridge {
  int control = -1;
  int ports[64];
  int listeners[64];
  int count = 0;
};

void bridge_listen(Bridge& b, int port) {
  if (b.count >= 64) fail("too many ports to forward");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) fail("cannot create the network proxy's listening socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&a), sizeof a) != 0 || listen(fd, 256) != 0) {
    char what[96];
    snprintf(what, sizeof what, "cannot listen on 127.0.0.1:%d for the network proxy (%s)", port, strerror(errno));
    fail(what);
  }
  b.ports[b.count] = port;
  b.listeners[b.count++] = fd;
}

// Hand each pending connection on listener k to the proxy; the proxy owns it from here.
void bridge_accept(const Bridge& b, int k) {
  for (;;) {
    int c = accept4(b.listeners[k], nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    uint16_t tag = static_cast<uint16_t>(b.ports[k]);
    struct iovec iov = {&tag, sizeof tag};
    alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    struct cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &c, sizeof c);
    while (sendmsg(b.control, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
    close(c);  // sent or not (proxy gone: the client sees the connection close)
  }
}

int connect_proxy_socket(const char* path) {
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {};
  a.sun_family = AF_UNIX;
  if (fd < 0 || strlen(path) >= sizeof a.sun_path) fail("cannot reach the network proxy's socket");
  strcpy(a.sun_path, path);
  if (connect(fd, reinterpret_cast<struct sockaddr*>(&a), sizeof a) != 0) fail("cannot connect to the network proxy's socket");
  return fd;
}

int shell_status(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 125;
}

// A reused (warm) container's PID 1: commands arrive by `docker/podman exec`; it reaps
// what they leave behind and exits (stopping the container) once no other process has
// run in it for `idle` seconds. `exec` passes no signals on, so vectra-guard sends them
// here (`kill --signal`) and this passes them to every process of the container (each
// command's vg-init hands them to its command). SIGKILL (`rm -f`) stops it.
[[noreturn]] void idle_keeper(long idle) {
  drop_privileges();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (int s : kForwarded) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  struct timespec now, last;
  clock_gettime(CLOCK_MONOTONIC, &last);
  for (;;) {
    struct timespec tick = {1, 0};
    int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig > 0 && sig != SIGCHLD) kill(-1, sig);
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    bool busy = false;
    if (DIR* d = opendir("/proc")) {
      while (dirent* e = readdir(d))
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && strcmp(e->d_name, "1") != 0) busy = true;
      closedir(d);
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (busy) last = now;
    else if (now.tv_sec - last.tv_sec >= idle) _exit(0);
  }
}

// The pids of our children: /proc/self/task/PID/children, else every process's parent.
int our_children(pid_t* out, int max) {
  int n = 0;
  char path[300];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", getpid());
  if (FILE* f = fopen(path, "r")) {
    long pid;
    while (n < max && fscanf(f, "%ld", &pid) == 1) out[n++] = static_cast<pid_t>(pid);
    fclose(f);
    return n;
  }
  DIR* d = opendir("/proc");
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9' || n >= max) continue;
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    FILE* f = fopen(path, "r");
    if (!f) continue;
    char line[512];
    const char* close = fgets(line, sizeof line, f) ? strrchr(line, ')') : nullptr;
    long ppid = 0;
    if (close && sscanf(close + 1, " %*c %ld", &ppid) == 1 && ppid == getpid()) out[n++] = atoi(e->d_name);
    fclose(f);
  }
  closedir(d);
  return n;
}

// Not PID 1 (a command in a warm container): no namespace ends with us, so as their
// subreaper we stop every descendant ourselves, each orphan as it comes to us.
void kill_descendants() {
  pid_t kids[256];
  while (int n = our_children(kids, 256)) {
    for (int k = 0; k < n; ++k) kill(kids[k], SIGKILL);
    for (int k = 0; k < n; ++k) waitpid(kids[k], nullptr, 0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && !strcmp(argv[1], "--idle-exit")) idle_keeper(atol(argv[2]));
  int ready_fd = -1;
  long timeout = 0;
  bool interactive = false;
  int proxy_fd = -1, proxy_port = 0;
  const char* proxy_socket = nullptr;
  int forward[64];
  int forwards = 0;
  int i = 1;
  for (; i < argc; ++i) {
    if (!strcmp(argv[i], "--ready-fd") && i + 1 < argc) {
      ready_fd = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
      timeout = atol(argv[++i]);
    } else if (!strcmp(argv[i], "--proxy-fd") && i + 1 < argc) {
      proxy_fd = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--proxy-socket") && i + 1 < argc) {
      proxy_socket = argv[++i];
    } else if (!strcmp(argv[i], "--proxy-port") && i + 1 < argc) {
      proxy_port = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--forward-port") && i + 1 < argc && forwards < 63) {
      forward[forwards++] = atoi(argv[++i]);
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
  // As PID 1 our end ends the PID namespace and every process in it; otherwise orphans
  // (a `setsid` daemon) must come to us, to be stopped when the command ends.
  const bool pid1 = getpid() == 1;
  if (!pid1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  drop_privileges();
  if (ready_fd >= 0) {
    if (write(ready_fd, "R", 1) != 1) fail("cannot report readiness");
  }
  Bridge bridge;
  if (proxy_socket) proxy_fd = connect_proxy_socket(proxy_socket);
  // Nothing of the host's but stdin/stdout/stderr (and the proxy's socket, which init
  // keeps to itself) goes further in.
  if (proxy_fd >= 3) {
    if (proxy_fd > 3) syscall(SYS_close_range, 3, proxy_fd - 1, 0);
    syscall(SYS_close_range, proxy_fd + 1, ~0U, 0);
    if (fcntl(proxy_fd, F_SETFD, FD_CLOEXEC) != 0) fail("the network proxy's descriptor is not open");
    bridge.control = proxy_fd;
    if (proxy_port > 0) bridge_listen(bridge, proxy_port);
    for (int k = 0; k < forwards; ++k) bridge_listen(bridge, forward[k]);
  } else {
    syscall(SYS_close_range, 3, ~0U, 0);
  }

  sigset_t set, old_mask;
  sigemptyset(&set);
  for (int s : kForwarded) sigaddset(&set, s);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGALRM);
  // Ctrl-Z, passed on by vectra-guard: stop and continue the command's group.
  if (!interactive) {
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGCONT);
  }
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
  int sfd = bridge.count > 0 ? signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK) : -1;
  if (bridge.count > 0 && sfd < 0) fail("cannot watch signals");
  for (;;) {
    int sig;
    if (sfd >= 0) {
      // Signals and new connections in one wait.
      struct pollfd p[65];
      p[0] = {sfd, POLLIN, 0};
      for (int k = 0; k < bridge.count; ++k) p[k + 1] = {bridge.listeners[k], POLLIN, 0};
      if (poll(p, static_cast<nfds_t>(bridge.count + 1), -1) < 0) continue;
      for (int k = 0; k < bridge.count; ++k)
        if (p[k + 1].revents) bridge_accept(bridge, k);
      struct signalfd_siginfo ssi;
      if (read(sfd, &ssi, sizeof ssi) != sizeof ssi) continue;
      sig = static_cast<int>(ssi.ssi_signo);
    } else {
      siginfo_t si;
      sig = sigwaitinfo(&set, &si);
    }
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int wstatus;
      pid_t p;
      while ((p = waitpid(-1, &wstatus, WNOHANG)) > 0) {
        // Leaving kills whatever else still runs in this PID namespace.
        if (p == child) {
          if (!pid1) kill_descendants();
          _exit(timed_out ? 124 : shell_status(wstatus));
        }
      }
    } else if (sig == SIGALRM) {
      timed_out = true;
      fprintf(stderr, "vectra-guard: the command ran past its %ld s timeout; stopped it and everything it started.\n",
              timeout);
      if (!pid1) {
        kill_descendants();  // not every process of a shared container: ours
        _exit(124);
      }
      kill(-1, SIGKILL);  // as PID 1: every other process of the sandbox
    } else if (sig == SIGTSTP || sig == SIGCONT) {
      // SIGSTOP: a terminal stop signal is dropped for a group without a terminal.
      int send = sig == SIGTSTP ? SIGSTOP : SIGCONT;
      if (kill(-child, send) != 0) kill(child, send);
    } else {
      if (interactive && (sig == SIGINT || sig == SIGQUIT || sig == SIGWINCH)) continue;
      if (interactive || kill(-child, sig) != 0) kill(child, sig);
    }
  }
}
