#include "sandbox/proxy_host.h"

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sandbox/child_status.h"

extern char** environ;

namespace vg::sandbox {

std::string find_proxy_binary(std::string& error) {
  std::string path = helper_binary("vg-proxy");
  if (!path.empty()) return path;
  error = "the network proxy vg-proxy is missing next to vectra-guard; reinstall vectra-guard, "
          "or pass --network none";
  return "";
}

void set_proxy_env(std::vector<std::string>& env, int port) {
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::pair<std::string, std::string>> vars = {
      {"HTTP_PROXY", url}, {"HTTPS_PROXY", url}, {"ALL_PROXY", url},
      {"http_proxy", url}, {"https_proxy", url}, {"all_proxy", url},
      {"NO_PROXY", ""}, {"no_proxy", ""},
      // Tools that read settings of their own rather than (or before) the variables.
      {"npm_config_proxy", url}, {"npm_config_https_proxy", url}, {"npm_config_noproxy", ""},
      {"YARN_HTTP_PROXY", url}, {"YARN_HTTPS_PROXY", url},
      {"PIP_PROXY", url}, {"CARGO_HTTP_PROXY", url},
      {"GIT_CONFIG_COUNT", "2"}, {"GIT_CONFIG_KEY_0", "http.proxy"}, {"GIT_CONFIG_VALUE_0", url},
      {"GIT_CONFIG_KEY_1", "https.proxy"}, {"GIT_CONFIG_VALUE_1", url},
  };
  std::erase_if(env, [&](const std::string& e) {
    if (e.rfind("GIT_CONFIG_KEY_", 0) == 0 || e.rfind("GIT_CONFIG_VALUE_", 0) == 0) return true;
    for (const auto& [name, value] : vars)
      if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0) return true;
    return false;
  });
  for (const auto& [name, value] : vars) env.push_back(name + "=" + value);
}

ProxyProcess::~ProxyProcess() { finish(); }

void ProxyProcess::finish_handover() {
  if (sandbox_fd_ >= 0) close(sandbox_fd_);
  sandbox_fd_ = -1;
}

bool ProxyProcess::start(const NetPolicy& policy, bool on_host_loopback, std::string& error) {
  const std::string path = find_proxy_binary(error);
  if (path.empty()) return false;
  int serve_fd = -1;  // the end vg-proxy serves: its control socket or its listener
  if (on_host_loopback) {
    serve_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (serve_fd < 0 || bind(serve_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(serve_fd, 256) != 0 ||
        getsockname(serve_fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      error = std::string("cannot open the network proxy's port on 127.0.0.1 (") + strerror(errno) + ")";
      if (serve_fd >= 0) close(serve_fd);
      return false;
    }
    port_ = ntohs(a.sin_port);
  } else {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
      error = std::string("cannot create the network proxy's socket (") + strerror(errno) + ")";
      return false;
    }
    sandbox_fd_ = pair[0];
    serve_fd = pair[1];
    port_ = kSandboxProxyPort;
  }
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    error = std::string("cannot start the network proxy (") + strerror(errno) + ")";
    close(serve_fd);
    return false;
  }
  std::vector<std::string> args = {"vg-proxy", on_host_loopback ? "--listen-fd" : "--control-fd", "3",
                                   "--report-fd", "4", "--proxy-port", std::to_string(port_),
                                   "--parent", std::to_string(getpid()), "--policy", net_policy_to_json(policy)};
  std::vector<char*> argv = c_strings(args);
  // vg-proxy starts at the first connection, not now: most sandboxed commands never open
  // one, and loading vg-proxy costs more than the rest of a sandbox's start-up. A forked
  // copy of us waits for that connection (or the end of the run) and then becomes it.
  const pid_t parent = getpid();
  // Built now: after fork only async-signal-safe calls (the CLI may have threads).
  const std::string exec_failed = "vectra-guard: cannot start the network proxy " + path + "; reinstall vectra-guard.\n";
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    setsid();  // out of the terminal's reach, as vg-proxy itself
    int serve = fcntl(serve_fd, F_DUPFD, 10), rep = fcntl(report[1], F_DUPFD, 10);
    int null = open("/dev/null", O_RDWR);
    if (serve < 0 || rep < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(serve, 3) < 0 ||
        dup2(rep, 4) < 0)
      _exit(127);
    close_range(5, ~0U, 0);
    pollfd p{3, POLLIN, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
    // The run ended without a connection: the listener saw none, or vg-init closed its
    // end (a SEQPACKET end-of-file reads as POLLIN too, so peek for a real message).
    char peek;
    if (!(p.revents & POLLIN) || (!on_host_loopback && recv(3, &peek, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)) _exit(0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(path.c_str(), argv.data(), environ);
    ssize_t ignored = write(2, exec_failed.data(), exec_failed.size());
    (void)ignored;
    _exit(127);
  }
  const int fork_errno = errno;
  close(serve_fd);
  close(report[1]);
  if (pid_ < 0) {
    close(report[0]);
    error = std::string("cannot start the network proxy (") + strerror(fork_errno) + ")";
    return false;
  }
  report_fd_ = report[0];
  return true;
}

std::vector<std::string> ProxyProcess::finish() {
  std::vector<std::string> blocked;
  if (sandbox_fd_ >= 0) close(sandbox_fd_);
  sandbox_fd_ = -1;
  // Every refusal was written before its 403 went out, and the sandbox has ended: what
  // the pipe holds now is all there is. Read it without waiting for vg-proxy to go.
  std::string text;
  if (report_fd_ >= 0) {
    fcntl(report_fd_, F_SETFL, O_NONBLOCK);
    char buf[4096];
    ssize_t n;
    while ((n = read(report_fd_, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0) text.append(buf, static_cast<size_t>(n));
  }
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    // Reaped now if already gone; else by whoever inherits it when we exit (a killed
    // process holds nothing but its pid). No wait on the way out of every run.
    waitpid(pid_, nullptr, WNOHANG);
    pid_ = -1;
  }
  if (report_fd_ >= 0) {
    close(report_fd_);
    report_fd_ = -1;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) break;
      auto j = nlohmann::json::parse(text.substr(pos, end - pos), nullptr, false);
      pos = end + 1;
      if (j.is_discarded() || !j.is_object()) continue;
      std::string host = j.value("host", "");
      if (host.find(':') != std::string::npos) host = "[" + host + "]";
      blocked.push_back(host + ":" + std::to_string(j.value("port", 0)) + " (" + j.value("reason", "") + ")");
    }
  }
  return blocked;
}

}  // namespace vg::sandbox
