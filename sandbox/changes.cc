#include "sandbox/changes.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vg::sandbox {

namespace {

bool make_dirs(const std::string& path, mode_t mode, std::string& error) {
  for (std::size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string part = path.substr(0, pos);
    if (mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
      error = "cannot create " + part + " for keep_changes (" + std::strerror(errno) +
              "); check $VG_HOME or set keep_changes = false";
      return false;
    }
  }
  return true;
}

bool inside(const std::string& path, const std::string& dir) {
  return path == dir || path.compare(0, dir.size() + 1, dir + "/") == 0;
}

}  // namespace

bool prepare_kept_changes(const std::string& changes_dir, const std::vector<std::string>& overlay_dirs,
                          KeptChanges& out, std::string& error) {
  if (!make_dirs(changes_dir, 0700, error)) return false;
  chmod(changes_dir.c_str(), 0700);
  for (const std::string& dir : overlay_dirs) {
    if (inside(changes_dir, dir)) {
      out.discarded.push_back(dir);
      continue;
    }
    if (!make_dirs(changes_dir + "/upper" + dir, 0755, error) ||
        !make_dirs(changes_dir + "/work" + dir, 0700, error))
      return false;
    out.kept.push_back(dir);
  }
  return true;
}

bool is_kept(const KeptChanges& k, const std::string& dir) {
  return std::find(k.kept.begin(), k.kept.end(), dir) != k.kept.end();
}

}  // namespace vg::sandbox
