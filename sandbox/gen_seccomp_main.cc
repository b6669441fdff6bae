// vg-gen-seccomp: runs at build time and writes the built-in seccomp filter, compiled
// by libseccomp for this machine's architecture, as a C++ include. Sandbox start-up then
// copies these bytes instead of compiling the filter again on every command.
//
//   vg-gen-seccomp OUTPUT.inc
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "sandbox/gen_include.h"
#include "sandbox/seccomp.h"

namespace vg::sandbox {
// The generator itself has no precompiled copy: export_builtin_bpf compiles it.
std::string_view precompiled_builtin_bpf(const SeccompPolicy&, std::uint32_t) { return {}; }
}  // namespace vg::sandbox

namespace {

bool compile(bool allow_unix, bool datagrams, std::string& out) {
  std::string error;
  int fd = memfd_create("vg-gen-seccomp", 0);
  if (fd < 0 || !vg::sandbox::export_builtin_bpf({allow_unix, "", datagrams}, fd, error)) {
    std::fprintf(stderr, "vg-gen-seccomp: %s\n", error.empty() ? "memfd_create failed" : error.c_str());
    return false;
  }
  lseek(fd, 0, SEEK_SET);
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return !out.empty();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: vg-gen-seccomp OUTPUT.inc\n");
    return 2;
  }
  // Every variant a runner asks for: unix sockets or not, UDP/ICMP or not (Landlock).
  std::string deny_unix, allow_unix, deny_unix_tcp, allow_unix_tcp;
  if (!compile(false, true, deny_unix) || !compile(true, true, allow_unix) ||
      !compile(false, false, deny_unix_tcp) || !compile(true, false, allow_unix_tcp))
    return 1;
  return vg::sandbox::write_bpf_include(argv[1], "vg-gen-seccomp", "kPrecompiledArch", seccomp_arch_native(),
                                        {{"kBuiltinDenyUnix", deny_unix},
                                         {"kBuiltinAllowUnix", allow_unix},
                                         {"kBuiltinDenyUnixTcpOnly", deny_unix_tcp},
                                         {"kBuiltinAllowUnixTcpOnly", allow_unix_tcp}})
             ? 0
             : 1;
}
