// The metadata filter as compiled at build time (see gen_meta_filter_main.cc): start-up
// copies bytes instead of running libseccomp (and its probing of the kernel).
#include <seccomp.h>

#include <cstring>

#include "sandbox/meta_filter.h"

namespace vg::sandbox {

namespace {
#include "meta_filter.inc"
}  // namespace

std::string_view precompiled_meta_filter(std::uint32_t native_arch) {
  if (native_arch != kMetaFilterArch) return {};
  return {reinterpret_cast<const char*>(kMetaFilter), sizeof kMetaFilter};
}

bool meta_filter(std::vector<sock_filter>& program, std::string& error) {
  std::string compiled;
  std::string_view bytes = precompiled_meta_filter(seccomp_arch_native());
  if (bytes.empty()) {
    if (!compile_meta_filter(compiled, error)) return false;
    bytes = compiled;
  }
  program.resize(bytes.size() / sizeof(sock_filter));
  std::memcpy(program.data(), bytes.data(), program.size() * sizeof(sock_filter));
  return true;
}

}  // namespace vg::sandbox
