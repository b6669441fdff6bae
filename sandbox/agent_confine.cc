#include "sandbox/agent_confine.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/config.h"
#include "sandbox/landlock_abi.h"

namespace vg::sandbox {
namespace {

std::string resolved(const std::string& p) {
  char buf[PATH_MAX];
  return !p.empty() && realpath(p.c_str(), buf) ? std::string(buf) : "";
}

std::string parent(const std::string& p) {
  size_t slash = p.rfind('/');
  return slash == 0 ? "/" : slash == std::string::npos ? "" : p.substr(0, slash);
}

bool inside_or_equal(const std::string& p, const std::string& dir) {
  return p == dir || (p.size() > dir.size() && p.compare(0, dir.size(), dir) == 0 && p[dir.size()] == '/');
}

void add(std::vector<std::string>& list, const std::string& path) {
  std::string r = resolved(path);
  if (r.empty() || r == "/") return;
  for (const std::string& have : list)
    if (inside_or_equal(r, have)) return;
  std::erase_if(list, [&](const std::string& have) { return inside_or_equal(have, r); });
  list.push_back(r);
}

}  // namespace

AgentProtect agent_protected_paths(const std::string& state_dir, const std::string& self_binary) {
  AgentProtect p;
  std::string user_config = vg::default_config_paths("").user;  // ~/.config/vectra-guard/config.ini
  add(p.read_only, parent(user_config));
  add(p.read_only, "/etc/vectra-guard");
  add(p.read_only, state_dir);
  // The binary's directory and its installation's lib, libexec and share (hooks, the
  // shim, the BASH_ENV files), or the build tree's bin and lib.
  std::string bin = parent(resolved(self_binary));
  if (!bin.empty()) {
    add(p.read_only, bin);
    std::string prefix = parent(bin);
    for (const char* sub : {"/lib/vectra-guard", "/libexec/vectra-guard", "/share/vectra-guard"})
      add(p.read_only, prefix + sub);
    // The build tree: build/lib holds the shim.
    struct stat st{};
    if (stat((prefix + "/lib/libvgpreload.so").c_str(), &st) == 0) add(p.read_only, prefix + "/lib");
  }
  if (const char* lib = getenv("VG_PRELOAD_LIB"); lib && *lib) add(p.read_only, parent(resolved(lib)));
  std::string keys = resolved(state_dir + "/keys");
  if (!keys.empty()) p.no_read.push_back(keys);
  return p;
}

std::string agent_tmpdir_if_needed(const AgentProtect& p, std::string& error) {
  std::string tmp = resolved("/tmp");
  bool split = false;
  for (const auto* list : {&p.read_only, &p.no_read})
    for (const std::string& r : *list) split = split || (!tmp.empty() && r != tmp && inside_or_equal(r, tmp));
  if (!split) return "";
  std::string tmpl = tmp + "/vg-agent.XXXXXX";
  if (!mkdtemp(tmpl.data())) {
    error = std::string("cannot create the session's TMPDIR under /tmp: ") + std::strerror(errno);
    return "";
  }
  return tmpl;
}

std::vector<LandlockRule> agent_confine_wanted(const AgentProtect& p, int abi) {
  std::vector<LandlockRule> w = {{"/", landlock_write_rights(abi)}};
  for (const std::string& r : p.read_only) w.push_back({r, landlock_read_rights()});
  for (const std::string& r : p.no_read) w.push_back({r, 0});
  return w;
}

bool confine_agent(const AgentProtect& p, std::string& enforced, std::string& missing) {
  int abi = landlock_abi();
  if (abi <= 0) {
    missing = "Landlock is not available (Linux 5.13+ with Landlock enabled), so the agent can still write "
              "vectra-guard's config, $VG_HOME (trust store, snapshots, audit trail) and its binaries, and "
              "read the audit key";
    return false;
  }
  ll::RulesetAttr attr = {landlock_write_rights(abi), 0, 0};
  int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof(std::uint64_t), 0));
  if (ruleset < 0) {
    missing = std::string("a Landlock ruleset could not be created (") + std::strerror(errno) +
              "), so the agent can still write vectra-guard's config, $VG_HOME and its binaries";
    return false;
  }
  for (const LandlockRule& r : landlock_rules(agent_confine_wanted(p, abi))) {
    int fd = open(r.path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;  // gone since we looked
    struct landlock_path_beneath_attr pb = {r.rights, fd};
    long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int saved = errno;
    close(fd);
    if (rc != 0) {
      close(ruleset);
      missing = "the Landlock rule for " + r.path + " failed (" + std::strerror(saved) +
                "), so the agent can still write vectra-guard's config, $VG_HOME and its binaries";
      return false;
    }
  }
  // Unprivileged Landlock needs no_new_privs: setuid programs (sudo) gain nothing in the session.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
    int saved = errno;
    close(ruleset);
    missing = std::string("Landlock could not be enforced (") + std::strerror(saved) +
              "), so the agent can still write vectra-guard's config, $VG_HOME and its binaries";
    return false;
  }
  close(ruleset);
  enforced = "read-only to the agent (Landlock ABI " + std::to_string(abi) + "):";
  for (const std::string& r : p.read_only) enforced += " " + r;
  return true;
}

}  // namespace vg::sandbox
