// The hook server's and the bash builtin's check that vectra-guard is still the binary
// the shell started with (issue 18), and the lines that run without it.
#include <criterion/criterion.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>

#include "core/binary_identity.h"

using namespace vg;

namespace {

std::string self_path() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  cr_assert_gt(n, 0);
  return std::string(buf, size_t(n));
}

void write_file(const std::string& path, const char* text) {
  FILE* f = std::fopen(path.c_str(), "w");
  cr_assert_not_null(f);
  std::fputs(text, f);
  std::fclose(f);
}

}  // namespace

Test(binary_identity, same_file_compares_inode_size_and_mtime) {
  std::string p = self_path() + ".id-test";
  write_file(p, "one");
  auto a = file_identity(p);
  cr_assert(a.has_value());
  cr_assert(same_file(*a, *file_identity(p)));
  write_file(p, "longer");
  cr_assert_not(same_file(*a, *file_identity(p)), "rewritten in place: other size and mtime");
  unlink(p.c_str());
  cr_assert_not(file_identity(p).has_value());
}

Test(binary_identity, self_is_replaced_when_its_path_names_another_file) {
  // A second name for the running program, next to it (same file system).
  std::string link = self_path() + ".link-test";
  unlink(link.c_str());
  cr_assert_eq(::link(self_path().c_str(), link.c_str()), 0);
  SelfIdentity self;
  self.start(link);
  cr_assert_not(self.replaced());
  std::string other = link + ".new";
  write_file(other, "#!/bin/sh\nexit 0\n");
  cr_assert_eq(rename(other.c_str(), link.c_str()), 0);
  cr_assert(self.replaced(), "the path now names another file");
  unlink(link.c_str());
  cr_assert(self.replaced(), "the path is gone");
}

Test(binary_identity, started_by_name_checks_proc_self_exe) {
  SelfIdentity self;
  self.start("unit_test_binary_identity");
  cr_assert_not(self.replaced());
}

Test(binary_identity, lines_that_run_without_the_guard) {
  for (const char* yes : {"exit", "  exit 3 ", "logout", "exec $SHELL", "exec bash -l", "vectra-guard on"})
    cr_assert(runs_without_guard(yes), "%s", yes);
  for (const char* no : {"", "exit; rm x", "exit $(touch x)", "exitx", "ls", "exec rm x", "logout 1 2"})
    cr_assert_not(runs_without_guard(no), "%s", no);
}
