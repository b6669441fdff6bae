#include "sandbox/container_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sandbox/bwrap.h"
#include "sandbox/child_status.h"
#include "sandbox/container_seccomp.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

extern char** environ;

namespace vg::sandbox {

namespace {

// How long past the command's own timeout (enforced by vg-init inside) we wait before
// removing the container from outside: covers an engine that hangs.
constexpr int kTimeoutGraceSeconds = 10;
// Engine housekeeping calls (image check, rm -f, info) never hang us longer than this.
constexpr int kEngineCallSeconds = 30;

long long now_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// Field 22 of /proc/PID/stat: when the process started (clock ticks since boot). With
// the pid it names a process unambiguously; 0 when it does not exist.
long long start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close_paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i)
    if (i == 22) return std::atoll(field.c_str());
  return 0;
}

// Run an engine housekeeping command: stdin /dev/null, stdout captured, stderr captured
// (first line kept), at most kEngineCallSeconds. Returns the exit status, -1 if it could
// not run or timed out.
int capture(const std::vector<std::string>& argv, std::string* out, std::string* err = nullptr) {
  int po[2], pe[2];
  if (pipe2(po, O_CLOEXEC) != 0) return -1;
  if (pipe2(pe, O_CLOEXEC) != 0) {
    close(po[0]);
    close(po[1]);
    return -1;
  }
  std::vector<char*> args = c_strings(argv);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(po[1], 1);
    dup2(pe[1], 2);
    execve(args[0], args.data(), environ);
    _exit(127);
  }
  close(po[1]);
  close(pe[1]);
  if (pid < 0) {
    close(po[0]);
    close(pe[0]);
    return -1;
  }
  std::string o, e;
  const long long deadline = now_ms() + kEngineCallSeconds * 1000LL;
  bool timed_out = false;
  int open_fds = 2;
  struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
  while (open_fds > 0) {
    long long left = deadline - now_ms();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? o : e).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  if (timed_out) kill(pid, SIGKILL);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (out) *out = o;
  if (err) *err = e.substr(0, e.find('\n'));
  if (timed_out) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string markers_dir(const std::string& state_dir) { return state_dir + "/containers"; }

bool container_exists(const std::string& engine_path, const std::string& name) {
  if (engine_path.find("podman") != std::string::npos)
    return capture({engine_path, "--log-level=error", "container", "exists", name}, nullptr) == 0;
  return capture({engine_path, "container", "inspect", "--format", "{{.Id}}", name}, nullptr) == 0;
}

// Stop (SIGKILL at once: podman would wait 10 s for SIGTERM first) and remove; wait
// (up to ~10 s) until it is really gone, since an engine already removing it answers
// with an error while it finishes.
void remove_container(const std::string& engine_path, const std::string& name) {
  const bool podman = engine_path.find("podman") != std::string::npos;
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (podman)
      capture({engine_path, "--log-level=error", "rm", "-f", "-t", "0", name}, nullptr);
    else
      capture({engine_path, "rm", "-f", name}, nullptr);
    if (!container_exists(engine_path, name)) return;
    usleep(200 * 1000);
  }
}

bool stdin_is_null() {
  struct stat st, null;
  if (fstat(0, &st) != 0) return true;  // closed
  return S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 && st.st_rdev == null.st_rdev;
}

std::string unique_name() {
  unsigned int r = 0;
  if (getrandom(&r, sizeof r, 0) != sizeof r) r = static_cast<unsigned>(now_ms());
  return fmt::format("vg-{}-{:08x}", getpid(), r);
}

bool cgroup_v2_host() {
  struct statfs fs;
  return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

std::string human_bytes(std::uint64_t b) {
  if (b % (1ULL << 30) == 0) return fmt::format("{} GiB", b >> 30);
  return fmt::format("{} MiB", b >> 20);
}

// Foreground engine client: signals passed on, deadline enforced. Returns the status
// like `$?`, 124 when the deadline hit (the container is then removed from outside).
struct ClientResult {
  int status = 125;
  bool killed = false;     // the client itself died of a signal
  bool signalled = false;  // we passed a signal on (Ctrl-C, kill): the container may outlive the client
  bool timed_out = false;
};

ClientResult run_client(const std::vector<std::string>& argv, bool tty, int timeout_seconds,
                        const std::string& engine_path, const std::string& name, int pass_fd, std::string& error,
                        bool signal_container = false) {
  ClientResult r;
  sigset_t old_mask;
  int sfd = forwarded_signals_fd(&old_mask);
  std::vector<char*> args = c_strings(argv);
  const pid_t parent = getpid();
  pid_t pid = sfd < 0 ? -1 : fork();
  if (pid == 0) {
    // Without a terminal the client gets signals only from us (once, not also from the
    // keyboard); with one it must stay in the foreground group to read it.
    if (!tty) setpgid(0, 0);
    // If we die, the client passes SIGTERM into the container (sig-proxy) and goes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(125);
    // The proxy's socket becomes fd 3 (podman --preserve-fds 1 hands it to vg-init).
    if (pass_fd >= 0 && (pass_fd == 3 ? fcntl(3, F_SETFD, 0) : dup2(pass_fd, 3)) < 0) _exit(125);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    execve(args[0], args.data(), environ);
    fprintf(stderr, "vectra-guard: cannot run %s: %s.\n", args[0], strerror(errno));
    _exit(125);
  }
  if (pid < 0) {
    error = std::string("cannot start the container engine (") + strerror(errno) + ")";
    if (sfd >= 0) close(sfd);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    return r;
  }
  if (pass_fd >= 0) close(pass_fd);  // the client has its copy
  const long long deadline = timeout_seconds > 0 ? now_ms() + (timeout_seconds + kTimeoutGraceSeconds) * 1000LL : 0;
  int wstatus = 0;
  bool exited = false;
  while (!exited) {
    int wait_ms = -1;
    if (deadline) wait_ms = static_cast<int>(std::max(0LL, deadline - now_ms()));
    struct pollfd p = {sfd, POLLIN, 0};
    int n = poll(&p, 1, wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (n == 0 && deadline && now_ms() >= deadline) {
      fprintf(stderr, "vectra-guard: the command ran past its %d s timeout; removed its container.\n",
              timeout_seconds);
      remove_container(engine_path, name);
      kill(pid, SIGKILL);
      while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
      }
      r.timed_out = true;
      break;
    }
    if (n <= 0) continue;
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) == sizeof si) {
      int sig = static_cast<int>(si.ssi_signo);
      if (sig == SIGCHLD) {
        if (waitpid(pid, &wstatus, WNOHANG) == pid) exited = true;
        continue;
      }
      // On a terminal the keyboard's signals already reached the client.
      if (tty && (sig == SIGINT || sig == SIGQUIT || sig == SIGWINCH)) continue;
      if (sig != SIGWINCH) r.signalled = true;
      // The engine signals the container's keeper (PID 1), which passes it on. Not the
      // client's sig-proxy: rootless podman 4 loses the exit status that way. When the
      // container is not running (yet, or any more), the client gets it instead.
      if (signal_container) {
        if (sig == SIGWINCH) continue;
        if (capture({engine_path, "kill", "--signal", std::to_string(sig), name}, nullptr) == 0)
          continue;
      }
      kill(pid, sig);
    }
  }
  close(sfd);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  if (r.timed_out) {
    r.status = 124;
    return r;
  }
  const bool signalled = r.signalled;
  r = ClientResult{};
  r.signalled = signalled;
  r.killed = WIFSIGNALED(wstatus);
  r.status = shell_status(wstatus);
  return r;
}

}  // namespace

ContainerSettings container_settings(const Config& config) {
  ContainerSettings s;
  s.image = config.image;
  s.engine_path = config.engine_path;
  s.reuse = config.reuse;
  s.reuse_idle_seconds = config.reuse_idle_seconds;
  return s;
}

std::string find_engine(Engine engine, const std::string& engine_path, std::string& error) {
  const std::string name(to_string(engine));
  if (!engine_path.empty()) {
    if (access(engine_path.c_str(), X_OK) == 0) return engine_path;
    error = "engine_path " + engine_path + " is not an executable " + name + "; fix engine_path in [sandbox]";
    return "";
  }
  const char* path = tool_search_path();
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  error = name + " is not installed (not on PATH); install it ('vectra-guard sandbox deps install --" + name +
          "') or set engine_path in [sandbox]";
  return "";
}

bool container_image_present(const std::string& engine_path, Engine engine, const std::string& image) {
  if (engine == Engine::Podman) return capture({engine_path, "image", "exists", image}, nullptr) == 0;
  return capture({engine_path, "image", "inspect", "--format", "{{.Id}}", image}, nullptr) == 0;
}

ContainerFacts probe_container_engine(Engine engine, const std::string& engine_path, const std::string& image) {
  ContainerFacts f;
  f.engine_path = engine_path;
  f.image = image;
  std::string out;
  if (engine == Engine::Podman) {
    if (capture({engine_path, "--log-level=error", "info", "--format",
                 "{{.Version.Version}}\t{{.Host.Security.Rootless}}\t{{.Host.CgroupManager}}\t{{.Host.CgroupsVersion}}"},
                &out, &f.start_error) == 0) {
      std::istringstream in(trim(out));
      std::string rootless;
      std::getline(in, f.version, '\t');
      std::getline(in, rootless, '\t');
      std::getline(in, f.cgroup_manager, '\t');
      std::getline(in, f.cgroup_version, '\t');
      f.rootless = rootless == "true";
    }
  } else {
    if (capture({engine_path, "info", "--format",
                 "{{.ServerVersion}}\t{{.SecurityOptions}}\t{{.CgroupDriver}}\t{{.CgroupVersion}}"},
                &out, &f.start_error) == 0) {
      std::istringstream in(trim(out));
      std::string security;
      std::getline(in, f.version, '\t');
      std::getline(in, security, '\t');
      std::getline(in, f.cgroup_manager, '\t');
      std::getline(in, f.cgroup_version, '\t');
      f.rootless = security.find("rootless") != std::string::npos;
      if (!f.cgroup_version.empty() && f.cgroup_version[0] != 'v') f.cgroup_version = "v" + f.cgroup_version;
    }
  }
  if (f.version.empty()) return f;  // the engine does not answer: start_error says why
  f.start_error.clear();
  f.image_present = container_image_present(engine_path, engine, image);
  if (!f.image_present) return f;
  std::vector<std::string> argv = {engine_path};
  if (engine == Engine::Podman) argv.push_back("--log-level=error");
  for (const char* a : {"run", "--rm", "--pull", "never", "--network=none", "--cap-drop", "ALL", "--log-driver", "none",
                        "--label", "vectra-guard=1", "--entrypoint", "true"})
    argv.push_back(a);
  argv.push_back(image);
  f.container_starts = capture(argv, nullptr, &f.start_error) == 0;
  return f;
}

int remove_orphaned_containers(const std::string& state_dir) {
  if (state_dir.empty()) return 0;
  const std::string dir = markers_dir(state_dir);
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  int removed = 0;
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  closedir(d);
  for (const std::string& name : names) {
    const std::string marker = dir + "/" + name;
    std::ifstream in(marker);
    long long pid = 0, start = 0;
    std::string engine;
    if (!(in >> pid >> start) || !std::getline(in >> std::ws, engine)) continue;  // being written
    if (pid > 0 && start != 0 && start_time(static_cast<pid_t>(pid)) == start) continue;  // owner alive
    if (!engine.empty() && access(engine.c_str(), X_OK) == 0) remove_container(engine, name);
    unlink(marker.c_str());
    ++removed;
  }
  return removed;
}

ContainerRunner::ContainerRunner(Engine engine, std::string engine_path, ContainerSettings settings,
                                 std::string state_dir)
    : settings_(std::move(settings)), state_dir_(std::move(state_dir)) {
  options_.engine = engine;
  options_.engine_path = std::move(engine_path);
}

bool ContainerRunner::lock_warm_container(const SandboxSpec& spec) {
  const std::string dir = state_dir_ + "/warm-containers";
  mkdir(state_dir_.c_str(), 0700);
  mkdir(dir.c_str(), 0700);
  warm_name_ = warm_container_name(spec, options_);
  const std::string path = dir + "/" + warm_name_ + ".lock";
  warm_lock_fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (warm_lock_fd_ >= 0 && flock(warm_lock_fd_, LOCK_EX | LOCK_NB) == 0) return true;
  if (warm_lock_fd_ >= 0) close(warm_lock_fd_);
  warm_lock_fd_ = -1;
  return false;
}

ContainerRunner::~ContainerRunner() {
  if (warm_lock_fd_ >= 0) close(warm_lock_fd_);
}

bool ContainerRunner::prepare(SandboxSpec& spec, Report& report) {
  ContainerOptions& o = options_;
  remove_orphaned_containers(state_dir_);
  o.image = settings_.image.empty() ? kDefaultContainerImage : settings_.image;
  o.owner_pid = getpid();
  o.owner_start = start_time(o.owner_pid);
  o.stdin_tty = isatty(0);
  o.stdin_null = stdin_is_null();
  o.idle_seconds = settings_.reuse_idle_seconds;
  const std::string engine(to_string(o.engine));
  // A warm container has the project itself mounted: a review run gets its own.
  if (!spec.review_dir.empty()) settings_.reuse = false;

  if (o.engine == Engine::Podman) {
    o.rootless = geteuid() != 0;
  } else {
    std::string out, err;
    if (capture({o.engine_path, "info", "--format", "{{.SecurityOptions}}"}, &out, &err) != 0) {
      report.error = "docker at " + o.engine_path + " does not answer (" +
                     (err.empty() ? std::string("no reason given") : err) +
                     "); start the docker daemon, or use --runtime podman or bubblewrap";
      return false;
    }
    o.rootless = out.find("rootless") != std::string::npos;
  }
  // A warm container checks when it has to start one (a running one proves the image).
  if (!settings_.reuse && !container_image_present(o.engine_path, o.engine, o.image)) {
    report.error = missing_image_error();
    return false;
  }
  o.init_path = find_init_binary(report);
  if (o.init_path.empty()) return false;
  o.seccomp_profile = container_seccomp_file(spec.seccomp, state_dir_, report.error);
  if (o.seccomp_profile.empty()) return false;
  o.empty_dir = state_dir_ + "/container-empty";
  mkdir(o.empty_dir.c_str(), 0);
  struct stat st;
  if (lstat(o.empty_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0) {
    if (chmod(o.empty_dir.c_str(), 0) != 0 || lstat(o.empty_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      report.error = "cannot create " + o.empty_dir + " (used to hide secrets); check that $VG_HOME is writable";
      return false;
    }
  }

  report.enforced.push_back("container from image " + o.image + " (" + engine + (o.rootless ? ", rootless" : "") +
                            (settings_.reuse ? ", warm container reused" : ", removed at exit") + ")");
  report.enforced.push_back(spec.root == RootFs::ReadOnly ? "root filesystem read-only (the image's)"
                                                          : "root filesystem writable, changes discarded (the image's)");
  report.enforced.push_back(workspace_line(spec));
  if (spec.network == NetworkMode::Restricted && o.engine == Engine::Docker) {
    // Docker cannot hand a descriptor into a container, and a unix socket mounted in
    // would need the seccomp filter to allow unix sockets to the whole command.
    spec.network = NetworkMode::None;
    report.network = "restricted (not available with docker: no network)";
    report.not_enforced.push_back("restricted network: docker cannot pass vg-proxy's socket into the container, "
                                  "so the command runs with no network; use podman or --runtime bubblewrap");
  }
  // Each command's vg-init bridges the proxy port in the warm container's one network
  // namespace: one command at a time holds that container's lock, a second one at the
  // same moment gets a fresh container.
  if (spec.network == NetworkMode::Restricted && settings_.reuse && !lock_warm_container(spec)) {
    settings_.reuse = false;
    for (std::string& line : report.enforced)
      if (line.rfind("container from image ", 0) == 0) line.replace(line.find("warm container reused"), 21, "removed at exit");
    report.not_enforced.push_back(
        "reuse: another command is using the warm container's network proxy port, so this one runs in a fresh container");
    if (!container_image_present(o.engine_path, o.engine, o.image)) {
      report.error = missing_image_error();
      return false;
    }
  }
  if (spec.network == NetworkMode::Restricted) {
    if (!start_restricted_network(spec, proxy_, report)) return false;
    o.proxy = true;
    o.forward_ports = spec.net_policy.localhost_ports;
  } else {
    report.enforced.push_back("network " + std::string(to_string(spec.network)) +
                              (spec.network == NetworkMode::Full ? " (host network)" : " (no network, loopback only)"));
  }
  report.enforced.push_back(spec.seccomp.profile_path.empty() ? std::string("seccomp filter (built-in, as Docker JSON)")
                                                              : "seccomp filter (" + spec.seccomp.profile_path + ")");
  report.enforced.push_back("no capabilities, no-new-privileges, own PID namespace");
  if (spec.timeout_seconds > 0) report.enforced.push_back("timeout " + std::to_string(spec.timeout_seconds) + " s");

  // Rootless podman on cgroup v1 cannot set limits (it would ignore them with a warning).
  const Limits& l = spec.limits;
  if (o.engine == Engine::Podman && o.rootless && !cgroup_v2_host()) {
    if (l.memory_bytes || l.cpus > 0 || l.pids > 0)
      report.not_enforced.push_back(
          "memory, cpu and pids limits: rootless podman cannot set them on a cgroup v1 host; run as root or on cgroup v2");
    spec.limits = Limits{};
  } else {
    if (l.memory_bytes) report.enforced.push_back("memory " + human_bytes(l.memory_bytes) + " (container cgroup)");
    if (l.cpus > 0) report.enforced.push_back(fmt::format("cpu {:g} (container cgroup)", l.cpus));
    if (l.pids > 0) report.enforced.push_back(fmt::format("pids {} (container cgroup)", l.pids));
  }
  return true;
}

int ContainerRunner::take_proxy_fd() {
  if (!options_.proxy) return -1;
  int fd = proxy_.sandbox_fd();
  proxy_.forget_sandbox_fd();
  return fd;
}

int ContainerRunner::run(const SandboxSpec& spec, Report& report) {
  const int status = settings_.reuse ? run_warm(spec, report) : run_once(spec, report);
  // Rootless podman's overlay leaves its workdir owned by a subordinate id, which only
  // its own user namespace can remove (run.cc removes the rest of the set if empty).
  if (!spec.review_dir.empty() && options_.engine == Engine::Podman && options_.rootless)
    capture({options_.engine_path, "unshare", "rm", "-rf", spec.review_dir + "/work/work"}, nullptr);
  return status;
}

int ContainerRunner::run_once(const SandboxSpec& spec, Report& report) {
  options_.name = unique_name();
  std::vector<std::string> argv = container_run_argv(spec, options_, report.error);
  if (argv.empty()) return 125;
  // The marker names the container until it is gone: if we die, the next run removes it.
  const std::string marker = markers_dir(state_dir_) + "/" + options_.name;
  mkdir(state_dir_.c_str(), 0700);
  mkdir(markers_dir(state_dir_).c_str(), 0700);
  {
    std::ofstream m(marker);
    m << options_.owner_pid << ' ' << options_.owner_start << ' ' << options_.engine_path << '\n';
  }
  // On a terminal the keyboard's signals reach the client, and podman -t passes them as
  // keystrokes; otherwise we signal the container ourselves.
  ClientResult r = run_client(argv, options_.stdin_tty, spec.timeout_seconds, options_.engine_path,
                              options_.name, take_proxy_fd(), report.error, !options_.stdin_tty);
  if (options_.proxy) report.network_blocked = proxy_.finish();
  // --rm removed it when it ended normally; after a signal or an engine failure make sure.
  if (r.killed || r.signalled || r.status == 125 || !report.error.empty())
    remove_container(options_.engine_path, options_.name);
  unlink(marker.c_str());
  if (!report.error.empty()) return 125;
  return r.status;
}

int ContainerRunner::run_warm(const SandboxSpec& spec, Report& report) {
  options_.name = warm_name_.empty() ? warm_container_name(spec, options_) : warm_name_;
  // Used within the last (idle - 5) s: its keeper is certainly still there, and the
  // engine call that checks (~0.2 s) is skipped.
  const std::string dir = state_dir_ + "/warm-containers";
  const std::string marker = dir + "/" + options_.name;
  struct stat st;
  const bool fresh = stat(marker.c_str(), &st) == 0 &&
                     st.st_mtime + settings_.reuse_idle_seconds - 5 > time(nullptr);
  auto running = [&] {
    std::string out;
    return capture({options_.engine_path, "container", "inspect", "--format", "{{.State.Running}}", options_.name},
                   &out) == 0 && trim(out) == "true";
  };
  std::vector<std::string> blocked;  // refusals seen by a proxy already replaced
  auto exec = [&] {
    int proxy_fd = take_proxy_fd();
    if (options_.proxy && proxy_fd < 0) {
      // A second attempt: the first one's socket went with its engine client.
      std::vector<std::string> b = proxy_.finish();
      blocked.insert(blocked.end(), b.begin(), b.end());
      if (!proxy_.start(spec.net_policy, false, report.error)) return 125;
      proxy_fd = take_proxy_fd();
    }
    ClientResult r = run_client(container_exec_argv(spec, options_), options_.stdin_tty, spec.timeout_seconds,
                                options_.engine_path, options_.name, proxy_fd, report.error, true);
    return r.status;
  };
  auto finish_proxy = [&] {
    if (!options_.proxy) return;
    std::vector<std::string> b = proxy_.finish();
    blocked.insert(blocked.end(), b.begin(), b.end());
    report.network_blocked = blocked;
  };
  auto touch = [&] {
    mkdir(dir.c_str(), 0700);
    std::ofstream(marker) << options_.name << '\n';
  };
  if (fresh) {
    int status = exec();
    // 125 from the engine when the container went away after all (stopped by hand).
    if (status != 125 || !report.error.empty() || running()) {
      finish_proxy();
      touch();
      return report.error.empty() ? status : 125;
    }
  }
  if (!running()) {
    remove_container(options_.engine_path, options_.name);  // stopped, not yet removed
    if (!container_image_present(options_.engine_path, options_.engine, options_.image)) {
      report.error = missing_image_error();
      return 125;
    }
    std::vector<std::string> argv = container_warm_argv(spec, options_, report.error);
    if (argv.empty()) return 125;
    std::string err;
    // Another vectra-guard may have just started the same one.
    if (capture(argv, nullptr, &err) != 0 && !running()) {
      report.error = "could not start the warm container (" + (err.empty() ? std::string("no reason given") : err) +
                     "); run 'vectra-guard sandbox doctor'";
      return 125;
    }
  }
  int status = exec();
  // Its keeper reached the idle time between our check and the exec: start it again.
  if (status == 125 && report.error.empty() && !running()) {
    std::vector<std::string> argv = container_warm_argv(spec, options_, report.error);
    remove_container(options_.engine_path, options_.name);
    if (!argv.empty() && capture(argv, nullptr) == 0) status = exec();
  }
  finish_proxy();
  touch();
  return report.error.empty() ? status : 125;
}

std::string ContainerRunner::missing_image_error() const {
  const std::string engine(to_string(options_.engine));
  return "the image " + options_.image + " is not present locally for " + engine +
         " (vectra-guard never pulls); fetch it once with '" + engine + " pull " + options_.image +
         "', or set image in [sandbox] to a local image";
}

}  // namespace vg::sandbox
