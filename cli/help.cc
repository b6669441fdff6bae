#include <cstdio>
#include "cli/commands.h"
namespace vg::cli {
bool print_help(const std::string&) { std::puts("vectra-guard"); return true; }
}  // namespace vg::cli
