// JSON edits of IDE and agent settings files for scripts/setup-cursor-protection.sh,
// through `vectra-guard agent setup-ide`: add or remove only our own entries, keep
// everything else (key order, indentation), keep a backup of the original bytes and
// put those exact bytes back on --uninstall when nothing else changed meanwhile.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"

namespace vg::cli {

// `agent setup-ide --kind vscode-env|cursor-hooks|claude-hooks --file F [--set K=V]...
//  [--command CMD] [--uninstall] [--dry-run]`. --dry-run prints the file's new content
// on stdout and changes nothing.
int agent_setup_ide(const Args& args);

}  // namespace vg::cli
