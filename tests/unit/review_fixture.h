// A workspace and a hand-made overlayfs upper layer for the review unit tests. Whiteouts
// are 0/0 character devices (mknod needs root, as these tests run).
#pragma once

#include <criterion/criterion.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "sandbox/review/change_set.h"
#include "tests/unit/scratch_dir.h"

struct ReviewFixture {
  std::string root, ws, upper;

  explicit ReviewFixture(const std::string& name) {
    root = scratch_dir(name);
    ws = root + "/ws";
    upper = root + "/set/upper";
    make_dirs(ws);
    make_dirs(upper);
  }
  ~ReviewFixture() { std::system(("rm -rf '" + root + "'").c_str()); }

  static void write(const std::string& p, const std::string& text, mode_t mode = 0644) {
    std::ofstream(p, std::ios::trunc) << text;
    chmod(p.c_str(), mode);
  }
  static std::string read(const std::string& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void host(const std::string& rel, const std::string& text, mode_t mode = 0644) const {
    make_dirs(ws + "/" + rel.substr(0, rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/')));
    write(ws + "/" + rel, text, mode);
  }
  void up(const std::string& rel, const std::string& text, mode_t mode = 0644) const {
    make_dirs(upper + "/" + rel.substr(0, rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/')));
    write(upper + "/" + rel, text, mode);
  }
  void whiteout(const std::string& rel) const {
    cr_assert_eq(mknod((upper + "/" + rel).c_str(), S_IFCHR | 0000, makedev(0, 0)), 0, "mknod needs root");
  }
  void opaque(const std::string& rel) const {
    make_dirs(upper + "/" + rel);
    cr_assert_eq(setxattr((upper + "/" + rel).c_str(), "user.overlay.opaque", "y", 1, 0), 0);
  }
  vg::review::ChangeSet read_set() const {
    vg::review::ChangeSet set;
    set.dir = root + "/set";
    set.meta.workspace = ws;
    std::string error;
    cr_assert(vg::review::compare_upper(upper, ws, set, error), "%s", error.c_str());
    return set;
  }
  static int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }
};

inline const vg::review::Change* find_change(const vg::review::ChangeSet& s, const std::string& path) {
  for (const auto& c : s.changes)
    if (c.path == path) return &c;
  return nullptr;
}

inline const vg::review::Change* find_kind(const vg::review::ChangeSet& s, const std::string& path,
                                           vg::review::ChangeKind kind) {
  for (const auto& c : s.changes)
    if (c.path == path && c.kind == kind) return &c;
  return nullptr;
}
