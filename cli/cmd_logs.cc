#include "cli/commands.h"
namespace vg::cli {
int cmd_logs(const Global&, const Args&) { return kExitError; }
}  // namespace vg::cli
