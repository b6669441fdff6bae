// Which directory a sandboxed run may write. "git root, else the current directory"
// is only a candidate: a shared place (the home directory, /, /tmp, a directory
// holding the home or vectra-guard's own state, a settings directory in the home) is
// never writable, nor is a directory that holds something the host runs or reads as
// policy later (a shell startup file, the guard's config, a directory on PATH), even
// through a symlink (a dotfiles repository). Such a run still goes ahead, read-only.
#pragma once

#include <string>
#include <vector>

namespace vg::sandbox {

// A path no sandbox may write, resolved (see resolve_path), and what it is in words.
struct ProtectedPath {
  std::string path;  // "/home/u/dotfiles/bashrc"
  std::string what;  // "your shell's startup file ~/.bashrc"
};

struct WorkspaceInputs {
  std::vector<std::string> homes;       // canonical home directories
  std::vector<std::string> guard_dirs;  // $VG_HOME, the guard's config directories, as named
  std::vector<ProtectedPath> protected_paths;
};

// Empty when `dir` (canonical) may be the writable workspace; otherwise the reason it
// may not, in words for the notice ("your home directory").
std::string unwritable_workspace_reason(const std::string& dir, const WorkspaceInputs& in);

// The first protected path at or below `dir`, or null.
const ProtectedPath* protected_within(const std::string& dir, const std::vector<ProtectedPath>& paths);

// `path` is `dir` or lies below it.
bool path_within(const std::string& path, const std::string& dir);

// Where `path` is, or would be once created: symlinks resolved along the longest
// existing prefix, and a dangling link followed to where it points (so ~/.bashrc ->
// ~/dotfiles/bashrc counts as ~/dotfiles/bashrc even before that file exists).
std::string resolve_path(const std::string& path);

// resolve_path for many paths at once, sharing what their common directories resolve to.
std::vector<std::string> resolve_paths(const std::vector<std::string>& paths);

}  // namespace vg::sandbox
