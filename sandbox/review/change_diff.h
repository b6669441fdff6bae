// `changes show`: a change set as a git-style unified diff. Text files through diff(1);
// binary files, deletions, renames, mode changes, symlinks and directories are named.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "sandbox/review/change_set.h"

namespace vg::review {

// Writes the diff of `changes` (entries of `set`) to stdout. False with `error` when
// diff(1) cannot be run.
bool print_change_diff(const ChangeSet& set, const std::vector<Change>& changes, std::string& error);

// "100644", "040755", "120000": a mode as git prints it.
std::string git_mode(unsigned mode);

}  // namespace vg::review
