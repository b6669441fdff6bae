#include "cli/commands.h"
namespace vg::cli {
int cmd_explain(const Global&, const Args&) { return kExitError; }
}  // namespace vg::cli
