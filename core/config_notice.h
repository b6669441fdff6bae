// The notice for a broken config in an interactive shell: said once per shell session
// and per change of the file, not on every line.
#pragma once

#include <string>

#include "core/config.h"

namespace vg {

// The one line to print for `e` the first time this session meets this very error (the
// same message from the same file, unchanged); "" when it was already said.
std::string config_error_notice_once(const ConfigError& e);

}  // namespace vg
