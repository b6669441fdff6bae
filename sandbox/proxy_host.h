// Starting and stopping vg-proxy (sandbox/proxy_main.cc) for one sandbox run, and the
// environment that points the command's tools at it. Used by every runner that builds
// the `restricted` network.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/net_policy.h"

namespace vg::sandbox {

// The port vg-init listens on inside the sandbox's own network namespace.
constexpr int kSandboxProxyPort = 3128;

class ProxyProcess {
 public:
  ProxyProcess() = default;
  ProxyProcess(const ProxyProcess&) = delete;
  ProxyProcess& operator=(const ProxyProcess&) = delete;
  ~ProxyProcess();

  // Start vg-proxy for `policy`. on_host_loopback = false: connections come from
  // vg-init over a socket pair (sandbox_fd() is vg-init's end; clients use
  // kSandboxProxyPort inside). true: vg-proxy listens on an ephemeral port of the host's
  // 127.0.0.1 itself (the Landlock runtime, which has no network namespace).
  bool start(const NetPolicy& policy, bool on_host_loopback, std::string& error);
  bool running() const { return pid_ > 0; }
  int sandbox_fd() const { return sandbox_fd_; }
  void forget_sandbox_fd() { sandbox_fd_ = -1; }  // handed over (and closed) by the launcher
  void finish_handover();                          // the sandbox has its copy: close ours
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Stop it and return each refused destination as "host:port (reason)".
  std::vector<std::string> finish();

 private:
  pid_t pid_ = -1;
  int sandbox_fd_ = -1;
  int report_fd_ = -1;
  int port_ = 0;
};

// vg-proxy next to our own executable (or in ../libexec/vectra-guard); "" with `error`.
std::string find_proxy_binary(std::string& error);

// Point HTTP(S)_PROXY, ALL_PROXY (both cases), NO_PROXY (empty) and the settings of
// npm, pip, git, cargo and yarn at http://127.0.0.1:port, replacing any given before.
void set_proxy_env(std::vector<std::string>& env, int port);

}  // namespace vg::sandbox
