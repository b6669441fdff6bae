// `changes apply`: carries a change set's entries over to the workspace, each file
// atomically (a complete copy in the same directory, flushed to disk with one syncfs for
// all of them, then renamed over), after checking that the host did not change
// underneath since the run began.
#pragma once

#include <string>
#include <vector>

#include "sandbox/review/change_set.h"

namespace vg::review {

// The entries matching any of `prefixes` (workspace-relative; none = all). Prefixes that
// match nothing are put into `unmatched`.
std::vector<Change> select_changes(const ChangeSet& set, const std::vector<std::string>& prefixes,
                                   std::vector<std::string>& unmatched);

struct Underneath {
  std::string path;
  std::string what;  // "changed on the host", "created on the host", "deleted on the host"
};

// Every path among `selected` (and the set's vanished paths under `prefixes`) that the host
// changed since meta.started_ns: an entry with ctime >= started_ns, or one that is gone.
std::vector<Underneath> changed_underneath(const ChangeSet& set, const std::vector<Change>& selected,
                                           const std::vector<std::string>& prefixes);

// Applies `selected` to set.meta.workspace. False with `error` naming the file on failure
// (the change set itself is left as it was).
bool apply_changes(const ChangeSet& set, const std::vector<Change>& selected, std::string& error);

}  // namespace vg::review
