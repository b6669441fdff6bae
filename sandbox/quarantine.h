// Moving what a run planted (planted.h) out of the reach of host git and vectra-guard,
// keeping it for review: $VG_HOME/quarantine/<run>/<path in the workspace>.
#pragma once

#include <string>
#include <vector>

namespace vg::sandbox {

struct Quarantine {
  std::vector<std::string> moved;  // workspace-relative paths that were moved
  std::vector<std::string> failed; // "path (reason)": could not be moved: left in place
  std::string dir;                 // <state_dir>/quarantine/<run>, when anything went there
  std::string restore;             // the shell command that puts everything back
};

// Move each workspace-relative path to <state_dir>/quarantine/<run_id>/<path>. When
// that lies on another filesystem, rename it beside itself to <name>.vg-quarantined-<run_id>
// instead (git and vectra-guard read neither name).
Quarantine quarantine(const std::string& workspace, const std::vector<std::string>& paths,
                      const std::string& state_dir, const std::string& run_id);

// "📦 Sandbox: quarantined .git/commondir, sub/.git (...); restore: ..." or "" when
// nothing was planted. No trailing newline.
std::string quarantine_notice(const Quarantine& q);

}  // namespace vg::sandbox
