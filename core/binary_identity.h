// "Is vectra-guard still the program this shell started with?" A hook server or the
// bash builtin keeps answering lines for the whole life of a shell; when the binary is
// replaced or removed meanwhile (an upgrade, an uninstall, or someone swapping it for a
// program that says yes to everything) the shell must be restarted, so lines are refused.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>

namespace vg {

inline constexpr const char* kBinaryReplaced =
    "vectra-guard was replaced or removed since this shell started; open a new shell (exec $SHELL)";

// What stat() says about a file, enough to tell a replaced one.
struct FileIdentity {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  struct timespec mtime = {};
};

std::optional<FileIdentity> file_identity(const std::string& path);
bool same_file(const FileIdentity& a, const FileIdentity& b);  // dev, inode, size, mtime

// The running program (/proc/self/exe) and the path it was started as.
class SelfIdentity {
 public:
  // argv0 with a '/' is the path checked (made absolute now: the server changes
  // directory per line); otherwise the path /proc/self/exe names.
  void start(const std::string& argv0);
  // True when /proc/self/exe reads "... (deleted)" or the path no longer names the file
  // that runs (one readlink and one stat).
  bool replaced() const;

 private:
  std::string path_;
  std::optional<FileIdentity> running_;
};

// Lines a shell may still run when the guard is gone or replaced: `exit`, `logout`
// (with a status) and the lines that run themselves (`exec $SHELL`, `vectra-guard ...`).
bool runs_without_guard(std::string_view line);

}  // namespace vg
