#include "cli/commands.h"
namespace vg::cli {
int cmd_validate(const Global&, const Args&) { return kExitError; }
}  // namespace vg::cli
