// Turning an argv back into one shell line that parses to exactly these words, so
// the evaluator sees what will run (`exec -- rm -rf '$HOME'` stays a literal '$HOME').
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vg {

// One word, quoted only when needed: plain words stay as they are, everything else
// goes in single quotes ('it'\''s').
std::string shell_quote(std::string_view word);

// argv as one line. The first word is also quoted when a shell would read it as
// something other than a program name: a reserved word (`if`, `!`, `{`) or an
// assignment (`A=b`).
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace vg
