// A change set's content: its overlayfs upper layer compared with the workspace on the
// host, as a list of entries (what `changes show` prints and `changes apply` carries out).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/review/change_store.h"

namespace vg::review {

enum class ChangeKind {
  added,     // a regular file where the host has none (or had something else)
  modified,  // a regular file with other content (its mode may change too)
  deleted,   // the host entry goes away (directories: one entry per file inside, then the dir)
  renamed,   // a deletion and an addition with identical, non-empty content
  mode,      // the same content, other permission bits (files and directories)
  symlink,   // a symbolic link created or pointed elsewhere
  dir,       // a directory created
  special,   // a fifo, socket or device node created: shown, never applied
};

const char* to_string(ChangeKind kind);

struct Change {
  std::string path;         // relative to the workspace root
  ChangeKind kind = ChangeKind::added;
  std::string from;         // renamed: the old relative path
  mode_t old_mode = 0;      // st_mode on the host (type and permissions); 0 = absent
  mode_t new_mode = 0;      // st_mode after the change; 0 = deleted
  bool binary = false;      // either side has a NUL byte in its first 8000 bytes
  std::string source;       // absolute path of the new content in the upper layer
  std::string link_target;  // symlink: the new target
  bool copied_up = false;   // added: the upper file was copied up from a host file
};

struct ChangeSet {
  std::string dir;  // $VG_HOME/changes/<N>
  ChangeSetMeta meta;
  std::vector<Change> changes;  // sorted by path
  // Paths the run deleted that are gone from the host too (a whiteout over nothing): the
  // host changed underneath there.
  std::vector<std::string> vanished;
};

// Reads <dir>/meta.json and compares <dir>/upper with the workspace. False with `error`
// (one sentence) when the set cannot be read.
bool read_change_set(const std::string& dir, ChangeSet& out, std::string& error);

// Compares an upper layer with a host directory (the part of read_change_set that needs
// no meta.json).
bool compare_upper(const std::string& upper, const std::string& workspace, ChangeSet& out, std::string& error);

struct ChangeCounts {
  int changed = 0;  // added, modified, mode, symlink, special, empty new directories
  int deleted = 0;
  int renamed = 0;
};
ChangeCounts count_changes(const std::vector<Change>& changes);

// "3 changed, 1 deleted" ("no changes" when empty); with_files: "3 files changed, 1 deleted".
std::string describe_counts(const ChangeCounts& c, bool with_files = false);

// The entries whose path (or rename source) is `prefix` or lies under it.
bool change_matches(const Change& c, const std::string& prefix);

}  // namespace vg::review
