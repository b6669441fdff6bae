// The namespace runner's pure parts: the mount plan made from a spec (same view as the
// bubblewrap argv: root read-only, overlays only for a writable root, spec mounts in
// order) and the vg-init command line.
#include <criterion/criterion.h>

#include <sys/stat.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sandbox/changes.h"
#include "sandbox/ns_runner.h"
#include "sandbox/ns_setup.h"

using namespace vg::sandbox;
using ns::MountStep;

namespace {

SandboxSpec sample() {
  SandboxSpec s;
  s.argv = {"make", "test"};
  s.cwd = "/work/p/sub";
  s.workspace = "/work/p";
  s.mounts = {{MountKind::Dev, "", "/dev"},
              {MountKind::Proc, "", "/proc"},
              {MountKind::Tmpfs, "", "/tmp"},
              {MountKind::RwBind, "/work/p", "/work/p"},
              {MountKind::Hide, "", "/root/.ssh", true},
              {MountKind::Hide, "", "/root/.netrc", false},
              {MountKind::RoBind, "/work/p/.git/hooks", "/work/p/.git/hooks"}};
  return s;
}

// Index of the first step with op and target (a for one-path ops, b for mounts).
long find(const ns::MountPlan& p, MountStep::Op op, const std::string& path, size_t from = 0) {
  for (size_t i = from; i < p.steps.size(); ++i) {
    const MountStep& s = p.steps[i];
    if (s.op == op && (s.a == path || s.b == path)) return static_cast<long>(i);
  }
  return -1;
}

}  // namespace

Test(ns_plan, root_is_the_host_read_only_first) {
  ns::MountPlan p = ns::plan_mounts(sample(), {"/usr"});
  cr_assert(p.steps.size() > 2);
  cr_expect_eq(p.steps[0].op, MountStep::Bind);
  cr_expect_eq(p.steps[0].a, "/oldroot");
  cr_expect_eq(p.steps[0].b, "/newroot");
  cr_expect_eq(p.steps[1].op, MountStep::SetAttr);
  cr_expect(p.steps[1].flags & 1u, "MOUNT_ATTR_RDONLY");
  cr_expect_eq(p.cwd, "/work/p/sub");
  // Read-only root: no overlay at all.
  for (const MountStep& s : p.steps) cr_expect_neq(s.c, "overlay");
}

Test(ns_plan, writable_root_gets_one_overlay_per_directory_before_the_spec_mounts) {
  SandboxSpec s = sample();
  s.root = RootFs::WritableDiscarded;
  ns::MountPlan p = ns::plan_mounts(s, {"/usr", "/var", "/odd,name"});
  long usr = find(p, MountStep::Mount, "/newroot/usr");
  cr_assert(usr >= 0);
  cr_expect_eq(p.steps[usr].c, "overlay");
  cr_expect_eq(p.steps[usr].d, "lowerdir=/oldroot/usr,upperdir=/overlay/upper/usr,workdir=/overlay/work/usr,userxattr");
  cr_expect(find(p, MountStep::Mount, "/newroot/var") >= 0);
  cr_expect_eq(find(p, MountStep::Mount, "/newroot/odd,name"), -1, "a name overlay options cannot carry is skipped");
  cr_expect(usr < find(p, MountStep::Mount, "/newroot/dev"), "overlays come before /dev");
}

Test(ns_plan, spec_mounts_in_order_with_the_right_attributes) {
  ns::MountPlan p = ns::plan_mounts(sample(), {});
  long dev = find(p, MountStep::Mount, "/newroot/dev");
  long proc = find(p, MountStep::Mount, "/newroot/proc");
  long tmp = find(p, MountStep::Mount, "/newroot/tmp");
  long ws = find(p, MountStep::Bind, "/newroot/work/p");
  long ssh = find(p, MountStep::Mount, "/newroot/root/.ssh");
  long netrc = find(p, MountStep::Bind, "/newroot/root/.netrc");
  long hooks = find(p, MountStep::Bind, "/newroot/work/p/.git/hooks");
  cr_assert(dev >= 0 && proc > dev && tmp > proc && ws > tmp && ssh > ws && netrc > ssh && hooks > netrc);
  cr_expect_eq(p.steps[dev].c, "tmpfs");
  cr_expect_eq(p.steps[proc].c, "proc");
  cr_expect_eq(p.steps[ws].a, "/oldroot/work/p");
  // The workspace stays writable (nosuid, nodev only); hidden and protected paths are read-only.
  long ws_attr = find(p, MountStep::SetAttr, "/newroot/work/p", static_cast<size_t>(ws));
  cr_expect_eq(p.steps[ws_attr].flags & 1u, 0u);
  cr_expect_eq(p.steps[ssh].d, "mode=0000");
  cr_expect(p.steps[find(p, MountStep::SetAttr, "/newroot/root/.ssh", static_cast<size_t>(ssh))].flags & 1u);
  cr_expect_eq(p.steps[netrc].a, "/oldroot/dev/null");
  cr_expect(p.steps[find(p, MountStep::SetAttr, "/newroot/work/p/.git/hooks", static_cast<size_t>(hooks))].flags & 1u);
  // A minimal /dev: device nodes bound from the host, a fresh devpts.
  cr_expect(find(p, MountStep::Bind, "/newroot/dev/null") > dev);
  cr_expect(find(p, MountStep::Mount, "/newroot/dev/pts") > dev);
  cr_expect_eq(find(p, MountStep::Bind, "/newroot/dev/sda"), -1);
}

Test(ns_plan, nothing_is_hidden_under_the_private_tmp_but_what_a_bind_shows_there) {
  SandboxSpec s = sample();
  s.mounts.push_back({MountKind::RwBind, "/tmp/ws", "/tmp/ws"});
  s.mounts.push_back({MountKind::Hide, "", "/tmp/vghome", true});     // under the fresh tmpfs only
  s.mounts.push_back({MountKind::Hide, "", "/tmp/ws/.netrc", false});  // shown again by the bind
  s.mounts.push_back({MountKind::Hide, "", "/tmp", true});
  ns::MountPlan p = ns::plan_mounts(s, {});
  cr_expect_eq(find(p, MountStep::Mount, "/newroot/tmp/vghome"), -1, "no host file shows there: nothing to hide");
  cr_expect_eq(find(p, MountStep::SetAttr, "/newroot/tmp/vghome"), -1);
  cr_expect_eq(find(p, MountStep::Mount, "/newroot/tmp", static_cast<size_t>(find(p, MountStep::Mount, "/newroot/tmp") + 1)), -1);
  cr_expect(find(p, MountStep::Bind, "/newroot/tmp/ws/.netrc") > find(p, MountStep::Bind, "/newroot/tmp/ws"));
}

Test(ns_plan, init_command_line) {
  SandboxSpec s = sample();
  cr_expect(init_argv(s) == (std::vector<std::string>{"vg-init", "--", "make", "test"}));
  s.timeout_seconds = 5;
  s.interactive = true;
  cr_expect(init_argv(s) ==
            (std::vector<std::string>{"vg-init", "--timeout", "5", "--interactive", "--", "make", "test"}));
}

Test(ns_plan, dirs_with_submounts_are_found) {
  // /dev/pts (and /dev/shm) are mounts below /dev on any Linux host with a devpts.
  std::vector<std::string> locked = ns::dirs_with_submounts({"/dev", "/nonexistent-vg-dir"});
  cr_expect(locked == std::vector<std::string>{"/dev"});
}

Test(ns_plan, keep_changes_puts_kept_upper_layers_on_the_host_disk) {
  SandboxSpec s = sample();
  s.root = RootFs::WritableDiscarded;
  s.changes_dir = "/home/u/.vectra-guard/changes/1";
  ns::MountPlan p = ns::plan_mounts(s, {"/usr", "/home"}, {"/usr"});
  long usr = find(p, MountStep::Mount, "/newroot/usr");
  cr_assert(usr >= 0);
  cr_expect_eq(p.steps[usr].d,
               "lowerdir=/oldroot/usr,upperdir=/oldroot/home/u/.vectra-guard/changes/1/upper/usr,"
               "workdir=/oldroot/home/u/.vectra-guard/changes/1/work/usr,userxattr");
  cr_expect_eq(find(p, MountStep::MakeDir, "/overlay/upper/usr"), -1, "the kept layer is made by the runner");
  long home = find(p, MountStep::Mount, "/newroot/home");
  cr_assert(home >= 0);
  cr_expect_eq(p.steps[home].d, "lowerdir=/oldroot/home,upperdir=/overlay/upper/home,workdir=/overlay/work/home,userxattr");
}

Test(kept_changes, layers_made_and_the_dir_holding_them_discarded) {
  char tmpl[] = "/var/tmp/vg-kept-test.XXXXXX";
  std::string top = mkdtemp(tmpl);
  std::string changes = top + "/state/changes/1";
  KeptChanges k;
  std::string error;
  cr_assert(prepare_kept_changes(changes, {"/usr", top}, k, error), "%s", error.c_str());
  cr_expect(k.kept.size() == 1 && k.kept[0] == "/usr");
  cr_expect(k.discarded.size() == 1 && k.discarded[0] == top);
  struct stat st;
  cr_expect(stat((changes + "/upper/usr").c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  cr_expect(stat((changes + "/work/usr").c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  cr_expect(stat(changes.c_str(), &st) == 0 && (st.st_mode & 0777) == 0700);
  std::filesystem::remove_all(top);
}

Test(ns_plan, review_mounts_the_workspace_copy_on_write_and_binds_inside_it_from_the_overlay) {
  SandboxSpec s = sample();
  s.review_dir = "/home/u/.vectra-guard/changes/3";
  ns::MountPlan p = ns::plan_mounts(s, {});
  long ws = find(p, MountStep::Mount, "/newroot/work/p");
  cr_assert(ws >= 0);
  cr_expect_eq(p.steps[ws].c, "overlay");
  cr_expect_eq(p.steps[ws].d,
               "lowerdir=/oldroot/work/p,upperdir=/oldroot/home/u/.vectra-guard/changes/3/upper,"
               "workdir=/oldroot/home/u/.vectra-guard/changes/3/work,userxattr");
  cr_expect_eq(find(p, MountStep::Bind, "/oldroot/work/p"), -1, "the project itself is never bound");
  // .git/hooks comes from the overlay (read-only), not from the project.
  long hooks = find(p, MountStep::Bind, "/newroot/work/p/.git/hooks", static_cast<size_t>(ws));
  cr_assert(hooks > ws);
  cr_expect_eq(p.steps[hooks].a, "/newroot/work/p/.git/hooks");
}
