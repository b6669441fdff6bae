// vg-proxy's own confinement. It parses what a sandboxed command sends it, on the host,
// as the user: a flaw there must not become the user's files or a shell. Once its
// one-time work is done (the host's addresses, the registries of @aliases, NSS modules
// loaded), vg-proxy calls confine_proxy():
//   - Landlock: no filesystem access but reading what name resolution needs (/etc's
//     resolver files, the shared libraries); no TCP bind. TCP connect stays open: that
//     is the proxy's job, checked by its policy.
//   - seccomp (libseccomp): no execve/execveat, ptrace, process_vm_*, mount, namespaces,
//     bpf, keyrings, kexec, modules, perf, userfaultfd, io_uring: they return EPERM.
//   - no_new_privs, which both need.
#pragma once

#include <string>

namespace vg::sandbox {

struct ProxyConfinement {
  bool landlock = false;  // false: the kernel has no Landlock (the seccomp part still holds)
  bool seccomp = false;
};

// Confine the calling process (all its threads must start after this). false with
// `error` when seccomp could not be applied; Landlock missing is not an error.
bool confine_proxy(ProxyConfinement& applied, std::string& error);

}  // namespace vg::sandbox
