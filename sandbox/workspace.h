// Which directory a sandboxed run may write. "git root, else the current directory"
// is only a candidate: a shared place (the home directory, /, /tmp, a directory
// holding the home or vectra-guard's own state, a directory on PATH) is never
// writable, because what lands there runs on the host later (~/.bashrc,
// ~/.local/bin, the guard's config). Such a run still goes ahead, read-only there.
#pragma once

#include <string>
#include <vector>

namespace vg::sandbox {

struct WorkspaceInputs {
  std::vector<std::string> homes;       // canonical home directories
  std::vector<std::string> guard_dirs;  // $VG_HOME, the guard's config directories
  std::vector<std::string> path_dirs;   // $PATH entries
};

// Empty when `dir` (canonical) may be the writable workspace; otherwise the reason it
// may not, in words for the notice ("your home directory").
std::string unwritable_workspace_reason(const std::string& dir, const WorkspaceInputs& in);

// `path` is `dir` or lies below it.
bool path_within(const std::string& path, const std::string& dir);

}  // namespace vg::sandbox
