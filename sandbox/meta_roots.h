// Where the Landlock sandbox may change metadata (mode, owner, times, xattrs): beneath a
// writable root (the workspace, the run's TMPDIR, read-write binds and caches) and not in
// a hidden path. Landlock itself does not cover these calls; meta_supervisor.cc asks this
// about the very inode it is about to change.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vg::sandbox {

class WritableRoots {
 public:
  WritableRoots() = default;
  WritableRoots(const WritableRoots&) = delete;
  WritableRoots& operator=(const WritableRoots&) = delete;
  ~WritableRoots();

  // A writable root (a directory or a file); ignored when it does not exist.
  void add_root(const std::string& path);
  // A path below a root that stays out of reach (a hidden secret).
  void add_hidden(const std::string& path);

  // Does the inode `fd` refers to (any kind of fd, O_PATH included) lie beneath a
  // writable root, outside every hidden path? Found by the kernel's name for it,
  // re-opened beneath the root without following symlinks and compared by device and
  // inode. An unlinked regular file counts as inside: no one else sees a change to it.
  bool contains(int fd) const;

  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::vector<std::string> paths_;  // canonical, longest first
  std::vector<int> fds_;            // O_PATH, same order
  std::vector<std::string> hidden_;
  std::map<std::string, std::string> canonical_parents_;
};

}  // namespace vg::sandbox
