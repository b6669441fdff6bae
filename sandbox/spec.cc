#include "sandbox/sandbox.h"
namespace vg::sandbox {
int run(const Request&, const Config&, Report& r) { r.error = "sandbox placeholder"; return 125; }
}  // namespace vg::sandbox
