#include "cli/commands.h"
namespace vg::cli {
int cmd_hook(const Global&, const Args&) { return kExitError; }
}  // namespace vg::cli
