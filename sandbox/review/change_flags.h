// What in a change set deserves a look before it is applied: git metadata and nested
// repositories, executables, build/package manifests, CI files, editor/agent/task configs,
// shell startup files and .env files.
#pragma once

#include <string>
#include <vector>

#include "sandbox/review/change_set.h"

namespace vg::review {

struct ChangeFlag {
  std::string category;  // git, nested-repo, executable, manifest, ci, editor, shell-startup, env
  std::string path;
  std::string why;       // a few words: "new executable", "hooks run on git commands"
};

// The flags of one change (none for most).
std::vector<ChangeFlag> flags_for(const Change& c);

// The flags of every change, in change order.
std::vector<ChangeFlag> flag_changes(const std::vector<Change>& changes);

// The distinct categories, in first-seen order ("git, executable").
std::vector<std::string> flag_categories(const std::vector<ChangeFlag>& flags);

}  // namespace vg::review
