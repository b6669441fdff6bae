// The seccomp filter every sandbox gets: built with libseccomp, exported as BPF.
// Denied calls fail with EPERM (ENOSYS for clone3, so libc falls back to clone(2)
// whose flags the filter can inspect); programs see an error, not a kill.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/spec.h"

namespace vg::sandbox {

// Syscalls denied outright, whatever their arguments.
const std::vector<std::string>& denied_syscalls();

// Build the filter for `policy` and write it as classic BPF into a memfd, rewound
// to offset 0 and sealed. Returns the fd (close-on-exec), or -1 with `error` set.
int seccomp_bpf_memfd(const SeccompPolicy& policy, std::string& error);

// The socket rules alone, as a filter of their own compiled now: the Landlock runtime
// stacks it on a user's seccomp_profile, because its network modes rely on these rules.
int socket_filter_memfd(const SeccompPolicy& policy, std::string& error);

// Compile the built-in filter (no profile_path) with libseccomp and write its BPF to fd.
bool export_builtin_bpf(const SeccompPolicy& policy, int fd, std::string& error);

// The built-in filter's BPF as compiled at build time by vg-gen-seccomp, for the given
// socket choices (profile_path is ignored); empty when the build made none for `native_arch` (a libseccomp
// SCMP_ARCH_* value), e.g. a cross build: then it is compiled at run time.
std::string_view precompiled_builtin_bpf(const SeccompPolicy& policy, std::uint32_t native_arch);

}  // namespace vg::sandbox
