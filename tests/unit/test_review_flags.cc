// What deserves a look in a change set: each category on its own paths.
#include <criterion/criterion.h>

#include <sys/stat.h>

#include "sandbox/review/change_flags.h"

using namespace vg::review;

namespace {

Change file(const std::string& path, mode_t new_mode = S_IFREG | 0644, mode_t old_mode = 0) {
  Change c;
  c.path = path;
  c.kind = old_mode ? ChangeKind::modified : ChangeKind::added;
  c.new_mode = new_mode;
  c.old_mode = old_mode;
  return c;
}

std::string cats(const Change& c) {
  std::string out;
  for (const ChangeFlag& f : flags_for(c)) out += (out.empty() ? "" : ",") + f.category;
  return out;
}

}  // namespace

Test(review_flags, categories) {
  cr_expect_eq(cats(file(".git/hooks/pre-commit")), "git");
  cr_expect_eq(cats(file(".git/config")), "git");
  cr_expect_eq(cats(file("vendor/lib/.git/HEAD")), "nested-repo");
  cr_expect_eq(cats(file(".gitmodules")), "git");
  cr_expect_eq(cats(file("bin/tool", S_IFREG | 0755)), "executable");
  cr_expect_eq(cats(file("run.sh", S_IFREG | 0755, S_IFREG | 0644)), "executable");
  cr_expect_eq(cats(file("run.sh", S_IFREG | 0755, S_IFREG | 0755)), "");  // was executable already
  for (const char* m : {"package.json", "sub/Makefile", "CMakeLists.txt", "pyproject.toml", "setup.py", "Cargo.toml",
                        "go.mod", "Gemfile", "pom.xml", "build.gradle", "requirements-dev.txt", ".npmrc"})
    cr_expect_eq(cats(file(m)), "manifest", "%s", m);
  cr_expect_eq(cats(file(".github/workflows/ci.yml")), "ci");
  cr_expect_eq(cats(file(".gitlab-ci.yml")), "ci");
  cr_expect_eq(cats(file(".circleci/config.yml")), "ci");
  cr_expect_eq(cats(file(".vscode/tasks.json")), "editor");
  cr_expect_eq(cats(file(".idea/workspace.xml")), "editor");
  cr_expect_eq(cats(file(".claude/settings.json")), "editor");
  cr_expect_eq(cats(file(".bashrc")), "shell-startup");
  cr_expect_eq(cats(file(".envrc")), "shell-startup");
  cr_expect_eq(cats(file(".env")), "env");
  cr_expect_eq(cats(file("api/.env.local")), "env");
  cr_expect_eq(cats(file("tool", S_IFREG | 04755)), "executable,executable");  // new, and setuid
  cr_expect_eq(cats(file("src/main.c")), "");
  cr_expect_eq(cats(file("README.md")), "");
  Change del = file(".env");
  del.kind = ChangeKind::deleted;
  del.old_mode = S_IFREG | 0755;
  del.new_mode = 0;
  cr_expect_eq(cats(del), "env");  // a deletion is flagged too, never as executable
}

Test(review_flags, one_flag_per_repository) {
  std::vector<Change> cs = {file(".git/config"), file(".git/hooks/post-checkout", S_IFREG | 0755),
                            file("a/.git/HEAD"), file("a/.git/config"), file("b/.git/HEAD")};
  std::vector<ChangeFlag> flags = flag_changes(cs);
  std::vector<std::string> c = flag_categories(flags);
  cr_expect_eq(c, (std::vector<std::string>{"git", "executable", "nested-repo"}));
  int nested = 0;
  for (const ChangeFlag& f : flags) nested += f.category == "nested-repo";
  cr_expect_eq(nested, 2);
}
