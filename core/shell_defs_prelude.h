// A sandboxed line from a shell hook runs in a fresh shell that has none of the user's
// aliases and functions; this prelude defines the ones the line uses (the hook's
// $VG_HOOK_DEFS, shell_defs_json.h) in that shell's language, so the line works there.
#pragma once

#include <string>

#include "core/shell_defs_json.h"

namespace vg {

// The script for `SHELL -c`: the definitions, `status_setter` (sets $? / $status, may be
// empty) and the line. bash: `shopt -s expand_aliases`, the function texts, `alias N=V`;
// zsh: the same without shopt, the line run by `eval` when there are aliases (zsh reads
// a -c string whole, before an alias defined in it exists); fish: the function texts.
std::string script_with_defs(const std::string& shell, const DefsRecord& defs,
                             const std::string& status_setter, const std::string& line);

}  // namespace vg
