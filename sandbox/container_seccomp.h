// The built-in seccomp policy (sandbox/seccomp.cc) written as a Docker-format JSON
// profile, for `docker/podman run --security-opt seccomp=FILE`: containers get the same
// filter as the other runners.
#pragma once

#include <string>

#include "sandbox/spec.h"

namespace vg::sandbox {

// The profile as JSON text: default allow; the same denials, argument rules and errno
// values as the built-in filter, for the native architecture and its 32-bit siblings.
std::string docker_seccomp_json(bool allow_unix_sockets, bool inet_datagrams = true);

// The file to hand to the engine: the user's own profile when the config names one,
// else our policy written (once, atomically, mode 0644) into state_dir. "" and `error`
// set when it cannot be written.
std::string container_seccomp_file(const SeccompPolicy& policy, const std::string& state_dir,
                                   std::string& error);

}  // namespace vg::sandbox
