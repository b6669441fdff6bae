#include "cli/commands.h"
namespace vg::cli {
int cmd_trust(const Global&, const Args&) { return kExitError; }
}  // namespace vg::cli
