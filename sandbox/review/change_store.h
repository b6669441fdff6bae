// The review change sets under $VG_HOME/changes/<N>/: their meta.json, finding one by id,
// and removing one. (Non-numeric directories there belong to keep_changes: ignored.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vg::review {

// <N>/meta.json, written by the run path.
struct ChangeSetMeta {
  long id = 0;
  std::string workspace;  // absolute; the upper layer's paths are relative to it
  std::string cwd;
  std::string command;
  std::vector<std::string> argv;
  int64_t started_ns = 0;  // CLOCK_REALTIME at run start
  std::optional<int64_t> finished_ns;  // absent while the command still runs
  std::string runtime;
  std::string reason;
  std::optional<int> exit_code;
  std::string session;
};

// The started_ns a run should record. The kernel stamps ctime from the coarse realtime
// clock, which publishes each tick late (4 ms ticks at HZ=250), so a host write just after
// a CLOCK_REALTIME reading can carry an older ctime. This waits (one or two ticks) until
// the coarse clock has passed the current time and returns it: every host write before
// the call has a ctime below it, every later one a ctime at or above it.
int64_t review_start_ns();

// $state_dir/changes
std::string changes_root(const std::string& state_dir);

// The ids of every numeric directory under `root`, ascending.
std::vector<long> list_change_set_ids(const std::string& root);

// Parses a user-given id ("7"); nullopt when it is not a positive number.
std::optional<long> parse_change_set_id(const std::string& text);

// Reads <dir>/meta.json. False with `error` (one sentence) when missing or malformed.
bool read_change_set_meta(const std::string& dir, ChangeSetMeta& out, std::string& error);

// Writes <dir>/meta.json atomically (temp + rename). Used by tests and the run path.
bool write_change_set_meta(const std::string& dir, const ChangeSetMeta& meta, std::string& error);

// Removes a change set: renamed away first (so it vanishes from listings at once), then
// deleted recursively, overlayfs' work dir (mode 000 inside) included.
bool remove_change_set(const std::string& dir, std::string& error);

// Removes a tree (files, whiteouts, unreadable directories). False with `error` on failure.
bool remove_tree(const std::string& path, std::string& error);

// An exclusive, non-blocking flock on the set's directory so two apply/discard runs never
// interleave. Returns the fd (close it to unlock) or -1 when another process holds it.
int lock_change_set(const std::string& dir);

}  // namespace vg::review
