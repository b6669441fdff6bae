#include "sandbox/planted.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "sandbox/git_config_check.h"

namespace vg::sandbox {

namespace {

bool after(const timespec& a, const timespec& b) {
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

constexpr off_t kMaxFileBytes = 1024 * 1024;  // larger: not read, quarantined
constexpr int kMaxModuleDepth = 8;  // submodule names with slashes: modules/a/b/c

// Open `rel` beneath `root` without following any symlink on the way (the run is over,
// but a path must still never lead us outside the workspace). O_PATH|O_NOFOLLOW gives
// the symlink itself when the last component is one.
int open_beneath(int root, const std::string& rel, int flags) {
  if (rel.empty()) return fcntl(root, F_DUPFD_CLOEXEC, 0);
  open_how how{};
  how.flags = static_cast<unsigned>(flags | O_CLOEXEC | O_NOFOLLOW);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  long fd = syscall(SYS_openat2, root, rel.c_str(), &how, sizeof how);
  if (fd < 0 && errno == ENOSYS) fd = openat(root, rel.c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
  return static_cast<int>(fd);
}

bool stat_beneath(int root, const std::string& rel, struct stat& st) {
  int fd = open_beneath(root, rel, O_PATH);
  if (fd < 0) return false;
  bool ok = fstat(fd, &st) == 0;
  close(fd);
  return ok;
}

struct Entry {
  std::string name;
  bool dir;
};

// getdents64 itself (readdir would add an fcntl and an fstat per directory): d_type
// tells directories apart without a stat, except on filesystems that do not fill it in.
// `unreadable`: the directory exists but cannot be opened (its mode was taken away).
std::vector<Entry> list(int root, const std::string& rel, bool* unreadable = nullptr) {
  std::vector<Entry> out;
  int fd = open_beneath(root, rel, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    if (unreadable) *unreadable = errno == EACCES || errno == EPERM;
    return out;
  }
  alignas(8) char buf[16384];
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      const auto* e = reinterpret_cast<const dirent64*>(buf + off);
      off += e->d_reclen;
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      bool dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        dir = fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
      }
      out.push_back({std::string(name), dir});
    }
  }
  close(fd);
  return out;
}

bool has(const std::vector<Entry>& entries, std::string_view name) {
  return std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.name == name; });
}

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

// "a/b/../c/./d" -> "a/c/d"; "" when it climbs above the start.
std::string normalize(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return {};
      parts.pop_back();
    } else {
      parts.push_back(part);
    }
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

struct Scan {
  int root;
  std::string workspace;
  ScanStart start;
  std::vector<std::string> found;
  std::vector<std::string> examined;  // git directories whose entries were checked
  std::vector<std::string> gitfiles;  // changed .git files: decided after the walk
  std::vector<std::pair<std::string, std::string>> commondirs;  // worktree commondir -> its target

  // Changed since the start: a ctime in or after the start's tick, unless the entry is
  // one seen before the start and still the same (a write just before the start shares
  // its tick).
  bool newer(const std::string& rel, const struct stat& st) const {
    if (after(start.since, st.st_ctim)) return false;
    for (const ScanStart::Seen& k : start.seen)
      if (k.rel == rel)
        return !(k.dev == st.st_dev && k.ino == st.st_ino && k.ctime.tv_sec == st.st_ctim.tv_sec &&
                 k.ctime.tv_nsec == st.st_ctim.tv_nsec);
    return true;
  }
  bool changed(const std::string& rel) const {
    struct stat st;
    return stat_beneath(root, rel, st) && newer(rel, st);
  }
  // For a symlink also its target's ctime: a link left as it was can point at a file
  // the run rewrote (hooks/pre-commit -> ../../scripts/hook.sh).
  bool changed_here_or_target(const std::string& rel, const struct stat& st) const {
    if (newer(rel, st)) return true;
    struct stat target;
    return S_ISLNK(st.st_mode) && fstatat(root, rel.c_str(), &target, 0) == 0 &&
           !after(start.since, target.st_ctim);
  }

  std::string read_small(const std::string& rel, bool& ok) const {
    ok = false;
    std::string text;
    // O_NONBLOCK: a FIFO planted under a config name must not stop the scan.
    int fd = open_beneath(root, rel, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0) return text;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxFileBytes) {
      text.resize(static_cast<size_t>(st.st_size));
      ok = read(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    }
    close(fd);
    return text;
  }

  void config(const std::string& rel, bool dir_changed) {
    struct stat st;
    if (!stat_beneath(root, rel, st) || !(dir_changed || changed_here_or_target(rel, st))) return;
    bool ok = false;
    std::string text = read_small(rel, ok);
    if (!ok || !harmless_git_config(text)) found.push_back(rel);
  }

  // A linked worktree's gitdir (<gitdir>/worktrees/<id>) names its repository as "../..":
  // harmless when that directory is examined here too (decided after the walk).
  // Anything else points git at a config we did not see.
  void commondir(const std::string& gitdir, const std::string& rel, bool dir_changed) {
    struct stat st;
    if (!stat_beneath(root, rel, st) || !(dir_changed || changed_here_or_target(rel, st))) return;
    bool ok = false;
    std::string text = read_small(rel, ok);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    size_t slash = gitdir.rfind('/');
    std::string parent = gitdir.substr(0, slash == std::string::npos ? 0 : slash);
    bool in_worktrees = parent == "worktrees" ||
                        (parent.size() > 10 && parent.compare(parent.size() - 10, 10, "/worktrees") == 0);
    if (!ok || !in_worktrees || text != "../..")
      found.push_back(rel);
    else
      commondirs.emplace_back(rel, normalize(gitdir + "/../.."));
  }

  // An interactive rebase's todo list: `git rebase --continue` on the host runs its
  // `exec` lines.
  void rebase_todo(const std::string& gitdir, bool dir_changed) {
    const std::string rel = join(gitdir, "rebase-merge/git-rebase-todo");
    struct stat st;
    if (!stat_beneath(root, rel, st) || !(dir_changed || changed_here_or_target(rel, st))) return;
    bool ok = false;
    std::string text = read_small(rel, ok);
    if (!ok) {
      found.push_back(rel);
      return;
    }
    for (size_t pos = 0; pos < text.size();) {
      size_t nl = text.find('\n', pos);
      std::string_view line = std::string_view(text).substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? text.size() : nl + 1;
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      std::string_view word = line.substr(0, line.find_first_of(" \t\r"));
      if (word == "x" || word == "exec") {
        found.push_back(rel);
        return;
      }
    }
  }

  void hooks(const std::string& gitdir, bool dir_changed) {
    const std::string rel = join(gitdir, "hooks");
    struct stat st;
    if (!stat_beneath(root, rel, st)) return;
    bool hooks_changed = dir_changed || newer(rel, st);
    if (!S_ISDIR(st.st_mode)) {  // a symlink or file in place of the directory
      if (hooks_changed) found.push_back(rel);
      return;
    }
    bool unreadable = false;
    std::vector<Entry> entries = list(root, rel, &unreadable);
    if (unreadable && hooks_changed) found.push_back(rel);
    for (const Entry& e : entries) {
      // git runs hooks by their exact names; *.sample never runs.
      if (e.name.size() > 7 && e.name.compare(e.name.size() - 7, 7, ".sample") == 0) continue;
      std::string hook = join(rel, e.name);
      struct stat hst;
      if (stat_beneath(root, hook, hst) && (hooks_changed || changed_here_or_target(hook, hst)))
        found.push_back(hook);
    }
  }

  // Directories below modules/ or worktrees/ that are git directories themselves; a
  // symlink or file put there is reported (a gitfile elsewhere may point through it).
  void nested_gitdirs(const std::string& rel, int depth) {
    for (const Entry& e : list(root, rel)) {
      std::string p = join(rel, e.name);
      if (!e.dir) {
        if (changed(p)) found.push_back(p);
        continue;
      }
      bool unreadable = false;
      std::vector<Entry> inside = list(root, p, &unreadable);
      if (unreadable && changed(p)) found.push_back(p);
      if (has(inside, "HEAD") || has(inside, "commondir"))
        gitdir(p, false);
      else if (depth < kMaxModuleDepth)
        nested_gitdirs(p, depth + 1);
    }
  }

  void gitdir(const std::string& rel, bool top) {
    struct stat st;
    if (!stat_beneath(root, rel, st)) return;
    examined.push_back(rel);
    // The workspace's own .git changes with every commit; it counts as changed only
    // when it is another directory than before the run. Any other git directory
    // counts as changed when its ctime says so: it may have been moved into place
    // with old files in it.
    bool dir_changed = top ? (st.st_ino != start.git_ino || st.st_dev != start.git_dev) : newer(rel, st);
    config(join(rel, "config"), dir_changed);
    config(join(rel, "config.worktree"), dir_changed);
    commondir(rel, join(rel, "commondir"), dir_changed);
    hooks(rel, dir_changed);
    rebase_todo(rel, dir_changed);
    for (const char* sub : {"modules", "worktrees"}) {
      std::string p = join(rel, sub);
      struct stat sst;
      if (!stat_beneath(root, p, sst)) continue;
      if (S_ISDIR(sst.st_mode))
        nested_gitdirs(p, 0);
      else if (dir_changed || newer(p, sst))
        found.push_back(p);
    }
  }

  // What `git submodule` and `git worktree add` write: "gitdir: PATH" naming a git
  // directory inside the workspace that was examined here (reached without symlinks).
  // Anything else (a symlink, a path outside, through a symlink) could be any config.
  bool gitfile_points_inside(const std::string& rel) const {
    bool ok = false;
    std::string text = read_small(rel, ok);
    if (!ok || text.compare(0, 8, "gitdir: ") != 0) return false;
    std::string target = text.substr(8);
    while (!target.empty() && (target.back() == '\n' || target.back() == '\r')) target.pop_back();
    if (target.empty() || target.find('\n') != std::string::npos) return false;
    if (target[0] == '/') {
      if (target.compare(0, workspace.size() + 1, workspace + "/") != 0) return false;
      target = target.substr(workspace.size() + 1);
    } else {
      size_t slash = rel.rfind('/');
      target = (slash == std::string::npos ? std::string() : rel.substr(0, slash + 1)) + target;
    }
    target = normalize(target);
    if (target.empty() || std::find(examined.begin(), examined.end(), target) == examined.end()) return false;
    struct stat st;
    return stat_beneath(root, target, st) && S_ISDIR(st.st_mode);  // no symlink on the way
  }

  void walk() {
    std::vector<std::string> todo{""};
    while (!todo.empty()) {
      std::string dir = std::move(todo.back());
      todo.pop_back();
      bool unreadable = false;
      std::vector<Entry> entries = list(root, dir, &unreadable);
      // A directory made unlistable during the run could hide a repository that a
      // shell can still enter (mode 0111): it goes as a whole.
      if (unreadable && !dir.empty() && changed(dir)) found.push_back(dir);
      // What git takes for a bare repository (or a linked worktree's gitdir) when run
      // from inside it.
      if (has(entries, "HEAD") && ((has(entries, "objects") && has(entries, "refs")) || has(entries, "commondir")))
        gitdir(dir, false);
      for (const Entry& e : entries) {
        std::string rel = join(dir, e.name);
        if (e.name == ".git") {
          if (e.dir)
            gitdir(rel, dir.empty());
          else if (changed(rel))
            gitfiles.push_back(rel);  // a gitfile or symlink: points git at any directory
        } else if (e.name == "vectra-guard.ini") {
          struct stat ist;
          if (stat_beneath(root, rel, ist) && changed_here_or_target(rel, ist)) found.push_back(rel);
        } else if (e.dir && std::find(start.skip.begin(), start.skip.end(), rel) == start.skip.end()) {
          todo.push_back(rel);
        }
      }
    }
  }
};

// Filesystems whose timestamps come from this kernel's clock.
bool local_clock(const std::string& dir) {
  struct statfs fs;
  if (statfs(dir.c_str(), &fs) != 0) return false;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53:      // ext2/3/4
    case 0x58465342:  // xfs
    case 0x9123683E:  // btrfs
    case 0x01021994:  // tmpfs
    case 0x858458F6:  // ramfs
    case 0xF2F52010:  // f2fs
    case 0x2FC12FC1:  // zfs
    case 0xCA451A4E:  // bcachefs
    case 0x794C7630:  // overlayfs
      return true;
    default:
      return false;
  }
}

// On a network or virtual filesystem (NFS, SMB, 9p and virtiofs of VMs and WSL, FUSE)
// the server stamps ctime with its own clock, which may be behind ours: read it from a
// file made there and never linked (or removed at once). Failing that, look 5 minutes
// further back.
void server_clock(const std::string& dir, timespec& since) {
  struct stat st;
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string tmpl = dir + "/.vg-clock-XXXXXX";
    fd = mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd >= 0) unlink(tmpl.c_str());
  }
  if (fd >= 0 && fstat(fd, &st) == 0) {
    // Our probe is not "changed by the run": anything after it is.
    if (after(since, st.st_ctim)) since = st.st_ctim;
  } else {
    since.tv_sec -= 300;
  }
  if (fd >= 0) close(fd);
}

}  // namespace

ScanStart scan_start(const std::string& workspace) {
  ScanStart s;
  clock_gettime(CLOCK_REALTIME_COARSE, &s.since);
  if (!local_clock(workspace)) server_clock(workspace, s.since);
  struct stat st;
  if (lstat((workspace + "/.git").c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    s.git_dev = st.st_dev;
    s.git_ino = st.st_ino;
  }
  // The entries a host command most likely wrote just before (git config, git init,
  // vectra-guard init --local): remembered, so they are not taken for the run's.
  std::vector<std::string> rels = {"vectra-guard.ini", ".git", ".git/config", ".git/config.worktree",
                                   ".git/commondir", ".git/hooks"};
  if (DIR* d = opendir((workspace + "/.git/hooks").c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') rels.push_back(std::string(".git/hooks/") + e->d_name);
    closedir(d);
  }
  for (const std::string& rel : rels) {
    if (lstat((workspace + "/" + rel).c_str(), &st) != 0) continue;
    s.seen.push_back({rel, st.st_dev, st.st_ino, st.st_ctim});
    if (!after(s.since, st.st_ctim)) s.wait_for_tick = true;
  }
  return s;
}

void wait_for_tick(const ScanStart& start) {
  if (!start.wait_for_tick) return;
  for (;;) {
    timespec coarse;
    clock_gettime(CLOCK_REALTIME_COARSE, &coarse);
    if (after(coarse, start.since)) return;
    timespec nap{0, 500 * 1000};
    nanosleep(&nap, nullptr);
  }
}

std::vector<std::string> find_planted(const std::string& workspace, const ScanStart& start,
                                      std::string* error) {
  int root = open(workspace.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) {
    if (error) *error = std::strerror(errno);
    return {};
  }
  Scan scan{root, workspace, start, {}, {}, {}, {}};
  scan.walk();
  for (const std::string& g : scan.gitfiles)
    if (!scan.gitfile_points_inside(g)) scan.found.push_back(g);
  for (const auto& [rel, target] : scan.commondirs)
    if (std::find(scan.examined.begin(), scan.examined.end(), target) == scan.examined.end())
      scan.found.push_back(rel);
  close(root);
  std::vector<std::string> out;
  for (std::string& p : scan.found)
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  return out;
}

}  // namespace vg::sandbox
