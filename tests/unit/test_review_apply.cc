// Applying a change set: the workspace ends up as the run left its view, one file at a
// time; a host file changed since the run began makes it refuse before anything is written.
#include <criterion/criterion.h>

#include <unistd.h>

#include "sandbox/review/change_apply.h"
#include "sandbox/review/change_store.h"
#include "tests/unit/review_fixture.h"

using namespace vg::review;

namespace {

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

mode_t mode_of(const std::string& p) {
  struct stat st;
  cr_assert_eq(lstat(p.c_str(), &st), 0, "%s", p.c_str());
  return st.st_mode;
}

// A set whose run began now: everything written on the host after it counts as "underneath".
ChangeSet started_now(ReviewFixture& f) {
  ChangeSet s = f.read_set();
  s.meta.started_ns = review_start_ns();
  s.meta.finished_ns = s.meta.started_ns;
  return s;
}

}  // namespace

Test(review_apply, reproduces_the_run) {
  ReviewFixture f("review-apply");
  f.host("edit.txt", "one\n");
  f.host("run.sh", "echo\n");
  f.host("old.txt", "moved\n");
  f.host("src/a.c", "a");
  f.host("src/sub/b.c", "b");
  f.up("edit.txt", "two\n");
  f.up("run.sh", "echo\n", 0755);
  f.whiteout("old.txt");
  f.up("new.txt", "moved\n");
  f.whiteout("src");
  f.up("out/deep/bin", "x", 0750);
  chmod((f.upper + "/out").c_str(), 0555);  // a read-only new directory still gets its files
  symlink("edit.txt", (f.upper + "/link").c_str());
  f.up("suid", "x", 04755);

  ChangeSet s = started_now(f);
  std::vector<std::string> unmatched;
  std::vector<Change> sel = select_changes(s, {}, unmatched);
  for (const Underneath& u : changed_underneath(s, sel, {})) cr_expect_fail("underneath: %s", u.path.c_str());
  std::string error;
  cr_assert(apply_changes(s, sel, error), "%s", error.c_str());

  cr_expect_eq(ReviewFixture::read(f.ws + "/edit.txt"), "two\n");
  cr_expect_eq(mode_of(f.ws + "/run.sh") & 0777, 0755u);
  cr_expect_not(exists(f.ws + "/old.txt"));
  cr_expect_eq(ReviewFixture::read(f.ws + "/new.txt"), "moved\n");
  cr_expect_not(exists(f.ws + "/src"));
  cr_expect_eq(ReviewFixture::read(f.ws + "/out/deep/bin"), "x");
  cr_expect_eq(mode_of(f.ws + "/out/deep/bin") & 0777, 0750u);
  cr_expect_eq(mode_of(f.ws + "/out") & 0777, 0555u);
  cr_expect(S_ISLNK(mode_of(f.ws + "/link")));
  cr_expect_eq(mode_of(f.ws + "/suid") & 07777, 0755u);  // never setuid on the host
  // No temporary file is left behind.
  cr_expect_eq(std::system(("test -z \"$(find '" + f.ws + "' -name '.vg-apply*')\"").c_str()), 0);
  // Read again, the set has nothing left to apply (but the setuid bit it was refused).
  ChangeSet again = f.read_set();
  cr_expect_eq(again.changes.size(), 1u);
  cr_expect_eq(again.changes[0].path, "suid");
}

Test(review_apply, refuses_when_the_host_changed_underneath) {
  ReviewFixture f("review-apply");
  f.host("a.txt", "a\n");
  f.host("b.txt", "b\n");
  f.up("a.txt", "run's a\n");
  f.up("b.txt", "run's b\n");
  f.up("c.txt", "run's c\n");
  ChangeSet s = started_now(f);
  f.host("a.txt", "edited on the host\n");  // after the run began
  f.host("c.txt", "created on the host\n");
  s = [&] {
    ChangeSet again = f.read_set();
    again.meta = s.meta;
    return again;
  }();
  std::vector<std::string> unmatched;
  std::vector<Change> sel = select_changes(s, {}, unmatched);
  std::vector<Underneath> u = changed_underneath(s, sel, {});
  for (const Underneath& x : u) cr_log_info("%s: %s", x.path.c_str(), x.what.c_str());
  cr_assert_eq(u.size(), 2u, "%zu", u.size());
  cr_expect_eq(u[0].path, "a.txt");
  cr_expect_eq(u[1].path, "c.txt");
  // Only b.txt: nothing underneath.
  std::vector<Change> only_b = select_changes(s, {"b.txt"}, unmatched);
  cr_expect(unmatched.empty());
  cr_expect(changed_underneath(s, only_b, {"b.txt"}).empty());
  std::string error;
  cr_assert(apply_changes(s, only_b, error), "%s", error.c_str());
  cr_expect_eq(ReviewFixture::read(f.ws + "/b.txt"), "run's b\n");
  cr_expect_eq(ReviewFixture::read(f.ws + "/a.txt"), "edited on the host\n");
  select_changes(s, {"nope"}, unmatched);
  cr_expect_eq(unmatched, (std::vector<std::string>{"nope"}));
}

Test(review_apply, a_vanished_path_is_named) {
  ReviewFixture f("review-apply");
  f.whiteout("was_here");
  ChangeSet s = started_now(f);
  std::vector<std::string> unmatched;
  std::vector<Change> sel = select_changes(s, {"was_here"}, unmatched);
  cr_expect(unmatched.empty());
  std::vector<Underneath> u = changed_underneath(s, sel, {"was_here"});
  cr_assert_eq(u.size(), 1u);
  cr_expect(u[0].what.find("deleted on the host") != std::string::npos);
}

Test(review_apply, never_writes_through_a_host_symlink) {
  ReviewFixture f("review-apply");
  make_dirs(f.root + "/outside");
  f.up("dir/file", "x");
  ChangeSet s = started_now(f);
  // The host made dir a symlink after the set was read: apply must not follow it.
  symlink((f.root + "/outside").c_str(), (f.ws + "/dir").c_str());
  std::vector<Change> sel;
  for (const Change& c : s.changes)
    if (c.path == "dir/file") sel.push_back(c);
  std::string error;
  cr_expect_not(apply_changes(s, sel, error));
  cr_expect(error.find("not a directory") != std::string::npos, "%s", error.c_str());
  cr_expect_not(exists(f.root + "/outside/file"));
}
