#include "sandbox/landlock.h"
#include "sandbox/child_status.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "sandbox/landlock_abi.h"
#include "sandbox/network.h"
#include "sandbox/reaper.h"
#include "sandbox/ns_setup.h"
#include "sandbox/seccomp.h"

namespace vg::sandbox {

namespace {

constexpr std::uint64_t kTruncate = 1ULL << 14;  // ABI 3
constexpr std::uint64_t kIoctlDev = 1ULL << 15;  // ABI 5
constexpr std::uint64_t kFileRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                      LANDLOCK_ACCESS_FS_READ_FILE | kTruncate | kIoctlDev;
using ll::kNetBindTcp;
using ll::kNetConnectTcp;
using ll::RulesetAttr;
constexpr std::uint64_t kScopeAbstractUnix = 1ULL << 0, kScopeSignal = 1ULL << 1;  // ABI 6

// struct landlock_net_port_attr and LANDLOCK_RULE_NET_PORT (ABI 4).
struct NetPortAttr {
  std::uint64_t allowed_access;
  std::uint64_t port;
};
constexpr int kRuleNetPort = 2;


bool under(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() + 1 && path.compare(0, dir.size() + 1, dir + "/") == 0;
}

std::string child_path(const std::string& dir, const char* name) {
  return dir == "/" ? "/" + std::string(name) : dir + "/" + name;
}

struct Splitter {
  std::map<std::string, std::uint64_t> want;
  std::vector<LandlockRule> out;

  bool needs_split(const std::string& n, std::uint64_t r) const {
    for (const auto& [p, rights] : want) {
      if (!under(p, n)) continue;
      std::uint64_t missing = r & ~rights;
      // Directory rights (list, make, remove) mean nothing on a file below.
      struct stat st;
      if (missing && lstat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) missing &= kFileRights;
      if (missing) return true;
    }
    return false;
  }

  void add(const std::string& n, std::uint64_t r) {
    struct stat st;
    if (lstat(n.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return;
    if (!S_ISDIR(st.st_mode)) r &= kFileRights;
    if (r) out.push_back({n, r});
  }

  void visit(const std::string& n, std::uint64_t r) {
    if (!needs_split(n, r)) {
      add(n, r);
      // Entries below only add rights: each maximal one is visited on its own.
      for (const auto& [p, rights] : want) {
        if (!under(p, n)) continue;
        bool maximal = std::none_of(want.begin(), want.end(), [&](const auto& e) {
          return under(p, e.first) && under(e.first, n);
        });
        if (maximal) visit(p, rights);
      }
      return;
    }
    // Some path below must get less than `r`: grant the children one by one instead.
    // The directory itself keeps the right to be listed (`ls ~` works), which also lets
    // the names, never the contents, of a hidden directory's entries be listed.
    if (r & LANDLOCK_ACCESS_FS_READ_DIR) add(n, LANDLOCK_ACCESS_FS_READ_DIR);
    DIR* d = opendir(n.c_str());
    if (!d) return;
    std::vector<std::string> children;
    while (dirent* e = readdir(d))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
        children.push_back(child_path(n, e->d_name));
    closedir(d);
    std::sort(children.begin(), children.end());
    for (const std::string& c : children) {
      auto it = want.find(c);
      visit(c, it != want.end() ? it->second : r);
    }
  }
};

std::string find_program(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& e : env)
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  std::stringstream ss(path);
  for (std::string dir; std::getline(ss, dir, ':');) {
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

}  // namespace

int landlock_abi() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi > 0 ? static_cast<int>(abi) : 0;
}

std::uint64_t landlock_read_rights() {
  return LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
}

std::uint64_t landlock_write_rights(int abi) { return ll::all_fs_rights(abi); }

std::uint64_t landlock_device_rights(int abi) {
  std::uint64_t r = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;
  if (abi >= 3) r |= kTruncate;
  if (abi >= 5) r |= kIoctlDev;
  return r;
}

std::vector<LandlockRule> landlock_rules(const std::vector<LandlockRule>& wanted) {
  Splitter s;
  for (const LandlockRule& w : wanted) s.want[w.path] = w.rights;  // later entries win
  auto root = s.want.find("/");
  s.visit("/", root != s.want.end() ? root->second : 0);
  return s.out;
}

std::string landlock_unprotected(const SandboxSpec& spec, const Mount& m) {
  if (m.kind != MountKind::RoBind) return "";
  for (const Mount& rw : spec.mounts)
    if (rw.kind == MountKind::RwBind && under(m.source, rw.source)) return rw.source;
  return "";
}

std::vector<std::string> own_terminals() {
  std::vector<std::string> out;
  for (int fd = 0; fd <= 2; ++fd) {
    char name[256];
    if (!isatty(fd) || ttyname_r(fd, name, sizeof name) != 0) continue;
    std::string t = name;
    if (t.rfind("/dev/", 0) == 0 && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

std::vector<LandlockRule> landlock_wanted(const SandboxSpec& spec, const std::string& tmpdir, int abi,
                                          const std::vector<std::string>& terminals) {
  std::vector<LandlockRule> w = {{"/", landlock_read_rights()}};
  for (const Mount& m : spec.mounts) {
    switch (m.kind) {
      case MountKind::Dev:
        // The host's /dev is all there is: list it, but open only the harmless nodes (the
        // read right on "/" would otherwise let root read /dev/vda, the raw disk).
        w.push_back({"/dev", LANDLOCK_ACCESS_FS_READ_DIR});
        for (const char* node : {"null", "zero", "full", "random", "urandom", "tty", "ptmx"})
          w.push_back({"/dev/" + std::string(node), landlock_device_rights(abi)});
        // Of the terminals, only the command's own: every other /dev/pts/N is another
        // window of the user's, to read keystrokes from or type into.
        for (const std::string& t : terminals) w.push_back({t, landlock_device_rights(abi)});
        // /dev/shm would be the host's, holding other programs' shared memory: closed.
        break;
      case MountKind::RwBind: w.push_back({m.source, landlock_write_rights(abi)}); break;
      case MountKind::RoBind:
        // Read-only inside a writable tree cannot be said: rights only add up along a
        // path (see landlock_unprotected).
        if (landlock_unprotected(spec, m).empty()) w.push_back({m.source, landlock_read_rights()});
        break;
      case MountKind::Hide: w.push_back({m.target, 0}); break;
      case MountKind::Proc:
      case MountKind::Tmpfs: break;  // the host's, read-only; TMPDIR below is writable
    }
  }
  if (!tmpdir.empty()) w.push_back({tmpdir, landlock_write_rights(abi)});
  return w;
}

LandlockRunner::~LandlockRunner() {
  if (ruleset_fd_ >= 0) close(ruleset_fd_);
  if (!tmpdir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tmpdir_, ec);
  }
}

bool LandlockRunner::prepare(SandboxSpec& spec, Report& report) {
  if (spec.network != NetworkMode::Full && abi_ < 4) {
    report.error = "Landlock ABI " + std::to_string(abi_) +
                   (spec.network == NetworkMode::Restricted ? " cannot hold the network to the proxy"
                                                            : " cannot cut the network") +
                   " (TCP rules need ABI 4, Linux 6.7); pass --network full to "
                   "accept the host's network, or use a host where user namespaces work";
    return false;
  }
  if (spec.root == RootFs::WritableDiscarded) {
    spec.root = RootFs::ReadOnly;
    report.not_enforced.push_back("writable root with changes discarded: Landlock cannot give an overlay, so "
                                  "the root is read-only instead");
  }
  report.enforced.push_back("root filesystem read-only (Landlock ABI " + std::to_string(abi_) + ")");
  report.enforced.push_back(workspace_line(spec) + "; secrets unreadable");
  // In a confined agent session /tmp may not take new entries: its TMPDIR does (agent_confine.h).
  const char* base = getenv("VG_AGENT_CONFINED") && getenv("TMPDIR") && getenv("TMPDIR")[0] == '/' ? getenv("TMPDIR") : "/tmp";
  std::string tmpl_s = std::string(base) + "/vg-landlock.XXXXXX";
  char* tmpl = tmpl_s.data();
  if (!mkdtemp(tmpl)) {
    report.error = std::string("cannot create the sandbox's TMPDIR under /tmp (") + strerror(errno) + ")";
    return false;
  }
  tmpdir_ = tmpl;
  std::erase_if(spec.env, [](const std::string& e) { return e.rfind("TMPDIR=", 0) == 0; });
  spec.env.push_back("TMPDIR=" + tmpdir_);
  report.not_enforced.push_back("private /tmp: the host's /tmp is visible read-only; TMPDIR=" + tmpdir_ +
                                " is the sandbox's own (removed afterwards)");
  report.not_enforced.push_back("PID namespace: host processes are visible in /proc (not signalable or traceable)");
  report.not_enforced.push_back("hidden directories: Landlock cannot take the list right away below a listable "
                                "directory, so the names of their entries can be listed (not read)");
  report.not_enforced.push_back("minimal /dev: the host's /dev is listed, but only null, zero, full, random, "
                                "urandom, tty, ptmx and the command's own terminal open; /dev/shm (POSIX shared "
                                "memory) is closed, and so are ptys the command creates itself (script, expect)");
  if (abi_ < 6)
    report.not_enforced.push_back("signal isolation: Landlock ABI < 6 lets the command signal your other processes");
  if (spec.network == NetworkMode::Full) {
    report.enforced.push_back("network full (host network)");
  } else if (spec.network == NetworkMode::Restricted) {
    // No network namespace to put a bridge in: vg-proxy listens on the host's loopback
    // and Landlock lets TCP connect only to its port (and allow_localhost_ports).
    if (!proxy_.start(spec.net_policy, true, report.error)) return false;
    set_proxy_env(spec.env, proxy_.port());
    std::string ports = std::to_string(proxy_.port());
    for (int p : spec.net_policy.localhost_ports) ports += ", " + std::to_string(p);
    report.enforced.push_back(restricted_network_line(
        spec.net_policy, "Landlock: TCP connect only to port " + ports + ", vg-proxy on 127.0.0.1:" +
                             std::to_string(proxy_.port()) + "; TCP bind denied"));
    report.not_enforced.push_back("network namespace: Landlock rules name ports, not addresses, so TCP port " + ports +
                                  " is reachable on any host");
    report.enforced.push_back("UDP, ICMP and socket kinds other than TCP refused (seccomp)");
  } else {
    report.enforced.push_back("network none: TCP connect and bind denied (Landlock); UDP, ICMP and socket "
                              "kinds other than TCP refused (seccomp)");
    report.not_enforced.push_back("network namespace: the host's network is visible (interfaces, routes), "
                                  "though nothing on it can be reached");
  }
  for (const Mount& m : spec.mounts)
    if (!landlock_unprotected(spec, m).empty())
      report.not_enforced.push_back(m.target + " read-only: Landlock cannot take write access away below the "
                                               "writable " + landlock_unprotected(spec, m) + ", so it is writable");
  for (const Mount& rw : spec.mounts) {
    if (rw.kind != MountKind::RwBind) continue;
    bool hides_below = std::any_of(spec.mounts.begin(), spec.mounts.end(), [&](const Mount& h) {
      return h.kind == MountKind::Hide && under(h.target, rw.source);
    });
    if (hides_below)
      report.not_enforced.push_back(rw.source + " read-write: secrets below it are hidden, which Landlock can "
                                    "only do by granting its entries one by one, so nothing new can be "
                                    "created directly in " + rw.source);
  }
  for (const Mount& m : spec.mounts)
    if ((m.kind == MountKind::RwBind || m.kind == MountKind::RoBind) && m.source != m.target)
      report.not_enforced.push_back("bind " + m.source + " at " + m.target +
                                    ": Landlock cannot move paths; it is reachable at " + m.source + " only");

  // The ruleset, built here; the child only calls landlock_restrict_self().
  RulesetAttr attr = {landlock_write_rights(abi_), 0, 0};
  size_t size = sizeof(std::uint64_t);
  if (abi_ >= 4) {
    size = 2 * sizeof(std::uint64_t);
    if (spec.network != NetworkMode::Full) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
  }
  if (abi_ >= 6) {
    size = sizeof attr;
    attr.scoped = kScopeAbstractUnix | kScopeSignal;
  }
  ruleset_fd_ = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset_fd_ < 0) {
    report.error = std::string("cannot create a Landlock ruleset (") + strerror(errno) +
                   "); run 'vectra-guard sandbox doctor'";
    return false;
  }
  fcntl(ruleset_fd_, F_SETFD, FD_CLOEXEC);
  if (spec.network == NetworkMode::Restricted) {
    std::vector<int> ports = spec.net_policy.localhost_ports;
    ports.insert(ports.begin(), proxy_.port());
    for (int port : ports) {
      NetPortAttr np = {kNetConnectTcp, static_cast<std::uint64_t>(port)};
      if (syscall(SYS_landlock_add_rule, ruleset_fd_, kRuleNetPort, &np, 0) != 0) {
        report.error = "cannot add the Landlock rule for TCP port " + std::to_string(port) + " (" + strerror(errno) + ")";
        return false;
      }
    }
  }
  for (const LandlockRule& r : landlock_rules(landlock_wanted(spec, tmpdir_, abi_, own_terminals()))) {
    int fd = open(r.path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;  // gone since we looked: nothing to grant
    struct landlock_path_beneath_attr pb = {r.rights, fd};
    long rc = syscall(SYS_landlock_add_rule, ruleset_fd_, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int saved = errno;
    close(fd);
    if (rc != 0) {
      report.error = "cannot add the Landlock rule for " + r.path + " (" + strerror(saved) + ")";
      return false;
    }
  }

  // No network namespace: Landlock holds TCP only, so the filter refuses UDP and ICMP.
  spec.seccomp.inet_datagrams = spec.network == NetworkMode::Full;
  auto load = [&](int memfd, std::vector<unsigned char>& into) {
    if (memfd < 0) return false;
    std::vector<sock_filter> program;
    bool ok = ns::read_bpf(memfd, program, report.error);
    close(memfd);
    into.assign(reinterpret_cast<unsigned char*>(program.data()),
                reinterpret_cast<unsigned char*>(program.data() + program.size()));
    return ok;
  };
  if (!load(seccomp_bpf_memfd(spec.seccomp, report.error), seccomp_)) return false;
  // A user's profile replaces the built-in filter, but not the socket rules that the
  // network mode relies on here: they are a second filter (the stricter answer wins).
  if (!spec.seccomp.profile_path.empty() && spec.network != NetworkMode::Full &&
      !load(socket_filter_memfd(spec.seccomp, report.error), socket_seccomp_))
    return false;
  report.enforced.push_back(spec.seccomp.profile_path.empty() ? std::string("seccomp filter (built-in)")
                                                              : "seccomp filter (" + spec.seccomp.profile_path + ")");
  report.enforced.push_back("no capabilities, no_new_privs, own session");
  if (spec.timeout_seconds > 0)
    report.enforced.push_back("timeout " + std::to_string(spec.timeout_seconds) + " s (every process of the run)");
  report.enforced.push_back("no process outlives the run (vectra-guard is their subreaper and stops them)");

  // Landlock does not cover chmod, chown, utimes and xattrs: a supervisor performs them,
  // beneath the writable paths only (meta_supervisor.h).
  if (!meta_filter(meta_filter_, report.error)) return false;
  for (const Mount& m : spec.mounts) {
    if (m.kind == MountKind::RwBind) meta_.roots().add_root(m.source);
    if (m.kind == MountKind::Hide) meta_.roots().add_hidden(m.target);
  }
  meta_.roots().add_root(tmpdir_);
  report.enforced.push_back("chmod, chown, times and xattrs only beneath the writable paths (seccomp supervisor)");
  report.not_enforced.push_back("metadata from 32-bit programs: their chmod, chown, times and xattr calls are refused");

  cgroups_.setup(spec.limits, report.enforced, report.not_enforced);
  auto by_cgroup = [&](const char* what) {
    return std::any_of(report.enforced.begin(), report.enforced.end(), [&](const std::string& s) {
      return s.rfind(what, 0) == 0 && s.find("(cgroup") != std::string::npos;
    });
  };
  if (!by_cgroup("memory")) rlimits_ = plan_rlimits(spec.limits, report.enforced, report.not_enforced);
  // No user namespace here: RLIMIT_NPROC would count every process of the user on
  // the host, so the pids limit holds only through a cgroup.
  plan_rlimit_floor(spec.limits, true, rlimits_, report.enforced);
  program_ = find_program(spec.argv[0], spec.env);
  return true;
}

int LandlockRunner::run(const SandboxSpec& spec, Report& report) {
  if (program_.empty()) {
    std::fprintf(stderr, "vectra-guard: %s: command not found\n", spec.argv[0].c_str());
    return 127;
  }
  std::vector<char*> argv, envp;
  for (const std::string& s : spec.argv) argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  for (const std::string& s : spec.env) envp.push_back(const_cast<char*>(s.c_str()));
  envp.push_back(nullptr);
  std::vector<sock_filter> program(seccomp_.size() / sizeof(sock_filter));
  std::memcpy(program.data(), seccomp_.data(), seccomp_.size());
  std::vector<sock_filter> socket_program(socket_seccomp_.size() / sizeof(sock_filter));
  std::memcpy(socket_program.data(), socket_seccomp_.data(), socket_seccomp_.size());

  sigset_t old_mask;
  int sfd = forwarded_signals_fd(&old_mask);
  if (sfd >= 0 && !spec.interactive) take_job_control_signals(sfd);
  int err[2], meta_sock[2];
  if (sfd < 0 || pipe2(err, O_CLOEXEC) != 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, meta_sock) != 0) {
    report.error = std::string("cannot start the sandbox (") + strerror(errno) + ")";
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    return 125;
  }
  // Orphans of the sandbox (a `setsid` daemon) become our children, to be stopped below.
  become_subreaper();
  pid_t pid = fork();
  if (pid == 0) {
    // Only system calls from here on (the parent may have other threads).
    auto fail = [&](const char* what, int e) {
      const char* desc = strerrordesc_np(e);
      ssize_t ignored = write(err[1], what, std::strlen(what));
      ignored = write(err[1], " (", 2);
      ignored = write(err[1], desc, std::strlen(desc));
      ignored = write(err[1], ")", 1);
      (void)ignored;
      _exit(125);
    };
    close(err[0]);
    close(meta_sock[0]);
    if (chdir(spec.cwd.c_str()) != 0) fail("the Landlock sandbox could not enter the working directory", errno);
    if (!cgroups_.join_in_child()) fail("the Landlock sandbox could not join its cgroup", errno);
    if (!apply_rlimits_in_child(rlimits_)) fail("the Landlock sandbox could not set resource limits", errno);
    if (!spec.interactive && setsid() < 0) fail("the Landlock sandbox could not start a new session", errno);
    // Goes with vectra-guard (as bubblewrap's --die-with-parent): a command stopped by
    // Ctrl-Z must not outlive a killed runner, stopped for good.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail("the Landlock sandbox could not tie the command to vectra-guard", errno);
    if (const char* what = ns::drop_privileges()) fail(what, errno);
    if (syscall(SYS_landlock_restrict_self, ruleset_fd_, 0) != 0)
      fail("the Landlock sandbox could not enforce its ruleset", errno);
    // The socket filter first: the user's profile may deny seccomp(2) itself.
    if (!socket_program.empty())
      if (int e = ns::load_seccomp(socket_program)) fail("the Landlock sandbox could not load the socket filter", e);
    if (int e = meta_install_in_child(meta_filter_, meta_sock[1]))
      fail("the Landlock sandbox could not hand its metadata calls to vectra-guard", e);
    if (int e = ns::load_seccomp(program)) fail("the Landlock sandbox could not load the seccomp filter", e);
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    execve(program_.c_str(), argv.data(), envp.data());
    int e = errno;
    const char* prefix = "vectra-guard: cannot run ";
    ssize_t ignored = write(2, prefix, std::strlen(prefix));
    ignored = write(2, program_.c_str(), program_.size());
    ignored = write(2, "\n", 1);
    (void)ignored;
    _exit(e == ENOENT ? 127 : 126);
  }
  close(err[1]);
  close(meta_sock[1]);
  // The child sends its listener just before exec (or fails and sends nothing).
  if (pid > 0) meta_.adopt(meta_receive_listener(meta_sock[0]));
  close(meta_sock[0]);
  std::string message;
  char buf[512];
  ssize_t n;
  while ((n = read(err[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) message.append(buf, static_cast<size_t>(n));
  close(err[0]);
  auto finish = [&](int status) {
    close(sfd);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    cgroups_.close_fds();
    meta_.stop();
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    return status;
  };
  if (pid < 0 || !message.empty()) {
    report.error = pid < 0 ? std::string("cannot start the sandbox (") + strerror(errno) + ")" : message;
    if (pid > 0) waitpid(pid, nullptr, 0);
    return finish(125);
  }

  const bool group = !spec.interactive;  // the command leads its own process group
  int wstatus = 0;
  bool exited = false, timed_out = false;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (!exited) {
    int wait_ms = -1;
    if (spec.timeout_seconds > 0 && !timed_out) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
      wait_ms = static_cast<int>(std::max(0L, spec.timeout_seconds * 1000L - elapsed));
    }
    struct pollfd pfd[2] = {{sfd, POLLIN, 0}, {meta_.listener(), POLLIN, 0}};
    int rc = poll(pfd, 2, wait_ms);
    if (rc > 0 && pfd[1].revents) {
      // The first metadata call: from now on a thread of its own answers them.
      std::string meta_error;
      if (!(pfd[1].revents & POLLIN)) {
        meta_.stop();  // no process of the sandbox is left to ask
      } else if (!meta_.start(meta_error)) {
        std::fprintf(stderr, "vectra-guard: %s; stopped the command, whose calls would wait forever.\n",
                     meta_error.c_str());
        meta_.stop();
        kill(group ? -pid : pid, SIGKILL);
      }
      if (!pfd[0].revents) continue;
    }
    if (rc == 0 && !timed_out) {
      timed_out = true;
      std::fprintf(stderr,
                   "vectra-guard: the command ran past its %d s timeout; stopped it and everything it started.\n",
                   spec.timeout_seconds);
      kill(group ? -pid : pid, SIGKILL);
      continue;
    }
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) == sizeof si) {
      int sig = static_cast<int>(si.ssi_signo);
      if (sig == SIGCHLD) {
        if (waitpid(pid, &wstatus, WNOHANG) == pid) exited = true;
        continue;
      }
      if (spec.interactive && (sig == SIGINT || sig == SIGQUIT || sig == SIGWINCH)) continue;
      // The command leads a session of its own: a stop signal other than SIGSTOP would
      // be dropped for its (orphaned) group.
      int send = sig == SIGTSTP ? SIGSTOP : sig;
      if (!group || kill(-pid, send) != 0) kill(pid, send);
      if (sig == SIGTSTP) stop_for_job_control();
    }
  }
  // What the command left running goes with it, in its group or not (there is no PID
  // namespace whose end would take it); vg-proxy stays until it has reported.
  if (group) kill(-pid, SIGKILL);
  kill_descendants(proxy_.pid());
  for (const std::string& e : cgroups_.events()) std::fprintf(stderr, "📦 Sandbox: %s.\n", e.c_str());
  report.network_blocked = proxy_.finish();
  return finish(timed_out ? 124 : shell_status(wstatus));
}

}  // namespace vg::sandbox
