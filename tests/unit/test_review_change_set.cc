// Reading a change set: an upper layer compared with the workspace gives one entry per
// added, modified, deleted, renamed, mode-changed file, symlink and new directory.
#include <criterion/criterion.h>

#include <unistd.h>

#include "sandbox/review/change_store.h"
#include "tests/unit/review_fixture.h"

using namespace vg::review;

Test(review_change_set, kinds_of_change) {
  ReviewFixture f("review-set");
  f.host("keep.txt", "same\n");
  f.host("edit.txt", "one\n");
  f.host("run.sh", "echo\n");
  f.host("gone.txt", "bye\n");
  f.up("keep.txt", "same\n");  // copied up, unchanged: no entry
  f.up("edit.txt", "two\n");
  f.up("run.sh", "echo\n", 0755);
  f.whiteout("gone.txt");
  f.up("new/file.bin", std::string("a\0b", 3));
  symlink("edit.txt", (f.upper + "/link").c_str());

  ChangeSet s = f.read_set();
  cr_expect_null(find_change(s, "keep.txt"));
  cr_assert_not_null(find_change(s, "edit.txt"));
  cr_expect_eq(find_change(s, "edit.txt")->kind, ChangeKind::modified);
  cr_expect_eq(find_change(s, "run.sh")->kind, ChangeKind::mode);
  cr_expect_eq(find_change(s, "run.sh")->old_mode & 0777, 0644u);
  cr_expect_eq(find_change(s, "run.sh")->new_mode & 0777, 0755u);
  cr_expect_eq(find_change(s, "gone.txt")->kind, ChangeKind::deleted);
  cr_expect_eq(find_change(s, "new")->kind, ChangeKind::dir);
  cr_expect_eq(find_change(s, "new/file.bin")->kind, ChangeKind::added);
  cr_expect(find_change(s, "new/file.bin")->binary);
  cr_expect_not(find_change(s, "edit.txt")->binary);
  cr_expect_eq(find_change(s, "link")->kind, ChangeKind::symlink);
  cr_expect_eq(find_change(s, "link")->link_target, "edit.txt");
  cr_expect_eq(s.changes.size(), 6u);

  ChangeCounts n = count_changes(s.changes);  // the directory with a file in it is not counted
  cr_expect_eq(n.changed, 4);
  cr_expect_eq(n.deleted, 1);
  cr_expect_eq(describe_counts(n), "4 changed, 1 deleted");
  cr_expect_eq(describe_counts(n, true), "4 files changed, 1 deleted");
  cr_expect_eq(describe_counts(ChangeCounts{}), "no changes");
}

Test(review_change_set, deleted_directory_lists_every_file) {
  ReviewFixture f("review-set");
  f.host("src/a.c", "a");
  f.host("src/sub/b.c", "b");
  f.whiteout("src");
  ChangeSet s = f.read_set();
  cr_assert_eq(s.changes.size(), 4u);
  for (const Change& c : s.changes) cr_expect_eq(c.kind, ChangeKind::deleted, "%s", c.path.c_str());
  cr_expect(S_ISDIR(find_change(s, "src/sub")->old_mode));
  cr_expect_eq(count_changes(s.changes).deleted, 2);  // the two files; the dirs are implied
}

Test(review_change_set, opaque_directory_hides_the_host_entries) {
  ReviewFixture f("review-set");
  f.host("out/old1", "1");
  f.host("out/keep", "k");
  f.opaque("out");
  f.up("out/keep", "k");
  f.up("out/fresh", "f");
  ChangeSet s = f.read_set();
  cr_expect_eq(find_change(s, "out/old1")->kind, ChangeKind::deleted);
  cr_expect_null(find_change(s, "out/keep"));
  cr_expect_eq(find_change(s, "out/fresh")->kind, ChangeKind::added);
  cr_expect_null(find_change(s, "out"));  // the directory itself stays
}

Test(review_change_set, whiteout_plus_same_content_is_a_rename) {
  ReviewFixture f("review-set");
  f.host("old.txt", "content\n");
  f.host("dir/x", "xx");
  f.host("empty1", "");
  f.whiteout("old.txt");
  f.up("new.txt", "content\n");
  f.whiteout("dir");  // a renamed directory, redirect_dir off: whiteout plus full copy
  f.up("dir2/x", "xx");
  f.whiteout("empty1");  // empty files are never paired
  f.up("empty2", "");
  ChangeSet s = f.read_set();
  const Change* r = find_change(s, "new.txt");
  cr_assert_not_null(r);
  cr_expect_eq(r->kind, ChangeKind::renamed);
  cr_expect_eq(r->from, "old.txt");
  cr_expect_null(find_change(s, "old.txt"));
  cr_expect_eq(find_change(s, "dir2/x")->kind, ChangeKind::renamed);
  cr_expect_eq(find_change(s, "dir2/x")->from, "dir/x");
  cr_expect_eq(find_change(s, "empty1")->kind, ChangeKind::deleted);
  cr_expect_eq(find_change(s, "empty2")->kind, ChangeKind::added);
  cr_expect(change_matches(*r, "old.txt"));
  cr_expect(change_matches(*r, ""));
  cr_expect_not(change_matches(*r, "old"));
}

Test(review_change_set, type_changes_and_vanished_paths) {
  ReviewFixture f("review-set");
  f.host("was_dir/inner", "i");
  f.host("was_file", "f");
  f.up("was_dir", "now a file");
  make_dirs(f.upper + "/was_file");
  f.up("was_file/child", "c");
  f.whiteout("deleted_on_host_too");
  ChangeSet s = f.read_set();
  cr_expect_eq(find_change(s, "was_dir/inner")->kind, ChangeKind::deleted);
  cr_expect_not_null(find_kind(s, "was_dir", ChangeKind::deleted));
  cr_expect_not_null(find_kind(s, "was_dir", ChangeKind::added));
  cr_expect_not_null(find_kind(s, "was_file", ChangeKind::deleted));
  cr_expect_not_null(find_kind(s, "was_file", ChangeKind::dir));
  cr_expect_eq(find_change(s, "was_file/child")->kind, ChangeKind::added);
  cr_assert_eq(s.vanished.size(), 1u);
  cr_expect_eq(s.vanished[0], "deleted_on_host_too");
}

Test(review_change_set, a_symlinked_host_directory_is_not_followed) {
  ReviewFixture f("review-set");
  make_dirs(f.root + "/outside");
  ReviewFixture::write(f.root + "/outside/secret", "s");
  symlink((f.root + "/outside").c_str(), (f.ws + "/link").c_str());
  make_dirs(f.upper + "/link");  // the run replaced the symlink by a directory
  f.up("link/secret", "s");
  ChangeSet s = f.read_set();
  cr_expect_eq(find_change(s, "link/secret")->kind, ChangeKind::added);  // not "unchanged"
  cr_expect_not_null(find_kind(s, "link", ChangeKind::dir));
  cr_assert_not_null(find_kind(s, "link", ChangeKind::deleted));
  cr_expect(S_ISLNK(find_kind(s, "link", ChangeKind::deleted)->old_mode));
}

Test(review_store, ids_meta_and_removal) {
  ReviewFixture f("review-store");
  std::string root = f.root + "/changes";
  make_dirs(root + "/3/upper");
  make_dirs(root + "/12/upper");
  make_dirs(root + "/keep-abc/upper");  // keep_changes: ignored
  cr_expect_eq(list_change_set_ids(root), (std::vector<long>{3, 12}));
  cr_expect_eq(parse_change_set_id("7").value_or(0), 7);
  cr_expect_not(parse_change_set_id("07").has_value());
  cr_expect_not(parse_change_set_id("x").has_value());
  cr_expect_not(parse_change_set_id("-1").has_value());

  ChangeSetMeta m;
  m.id = 3;
  m.workspace = f.ws;
  m.command = "rm -rf src";
  m.argv = {"sh", "-c", "rm -rf src"};
  m.started_ns = 1234567890123456789;
  m.exit_code = 0;
  std::string error;
  cr_assert(write_change_set_meta(root + "/3", m, error), "%s", error.c_str());
  ChangeSetMeta back;
  cr_assert(read_change_set_meta(root + "/3", back, error), "%s", error.c_str());
  cr_expect_eq(back.started_ns, m.started_ns);
  cr_expect_eq(back.command, m.command);
  cr_expect_not(back.finished_ns.has_value());
  cr_expect_eq(back.exit_code.value_or(-1), 0);
  cr_expect_not(read_change_set_meta(root + "/12", back, error));
  cr_expect(error.find("meta.json") != std::string::npos);

  make_dirs(root + "/3/work/work");
  chmod((root + "/3/work/work").c_str(), 0);  // as overlayfs leaves it
  cr_assert(remove_change_set(root + "/3", error), "%s", error.c_str());
  cr_expect_eq(list_change_set_ids(root), (std::vector<long>{12}));
  struct stat st;
  cr_expect_neq(lstat((root + "/3").c_str(), &st), 0);
}
