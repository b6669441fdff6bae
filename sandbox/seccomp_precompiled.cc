// The built-in filter as compiled at build time (see gen_seccomp_main.cc).
#include <cstdint>
#include <string_view>

#include "sandbox/seccomp.h"

namespace vg::sandbox {

namespace {
#include "seccomp_builtin.inc"
}  // namespace

std::string_view precompiled_builtin_bpf(bool allow_unix_sockets, std::uint32_t native_arch) {
  if (native_arch != kPrecompiledArch) return {};
  const unsigned char* bytes = allow_unix_sockets ? kBuiltinAllowUnix : kBuiltinDenyUnix;
  std::size_t size = allow_unix_sockets ? sizeof kBuiltinAllowUnix : sizeof kBuiltinDenyUnix;
  return {reinterpret_cast<const char*>(bytes), size};
}

}  // namespace vg::sandbox
