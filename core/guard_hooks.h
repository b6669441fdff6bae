#pragma once
// The guard's own shell hooks, as built into this binary.
#include <string_view>

namespace vg {

// True when CONTENT is byte for byte one of the bash, zsh or fish hook files this
// binary was built with: `source ~/.bashrc` re-reads it, and the file only installs (or,
// already loaded, leaves in place) the guard, so it is not a line's code to judge. A file
// that merely sits at a hook-like path is judged like any other.
bool is_guard_hook_text(std::string_view content);

}  // namespace vg
