#include "sandbox/review/change_set.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

namespace vg::review {

const char* to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added: return "added";
    case ChangeKind::modified: return "modified";
    case ChangeKind::deleted: return "deleted";
    case ChangeKind::renamed: return "renamed";
    case ChangeKind::mode: return "mode";
    case ChangeKind::symlink: return "symlink";
    case ChangeKind::dir: return "dir";
    case ChangeKind::special: return "special";
  }
  return "?";
}

namespace {

std::string join(const std::string& rel, const std::string& name) { return rel.empty() ? name : rel + "/" + name; }

std::vector<std::string> dir_names(const std::string& path) {
  std::vector<std::string> names;
  DIR* d = opendir(path.c_str());
  if (!d) return names;
  while (dirent* e = readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// An overlayfs xattr, in the trusted.* (mounted by real root) or user.* (userxattr) form.
bool has_overlay_xattr(const std::string& path, const char* name, std::string* value = nullptr) {
  for (const char* ns : {"trusted.overlay.", "user.overlay."}) {
    char buf[4096];
    ssize_t n = lgetxattr(path.c_str(), (std::string(ns) + name).c_str(), buf, sizeof buf);
    if (n >= 0) {
      if (value) value->assign(buf, static_cast<size_t>(n));
      return true;
    }
  }
  return false;
}

bool is_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0); }

bool has_nul(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  char buf[8000];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  return n > 0 && std::memchr(buf, 0, static_cast<size_t>(n)) != nullptr;
}

bool same_content(const std::string& a, const std::string& b, off_t size) {
  int fa = open(a.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  int fb = open(b.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  bool same = fa >= 0 && fb >= 0;
  static char ba[65536], bb[65536];
  for (off_t done = 0; same && done < size;) {
    ssize_t na = read(fa, ba, sizeof ba), nb = read(fb, bb, sizeof bb);
    // Regular files of equal size give equal chunks; anything else counts as different.
    same = na > 0 && na == nb && std::memcmp(ba, bb, static_cast<size_t>(na)) == 0;
    done += na > 0 ? na : 0;
  }
  if (fa >= 0) close(fa);
  if (fb >= 0) close(fb);
  return same;
}

std::string link_target(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

Change entry(const std::string& path, ChangeKind kind, mode_t old_mode, mode_t new_mode) {
  Change c;
  c.path = path;
  c.kind = kind;
  c.old_mode = old_mode;
  c.new_mode = new_mode;
  return c;
}

struct Walker {
  std::string workspace;
  ChangeSet& out;
  std::string error;

  std::string host(const std::string& rel) const { return rel.empty() ? workspace : workspace + "/" + rel; }

  // The host entry `rel` (type `st`) goes away: every entry inside a directory first.
  void deleted(const std::string& rel, const struct stat& st) {
    if (S_ISDIR(st.st_mode)) {
      for (const std::string& n : dir_names(host(rel))) {
        struct stat cs;
        if (lstat(host(join(rel, n)).c_str(), &cs) == 0) deleted(join(rel, n), cs);
      }
    }
    Change c = entry(rel, ChangeKind::deleted, st.st_mode, 0);
    if (S_ISREG(st.st_mode)) c.binary = has_nul(host(rel));
    out.changes.push_back(std::move(c));
  }

  // Compares upper directory `upper` (relative path `rel`) with the host. host_dir: the
  // host has a real directory at `rel` (not a symlink to one), so its entries count.
  bool walk(const std::string& rel, const std::string& upper, bool host_dir, bool opaque) {
    std::vector<std::string> names = dir_names(upper);
    for (const std::string& name : names) {
      std::string r = join(rel, name), u = upper + "/" + name;
      struct stat us, hs;
      if (lstat(u.c_str(), &us) != 0) continue;
      bool on_host = host_dir && lstat(host(r).c_str(), &hs) == 0;
      if (is_whiteout(us)) {
        if (on_host)
          deleted(r, hs);
        else
          out.vanished.push_back(r);
        continue;
      }
      if (S_ISDIR(us.st_mode)) {
        if (has_overlay_xattr(u, "redirect")) {
          error = "the change set was written with overlayfs redirect_dir on, which 'changes' cannot read (" +
                  r + "); discard it";
          return false;
        }
        bool op = has_overlay_xattr(u, "opaque");
        bool host_is_dir = on_host && S_ISDIR(hs.st_mode);
        if (host_is_dir) {
          if ((hs.st_mode & 07777) != (us.st_mode & 07777))
            out.changes.push_back(entry(r, ChangeKind::mode, hs.st_mode, us.st_mode));
        } else {
          if (on_host) deleted(r, hs);
          out.changes.push_back(entry(r, ChangeKind::dir, 0, us.st_mode));
        }
        if (!walk(r, u, host_is_dir, op)) return false;
        continue;
      }
      if (on_host && S_ISDIR(hs.st_mode)) {  // a directory replaced by something else
        deleted(r, hs);
        on_host = false;
      }
      mode_t old_mode = on_host ? hs.st_mode : 0;
      if (S_ISREG(us.st_mode)) {
        if (has_overlay_xattr(u, "metacopy")) {
          error = "the change set was written with overlayfs metacopy on, which 'changes' cannot read (" + r +
                  "); discard it";
          return false;
        }
        Change c = entry(r, ChangeKind::added, old_mode, us.st_mode);
        c.source = u;
        if (!on_host) {
          c.kind = ChangeKind::added;
          // A copied-up file (it carries an origin) came from the host: renamed in the run,
          // or deleted on the host since (apply tells them apart).
          c.copied_up = has_overlay_xattr(u, "origin");
        } else if (S_ISREG(hs.st_mode) && hs.st_size == us.st_size && same_content(host(r), u, us.st_size)) {
          if ((hs.st_mode & 07777) == (us.st_mode & 07777)) continue;  // copied up, unchanged
          c.kind = ChangeKind::mode;
        } else {
          c.kind = ChangeKind::modified;
        }
        c.binary = has_nul(u) || (on_host && S_ISREG(hs.st_mode) && has_nul(host(r)));
        out.changes.push_back(std::move(c));
        continue;
      }
      if (S_ISLNK(us.st_mode)) {
        std::string target = link_target(u);
        if (on_host && S_ISLNK(hs.st_mode) && link_target(host(r)) == target) continue;
        Change c = entry(r, ChangeKind::symlink, old_mode, us.st_mode);
        c.source = u;
        c.link_target = target;
        out.changes.push_back(std::move(c));
        continue;
      }
      Change c = entry(r, ChangeKind::special, old_mode, us.st_mode);
      c.source = u;
      out.changes.push_back(std::move(c));
    }
    // An opaque directory hides every host entry the upper layer does not name.
    if (opaque && host_dir) {
      for (const std::string& n : dir_names(host(rel))) {
        if (std::binary_search(names.begin(), names.end(), n)) continue;
        struct stat hs;
        if (lstat(host(join(rel, n)).c_str(), &hs) == 0) deleted(join(rel, n), hs);
      }
    }
    return true;
  }
};

// A deletion and an addition with identical, non-empty content are one rename.
void pair_renames(std::vector<Change>& changes, const std::string& workspace) {
  std::multimap<off_t, size_t> deletions;  // by size
  for (size_t i = 0; i < changes.size(); ++i) {
    struct stat st;
    if (changes[i].kind == ChangeKind::deleted && S_ISREG(changes[i].old_mode) &&
        lstat((workspace + "/" + changes[i].path).c_str(), &st) == 0 && st.st_size > 0)
      deletions.emplace(st.st_size, i);
  }
  if (deletions.empty()) return;
  std::vector<bool> drop(changes.size(), false);
  auto base = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
  for (Change& c : changes) {
    struct stat st;
    if (c.kind != ChangeKind::added || c.old_mode != 0 || lstat(c.source.c_str(), &st) != 0 || st.st_size == 0)
      continue;
    auto [lo, hi] = deletions.equal_range(st.st_size);
    auto match = hi;
    int tried = 0;
    for (auto it = lo; it != hi && tried < 64; ++it, ++tried) {
      if (!same_content(workspace + "/" + changes[it->second].path, c.source, st.st_size)) continue;
      if (match == hi) match = it;
      if (base(changes[it->second].path) == base(c.path)) {
        match = it;
        break;
      }
    }
    if (match == hi) continue;
    const Change& d = changes[match->second];
    c.kind = ChangeKind::renamed;
    c.from = d.path;
    c.old_mode = d.old_mode;
    drop[match->second] = true;
    deletions.erase(match);
  }
  size_t k = 0;
  for (size_t i = 0; i < changes.size(); ++i)
    if (!drop[i]) {
      if (k != i) changes[k] = std::move(changes[i]);
      ++k;
    }
  changes.resize(k);
}

}  // namespace

bool compare_upper(const std::string& upper, const std::string& workspace, ChangeSet& out, std::string& error) {
  struct stat st;
  if (lstat(upper.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = upper + " is missing; discard the change set";
    return false;
  }
  if (lstat(workspace.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = "the workspace " + workspace + " of the change set is gone; discard the change set";
    return false;
  }
  Walker w{workspace, out, ""};
  if (!w.walk("", upper, true, has_overlay_xattr(upper, "opaque"))) {
    error = w.error;
    return false;
  }
  // Stable: where a path changes type, its deletion stays before its new entry.
  std::stable_sort(out.changes.begin(), out.changes.end(),
                   [](const Change& a, const Change& b) { return a.path < b.path; });
  pair_renames(out.changes, workspace);
  std::sort(out.vanished.begin(), out.vanished.end());
  return true;
}

bool read_change_set(const std::string& dir, ChangeSet& out, std::string& error) {
  out.dir = dir;
  if (!read_change_set_meta(dir, out.meta, error)) return false;
  return compare_upper(dir + "/upper", out.meta.workspace, out, error);
}

ChangeCounts count_changes(const std::vector<Change>& changes) {
  // A directory counts only when nothing inside it is listed (an empty one).
  std::set<std::string> parents;
  for (const Change& c : changes)
    for (size_t slash = c.path.find('/'); slash != std::string::npos; slash = c.path.find('/', slash + 1))
      parents.insert(c.path.substr(0, slash));
  ChangeCounts n;
  for (const Change& c : changes) {
    bool is_dir = c.kind == ChangeKind::dir || (c.kind == ChangeKind::deleted && S_ISDIR(c.old_mode));
    if (is_dir && parents.count(c.path)) continue;
    if (c.kind == ChangeKind::deleted)
      ++n.deleted;
    else if (c.kind == ChangeKind::renamed)
      ++n.renamed;
    else
      ++n.changed;
  }
  return n;
}

std::string describe_counts(const ChangeCounts& c, bool with_files) {
  std::string out;
  auto add = [&](int n, const char* what) {
    if (n == 0) return;
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " ";
    if (with_files && out.find(' ') == out.size() - 1) out += n == 1 ? "file " : "files ";
    out += what;
  };
  add(c.changed, "changed");
  add(c.deleted, "deleted");
  add(c.renamed, "renamed");
  return out.empty() ? "no changes" : out;
}

bool change_matches(const Change& c, const std::string& prefix) {
  auto under = [&](const std::string& p) {
    return prefix.empty() || p == prefix || (p.size() > prefix.size() && p.compare(0, prefix.size() + 1, prefix + "/") == 0);
  };
  return under(c.path) || (!c.from.empty() && under(c.from));
}

}  // namespace vg::review
