#include "sandbox/review/change_diff.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

extern char** environ;

namespace vg::review {

namespace {

// diff -u with git's a/ b/ labels; its own exit status 1 just means "different".
bool run_diff(const std::string& old_file, const std::string& new_file, const std::string& old_label,
              const std::string& new_label, std::string& error) {
  std::fflush(stdout);
  const char* argv[] = {"diff", "-u", "--label", old_label.c_str(), "--label", new_label.c_str(),
                        old_file.c_str(), new_file.c_str(), nullptr};
  pid_t pid;
  int rc = posix_spawnp(&pid, "diff", nullptr, nullptr, const_cast<char**>(argv), environ);
  if (rc != 0) {
    error = std::string("cannot run diff(1) (") + std::strerror(rc) + "); install diffutils";
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
    error = "diff(1) failed on " + old_file + " and " + new_file;
    return false;
  }
  return true;
}

// A whole file as one hunk of additions (sign '+') or deletions ('-'), as diff -u prints
// it against /dev/null, without starting diff(1) for it.
bool print_whole(const std::string& file, char sign, const std::string& old_label, const std::string& new_label) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty()) return true;  // diff prints no hunk for an empty file
  size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + (text.back() != '\n');
  std::string range = lines == 1 ? "1" : "1," + std::to_string(lines);
  std::printf("--- %s\n+++ %s\n@@ %s %s @@\n", old_label.c_str(), new_label.c_str(),
              sign == '+' ? "-0,0" : ("-" + range).c_str(), sign == '+' ? ("+" + range).c_str() : "+0,0");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    bool last_open = end == std::string::npos;
    if (last_open) end = text.size();
    std::putchar(sign);
    std::fwrite(text.data() + start, 1, end - start, stdout);
    std::fputs(last_open ? "\n\\ No newline at end of file\n" : "\n", stdout);
    start = end + 1;
  }
  return true;
}

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

}  // namespace

std::string git_mode(unsigned mode) {
  if (S_ISLNK(mode)) return "120000";  // as git: a link has no permission bits
  return fmt::format("{:06o}", mode & (S_IFMT | 07777));
}

bool print_change_diff(const ChangeSet& set, const std::vector<Change>& changes, std::string& error) {
  const std::string ws = set.meta.workspace + "/";
  for (const Change& c : changes) {
    std::string a = "a/" + (c.from.empty() ? c.path : c.from), b = "b/" + c.path;
    std::printf("diff --git %s %s\n", a.c_str(), b.c_str());
    std::string old_file = "/dev/null", new_file = "/dev/null";
    std::string old_label = "/dev/null", new_label = "/dev/null";
    switch (c.kind) {
      case ChangeKind::deleted:
        if (S_ISDIR(c.old_mode)) {
          std::printf("deleted directory mode %s\n", git_mode(c.old_mode).c_str());
          continue;
        }
        std::printf("deleted file mode %s\n", git_mode(c.old_mode).c_str());
        if (S_ISLNK(c.old_mode)) {
          std::printf("symlink to %s\n", read_link(ws + c.path).c_str());
          continue;
        }
        old_file = ws + c.path, old_label = a;
        break;
      case ChangeKind::dir:
        std::printf("new directory mode %s\n", git_mode(c.new_mode).c_str());
        continue;
      case ChangeKind::special:
        std::printf("new special file mode %s (not applied)\n", git_mode(c.new_mode).c_str());
        continue;
      case ChangeKind::symlink:
        if (c.old_mode == 0)
          std::printf("new file mode %s\n", git_mode(c.new_mode).c_str());
        else if (S_ISLNK(c.old_mode))
          std::printf("symlink from %s\n", read_link(ws + c.path).c_str());
        else
          std::printf("old mode %s\nnew mode %s\n", git_mode(c.old_mode).c_str(), git_mode(c.new_mode).c_str());
        std::printf("symlink to %s\n", c.link_target.c_str());
        continue;
      case ChangeKind::renamed:
        std::printf("similarity index 100%%\nrename from %s\nrename to %s\n", c.from.c_str(), c.path.c_str());
        if ((c.old_mode & 07777) != (c.new_mode & 07777))
          std::printf("old mode %s\nnew mode %s\n", git_mode(c.old_mode).c_str(), git_mode(c.new_mode).c_str());
        continue;
      case ChangeKind::mode:
        std::printf("old mode %s\nnew mode %s\n", git_mode(c.old_mode).c_str(), git_mode(c.new_mode).c_str());
        continue;
      case ChangeKind::added:
        std::printf("new file mode %s\n", git_mode(c.new_mode).c_str());
        new_file = c.source, new_label = b;
        break;
      case ChangeKind::modified:
        if (c.old_mode != c.new_mode)
          std::printf("old mode %s\nnew mode %s\n", git_mode(c.old_mode).c_str(), git_mode(c.new_mode).c_str());
        if (S_ISREG(c.old_mode)) old_file = ws + c.path, old_label = a;
        new_file = c.source, new_label = b;
        break;
    }
    if (c.binary) {
      std::printf("Binary files %s and %s differ\n", old_label.c_str(), new_label.c_str());
      continue;
    }
    if (old_file == "/dev/null" && print_whole(new_file, '+', old_label, new_label)) continue;
    if (new_file == "/dev/null" && print_whole(old_file, '-', old_label, new_label)) continue;
    if (!run_diff(old_file, new_file, old_label, new_label, error)) return false;
  }
  std::fflush(stdout);
  return true;
}

}  // namespace vg::review
