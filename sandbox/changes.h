// keep_changes: a writable root's changes kept on disk under $VG_HOME/changes/<id>
// instead of a tmpfs, one overlay upper layer per top-level directory, so they can be
// reviewed after the command (upper/<dir> holds exactly what the command wrote there).
#pragma once

#include <string>
#include <vector>

namespace vg::sandbox {

struct KeptChanges {
  std::vector<std::string> kept;       // top-level dirs whose upper layer is on disk
  std::vector<std::string> discarded;  // dirs holding the changes dir itself (overlayfs
                                       // refuses an upper layer inside its lower one)
};

// Create <changes_dir>/upper/<dir> and <changes_dir>/work/<dir> (mode 0700 at the top)
// for each overlay dir. False with `error` set when the directory cannot be made.
bool prepare_kept_changes(const std::string& changes_dir, const std::vector<std::string>& overlay_dirs,
                          KeptChanges& out, std::string& error);

// Whether `dir` is in out.kept.
bool is_kept(const KeptChanges& k, const std::string& dir);

}  // namespace vg::sandbox
