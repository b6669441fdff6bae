// The Landlock mode's rule builder on a real temporary tree: rights only add up along a
// path, so a directory with a less-privileged path below it is split into its entries.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <linux/landlock.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sandbox/landlock.h"

using namespace vg::sandbox;

namespace {

std::string scratch() {
  char tmpl[] = "/var/tmp/vg-landlock-test.XXXXXX";
  char* d = mkdtemp(tmpl);
  cr_assert_not_null(d);
  return d;
}

void touch(const std::string& p) { close(open(p.c_str(), O_CREAT | O_WRONLY, 0644)); }

const LandlockRule* rule_for(const std::vector<LandlockRule>& rules, const std::string& path) {
  for (const LandlockRule& r : rules)
    if (r.path == path) return &r;
  return nullptr;
}

}  // namespace

Test(landlock_rules, a_hidden_path_splits_its_ancestors_and_gets_nothing) {
  std::string t = scratch();
  mkdir((t + "/home").c_str(), 0755);
  mkdir((t + "/home/.ssh").c_str(), 0700);
  mkdir((t + "/home/src").c_str(), 0755);
  touch(t + "/home/notes.txt");
  const std::uint64_t ro = landlock_read_rights(), rw = landlock_write_rights(5);
  std::vector<LandlockRule> rules = landlock_rules({{"/", ro}, {t + "/home", rw}, {t + "/home/.ssh", 0}});
  // Neither "/" nor any ancestor of the hidden directory is granted as a whole, only
  // listed (so `ls ~` works)...
  for (const std::string& dir : {std::string("/"), t, t + "/home"}) {
    const LandlockRule* r = rule_for(rules, dir);
    cr_assert_not_null(r, "%s can be listed", dir.c_str());
    cr_expect_eq(r->rights, LANDLOCK_ACCESS_FS_READ_DIR, "%s: listing only", dir.c_str());
  }
  cr_expect_null(rule_for(rules, t + "/home/.ssh"));
  // ...their other entries are, with the rights they should have.
  const LandlockRule* src = rule_for(rules, t + "/home/src");
  cr_assert_not_null(src);
  cr_expect_eq(src->rights, rw);
  const LandlockRule* notes = rule_for(rules, t + "/home/notes.txt");
  cr_assert_not_null(notes);
  cr_expect_eq(notes->rights & LANDLOCK_ACCESS_FS_MAKE_DIR, 0u, "a file gets file rights only");
  cr_expect(notes->rights & LANDLOCK_ACCESS_FS_WRITE_FILE);
  cr_expect_not_null(rule_for(rules, "/usr"));
  cr_expect_eq(rule_for(rules, "/usr")->rights, ro);
  std::filesystem::remove_all(t);
}

Test(landlock_rules, paths_that_only_add_rights_need_no_split) {
  std::string t = scratch();
  mkdir((t + "/ws").c_str(), 0755);
  const std::uint64_t ro = landlock_read_rights(), rw = landlock_write_rights(3);
  std::vector<LandlockRule> rules = landlock_rules({{"/", ro}, {t + "/ws", rw}});
  cr_assert_eq(rules.size(), 2u);
  cr_expect_eq(rules[0].path, "/");
  cr_expect_eq(rules[1].path, t + "/ws");
  cr_expect_eq(rules[1].rights, rw);
  std::filesystem::remove_all(t);
}

Test(landlock_rules, rights_follow_the_abi) {
  cr_expect_eq(landlock_write_rights(1) & LANDLOCK_ACCESS_FS_REFER, 0u);
  cr_expect(landlock_write_rights(2) & LANDLOCK_ACCESS_FS_REFER);
  cr_expect_eq(landlock_write_rights(2) & (1ULL << 14), 0u);  // TRUNCATE from ABI 3
  cr_expect(landlock_write_rights(3) & (1ULL << 14));
  cr_expect(landlock_device_rights(5) & (1ULL << 15));         // IOCTL_DEV from ABI 5
}

Test(landlock_rules, protected_paths_inside_the_workspace_are_reported_not_split) {
  SandboxSpec s;
  s.workspace = "/w";
  s.mounts = {{MountKind::RwBind, "/w", "/w"},
              {MountKind::RoBind, "/w/.git/hooks", "/w/.git/hooks"},
              {MountKind::RoBind, "/data", "/data"},
              {MountKind::Hide, "", "/root/.ssh", true}};
  cr_expect_eq(landlock_unprotected(s, s.mounts[1]), "/w");
  cr_expect_eq(landlock_unprotected(s, s.mounts[2]), "");
  std::vector<LandlockRule> w = landlock_wanted(s, "/tmp/vg-landlock.x", 4);
  auto has = [&](const std::string& p) {
    return std::any_of(w.begin(), w.end(), [&](const LandlockRule& r) { return r.path == p; });
  };
  cr_expect(!has("/w/.git/hooks"), "read-only below a writable path cannot be expressed");
  cr_expect(has("/data") && has("/w") && has("/root/.ssh") && has("/tmp/vg-landlock.x"));
}

// The host's /dev is all Landlock mode has: only the harmless nodes may be opened, never
// a disk (root could read /dev/vda through the read right on "/").
Test(landlock_rules, dev_lists_but_opens_only_harmless_nodes) {
  SandboxSpec s;
  s.mounts = {{MountKind::Dev, "", "/dev"}};
  std::vector<LandlockRule> rules = landlock_rules(landlock_wanted(s, "", 4));
  auto rights_of = [&](const std::string& p) -> long long {
    for (const LandlockRule& r : rules)
      if (r.path == p) return static_cast<long long>(r.rights);
    return -1;
  };
  cr_expect(rights_of("/dev") == LANDLOCK_ACCESS_FS_READ_DIR, "/dev: listing only, got %lld", rights_of("/dev"));
  cr_expect(rights_of("/dev/null") > 0 && (rights_of("/dev/null") & LANDLOCK_ACCESS_FS_WRITE_FILE));
  for (const LandlockRule& r : rules) {
    bool block_device = r.path.rfind("/dev/vd", 0) == 0 || r.path.rfind("/dev/sd", 0) == 0 ||
                        r.path.rfind("/dev/nvme", 0) == 0;
    cr_expect(!block_device || !(r.rights & LANDLOCK_ACCESS_FS_READ_FILE), "%s is readable", r.path.c_str());
  }
  cr_expect(std::any_of(rules.begin(), rules.end(), [](const LandlockRule& r) { return r.path == "/usr"; }),
            "the rest of / keeps its read right");
}
