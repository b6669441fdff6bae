// The shell's aliases and functions read from bash's own tables, in the process: the
// builtin's ShellDefinitions (core/shell_defs.h). No round trip, no process.
#pragma once

#include "core/shell_defs.h"

extern "C" {
// vg_bash_builtin.c: the alias's value, NULL when none (bash's string: read, never kept).
const char* vg_bash_alias_value(const char* name);
// The function as `declare -f NAME` prints it, NULL when NAME is no function (bash's
// buffer, overwritten by the next print: copied at once).
const char* vg_bash_function_text(const char* name);
}

namespace vg {

class BashTables : public ShellDefinitions {
 public:
  std::optional<std::string> alias(std::string_view name) const override {
    const char* v = vg_bash_alias_value(std::string(name).c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  }
  std::optional<std::string> function(std::string_view name) const override {
    const char* v = vg_bash_function_text(std::string(name).c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  }
};

}  // namespace vg
