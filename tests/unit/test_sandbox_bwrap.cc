// The bubblewrap argv builder: isolation flags, mount translation and order, the init
// command line; plus the probe's version check and the notice text.
#include <criterion/criterion.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sandbox/bwrap.h"
#include "sandbox/probe.h"
#include "sandbox/sandbox.h"

using namespace vg;
using namespace vg::sandbox;

namespace {

using Argv = std::vector<std::string>;

SandboxSpec base_spec() {
  SandboxSpec s;
  s.argv = {"make", "-j4"};
  s.cwd = "/w/proj/sub";
  s.workspace = "/w/proj";
  s.network = NetworkMode::None;
  s.mounts = {{MountKind::Dev, "", "/dev"},
              {MountKind::Proc, "", "/proc"},
              {MountKind::Tmpfs, "", "/tmp"},
              {MountKind::RwBind, "/w/proj", "/w/proj"},
              {MountKind::Hide, "", "/home/u/.ssh", true},
              {MountKind::Hide, "", "/home/u/.netrc", false},
              {MountKind::RoBind, "/w/proj/.git/hooks", "/w/proj/.git/hooks"}};
  return s;
}

bool has(const Argv& a, const std::string& x) { return std::find(a.begin(), a.end(), x) != a.end(); }

// Index of the sequence `seq` in `a`, or a.size().
size_t find_seq(const Argv& a, const Argv& seq) {
  for (size_t i = 0; i + seq.size() <= a.size(); ++i)
    if (std::equal(seq.begin(), seq.end(), a.begin() + static_cast<long>(i))) return i;
  return a.size();
}

size_t dashdash(const Argv& a) { return find_seq(a, {"--"}); }

}  // namespace

Test(bwrap_argv, starts_with_the_binary) {
  BwrapOptions o;
  o.bwrap_path = "/opt/bwrap";
  Argv a = bwrap_argv(base_spec(), o);
  cr_assert_eq(a.at(0), "/opt/bwrap");
}

Test(bwrap_argv, process_isolation_flags) {
  Argv a = bwrap_argv(base_spec(), {});
  for (const char* f : {"--new-session", "--die-with-parent", "--unshare-all", "--as-pid-1"})
    cr_assert(has(a, f), "missing %s", f);
  cr_assert_lt(find_seq(a, {"--cap-drop", "ALL"}), a.size());
  cr_assert_not(has(a, "--share-net"));
}

Test(bwrap_argv, full_network_shares_host_net) {
  SandboxSpec s = base_spec();
  s.network = NetworkMode::Full;
  Argv a = bwrap_argv(s, {});
  cr_assert(has(a, "--share-net"));
  cr_assert_gt(find_seq(a, {"--share-net"}), find_seq(a, {"--unshare-all"}), "must follow --unshare-all");
}

Test(bwrap_argv, interactive_keeps_the_terminal_session) {
  SandboxSpec s = base_spec();
  s.interactive = true;
  Argv a = bwrap_argv(s, {});
  cr_assert_not(has(a, "--new-session"));
  cr_assert(has(a, "--interactive"), "vg-init is told so");
}

Test(bwrap_argv, fds_for_seccomp_info_init_ready) {
  BwrapOptions o;
  o.fds = {7, 8, 9, 10};
  Argv a = bwrap_argv(base_spec(), o);
  cr_assert_lt(find_seq(a, {"--seccomp", "7"}), a.size());
  cr_assert_lt(find_seq(a, {"--info-fd", "8"}), a.size());
  cr_assert_lt(find_seq(a, {"/proc/self/fd/9", "--ready-fd", "10"}), a.size());
}

Test(bwrap_argv, read_only_root_first) {
  Argv a = bwrap_argv(base_spec(), {});
  size_t root = find_seq(a, {"--ro-bind", "/", "/"});
  cr_assert_lt(root, a.size());
  cr_assert_lt(root, find_seq(a, {"--dev", "/dev"}));
  cr_assert_eq(find_seq(a, {"--tmp-overlay"}), a.size());
}

Test(bwrap_argv, mounts_translated_in_order) {
  Argv a = bwrap_argv(base_spec(), {});
  size_t dev = find_seq(a, {"--dev", "/dev"});
  size_t proc = find_seq(a, {"--proc", "/proc"});
  size_t tmp = find_seq(a, {"--tmpfs", "/tmp"});
  size_t ws = find_seq(a, {"--bind", "/w/proj", "/w/proj"});
  size_t hooks = find_seq(a, {"--ro-bind", "/w/proj/.git/hooks", "/w/proj/.git/hooks"});
  cr_assert(dev < proc && proc < tmp && tmp < ws && ws < hooks);
  cr_assert_lt(hooks, dashdash(a));
}

Test(bwrap_argv, hidden_dir_is_empty_unreadable_read_only_tmpfs) {
  Argv a = bwrap_argv(base_spec(), {});
  cr_assert_lt(find_seq(a, {"--perms", "0000", "--tmpfs", "/home/u/.ssh", "--remount-ro", "/home/u/.ssh"}),
               a.size());
}

Test(bwrap_argv, hidden_file_is_dev_null) {
  Argv a = bwrap_argv(base_spec(), {});
  cr_assert_lt(find_seq(a, {"--ro-bind", "/dev/null", "/home/u/.netrc"}), a.size());
}

Test(bwrap_argv, chdir_to_cwd) {
  Argv a = bwrap_argv(base_spec(), {});
  cr_assert_lt(find_seq(a, {"--chdir", "/w/proj/sub"}), dashdash(a));
}

Test(bwrap_argv, command_after_init_and_its_dashdash) {
  Argv a = bwrap_argv(base_spec(), {});
  cr_assert_eq(a[a.size() - 3], "--");
  cr_assert_eq(a[a.size() - 2], "make");
  cr_assert_eq(a.back(), "-j4");
  cr_assert_eq(a[dashdash(a) + 1], "/proc/self/fd/5");
}

Test(bwrap_argv, command_words_never_read_as_options) {
  SandboxSpec s = base_spec();
  s.argv = {"--bind", "/", "/"};
  Argv a = bwrap_argv(s, {});
  cr_assert_eq(find_seq(a, {"--bind", "/", "/"}), a.size() - 3, "only after both --");
}

Test(bwrap_argv, timeout_passed_to_init) {
  SandboxSpec s = base_spec();
  s.timeout_seconds = 600;
  Argv a = bwrap_argv(s, {});
  size_t t = find_seq(a, {"--timeout", "600"});
  cr_assert_lt(t, a.size());
  cr_assert_gt(t, dashdash(a));
  cr_assert_eq(find_seq(bwrap_argv(base_spec(), {}), {"--timeout"}), bwrap_argv(base_spec(), {}).size());
}

Test(bwrap_argv, writable_root_overlays_when_supported) {
  SandboxSpec s = base_spec();
  s.root = RootFs::WritableDiscarded;
  BwrapOptions o;
  o.overlay = true;
  o.root_dirs = {"/etc", "/usr"};
  Argv a = bwrap_argv(s, o);
  size_t usr = find_seq(a, {"--overlay-src", "/usr", "--tmp-overlay", "/usr"});
  cr_assert_lt(usr, a.size());
  cr_assert_lt(find_seq(a, {"--overlay-src", "/etc", "--tmp-overlay", "/etc"}), a.size());
  cr_assert_lt(usr, find_seq(a, {"--bind", "/w/proj", "/w/proj"}), "workspace stays the real one");
}

Test(bwrap_argv, writable_root_without_overlay_stays_read_only) {
  SandboxSpec s = base_spec();
  s.root = RootFs::WritableDiscarded;
  Argv a = bwrap_argv(s, {});
  cr_assert_eq(find_seq(a, {"--tmp-overlay"}), a.size());
  cr_assert_lt(find_seq(a, {"--ro-bind", "/", "/"}), a.size());
}

Test(bwrap_argv, overlayable_dirs_skip_virtual_ones) {
  auto dirs = overlayable_root_dirs();
  for (const char* d : {"/proc", "/dev", "/sys", "/tmp", "/run"})
    cr_assert(std::find(dirs.begin(), dirs.end(), d) == dirs.end(), "%s must not be overlaid", d);
  cr_assert(std::find(dirs.begin(), dirs.end(), "/usr") != dirs.end());
}

Test(probe, overlay_by_version) {
  cr_assert_not(bwrap_version_has_overlay("0.8.0"));
  cr_assert(bwrap_version_has_overlay("0.9.0"));
  cr_assert(bwrap_version_has_overlay("0.11.1"));
  cr_assert(bwrap_version_has_overlay("1.0"));
  cr_assert_not(bwrap_version_has_overlay("garbage"));
}

Test(notice, standard_line) {
  Report r;
  r.runtime = "bubblewrap";
  r.level = "balanced";
  r.network = "none";
  cr_assert_eq(notice_line(r), "📦 Running in sandbox (bubblewrap, balanced).");
}

Test(notice, network_caveat) {
  Report r;
  r.runtime = "bubblewrap";
  r.level = "strict";
  r.network = "restricted (not yet available: no network)";
  std::string line = notice_line(r);
  cr_assert_eq(line.rfind("📦 Running in sandbox (bubblewrap, strict).", 0), 0u);
  cr_assert(line.find("not yet available") != std::string::npos);
  cr_assert(line.find('\n') == std::string::npos, "one line");
}

Test(notice, details_list_both_kinds) {
  Report r;
  r.network = "none";
  r.enforced = {"memory 1 GiB (cgroup v1)"};
  r.not_enforced = {"cpu 1.0: no cgroup"};
  std::string d = details_text(r);
  cr_assert(d.find("Enforced: memory 1 GiB (cgroup v1)\n") != std::string::npos);
  cr_assert(d.find("Not enforced: cpu 1.0: no cgroup\n") != std::string::npos);
}

Test(bwrap_argv, keep_changes_overlays_onto_the_changes_dir) {
  SandboxSpec s = base_spec();
  s.root = RootFs::WritableDiscarded;
  s.changes_dir = "/s/changes/1";
  BwrapOptions o;
  o.overlay = true;
  o.root_dirs = {"/usr", "/s"};
  o.kept_dirs = {"/usr"};
  Argv a = bwrap_argv(s, o);
  cr_expect_lt(find_seq(a, {"--overlay-src", "/usr", "--overlay", "/s/changes/1/upper/usr",
                            "/s/changes/1/work/usr", "/usr"}),
               a.size());
  cr_expect_lt(find_seq(a, {"--overlay-src", "/s", "--tmp-overlay", "/s"}), a.size());
}
