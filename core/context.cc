// Where a command would run: cwd, home, and the workspace (git root, else cwd).
#include "core/passwd.h"
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/analyze.h"

namespace vg {

namespace {

std::string current_dir() {
  char buf[4096];
  if (getcwd(buf, sizeof buf)) return buf;
  // The directory was removed or is too deep; $PWD is the best remaining guess.
  const char* pwd = std::getenv("PWD");
  if (pwd && pwd[0] == '/') return pwd;
  return "/";
}

std::string user_home() {
  const char* h = std::getenv("HOME");
  if (h && h[0] == '/') return h;
  if (std::string home = passwd_home(getuid()); !home.empty() && home[0] == '/') return home;
  return "/";
}

// Walk up from dir until a `.git` entry (directory, or file for worktrees) is found.
// A stat per level, no subprocess: this runs for every command.
std::string git_root(const std::string& dir) {
  std::string d = dir;
  for (;;) {
    struct stat sb {};
    std::string probe = (d == "/" ? "" : d) + "/.git";
    if (lstat(probe.c_str(), &sb) == 0) return d;
    if (d == "/" || d.empty()) return {};
    size_t slash = d.rfind('/');
    d = slash == 0 ? "/" : d.substr(0, slash);
  }
}

}  // namespace

AnalyzeContext current_context() {
  AnalyzeContext ctx;
  ctx.cwd = current_dir();
  ctx.home = user_home();
  ctx.workspace = git_root(ctx.cwd);
  if (ctx.workspace.empty()) ctx.workspace = ctx.cwd;
  return ctx;
}

AnalyzeContext context_at(const std::string& cwd) {
  AnalyzeContext ctx;
  ctx.cwd = cwd;
  ctx.home = user_home();
  ctx.workspace = git_root(ctx.cwd);
  if (ctx.workspace.empty()) ctx.workspace = ctx.cwd;
  return ctx;
}

}  // namespace vg
