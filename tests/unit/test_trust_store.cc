// Trust store: round trips, scope, expiry, corrupt and unsafe files, concurrent writers.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/trust_store.h"

using namespace vg;

namespace {

std::string scratch_dir() {
  char tmpl[] = "/tmp/vg-trust-test.XXXXXX";
  char* dir = mkdtemp(tmpl);
  cr_assert_not_null(dir);
  return dir;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  cr_assert(fd >= 0);
  cr_assert_eq(write(fd, text.data(), text.size()), ssize_t(text.size()));
  fchmod(fd, mode);
  close(fd);
}

TrustEntry entry(const std::string& command, const std::string& scope = "",
                 std::int64_t expires = 0) {
  TrustEntry e;
  e.command = command;
  e.key = trust_key(command);
  e.note = "note for " + command;
  e.created = 1000;
  e.expires = expires;
  e.scope = scope;
  return e;
}

}  // namespace

Test(trust_store, missing_file_is_empty) {
  TrustStore store(scratch_dir() + "/none/trust.json");
  cr_assert(store.list().empty());
  cr_assert(!store.find(trust_key("npm test"), "/w", 2000).has_value());
}

Test(trust_store, add_then_find_and_list) {
  TrustStore store(scratch_dir() + "/state/trust.json");
  store.add(entry("npm test"));
  auto found = store.find(trust_key("npm test"), "/any/workspace", 2000);
  cr_assert(found.has_value());
  cr_assert_str_eq(found->command.c_str(), "npm test");
  cr_assert_str_eq(found->note.c_str(), "note for npm test");
  cr_assert_eq(found->created, 1000);
  cr_assert_eq(store.list().size(), 1u);
  cr_assert(!store.find(trust_key("npm install"), "/any/workspace", 2000).has_value());
}

Test(trust_store, file_and_directory_are_private) {
  std::string dir = scratch_dir() + "/state";
  TrustStore store(dir + "/trust.json");
  store.add(entry("make"));
  struct stat st;
  cr_assert_eq(stat((dir + "/trust.json").c_str(), &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0600u);
  cr_assert_eq(stat(dir.c_str(), &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0700u);
}

Test(trust_store, add_replaces_same_key_and_scope) {
  TrustStore store(scratch_dir() + "/trust.json");
  store.add(entry("make"));
  TrustEntry again = entry("make");
  again.note = "second";
  store.add(again);
  auto all = store.list();
  cr_assert_eq(all.size(), 1u);
  cr_assert_str_eq(all[0].note.c_str(), "second");
}

Test(trust_store, workspace_scope_only_applies_there) {
  TrustStore store(scratch_dir() + "/trust.json");
  store.add(entry("npm test", "/home/u/project"));
  cr_assert(store.find(trust_key("npm test"), "/home/u/project", 2000).has_value());
  cr_assert(!store.find(trust_key("npm test"), "/home/u/other", 2000).has_value());
}

Test(trust_store, expired_entries_do_not_match_and_clean_drops_them) {
  TrustStore store(scratch_dir() + "/trust.json");
  store.add(entry("old", "", 1500));
  store.add(entry("fresh", "", 5000));
  store.add(entry("forever"));
  cr_assert(!store.find(trust_key("old"), "/w", 2000).has_value());
  cr_assert(store.find(trust_key("fresh"), "/w", 2000).has_value());
  cr_assert_eq(store.clean(2000), 1);
  cr_assert_eq(store.list().size(), 2u);
  cr_assert_eq(store.clean(2000), 0);
  cr_assert_eq(store.clean(6000), 1);
  cr_assert(store.find(trust_key("forever"), "/w", 1LL << 40).has_value());
}

Test(trust_store, remove_by_key) {
  TrustStore store(scratch_dir() + "/trust.json");
  store.add(entry("a", "/w1"));
  store.add(entry("a", "/w2"));
  store.add(entry("b"));
  cr_assert_eq(store.remove(trust_key("a")), 2);
  cr_assert_eq(store.remove(trust_key("a")), 0);
  cr_assert_eq(store.list().size(), 1u);
}

Test(trust_store, corrupt_file_is_reported_and_left_untouched) {
  std::string path = scratch_dir() + "/trust.json";
  const std::string garbage = "{\"entries\": [ {\"key\": broken";
  write_file(path, garbage, 0600);
  TrustStore store(path);
  bool threw = false;
  try {
    store.list();
  } catch (const TrustError& e) {
    threw = true;
    cr_expect(std::string(e.what()).find("corrupt") != std::string::npos, "%s", e.what());
  }
  cr_assert(threw);
  threw = false;
  try {
    store.add(entry("make"));
  } catch (const TrustError&) {
    threw = true;
  }
  cr_assert(threw);
  std::string after = read_file(path);
  cr_assert_str_eq(after.c_str(), garbage.c_str());
}

Test(trust_store, entry_missing_fields_is_corrupt) {
  std::string path = scratch_dir() + "/trust.json";
  write_file(path, "{\"version\":1,\"entries\":[{\"note\":\"x\"}]}", 0600);
  TrustStore store(path);
  cr_assert_throw(store.list(), TrustError);
}

Test(trust_store, group_readable_file_is_refused) {
  std::string path = scratch_dir() + "/trust.json";
  write_file(path, "{\"version\":1,\"entries\":[]}", 0644);
  TrustStore store(path);
  cr_assert_throw(store.list(), TrustError);
}

Test(trust_store, concurrent_writers_lose_nothing) {
  std::string path = scratch_dir() + "/trust.json";
  const int kWriters = 8, kEach = 25;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
      TrustStore store(path);
      for (int i = 0; i < kEach; ++i) store.add(entry("cmd " + std::to_string(w * 1000 + i)));
      _exit(0);
    }
  }
  for (int w = 0; w < kWriters; ++w) {
    int status = 0;
    wait(&status);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  TrustStore store(path);
  cr_assert_eq(store.list().size(), size_t(kWriters * kEach));
  for (int w = 0; w < kWriters; ++w)
    for (int i = 0; i < kEach; ++i)
      cr_expect(store.find(trust_key("cmd " + std::to_string(w * 1000 + i)), "/w", 2000));
}

Test(trust_store, durations) {
  cr_assert_eq(parse_duration("30m").value_or(-1), 1800);
  cr_assert_eq(parse_duration("12h").value_or(-1), 43200);
  cr_assert_eq(parse_duration("7d").value_or(-1), 604800);
  cr_assert_eq(parse_duration("45s").value_or(-1), 45);
  cr_assert_eq(parse_duration("2w").value_or(-1), 1209600);
  cr_assert(!parse_duration("").has_value());
  cr_assert(!parse_duration("d").has_value());
  cr_assert(!parse_duration("0d").has_value());
  cr_assert(!parse_duration("7").has_value());
  cr_assert(!parse_duration("7y").has_value());
  cr_assert(!parse_duration("-7d").has_value());
  cr_assert(!parse_duration("1.5h").has_value());
  cr_assert(!parse_duration("99999999999999d").has_value());
}

Test(trust_store, text_joins_normalized_commands) {
  Analysis a;
  a.normalized = {"cd src", "npm test"};
  std::string text = trust_text(a);
  cr_assert_str_eq(text.c_str(), "cd src\nnpm test");
  a.parse_error = true;
  cr_assert(trust_text(a).empty());
}

Test(trust_store, key_is_sha256_of_text) {
  std::string key = trust_key("rm -rf ~");
  cr_assert_str_eq(key.c_str(), "22179937e32620e225e1f6383907285e9b5aee86597795712e807e832f6d5bbf");
}
