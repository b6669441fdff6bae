// Whether a git config file a sandboxed run wrote can be left where host git reads it:
// only keys that `git init`, `git clone`, `git remote`, `git branch` and `git submodule`
// write, none of which makes git run a program. An allowlist, not a list of the
// dangerous keys (core.fsmonitor, core.hooksPath, include.path, *.textconv, ... grow).
#pragma once

#include <string_view>

namespace vg::sandbox {

// True when every line is blank, a comment, a plain section header or a key in the
// allowlist. Anything unusual (continuation lines, a key on the header line, escapes in
// a subsection, NUL bytes) counts as not harmless: the file is then quarantined.
bool harmless_git_config(std::string_view text);

}  // namespace vg::sandbox
