#include "sandbox/meta_roots.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

namespace vg::sandbox {

namespace {

bool under_or_at(const std::string& path, const std::string& dir) {
  if (path == dir) return true;
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

bool same_inode(int a, int b) {
  struct stat sa, sb;
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

WritableRoots::~WritableRoots() {
  for (int fd : fds_) close(fd);
}

void WritableRoots::add_root(const std::string& path) {
  std::string c = canonical(path);
  if (c.empty() || std::find(paths_.begin(), paths_.end(), c) != paths_.end()) return;
  int fd = open(c.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return;
  // Longest first: the most specific root is tried first.
  auto at = std::find_if(paths_.begin(), paths_.end(), [&](const std::string& p) { return p.size() < c.size(); });
  fds_.insert(fds_.begin() + (at - paths_.begin()), fd);
  paths_.insert(at, c);
}

void WritableRoots::add_hidden(const std::string& path) {
  hidden_.push_back(path);
  // Compared with the kernel's names, which have no symlinks in them: the parent is
  // resolved once for all its hidden entries (realpath costs a readlink per component,
  // there are a hundred entries), a hidden symlink hides its target too.
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  std::string parent = path.substr(0, slash);
  auto [it, fresh] = canonical_parents_.try_emplace(parent);
  if (fresh) it->second = canonical(parent);
  if (it->second.empty()) return;  // nothing there to protect
  std::string c = it->second + path.substr(slash);
  struct stat st;
  if (lstat(c.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    std::string target = canonical(c);
    if (!target.empty()) hidden_.push_back(target);
  }
  if (c != path) hidden_.push_back(c);
}

bool WritableRoots::contains(int fd) const {
  struct stat st;
  if (fstat(fd, &st) != 0) return false;
  if (S_ISREG(st.st_mode) && st.st_nlink == 0) return true;
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  char buf[PATH_MAX + 1];
  ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0 || buf[0] != '/') return false;  // a pipe, a socket, an anonymous inode
  std::string path(buf, static_cast<size_t>(n));
  for (const std::string& h : hidden_)
    if (under_or_at(path, h)) return false;
  for (size_t i = 0; i < paths_.size(); ++i) {
    const std::string& root = paths_[i];
    if (path == root) {
      if (same_inode(fd, fds_[i])) return true;
      continue;
    }
    if (!under_or_at(path, root)) continue;
    // The kernel's name for it may be stale (renamed meanwhile) or end in " (deleted)":
    // only the inode found beneath the root counts.
    std::string rel = path.substr(root == "/" ? 1 : root.size() + 1);
    struct open_how how = {};
    how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int again = static_cast<int>(syscall(SYS_openat2, fds_[i], rel.c_str(), &how, sizeof how));
    if (again < 0) continue;
    bool same = same_inode(fd, again);
    close(again);
    if (same) return true;
  }
  return false;
}

}  // namespace vg::sandbox
