// current_context(): cwd, home, and the workspace found by walking up to a `.git` entry.
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/analyze.h"

using namespace vg;

namespace {

// A fresh directory, resolved (the tests compare against getcwd's answer).
std::string temp_dir() {
  char tmpl[] = "/tmp/vg-test-context-XXXXXX";
  char* d = mkdtemp(tmpl);
  cr_assert(d != nullptr, "mkdtemp failed");
  char real[PATH_MAX];
  cr_assert(realpath(d, real) != nullptr);
  return real;
}

void enter(const std::string& dir) { cr_assert_eq(chdir(dir.c_str()), 0, "chdir %s", dir.c_str()); }

}  // namespace

Test(context, workspace_is_git_root_from_subdirectory) {
  std::string root = temp_dir();
  mkdir((root + "/.git").c_str(), 0700);
  mkdir((root + "/src").c_str(), 0700);
  mkdir((root + "/src/lib").c_str(), 0700);
  enter(root + "/src/lib");
  AnalyzeContext ctx = current_context();
  cr_assert(ctx.cwd == root + "/src/lib", "cwd %s", ctx.cwd.c_str());
  cr_assert(ctx.workspace == root, "workspace %s", ctx.workspace.c_str());
}

Test(context, git_file_of_a_worktree_counts) {
  std::string root = temp_dir();
  std::ofstream(root + "/.git") << "gitdir: /elsewhere/.git/worktrees/x\n";
  mkdir((root + "/docs").c_str(), 0700);
  enter(root + "/docs");
  cr_assert(current_context().workspace == root);
}

Test(context, nearest_git_root_wins) {
  std::string root = temp_dir();
  mkdir((root + "/.git").c_str(), 0700);
  mkdir((root + "/vendor").c_str(), 0700);
  mkdir((root + "/vendor/.git").c_str(), 0700);
  enter(root + "/vendor");
  cr_assert(current_context().workspace == root + "/vendor");
}

Test(context, no_git_means_cwd) {
  std::string dir = temp_dir();
  enter(dir);
  AnalyzeContext ctx = current_context();
  // /tmp is not inside a repository on a sane machine; if it were, this test says so.
  cr_assert(ctx.workspace == dir, "workspace %s (is /tmp inside a git repository?)", ctx.workspace.c_str());
}

Test(context, home_from_environment) {
  setenv("HOME", "/home/somebody", 1);
  cr_assert(current_context().home == "/home/somebody");
}

Test(context, home_from_passwd_without_env) {
  unsetenv("HOME");
  AnalyzeContext ctx = current_context();
  cr_assert(!ctx.home.empty() && ctx.home[0] == '/', "home '%s'", ctx.home.c_str());
}

Test(context, root_directory) {
  enter("/");
  AnalyzeContext ctx = current_context();
  cr_assert(ctx.cwd == "/");
  cr_assert(ctx.workspace == "/" || !ctx.workspace.empty());
}
