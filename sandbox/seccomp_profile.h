// Docker-format seccomp profiles (config `seccomp_profile = FILE`): the JSON that
// `docker run --security-opt seccomp=FILE` takes, turned into a libseccomp filter.
// A profile replaces the built-in filter entirely, as it does for Docker.
#pragma once

#include <seccomp.h>

#include <string>

namespace vg::sandbox {

// Returns a filter context the caller releases with seccomp_release, or nullptr with
// `error` set to one sentence naming the file and the problem.
scmp_filter_ctx load_docker_seccomp_profile(const std::string& path, std::string& error);

// The same from JSON text (tests); `name` is used in messages.
scmp_filter_ctx parse_docker_seccomp_profile(const std::string& text, const std::string& name,
                                             std::string& error);

}  // namespace vg::sandbox
