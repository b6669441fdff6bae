// Review change sets, the writing side: ids allocated one above the largest numeric
// directory, meta.json written and finished atomically, changes counted from an upper
// layer (whiteouts are deletions), empty sets removed.
#include <criterion/criterion.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sandbox/review/change_writer.h"

using namespace vg::review;

namespace {

std::string scratch() {
  char tmpl[] = "/var/tmp/vg-changeset-test.XXXXXX";
  return mkdtemp(tmpl);
}

nlohmann::json read_meta(const std::string& dir) {
  std::ifstream in(dir + "/meta.json");
  return nlohmann::json::parse(in);
}

}  // namespace

Test(change_set, ids_skip_past_the_largest_numeric_directory) {
  std::string top = scratch();
  std::filesystem::create_directories(top + "/state/changes/7");
  std::filesystem::create_directories(top + "/state/changes/20261201-203512-4242");  // keep_changes
  std::filesystem::create_directories(top + "/ws");
  ChangeSetMeta m;
  m.workspace = top + "/ws";
  m.cwd = top + "/ws";
  m.command = "git reset --hard";
  m.argv = {"git", "reset", "--hard"};
  m.runtime = "namespace";
  m.reason = "review = always";
  m.started_ns = change_set_clock_ns();
  OpenChangeSet set;
  std::string error;
  cr_assert(create_change_set(top + "/state", m, set, error), "%s", error.c_str());
  cr_expect_eq(set.id, 8);
  cr_expect_eq(set.dir, top + "/state/changes/8");
  struct stat st;
  cr_expect(stat((set.dir + "/upper").c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  cr_expect(stat((set.dir + "/work").c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  nlohmann::json j = read_meta(set.dir);
  cr_expect_eq(j["id"].get<int>(), 8);
  cr_expect_eq(j["command"].get<std::string>(), "git reset --hard");
  cr_expect(j["argv"] == nlohmann::json({"git", "reset", "--hard"}));
  cr_expect(!j.contains("finished_ns") && !j.contains("exit_code") && !j.contains("session"));
  cr_assert(finish_change_set(set, 3, error), "%s", error.c_str());
  j = read_meta(set.dir);
  cr_expect_eq(j["exit_code"].get<int>(), 3);
  cr_expect(j["finished_ns"].get<long long>() >= j["started_ns"].get<long long>());
  OpenChangeSet next;
  cr_assert(create_change_set(top + "/state", m, next, error));
  cr_expect_eq(next.id, 9);
  std::filesystem::remove_all(top);
}

Test(change_set, the_summary_line_counts_as_changes_list_does) {
  std::string top = scratch();
  std::string ws = top + "/ws";
  std::filesystem::create_directories(ws + "/src/deep");
  std::ofstream(ws + "/src/deep/x.c") << "x";
  std::ofstream(ws + "/src/y.c") << "y";
  std::ofstream(ws + "/keep.txt") << "k";
  OpenChangeSet set;
  set.id = 7;
  set.dir = top + "/set";
  set.meta.workspace = ws;
  std::filesystem::create_directories(set.dir + "/upper/newdir");
  std::ofstream(set.dir + "/upper/keep.txt") << "changed";
  std::ofstream(set.dir + "/upper/b.txt") << "new";
  bool empty = true;
  const bool root = geteuid() == 0;
  if (root) {
    // rm -rf src: one whiteout over a directory holding two files, counted as two.
    cr_assert(mknod((set.dir + "/upper/src").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
    cr_expect_eq(change_summary_line(set, empty),
                 "📝 3 files changed, 2 deleted — vectra-guard changes show 7");
  } else {
    cr_expect_eq(change_summary_line(set, empty), "📝 3 files changed — vectra-guard changes show 7");
  }
  cr_expect_not(empty);
  OpenChangeSet none;
  none.id = 8;
  none.dir = top + "/none";
  none.meta.workspace = ws;
  std::filesystem::create_directories(none.dir + "/upper");
  cr_expect_eq(change_summary_line(none, empty), "📝 no changes");
  cr_expect(empty);
  std::filesystem::remove_all(top);
}
