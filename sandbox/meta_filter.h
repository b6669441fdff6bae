// The seccomp filter that sends the Landlock sandbox's metadata calls (chmod, chown,
// utimes, xattrs) to the supervisor (meta_supervisor.h) as user notifications. Calls of
// other architectures (i386 through int 0x80, x32) all go there too: the supervisor lets
// through all but the metadata calls, which it refuses there.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vg::sandbox {

// Metadata calls of the native architecture, answered by the supervisor.
inline constexpr const char* kMetaCalls[] = {
    "chmod",     "fchmod",   "fchmodat",    "fchmodat2",   "chown",        "fchown",       "lchown",
    "fchownat",  "utime",    "utimes",      "futimesat",   "utimensat",    "setxattr",     "lsetxattr",
    "fsetxattr", "removexattr", "lremovexattr", "fremovexattr"};
// The same calls under other names on 32-bit entry points (refused there).
inline constexpr const char* kCompatMetaCalls[] = {"chown32", "fchown32", "lchown32", "utimensat_time64"};

// Newer than this libseccomp (no name for them): by their number in the table every
// architecture since Linux 5.1 shares. setxattrat, removexattrat (6.13) and file_setattr
// (6.17) are answered ENOSYS, so programs fall back to the calls above.
inline constexpr int kFchmodat2 = 452, kSetxattrat = 463, kRemovexattrat = 466, kFileSetattr = 469;

// Compile the filter with libseccomp: classic BPF bytes.
bool compile_meta_filter(std::string& bytes, std::string& error);

// The filter as compiled at build time (vg-gen-meta-filter) for `native_arch`, else empty.
std::string_view precompiled_meta_filter(std::uint32_t native_arch);

// The filter for this machine: the build's copy, else compiled now.
bool meta_filter(std::vector<sock_filter>& program, std::string& error);

}  // namespace vg::sandbox
