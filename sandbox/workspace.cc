#include "sandbox/workspace.h"

#include <limits.h>
#include <stdlib.h>

#include "sandbox/mounts.h"

namespace vg::sandbox {

bool path_within(const std::string& path, const std::string& dir) {
  if (dir.empty() || path.empty()) return false;
  if (dir == "/") return true;
  return path == dir || path.compare(0, dir.size() + 1, dir + "/") == 0;
}

namespace {

std::string real(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

}  // namespace

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
      return "a settings directory in your home (~/" + top.substr(0, top.find('/')) + ")";
    }
  }
  for (const std::string& g : in.guard_dirs) {
    if (g.empty()) continue;
    // As named, not resolved: a config directory linked into a dotfiles repository
    // leaves that repository a project (the linked files are bound read-only instead).
    if (path_within(g, dir) || path_within(dir, g)) return "it holds vectra-guard's own config or state";
  }
  for (const std::string& p : in.path_dirs) {
    if (p.empty() || p[0] != '/') continue;
    if (real(p) == dir) return "a directory on $PATH, whose programs run on the host";
  }
  return "";
}

}  // namespace vg::sandbox
