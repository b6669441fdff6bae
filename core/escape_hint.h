// The one line a refusal adds when there is a way to run the line anyway (issue 16
// item 9): `VG_DISABLE=1 LINE` for a person at a terminal where that is honoured,
// `vectra-guard trust add` when the risk can be trusted, the config's allow/deny lists.
#pragma once

#include <string>

#include "core/analyze.h"
#include "core/policy.h"

namespace vg {

// "" when the decision is not a block or nothing can let it through.
// disable_honoured: a `VG_DISABLE=1` prefix would be obeyed here (an interactive shell,
// not an agent session unless its config allows it).
std::string escape_hint(const std::string& line, const Analysis& a, const Decision& d, bool disable_honoured);

}  // namespace vg
