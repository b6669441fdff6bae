// Review mode's change sets, the writing side (the run path): allocating
// $VG_HOME/changes/<N>/ with upper/ (the workspace's overlayfs upper layer), work/ and
// meta.json, closing it after the run, and the one line that says what it holds. The
// format and the reading side are change_store.h and change_set.h.
#pragma once

#include <string>

#include "sandbox/review/change_store.h"

namespace vg::review {

struct OpenChangeSet {
  long id = 0;
  std::string dir;  // $VG_HOME/changes/<id>
  ChangeSetMeta meta;
};

// The run's start for meta.json: the coarse clock the kernel stamps ctime with, read
// without waiting, so no later host write can look older than the run (one written in
// the same few-ms tick before it looks changed underneath: apply refuses, the safe side).
int64_t change_set_clock_ns();

// Allocate the next id under flock(<state_dir>/changes/.lock), create <id>/upper (owned
// and moded like the workspace, since it becomes the merged root) and <id>/work, and
// write meta.json (meta.id is set here). False with one sentence in `error`.
bool create_change_set(const std::string& state_dir, const ChangeSetMeta& meta, OpenChangeSet& out,
                       std::string& error);

// Add finished_ns and exit_code to meta.json (atomically).
bool finish_change_set(OpenChangeSet& set, int exit_code, std::string& error);

// "📝 3 files changed, 1 deleted — vectra-guard changes show 7", counted as `changes list`
// counts, or "📝 no changes" (then `empty` is set).
std::string change_summary_line(const OpenChangeSet& set, bool& empty);

}  // namespace vg::review
