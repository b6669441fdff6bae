// The seccomp filter every sandbox gets: built with libseccomp, exported as BPF.
// Denied calls fail with EPERM (ENOSYS for clone3, so libc falls back to clone(2)
// whose flags the filter can inspect); programs see an error, not a kill.
#pragma once

#include <string>
#include <vector>

#include "sandbox/spec.h"

namespace vg::sandbox {

// Syscalls denied outright, whatever their arguments.
const std::vector<std::string>& denied_syscalls();

// Build the filter for `policy` and write it as classic BPF into a memfd, rewound
// to offset 0 and sealed. Returns the fd (close-on-exec), or -1 with `error` set.
int seccomp_bpf_memfd(const SeccompPolicy& policy, std::string& error);

}  // namespace vg::sandbox
