#include "sandbox/review/change_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "sandbox/review/change_set.h"

namespace vg::review {

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

}  // namespace

int64_t change_set_clock_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool create_change_set(const std::string& state_dir, const ChangeSetMeta& meta, OpenChangeSet& out,
                       std::string& error) {
  if (state_dir.empty()) {
    error = "review mode needs a state directory for its change sets; set $VG_HOME or HOME";
    return false;
  }
  const std::string root = changes_root(state_dir);
  if (!make_dir(state_dir, 0700, error) || !make_dir(root, 0700, error)) return false;
  int lock = open((root + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    error = why("lock", root + "/.lock");
    if (lock >= 0) close(lock);
    return false;
  }
  // Ids are never reused while a set is there: one more than the largest.
  std::vector<long> ids = list_change_set_ids(root);
  out.id = ids.empty() ? 1 : ids.back() + 1;
  out.dir = root + "/" + std::to_string(out.id);
  out.meta = meta;
  out.meta.id = out.id;
  std::string ignored;
  bool ok = make_dir(out.dir, 0700, error) && make_dir(out.dir + "/upper", 0755, error) &&
            make_dir(out.dir + "/work", 0700, error) && write_change_set_meta(out.dir, out.meta, error);
  close(lock);  // the numbered directory now holds the id
  if (!ok) {
    remove_tree(out.dir, ignored);
    return false;
  }
  // The upper directory's own mode and owner are the merged workspace root's.
  struct stat ws;
  if (stat(meta.workspace.c_str(), &ws) == 0) {
    const std::string upper = out.dir + "/upper";
    if (geteuid() == 0 && lchown(upper.c_str(), ws.st_uid, ws.st_gid) != 0) {
      error = why("set the owner of", upper);
      remove_tree(out.dir, ignored);
      return false;
    }
    chmod(upper.c_str(), ws.st_mode & 07777);
  }
  return true;
}

bool finish_change_set(OpenChangeSet& set, int exit_code, std::string& error) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  set.meta.finished_ns = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  set.meta.exit_code = exit_code;
  return write_change_set_meta(set.dir, set.meta, error);
}

std::string change_summary_line(const OpenChangeSet& set, bool& empty) {
  ChangeSet read;
  std::string error;
  ChangeCounts c;
  if (compare_upper(set.dir + "/upper", set.meta.workspace, read, error)) c = count_changes(read.changes);
  empty = error.empty() && c.changed == 0 && c.deleted == 0 && c.renamed == 0;
  if (empty) return "📝 no changes";
  return "📝 " + describe_counts(c, true) + " — vectra-guard changes show " + std::to_string(set.id);
}

}  // namespace vg::review
