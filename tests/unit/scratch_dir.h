// Scratch directories for the unit tests that need a real tree on disk.
#pragma once

#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <string>

// A fresh directory /tmp/vg-<name>-test.XXXXXX, resolved (no symlinks in it).
inline std::string scratch_dir(const std::string& name) {
  std::string tmpl = "/tmp/vg-" + name + "-test.XXXXXX";
  char* d = mkdtemp(tmpl.data());
  cr_assert_not_null(d);
  char buf[PATH_MAX];
  cr_assert_not_null(realpath(d, buf));
  return buf;
}

// mkdir -p, mode 0755.
inline void make_dirs(const std::string& p) {
  for (size_t i = 1; i <= p.size(); ++i)
    if (i == p.size() || p[i] == '/') mkdir(p.substr(0, i).c_str(), 0755);
}
