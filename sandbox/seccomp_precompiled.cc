// The built-in filter as compiled at build time (see gen_seccomp_main.cc).
#include <cstdint>
#include <string_view>

#include "sandbox/seccomp.h"

namespace vg::sandbox {

namespace {
#include "seccomp_builtin.inc"

template <std::size_t N>
std::string_view view(const unsigned char (&bytes)[N]) {
  return {reinterpret_cast<const char*>(bytes), N};
}
}  // namespace

std::string_view precompiled_builtin_bpf(const SeccompPolicy& policy, std::uint32_t native_arch) {
  if (native_arch != kPrecompiledArch) return {};
  if (policy.inet_datagrams) return policy.allow_unix_sockets ? view(kBuiltinAllowUnix) : view(kBuiltinDenyUnix);
  return policy.allow_unix_sockets ? view(kBuiltinAllowUnixTcpOnly) : view(kBuiltinDenyUnixTcpOnly);
}

}  // namespace vg::sandbox
