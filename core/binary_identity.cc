#include "core/binary_identity.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "core/shell_hook.h"

namespace vg {

std::optional<FileIdentity> file_identity(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  FileIdentity id;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.size = st.st_size;
  id.mtime = st.st_mtim;
  return id;
}

bool same_file(const FileIdentity& a, const FileIdentity& b) {
  return a.dev == b.dev && a.ino == b.ino && a.size == b.size && a.mtime.tv_sec == b.mtime.tv_sec &&
         a.mtime.tv_nsec == b.mtime.tv_nsec;
}

namespace {

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, size_t(n)) : "";
}

}  // namespace

void SelfIdentity::start(const std::string& argv0) {
  running_ = file_identity("/proc/self/exe");
  path_ = argv0;
  if (path_.find('/') == std::string::npos) {
    path_ = self_exe();
  } else if (path_[0] != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) path_ = std::string(cwd) + "/" + path_;
  }
}

bool SelfIdentity::replaced() const {
  if (!running_) return true;
  if (self_exe().ends_with(" (deleted)")) return true;
  std::optional<FileIdentity> now = file_identity(path_);
  return !now || now->dev != running_->dev || now->ino != running_->ino;
}

bool runs_without_guard(std::string_view line) {
  size_t b = line.find_first_not_of(" \t");
  size_t e = line.find_last_not_of(" \t\n");
  if (b == std::string_view::npos) return false;
  std::string_view t = line.substr(b, e - b + 1);
  for (std::string_view word : {"exit", "logout"}) {
    if (!t.starts_with(word)) continue;
    std::string_view rest = t.substr(word.size());
    if (rest.empty()) return true;
    if (rest[0] != ' ' && rest[0] != '\t') continue;
    rest = rest.substr(rest.find_first_not_of(" \t"));
    if (rest.find_first_not_of("0123456789") == std::string_view::npos) return true;
  }
  return runs_itself(line);
}

}  // namespace vg
