#include "sandbox/quarantine.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/shell_quote.h"

namespace vg::sandbox {

namespace {

// mkdir -p; the quarantine's top directory is private to the user.
bool make_dirs(const std::string& path, mode_t mode) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    std::string p = path.substr(0, i);
    if (mkdir(p.c_str(), mode) != 0 && errno != EEXIST) return false;
  }
  return true;
}

std::string parent(const std::string& p) {
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash);
}

}  // namespace

Quarantine quarantine(const std::string& workspace, const std::vector<std::string>& paths,
                      const std::string& state_dir, const std::string& run_id) {
  Quarantine q;
  const std::string top = state_dir + "/quarantine/" + run_id;
  std::vector<std::string> undo;  // one mv per path, in case the copy-back is not possible
  bool to_dir = false, beside = false;
  for (const std::string& rel : paths) {
    const std::string from = workspace + "/" + rel;
    const std::string to = top + "/" + rel;
    int err = 0;
    if (!state_dir.empty() && make_dirs(state_dir + "/quarantine", 0700) && make_dirs(parent(to), 0700) &&
        rename(from.c_str(), to.c_str()) == 0) {
      to_dir = true;
      undo.push_back("mv " + shell_quote(to) + " " + shell_quote(from));
      q.moved.push_back(rel);
      continue;
    }
    err = errno;
    const std::string aside = from + ".vg-quarantined-" + run_id;
    if (rename(from.c_str(), aside.c_str()) == 0) {
      beside = true;
      undo.push_back("mv " + shell_quote(aside) + " " + shell_quote(from));
      q.moved.push_back(rel);
      continue;
    }
    q.failed.push_back(rel + " (" + std::strerror(err ? err : errno) + ")");
  }
  if (to_dir) q.dir = top;
  if (to_dir && !beside && undo.size() > 1) {
    q.restore = "cp -a " + shell_quote(top + "/.") + " " + shell_quote(workspace + "/") + " && rm -rf " +
                shell_quote(top);
  } else {
    for (const std::string& u : undo) q.restore += (q.restore.empty() ? "" : "; ") + u;
  }
  return q;
}

std::string quarantine_notice(const Quarantine& q) {
  std::string line;
  if (!q.moved.empty()) {
    line = "📦 Sandbox: quarantined ";
    for (size_t i = 0; i < q.moved.size(); ++i) line += (i ? ", " : "") + q.moved[i];
    line += " (git or vectra-guard would read them as config or code on the host); review";
    if (!q.dir.empty()) line += " in " + q.dir;
    line += ", restore: " + q.restore;
  }
  if (!q.failed.empty()) {
    if (!line.empty()) line += "\n";
    line += "📦 Sandbox: could not quarantine ";
    for (size_t i = 0; i < q.failed.size(); ++i) line += (i ? ", " : "") + q.failed[i];
    line += ": check them before running git there";
  }
  return line;
}

}  // namespace vg::sandbox
