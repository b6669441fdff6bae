#include "sandbox/probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "sandbox/child_status.h"

namespace vg::sandbox {

namespace {

using nlohmann::json;

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Run argv with no stdin; collect stdout+stderr (small). Returns the exit status.
int capture(const std::vector<std::string>& argv, std::string& output) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return -1;
  std::vector<char*> args;
  for (const std::string& s : argv) args.push_back(const_cast<char*>(s.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(p[1], 1);
    dup2(p[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(p[1]);
  if (pid < 0) {
    close(p[0]);
    return -1;
  }
  char buf[1024];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0 && output.size() < 16384) output.append(buf, static_cast<size_t>(n));
  close(p[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::string kernel_release() {
  struct utsname u;
  return uname(&u) == 0 ? u.release : "";
}

long long mtime_of(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_mtime) : -1;
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.rfind("bwrap: ", 0) == 0) line = line.substr(7);
  return line;
}

}  // namespace

std::string find_bwrap() {
  if (access("/usr/bin/bwrap", X_OK) == 0) return "/usr/bin/bwrap";
  const char* path = tool_search_path();
  std::stringstream ss(path ? path : "");
  for (std::string dir; std::getline(ss, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/bwrap";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

bool bwrap_version_has_overlay(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) return false;
  return major > 0 || minor >= 9;
}

std::string userns_blocker() {
  if (read_first_line("/proc/sys/kernel/unprivileged_userns_clone") == "0")
    return "unprivileged user namespaces are disabled: run `sysctl -w kernel.unprivileged_userns_clone=1`";
  if (read_first_line("/proc/sys/user/max_user_namespaces") == "0")
    return "user namespaces are disabled: set `sysctl -w user.max_user_namespaces=15000`";
  if (read_first_line("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1")
    return "AppArmor forbids unprivileged user namespaces: run `sysctl -w "
           "kernel.apparmor_restrict_unprivileged_userns=0` or give bwrap an AppArmor profile "
           "that allows userns";
  return "";
}

BwrapProbe probe_bubblewrap(const std::string& state_dir) {
  BwrapProbe p;
  p.path = find_bwrap();
  if (p.path.empty()) {
    p.error = "bubblewrap is not installed; install it (apt-get install bubblewrap) so commands can run sandboxed";
    return p;
  }
  const std::string cache = state_dir.empty() ? "" : state_dir + "/probe.json";
  const std::string kernel = kernel_release();
  const long long mtime = mtime_of(p.path);
  const long long uid = getuid();
  if (!cache.empty()) {
    std::ifstream in(cache);
    json j = json::parse(in, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("ok", false) && j.value("bwrap", "") == p.path &&
        j.value("bwrap_mtime", -2LL) == mtime && j.value("kernel", "") == kernel &&
        j.value("uid", -1LL) == uid) {
      p.ok = true;
      p.version = j.value("version", "");
      p.overlay = j.value("overlay", false);
      return p;
    }
  }

  std::string out;
  capture({p.path, "--version"}, out);
  p.version = out.substr(0, out.find('\n'));
  if (p.version.rfind("bubblewrap ", 0) == 0) p.version = p.version.substr(11);
  p.overlay = bwrap_version_has_overlay(p.version);

  out.clear();
  int rc = capture({p.path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc",
                    "/proc", "--dev", "/dev", "--", "/bin/true"},
                   out);
  if (rc != 0) {
    std::string blocker = userns_blocker();
    p.error = !blocker.empty()
                  ? "bubblewrap cannot create a sandbox here: " + blocker
                  : "bubblewrap cannot create a sandbox here (" + first_line(out) +
                        "); check that unprivileged user namespaces are allowed";
    return p;
  }
  p.ok = true;
  if (!cache.empty()) {
    // Only a working answer is cached: a fixed machine must not stay "broken".
    mkdir(state_dir.c_str(), 0700);
    json j = {{"ok", true},          {"bwrap", p.path}, {"bwrap_mtime", mtime}, {"kernel", kernel},
              {"uid", uid},          {"version", p.version}, {"overlay", p.overlay}};
    std::string tmp = cache + ".tmp." + std::to_string(getpid());
    std::ofstream o(tmp);
    o << j.dump() << '\n';
    o.close();
    if (!o || std::rename(tmp.c_str(), cache.c_str()) != 0) std::remove(tmp.c_str());
  }
  return p;
}

}  // namespace vg::sandbox
