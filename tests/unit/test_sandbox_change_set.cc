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

#include "sandbox/change_set.h"

using namespace vg::sandbox;

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
  ChangeSet set;
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
  ChangeSet next;
  cr_assert(create_change_set(top + "/state", m, next, error));
  cr_expect_eq(next.id, 9);
  std::filesystem::remove_all(top);
}

Test(change_set, counts_files_and_whiteouts_and_removes_an_empty_set) {
  std::string top = scratch();
  std::string ws = top + "/ws", upper = top + "/set/upper";
  std::filesystem::create_directories(ws + "/src");
  std::filesystem::create_directories(upper + "/src");  // copied up for a change below it
  std::filesystem::create_directories(upper + "/newdir");
  std::filesystem::create_directories(top + "/set/work/work");
  std::ofstream(upper + "/src/a.c") << "x";
  std::ofstream(upper + "/b.txt") << "y";
  const bool root = geteuid() == 0;
  if (root) cr_assert(mknod((upper + "/gone").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
  ChangeCount c = count_changes(upper, ws);
  cr_expect_eq(c.changed, 3, "a.c, b.txt and the new empty directory");
  cr_expect_eq(c.deleted, root ? 1 : 0);
  cr_expect_eq(change_summary_line({3, 1}, 7), "📝 3 files changed, 1 deleted — vectra-guard changes show 7");
  cr_expect_eq(change_summary_line({0, 2}, 4), "📝 2 files deleted — vectra-guard changes show 4");
  cr_expect_eq(change_summary_line({1, 0}, 4), "📝 1 file changed — vectra-guard changes show 4");
  cr_expect_eq(change_summary_line({}, 4), "📝 no changes");
  chmod((top + "/set/work/work").c_str(), 0);
  cr_expect(remove_change_set(top + "/set"));
  cr_expect(!std::filesystem::exists(top + "/set"));
  std::filesystem::remove_all(top);
}
