// fish syntax -> the equivalent POSIX/bash text, so a line typed in fish is judged by the
// same parser and rules as its bash equivalent (issue 16 item 7): `function f; …; end`,
// `begin … end`, `if/while/for/switch … end`, `and`/`or`/`not`, `(cmd)` command
// substitution (nested), `$var` (fish never splits it: quoted on the bash side), and
// backquotes (literal in fish). Only for analysis: the line still runs in fish as typed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vg {

// The bash text for fish source, or nullopt with `error` set (unbalanced quotes or
// parentheses, `end` without a block, a block without `end`).
std::optional<std::string> fish_to_sh(std::string_view fish, std::string* error = nullptr);

}  // namespace vg
