#include "sandbox/workspace.h"

#include <limits.h>
#include <algorithm>
#include <map>
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

// Resolves component by component with lstat (a missing path costs one failing lstat,
// not a realpath's readlink per component), remembering what each path resolved to:
// protected_paths() asks for dozens of paths below the same home.
class Resolver {
 public:
  std::string resolve(const std::string& path, int links = 0) {
    if (path.empty() || path == "/" || path[0] != '/') return path;
    if (auto it = done_.find(path); it != done_.end()) return it->second;
    size_t slash = path.rfind('/');
    std::string parent = resolve(slash == 0 ? "/" : path.substr(0, slash), links);
    std::string base = path.substr(slash + 1), out;
    if (base.empty() || base == ".") {
      out = parent;
    } else if (base == "..") {
      out = parent == "/" ? "/" : parent.substr(0, std::max<size_t>(1, parent.rfind('/')));
    } else {
      out = (parent == "/" ? "" : parent) + "/" + base;
      struct stat st;
      char buf[PATH_MAX];
      ssize_t n;
      if (links < 40 && lstat(out.c_str(), &st) == 0 && S_ISLNK(st.st_mode) &&
          (n = readlink(out.c_str(), buf, sizeof buf - 1)) > 0) {
        std::string target(buf, static_cast<size_t>(n));
        if (target[0] != '/') target = (parent == "/" ? "" : parent) + "/" + target;
        out = resolve(target, links + 1);
      }
    }
    done_[path] = out;
    return out;
  }

 private:
  std::map<std::string, std::string> done_;
};

}  // namespace

std::string resolve_path(const std::string& path) { return Resolver().resolve(path); }

std::vector<std::string> resolve_paths(const std::vector<std::string>& paths) {
  Resolver r;
  std::vector<std::string> out;
  out.reserve(paths.size());
  for (const std::string& p : paths) out.push_back(r.resolve(p));
  return out;
}

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
