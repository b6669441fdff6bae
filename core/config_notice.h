// The notice for a broken config in an interactive shell: said once per shell session
// and per change of the file, not on every line.
#pragma once

#include <string>

#include "core/config.h"

namespace vg {

// The one line to print for `e` the first time this session meets this very error (the
// same message from the same file, unchanged); "" when it was already said.
std::string config_error_notice_once(const ConfigError& e);

// The config without the broken file(s): the other layers over the built-in defaults, so
// a project's broken vectra-guard.ini does not drop the user's own settings (and a broken
// user file leaves the system one). Never throws.
Config config_without_broken(const std::string& extra_config, const std::string& workspace,
                             const ConfigError& first);

}  // namespace vg
