#include "sandbox/workspace.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/mounts.h"

namespace vg::sandbox {

bool path_within(const std::string& path, const std::string& dir) {
  if (dir.empty() || path.empty()) return false;
  if (dir == "/") return path[0] == '/';
  return path == dir || path.compare(0, dir.size() + 1, dir + "/") == 0;
}

namespace {

std::string resolve(const std::string& path, int links) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf)) return buf;
  if (path.empty() || path == "/" || links > 16) return path;
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
    if (n <= 0) return path;
    std::string target(buf, static_cast<size_t>(n));
    if (target[0] != '/') target = path.substr(0, path.rfind('/') + 1) + target;
    return resolve(target, links + 1);
  }
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return path;
  std::string parent = resolve(slash == 0 ? "/" : path.substr(0, slash), links);
  return (parent == "/" ? "" : parent) + path.substr(slash);
}

}  // namespace

std::string resolve_path(const std::string& path) { return resolve(path, 0); }

const ProtectedPath* protected_within(const std::string& dir, const std::vector<ProtectedPath>& paths) {
  for (const ProtectedPath& p : paths)
    if (path_within(p.path, dir)) return &p;
  return nullptr;
}

std::string unwritable_workspace_reason(const std::string& dir, const WorkspaceInputs& in) {
  if (dir.empty()) return "it does not exist";
  if (is_forbidden_workspace(dir)) return "a system directory";
  for (const char* shared : {"/tmp", "/var/tmp", "/dev/shm", "/run/user", "/mnt", "/media"})
    if (dir == shared) return "shared scratch space";
  if (path_within(dir, "/run/user")) return "your session's runtime directory";
  for (const std::string& home : in.homes) {
    if (home.empty() || home == "/") continue;
    if (dir == home) return "your home directory";
    if (path_within(home, dir)) return "it contains your home directory";
    // ~/.config, ~/.local, ~/.cache...: settings and programs the host loads later.
    if (path_within(dir, home) && dir.compare(home.size(), 2, "/.") == 0) {
      std::string top = dir.substr(home.size() + 1);
      return "a settings directory in your home, ~/" + top.substr(0, top.find('/'));
    }
  }
  for (const std::string& g : in.guard_dirs)
    if (!g.empty() && (path_within(g, dir) || path_within(dir, g)))
      return "it holds vectra-guard's own config or state";
  if (const ProtectedPath* p = protected_within(dir, in.protected_paths)) return "it holds " + p->what;
  return "";
}

}  // namespace vg::sandbox
