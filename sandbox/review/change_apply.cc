#include "sandbox/review/change_apply.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace vg::review {

namespace {

int64_t ctime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
}

std::string parent_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

bool selected_by(const std::string& path, const std::vector<std::string>& prefixes) {
  if (prefixes.empty()) return true;
  Change probe;
  probe.path = path;
  for (const std::string& p : prefixes)
    if (change_matches(probe, p)) return true;
  return false;
}

std::string errno_text() { return std::strerror(errno); }

struct Applier {
  const ChangeSet& set;
  std::string error;
  std::set<std::string> real_dirs;     // workspace-relative dirs checked or made this run
  // Complete copies waiting to be renamed over their targets (temp, target, rel), after
  // one syncfs: each file is replaced whole, and 10,000 files cost one flush, not 10,000.
  struct Staged {
    std::string tmp, target, rel;
  };
  std::vector<Staged> staged;
  std::vector<std::pair<std::string, mode_t>> made_dirs;  // parents made: their modes come last

  std::string host(const std::string& rel) const { return rel.empty() ? set.meta.workspace : set.meta.workspace + "/" + rel; }

  bool fail(const std::string& rel, const std::string& what) {
    error = "cannot apply " + rel + ": " + what;
    return false;
  }

  // Every ancestor of `rel` is a real directory on the host (never a symlink leading out of
  // the workspace). create: missing ones are made with the change set's mode; otherwise a
  // missing ancestor makes `gone` true.
  bool ensure_parents(const std::string& rel, bool create = true, bool* gone = nullptr) {
    std::string dir = parent_of(rel);
    if (dir.empty() || real_dirs.count(dir)) return true;
    if (!ensure_parents(dir, create, gone)) return false;
    if (gone && *gone) return true;
    struct stat st;
    if (lstat(host(dir).c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return fail(rel, host(dir) + " on the host is not a directory");
    } else if (!create) {
      *gone = true;
      return true;
    } else {
      struct stat us;
      mode_t mode = lstat((set.dir + "/upper/" + dir).c_str(), &us) == 0 ? (us.st_mode & 07777) : 0755;
      if (mkdir(host(dir).c_str(), 0700) != 0) return fail(rel, "mkdir " + host(dir) + ": " + errno_text());
      made_dirs.emplace_back(dir, mode);
    }
    real_dirs.insert(dir);
    return true;
  }

  // Writes a copy of `c.source` next to the target (renamed over it in commit()).
  bool write_file(const Change& c) {
    std::string target = host(c.path);
    std::string dir = host(parent_of(c.path));
    std::string tmp = dir + "/.vg-apply.XXXXXX";
    int in = open(c.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0) return fail(c.path, "cannot read " + c.source + ": " + errno_text());
    int out = mkostemp(tmp.data(), O_CLOEXEC);
    if (out < 0) {
      close(in);
      return fail(c.path, "cannot create a file in " + dir + ": " + errno_text());
    }
    bool ok = true;
    std::string why;
    while (true) {
      ssize_t n = copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
      if (n == 0) break;
      if (n > 0) continue;
      if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
        ok = false, why = errno_text();
        break;
      }
      // Plain copy where the filesystems cannot copy between them.
      char buf[65536];
      ssize_t r;
      while (ok && (r = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, static_cast<size_t>(r)) != r) ok = false, why = errno_text();
      if (r < 0) ok = false, why = errno_text();
      break;
    }
    struct stat us;
    if (ok && fstat(in, &us) == 0) {
      struct timespec times[2] = {us.st_atim, us.st_mtim};  // a build's outputs keep their times
      // Never setuid or setgid: the sandbox made the file, the host may run it as root.
      if (fchmod(out, us.st_mode & 01777) != 0 || futimens(out, times) != 0) ok = false, why = errno_text();
    }
    close(in);
    if (close(out) != 0 && ok) ok = false, why = errno_text();
    if (!ok) {
      unlink(tmp.c_str());
      return fail(c.path, why);
    }
    staged.push_back({tmp, target, c.path});
    return true;
  }

  bool write_symlink(const Change& c) {
    std::string dir = host(parent_of(c.path));
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string tmp = dir + "/.vg-apply-link." + std::to_string(getpid()) + "." + std::to_string(attempt);
      if (symlink(c.link_target.c_str(), tmp.c_str()) != 0) {
        if (errno == EEXIST) continue;
        return fail(c.path, "symlink: " + errno_text());
      }
      staged.push_back({tmp, host(c.path), c.path});
      return true;
    }
    return fail(c.path, "no free temporary name in " + dir);
  }

  bool remove(const std::string& rel, mode_t old_mode) {
    bool gone = false;
    if (!ensure_parents(rel, false, &gone)) return false;
    if (gone) return true;
    int rc = S_ISDIR(old_mode) ? rmdir(host(rel).c_str()) : unlink(host(rel).c_str());
    if (rc != 0 && errno != ENOENT) return fail(rel, "cannot remove " + host(rel) + ": " + errno_text());
    return true;
  }

  bool create(const Change& c) {
    if (c.kind == ChangeKind::deleted) return true;  // done before
    if (!ensure_parents(c.path)) return false;
    switch (c.kind) {
      case ChangeKind::dir: {
        struct stat st;
        if (lstat(host(c.path).c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
          return fail(c.path, host(c.path) + " on the host is not a directory");
        if (mkdir(host(c.path).c_str(), 0700) != 0 && errno != EEXIST) return fail(c.path, "mkdir: " + errno_text());
        // (an existing one: only its mode changes, in finish())
        real_dirs.insert(c.path);
        return true;  // its mode is set in finish(), after its content
      }
      case ChangeKind::added:
      case ChangeKind::modified:
      case ChangeKind::renamed:
        return write_file(c);
      case ChangeKind::symlink:
        return write_symlink(c);
      case ChangeKind::mode:
        if (S_ISDIR(c.new_mode)) return true;  // in finish()
        if (chmod(host(c.path).c_str(), c.new_mode & 01777) != 0) return fail(c.path, "chmod: " + errno_text());
        return true;
      case ChangeKind::special:
        if (!S_ISFIFO(c.new_mode)) return true;  // sockets and devices are not carried over
        if (mkfifo(host(c.path).c_str(), c.new_mode & 07777) != 0 && errno != EEXIST)
          return fail(c.path, "mkfifo: " + errno_text());
        return true;
      case ChangeKind::deleted:
        return true;
    }
    return true;
  }

  // Every staged copy on disk (one syncfs), then each renamed over its target.
  bool commit() {
    int fd = open(set.meta.workspace.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || syncfs(fd) != 0) {
      if (fd >= 0) close(fd);
      return discard_staged(0), fail(set.meta.workspace, "syncfs: " + errno_text());
    }
    close(fd);
    for (size_t i = 0; i < staged.size(); ++i)
      if (rename(staged[i].tmp.c_str(), staged[i].target.c_str()) != 0) {
        std::string why = errno_text();
        discard_staged(i);
        return fail(staged[i].rel, why);
      }
    staged.clear();
    return true;
  }
  void discard_staged(size_t from) {
    for (size_t i = from; i < staged.size(); ++i) unlink(staged[i].tmp.c_str());
    staged.clear();
  }

  // Directory modes last (deepest first), so a read-only directory can still be filled.
  bool finish(const std::vector<Change>& selected) {
    for (auto it = made_dirs.rbegin(); it != made_dirs.rend(); ++it) chmod(host(it->first).c_str(), it->second);
    for (auto it = selected.rbegin(); it != selected.rend(); ++it)
      if ((it->kind == ChangeKind::dir || it->kind == ChangeKind::mode) && S_ISDIR(it->new_mode) &&
          chmod(host(it->path).c_str(), it->new_mode & 07777) != 0)
        return fail(it->path, "chmod: " + errno_text());
    // The renames and removals themselves on disk.
    int fd = open(set.meta.workspace.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) syncfs(fd), close(fd);
    return true;
  }
};

}  // namespace

std::vector<Change> select_changes(const ChangeSet& set, const std::vector<std::string>& prefixes,
                                   std::vector<std::string>& unmatched) {
  std::vector<Change> out;
  std::vector<bool> used(prefixes.size(), false);
  for (const Change& c : set.changes) {
    bool take = prefixes.empty();
    for (size_t i = 0; i < prefixes.size(); ++i)
      if (change_matches(c, prefixes[i])) take = used[i] = true;
    if (take) out.push_back(c);
  }
  for (size_t i = 0; i < prefixes.size(); ++i)
    if (!used[i] && !std::any_of(set.vanished.begin(), set.vanished.end(),
                                 [&](const std::string& v) { return selected_by(v, {prefixes[i]}); }))
      unmatched.push_back(prefixes[i]);
  return out;
}

std::vector<Underneath> changed_underneath(const ChangeSet& set, const std::vector<Change>& selected,
                                           const std::vector<std::string>& prefixes) {
  std::vector<Underneath> out;
  const std::string& ws = set.meta.workspace;
  auto check = [&](const std::string& rel, const Change& c) {
    struct stat st;
    if (lstat((ws + "/" + rel).c_str(), &st) == 0) {
      // A directory's ctime moves with every entry made or removed in it; those entries
      // are checked on their own.
      if (S_ISDIR(st.st_mode) && c.kind != ChangeKind::dir) return;
      if (ctime_ns(st) >= set.meta.started_ns) out.push_back({rel, "changed on the host since the run began"});
      return;
    }
    // A file the run changed (copied up) but that is gone from the host: deleted there,
    // when its directory changed since the run began.
    if (c.kind == ChangeKind::added && c.copied_up) {
      struct stat ps;
      std::string parent = parent_of(rel);
      if (lstat((parent.empty() ? ws : ws + "/" + parent).c_str(), &ps) != 0 || ctime_ns(ps) >= set.meta.started_ns)
        out.push_back({rel, "deleted on the host since the run began"});
    }
  };
  for (const Change& c : selected) {
    check(c.path, c);
    if (!c.from.empty()) check(c.from, c);
  }
  for (const std::string& v : set.vanished)
    if (selected_by(v, prefixes)) out.push_back({v, "deleted on the host since the run began"});
  std::sort(out.begin(), out.end(), [](const Underneath& a, const Underneath& b) { return a.path < b.path; });
  return out;
}

bool apply_changes(const ChangeSet& set, const std::vector<Change>& selected, std::string& error) {
  Applier a{set, "", {}, {}, {}};
  // Deletions first, deepest first, so a directory is empty when it goes and a path that
  // changes type is free for its new content. A rename's old path is one of them: its
  // new content comes from the upper layer.
  std::vector<std::pair<std::string, mode_t>> gone;
  for (const Change& c : selected) {
    if (c.kind == ChangeKind::deleted) gone.emplace_back(c.path, c.old_mode);
    if (c.kind == ChangeKind::renamed) gone.emplace_back(c.from, c.old_mode);
  }
  std::sort(gone.begin(), gone.end());
  for (auto it = gone.rbegin(); it != gone.rend(); ++it)
    if (!a.remove(it->first, it->second)) return error = a.error, false;
  a.real_dirs.clear();  // some of them may be gone now
  for (const Change& c : selected)
    if (!a.create(c)) return a.discard_staged(0), error = a.error, false;
  if (!a.commit()) return error = a.error, false;
  if (!a.finish(selected)) return error = a.error, false;
  // A whiteout over a path now gone from the host would read as "deleted on the host"
  // the next time: the deletions just applied leave the set.
  for (const auto& [rel, mode] : gone) {
    struct stat st;
    std::string w = set.dir + "/upper/" + rel;
    if (lstat(w.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0) unlink(w.c_str());
  }
  return true;
}

}  // namespace vg::review
