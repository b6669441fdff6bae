#include "sandbox/change_set.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

namespace vg::sandbox {

namespace {

std::string why(const std::string& what, const std::string& path) {
  return "cannot " + what + " " + path + " for the review change set (" + std::strerror(errno) +
         "); check $VG_HOME, or run with review = never";
}

bool make_dir(const std::string& path, mode_t mode, std::string& error) {
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    error = why("create", path);
    return false;
  }
  return true;
}

// The largest numeric entry of `dir` (0 when none): ids are never reused while present.
int largest_id(const std::string& dir) {
  int largest = 0;
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    const char* n = e->d_name;
    if (!*n || std::strspn(n, "0123456789") != std::strlen(n) || std::strlen(n) > 9) continue;
    largest = std::max(largest, std::atoi(n));
  }
  closedir(d);
  return largest;
}

nlohmann::json meta_json(const ChangeSet& set) {
  const ChangeSetMeta& m = set.meta;
  nlohmann::json j = {{"id", set.id},           {"workspace", m.workspace},   {"cwd", m.cwd},
                      {"command", m.command},   {"argv", m.argv},             {"started_ns", m.started_ns},
                      {"runtime", m.runtime},   {"reason", m.reason}};
  if (!m.session.empty()) j["session"] = m.session;
  return j;
}

bool write_meta(const ChangeSet& set, const nlohmann::json& j, std::string& error) {
  const std::string path = set.dir + "/meta.json", tmp = path + ".tmp";
  {
    std::ofstream o(tmp, std::ios::trunc);
    o << j.dump(2) << '\n';
    o.close();
    if (!o) {
      error = why("write", tmp);
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = why("write", path);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool is_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0); }

void count_dir(const std::string& upper, const std::string& lower, ChangeCount& c) {
  DIR* d = opendir(upper.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string u = upper + "/" + name, l = lower + "/" + name;
    struct stat st, lst;
    if (lstat(u.c_str(), &st) != 0) continue;
    if (is_whiteout(st)) {
      ++c.deleted;
    } else if (S_ISDIR(st.st_mode)) {
      const bool in_lower = lstat(l.c_str(), &lst) == 0 && S_ISDIR(lst.st_mode);
      ChangeCount inner;
      count_dir(u, l, inner);
      // A directory only present because something below it changed is no change itself.
      if (!in_lower && inner.changed == 0 && inner.deleted == 0) ++c.changed;
      c.changed += inner.changed;
      c.deleted += inner.deleted;
    } else {
      ++c.changed;
    }
  }
  closedir(d);
}

bool remove_tree(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return unlink(path.c_str()) == 0;
  chmod(path.c_str(), 0700);  // overlayfs' work/work is mode 0
  bool ok = true;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") ok = remove_tree(path + "/" + name) && ok;
    }
    closedir(d);
  }
  return rmdir(path.c_str()) == 0 && ok;
}

}  // namespace

std::int64_t change_set_clock_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool create_change_set(const std::string& state_dir, const ChangeSetMeta& meta, ChangeSet& out,
                       std::string& error) {
  if (state_dir.empty()) {
    error = "review mode needs a state directory for its change sets; set $VG_HOME or HOME";
    return false;
  }
  const std::string root = state_dir + "/changes";
  if (!make_dir(state_dir, 0700, error) || !make_dir(root, 0700, error)) return false;
  int lock = open((root + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    error = why("lock", root + "/.lock");
    if (lock >= 0) close(lock);
    return false;
  }
  out.id = largest_id(root) + 1;
  out.dir = root + "/" + std::to_string(out.id);
  out.meta = meta;
  bool ok = make_dir(out.dir, 0700, error) && make_dir(out.dir + "/upper", 0755, error) &&
            make_dir(out.dir + "/work", 0700, error) && write_meta(out, meta_json(out), error);
  close(lock);  // the numbered directory now holds the id
  if (!ok) {
    remove_tree(out.dir);
    return false;
  }
  // The upper directory's own mode and owner are the merged workspace root's.
  struct stat ws;
  if (stat(meta.workspace.c_str(), &ws) == 0) {
    const std::string upper = out.dir + "/upper";
    if (geteuid() == 0 && lchown(upper.c_str(), ws.st_uid, ws.st_gid) != 0) {
      error = why("set the owner of", upper);
      remove_tree(out.dir);
      return false;
    }
    chmod(upper.c_str(), ws.st_mode & 07777);
  }
  return true;
}

bool finish_change_set(const ChangeSet& set, int exit_code, std::string& error) {
  nlohmann::json j = meta_json(set);
  j["finished_ns"] = change_set_clock_ns();
  j["exit_code"] = exit_code;
  return write_meta(set, j, error);
}

ChangeCount count_changes(const std::string& upper, const std::string& workspace) {
  ChangeCount c;
  count_dir(upper, workspace, c);
  return c;
}

bool remove_change_set(const std::string& dir) { return remove_tree(dir); }

std::string change_summary_line(const ChangeCount& c, int id) {
  if (c.changed == 0 && c.deleted == 0) return "📝 no changes";
  std::string s = "📝 ";
  if (c.changed) s += std::to_string(c.changed) + (c.changed == 1 ? " file changed" : " files changed");
  if (c.changed && c.deleted) s += ", ";
  if (c.deleted) s += std::to_string(c.deleted) + (c.changed ? " deleted" : (c.deleted == 1 ? " file deleted" : " files deleted"));
  return s + " — vectra-guard changes show " + std::to_string(id);
}

}  // namespace vg::sandbox
