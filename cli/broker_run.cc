#include "cli/broker_run.h"
#include "core/fd_passing.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli/broker.h"
#include "cli/broker_filter.h"
#include "cli/commands.h"
#include "core/broker_run_env.h"

extern char** environ;

namespace vg::cli {
namespace {

constexpr size_t kMaxPayload = 8u << 20;  // command line plus environment

bool write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool send_fds(int sock, const int fds[3]);

// The caller's stdin, stdout and stderr with one marker byte.
bool send_std_fds(int sock) {
  // A closed one is sent as /dev/null (SCM_RIGHTS refuses a closed descriptor).
  int fds[3] = {0, 1, 2};
  int null_fd = -1;
  for (int& fd : fds) {
    if (fcntl(fd, F_GETFD) >= 0) continue;
    if (null_fd < 0) null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    fd = null_fd;
  }
  bool ok = send_fds(sock, fds);
  if (null_fd >= 0) close(null_fd);
  return ok;
}

bool send_fds(int sock, const int fds[3]) {
  char mark = 'F';
  return send_with_fds(sock, &mark, 1, fds, 3);
}

bool receive_std_fds(int sock, int fds[3]) {
  char mark = 0;
  size_t nfds = 0;
  ssize_t n = receive_with_fds(sock, &mark, 1, fds, 3, &nfds);
  if (n == 1 && mark == 'F' && nfds == 3) return true;
  for (size_t i = 0; i < nfds; ++i) close(fds[i]);
  fds[0] = fds[1] = fds[2] = -1;
  return false;
}

// A connection to the broker: over the inherited socket (a private pair's end passed
// with 'R'), or, when a program closed that one, the session's listening socket.
int connect_broker(std::string* error) {
  const char* v = std::getenv(kBrokerFdEnv);
  int fd = v ? std::atoi(v) : -1;
  int type = 0;
  socklen_t len = sizeof type;
  if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET) {
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0) {
      char r = 'R';
      bool sent = send_fd(fd, sp[1], &r, 1);
      close(sp[1]);
      if (sent) return sp[0];
      close(sp[0]);
    }
  }
  const char* home = std::getenv("VG_HOME");
  const char* session = std::getenv("VG_SESSION");
  std::string path = home && session ? broker_socket_path(home, session) : "";
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    *error = "the session broker's socket is not known (VG_HOME or VG_SESSION is missing)";
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0 || connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = fmt::format("the session broker cannot be reached at {}: {}", path, std::strerror(errno));
    if (s >= 0) close(s);
    return -1;
  }
  return s;
}

int g_run_conn = -1;
void pass_signal(int sig) {
  char b = static_cast<char>(sig);
  ssize_t n = send(g_run_conn, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)n;
}

std::vector<std::string> split_nul(const std::string& data) {
  std::vector<std::string> parts;
  for (size_t p = 0; p < data.size();) {
    size_t z = data.find('\0', p);
    if (z == std::string::npos) break;
    parts.push_back(data.substr(p, z - p));
    p = z + 1;
  }
  return parts;
}

void say(int fd, const std::string& line) {
  std::string text = "vectra-guard: " + line + "\n";
  ssize_t n = write(fd, text.data(), text.size());
  (void)n;
}

}  // namespace

bool broker_runs_sandbox() {
  const char* v = std::getenv(kBrokerFdEnv);
  return v && *v;
}

std::string broker_socket_path(const std::string& state_dir, const std::string& session) {
  return state_dir + "/agents/" + session + ".sock";
}

bool run_through_broker(const BrokerRunRequest& r, int* exit_code, std::string* error) {
  int conn = connect_broker(error);
  if (conn < 0) return false;
  std::string payload;
  auto add = [&](const std::string& s) {
    payload += s;
    payload += '\0';
  };
  char cwd[PATH_MAX];
  add(getcwd(cwd, sizeof cwd) ? cwd : "/");
  std::string flags;
  if (r.shell_form) flags += 'c';
  if (r.via_shim) flags += 's';
  if (r.review) flags += 'r';
  if (r.verbose) flags += 'v';
  add(flags);
  add(std::to_string(r.timeout_seconds));
  add(std::to_string(r.argv.size()));
  for (const std::string& a : r.argv) add(a);
  for (char** e = environ; *e; ++e) add(*e);
  auto size = static_cast<std::uint32_t>(payload.size());
  if (payload.size() > kMaxPayload || !send_std_fds(conn) || !write_all(conn, &size, sizeof size) ||
      !write_all(conn, payload.data(), payload.size())) {
    *error = payload.size() > kMaxPayload ? "the command and its environment are too large for the session broker"
                                          : "the session broker did not take the command";
    close(conn);
    return false;
  }
  // Until it ends, terminal and job signals go to the broker's run.
  g_run_conn = conn;
  struct sigaction sa = {};
  sa.sa_handler = pass_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaction(sig, &sa, nullptr);
  std::int32_t code = 0;
  bool ok = read_all(conn, &code, sizeof code);
  close(conn);
  if (!ok) {
    *error = "the session broker ended before the command did";
    return false;
  }
  *exit_code = code;
  return true;
}

pid_t start_broker_run(const BrokerRunSession& s, int conn) {
  struct timeval tv = {2, 0};
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct ucred cred {};
  socklen_t len = sizeof cred;
  int fds[3] = {-1, -1, -1};
  std::uint32_t size = 0;
  std::string payload;
  bool ok = getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == getuid() &&
            receive_std_fds(conn, fds) && read_all(conn, &size, sizeof size) && size <= kMaxPayload;
  if (ok) {
    payload.resize(size);
    ok = read_all(conn, payload.data(), size);
  }
  std::vector<std::string> parts = split_nul(payload);
  size_t argc = parts.size() >= 4 ? std::strtoul(parts[3].c_str(), nullptr, 10) : 0;
  if (!ok || parts.size() < 4 + argc || argc == 0) {
    if (fds[2] >= 0) say(fds[2], "the session broker could not read the sandboxed command; it was not run.");
    for (int fd : fds) if (fd >= 0) close(fd);
    finish_broker_run(conn, kExitSandboxFailed);
    return -1;
  }
  const pid_t caller = cred.pid;
  const std::string& cwd = parts[0];
  const std::string& flags = parts[1];
  int timeout = std::atoi(parts[2].c_str());

  // The command line the broker runs: always in the sandbox, with the session's config.
  std::vector<std::string> args = {s.vg_bin};
  if (!s.config_file.empty()) args.insert(args.end(), {"--config", s.config_file});
  args.insert(args.end(), {"exec", "--sandbox", "--no-interactive"});
  if (flags.find('s') != std::string::npos) args.push_back("--via-shim");
  if (flags.find('r') != std::string::npos) args.push_back("--review");
  if (flags.find('v') != std::string::npos) args.push_back("--verbose");
  if (timeout >= 0) args.push_back(fmt::format("--timeout={}", timeout));
  if (flags.find('c') != std::string::npos) {
    args.insert(args.end(), {"-c", parts[4]});
  } else {
    args.push_back("--");
    args.insert(args.end(), parts.begin() + 4, parts.begin() + 4 + static_cast<long>(argc));
  }

  std::vector<std::string> env = broker_run_environment(
      std::vector<std::string>(parts.begin() + 4 + static_cast<long>(argc), parts.end()), s.session_env);

  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGQUIT, SIGTERM, SIGHUP}) signal(sig, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // In the caller's process group (same session): the terminal's job control and
    // signals treat the run as the caller's job. Where that is refused, ours it stays.
    if (pid_t pgrp = getpgid(caller); pgrp > 0) setpgid(0, pgrp);
    for (int i = 0; i < 3; ++i) dup2(fds[i], i);
    // Nothing of the broker's leaks into the run but the audit writer's socket.
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    auto audit = s.session_env.find("VG_AUDIT_FD");
    if (audit != s.session_env.end() && !audit->second.empty()) fcntl(std::atoi(audit->second.c_str()), F_SETFD, 0);
    if (chdir(cwd.c_str()) != 0) {
      say(2, fmt::format("the sandboxed command's directory {} cannot be entered: {}.", cwd, std::strerror(errno)));
      _exit(kExitSandboxFailed);
    }
    std::vector<char*> cargv, cenv;
    for (std::string& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (std::string& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    execve(s.vg_bin.c_str(), cargv.data(), cenv.data());
    say(2, fmt::format("the session broker cannot start {}: {}.", s.vg_bin, std::strerror(errno)));
    _exit(kExitSandboxFailed);
  }
  if (pid < 0) say(fds[2], fmt::format("the session broker cannot start the sandboxed command: {}.", std::strerror(errno)));
  for (int fd : fds) close(fd);
  if (pid < 0) {
    finish_broker_run(conn, kExitSandboxFailed);
    return -1;
  }
  struct timeval none = {0, 0};
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
  return pid;
}

void finish_broker_run(int conn, int exit_code) {
  std::int32_t code = exit_code;
  write_all(conn, &code, sizeof code);
  close(conn);
}

}  // namespace vg::cli
