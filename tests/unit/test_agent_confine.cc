// agent start's Landlock confinement: the rules keep protected paths read-only (the key
// directory unreadable) and everything beside them writable; enforced in a child.
#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "sandbox/agent_confine.h"
#include "sandbox/landlock.h"
#include "scratch_dir.h"

using namespace vg::sandbox;

namespace {

std::uint64_t rights_of(const std::vector<LandlockRule>& rules, const std::string& path, bool* found) {
  auto it = std::find_if(rules.begin(), rules.end(), [&](const LandlockRule& r) { return r.path == path; });
  *found = it != rules.end();
  return *found ? it->rights : 0;
}

void touch(const std::string& p) { std::ofstream(p) << "x"; }

// 0 when `path` could be opened for writing (created if missing), else errno.
int try_write(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

int try_read(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

}  // namespace

Test(agent_confine, protected_dirs_read_only_siblings_writable_keys_hidden) {
  std::string root = scratch_dir("confine");
  make_dirs(root + "/home/.vg/keys");
  make_dirs(root + "/home/project");
  touch(root + "/home/.vg/trust.json");
  touch(root + "/home/.vg/keys/s.key");
  AgentProtect p;
  p.read_only = {root + "/home/.vg"};
  p.no_read = {root + "/home/.vg/keys"};
  int abi = std::max(landlock_abi(), 1);
  auto rules = landlock_rules(agent_confine_wanted(p, abi));
  bool found = false;
  cr_expect_eq(rights_of(rules, root + "/home/project", &found), landlock_write_rights(abi));
  cr_expect(found);
  cr_expect_eq(rights_of(rules, root + "/home", &found), (std::uint64_t)LANDLOCK_ACCESS_FS_READ_DIR);
  cr_expect_eq(rights_of(rules, root + "/home/.vg/trust.json", &found) & LANDLOCK_ACCESS_FS_WRITE_FILE, 0u);
  cr_expect(found);
  rights_of(rules, root + "/home/.vg/keys", &found);
  cr_expect(!found, "the key directory gets no rule (nothing readable)");
  std::filesystem::remove_all(root);
}

Test(agent_confine, enforced_in_a_child) {
  if (landlock_abi() <= 0) {
    const char* all = getenv("VG_REQUIRE_ALL");
    cr_assert(!(all && std::string(all) == "1"), "this kernel has no Landlock (VG_REQUIRE_ALL=1 forbids skipping)");
    cr_skip("this kernel has no Landlock");
  }
  std::string root = scratch_dir("confine");
  make_dirs(root + "/state/keys");
  make_dirs(root + "/proj");
  touch(root + "/state/trust.json");
  touch(root + "/state/keys/s.key");
  AgentProtect p;
  p.read_only = {root + "/state"};
  p.no_read = {root + "/state/keys"};
  pid_t pid = fork();
  if (pid == 0) {
    std::string enforced, missing;
    if (!confine_agent(p, enforced, missing)) _exit(10);
    if (try_write(root + "/state/trust.json") != EACCES) _exit(11);
    if (try_write(root + "/state/new") != EACCES) _exit(12);
    if (try_read(root + "/state/keys/s.key") != EACCES) _exit(13);
    if (try_read(root + "/state/trust.json") != 0) _exit(14);
    if (try_write(root + "/proj/out") != 0) _exit(15);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child step %d failed", WEXITSTATUS(status));
  std::filesystem::remove_all(root);
}
