// Review mode's change sets, the writing side: $VG_HOME/changes/<N>/ with upper/ (the
// workspace's overlayfs upper layer), work/ (overlayfs' workdir) and meta.json.
// `vectra-guard changes` reads them; the layout is fixed in sandbox/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vg::sandbox {

struct ChangeSetMeta {
  std::string workspace;
  std::string cwd;
  std::string command;
  std::vector<std::string> argv;
  std::string runtime;
  std::string reason;   // why review applied
  std::string session;  // VG_SESSION, empty when unset
  std::int64_t started_ns = 0;
};

struct ChangeSet {
  int id = 0;
  std::string dir;  // $VG_HOME/changes/<id>
  ChangeSetMeta meta;
};

// A clock reading no later write's ctime can precede: the kernel stamps ctime from the
// coarse clock, so a write after this reading never gets an earlier ctime.
std::int64_t change_set_clock_ns();

// Allocate the next id under flock(<state_dir>/changes/.lock), create <id>/upper (owned
// and moded like the workspace, since it becomes the merged root) and <id>/work, and
// write meta.json. False with one sentence in `error`.
bool create_change_set(const std::string& state_dir, const ChangeSetMeta& meta, ChangeSet& out,
                       std::string& error);

// Add finished_ns and exit_code to meta.json (atomically).
bool finish_change_set(const ChangeSet& set, int exit_code, std::string& error);

struct ChangeCount {
  int changed = 0;  // files (and new empty directories) created or modified
  int deleted = 0;  // whiteouts
};
// Count what the upper layer holds, relative to the workspace (the lower layer).
ChangeCount count_changes(const std::string& upper, const std::string& workspace);

// Remove the set's directory and everything in it (overlayfs leaves work/work mode 0).
bool remove_change_set(const std::string& dir);

// "📝 3 files changed, 1 deleted — vectra-guard changes show 7" or "📝 no changes".
std::string change_summary_line(const ChangeCount& c, int id);

}  // namespace vg::sandbox
