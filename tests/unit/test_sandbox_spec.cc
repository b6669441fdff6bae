// The security level table, network resolution and the spec builder (mounts, env,
// workspace checks) on real temporary directories.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/unit/scratch_dir.h"
#include "sandbox/cgroup.h"
#include "sandbox/mounts.h"
#include "sandbox/network.h"
#include "sandbox/profile.h"
#include "sandbox/spec.h"

using namespace vg;
using namespace vg::sandbox;

namespace {

constexpr std::uint64_t kMiB = 1024ull * 1024;


void touch(const std::string& p) { close(open(p.c_str(), O_CREAT | O_WRONLY, 0644)); }

const Mount* find_mount(const SandboxSpec& s, MountKind k, const std::string& target) {
  for (const Mount& m : s.mounts)
    if (m.kind == k && m.target == target) return &m;
  return nullptr;
}

size_t index_of(const SandboxSpec& s, MountKind k, const std::string& target) {
  for (size_t i = 0; i < s.mounts.size(); ++i)
    if (s.mounts[i].kind == k && s.mounts[i].target == target) return i;
  return s.mounts.size();
}

struct Fixture {
  std::string root = scratch_dir("spec");
  std::string home = root + "/home";
  std::string ws = home + "/proj";
  HostView host;
  Request req;
  Config cfg;
  Fixture() {
    make_dirs(ws + "/.git/hooks");
    touch(ws + "/.git/config");
    make_dirs(home + "/.ssh");
    touch(home + "/.netrc");
    make_dirs(root + "/state");
    host.homes = {home};
    host.state_dir = root + "/state";
    host.environ = {"HOME=" + home, "PATH=/usr/bin", "GITHUB_TOKEN=x", "PWD=/elsewhere"};
    host.uid = 1000;
    host.gid = 1000;
    req.argv = {"make", "test"};
    req.cwd = ws;
    req.workspace = ws;
  }
  SandboxSpec build() {
    SandboxSpec s;
    std::string err;
    cr_assert(build_spec(req, cfg, host, s, err), "build_spec failed: %s", err.c_str());
    return s;
  }
};

}  // namespace

Test(levels, permissive) {
  auto p = level_profile(SecurityLevel::Permissive);
  cr_assert_eq(p.network, NetworkMode::Full);
  cr_assert_eq(p.root, RootFs::WritableDiscarded);
  cr_assert_eq(p.limits.memory_bytes, 2048 * kMiB);
  cr_assert_float_eq(p.limits.cpus, 2.0, 1e-9);
}

Test(levels, balanced) {
  auto p = level_profile(SecurityLevel::Balanced);
  cr_assert_eq(p.network, NetworkMode::Restricted);
  cr_assert_eq(p.root, RootFs::WritableDiscarded);
  cr_assert_eq(p.limits.memory_bytes, 1024 * kMiB);
  cr_assert_float_eq(p.limits.cpus, 1.0, 1e-9);
}

Test(levels, strict) {
  auto p = level_profile(SecurityLevel::Strict);
  cr_assert_eq(p.network, NetworkMode::Restricted);
  cr_assert_eq(p.root, RootFs::ReadOnly);
  cr_assert_eq(p.limits.memory_bytes, 512 * kMiB);
  cr_assert_float_eq(p.limits.cpus, 0.5, 1e-9);
}

Test(levels, paranoid) {
  auto p = level_profile(SecurityLevel::Paranoid);
  cr_assert_eq(p.network, NetworkMode::None);
  cr_assert_eq(p.root, RootFs::ReadOnly);
  cr_assert_eq(p.limits.memory_bytes, 256 * kMiB);
  cr_assert_float_eq(p.limits.cpus, 0.25, 1e-9);
}

Test(levels, stricter_levels_never_grant_more) {
  SecurityLevel order[] = {SecurityLevel::Permissive, SecurityLevel::Balanced, SecurityLevel::Strict,
                           SecurityLevel::Paranoid};
  for (int i = 1; i < 4; ++i) {
    auto looser = level_profile(order[i - 1]), tighter = level_profile(order[i]);
    cr_assert_leq(tighter.limits.memory_bytes, looser.limits.memory_bytes);
    cr_assert_leq(tighter.limits.cpus, looser.limits.cpus);
    cr_assert_leq(tighter.limits.pids, looser.limits.pids);
  }
}

Test(network, request_beats_config_beats_level) {
  cr_assert_eq(requested_network(NetworkMode::Full, NetworkMode::None, SecurityLevel::Paranoid),
               NetworkMode::Full);
  cr_assert_eq(requested_network(std::nullopt, NetworkMode::Full, SecurityLevel::Paranoid),
               NetworkMode::Full);
  cr_assert_eq(requested_network(std::nullopt, std::nullopt, SecurityLevel::Permissive),
               NetworkMode::Full);
  cr_assert_eq(requested_network(std::nullopt, std::nullopt, SecurityLevel::Balanced),
               NetworkMode::Restricted);
}

Test(network, every_mode_is_built_as_requested) {
  cr_assert_eq(effective_network(NetworkMode::Restricted), NetworkMode::Restricted);
  cr_assert_eq(effective_network(NetworkMode::Full), NetworkMode::Full);
  cr_assert_eq(effective_network(NetworkMode::None), NetworkMode::None);
  cr_assert_eq(describe_network(NetworkMode::Restricted, NetworkMode::Restricted), "restricted");
  cr_assert_eq(describe_network(NetworkMode::Full, NetworkMode::Full), "full");
}

Test(spec, level_defaults_applied) {
  Fixture f;
  f.req.level = SecurityLevel::Strict;
  SandboxSpec s = f.build();
  cr_assert_eq(s.level, SecurityLevel::Strict);
  cr_assert_eq(s.root, RootFs::ReadOnly);
  cr_assert_eq(s.network_requested, NetworkMode::Restricted);
  cr_assert_eq(s.network, NetworkMode::Restricted);
  cr_assert_eq(s.limits.memory_bytes, 512 * kMiB);
}

Test(spec, config_level_used_when_request_has_none) {
  Fixture f;
  f.cfg.security_level = SecurityLevel::Permissive;
  SandboxSpec s = f.build();
  cr_assert_eq(s.level, SecurityLevel::Permissive);
  cr_assert_eq(s.network, NetworkMode::Full);
}

Test(spec, workspace_read_write_after_private_tmp) {
  Fixture f;
  SandboxSpec s = f.build();
  size_t tmp = index_of(s, MountKind::Tmpfs, "/tmp");
  size_t ws = index_of(s, MountKind::RwBind, f.ws);
  cr_assert_lt(tmp, s.mounts.size());
  cr_assert_lt(ws, s.mounts.size());
  cr_assert_lt(tmp, ws, "a workspace under /tmp must stay visible over the private /tmp");
  cr_assert_not_null(find_mount(s, MountKind::Dev, "/dev"));
  cr_assert_not_null(find_mount(s, MountKind::Proc, "/proc"));
}

Test(spec, secrets_hidden_and_after_workspace) {
  Fixture f;
  f.req.workspace = f.home;  // the workspace contains the secrets
  f.req.cwd = f.home;
  SandboxSpec s = f.build();
  const Mount* ssh = find_mount(s, MountKind::Hide, f.home + "/.ssh");
  const Mount* netrc = find_mount(s, MountKind::Hide, f.home + "/.netrc");
  cr_assert_not_null(ssh);
  cr_assert(ssh->directory);
  cr_assert_not_null(netrc);
  cr_assert_not(netrc->directory);
  cr_assert_gt(index_of(s, MountKind::Hide, f.home + "/.ssh"), index_of(s, MountKind::RoBind, f.home),
               "the home is not a project: read-only, secrets hidden on top");
  cr_assert_null(find_mount(s, MountKind::Hide, f.home + "/.aws"), "missing paths are not mounted");
}

Test(spec, state_dir_hidden) {
  Fixture f;
  SandboxSpec s = f.build();
  cr_assert_not_null(find_mount(s, MountKind::Hide, f.root + "/state"));
}

Test(spec, git_hooks_and_config_read_only) {
  Fixture f;
  touch(f.ws + "/vectra-guard.ini");
  SandboxSpec s = f.build();
  const Mount* hooks = find_mount(s, MountKind::RoBind, f.ws + "/.git/hooks");
  cr_assert_not_null(hooks);
  cr_assert_eq(hooks->source, f.ws + "/.git/hooks");
  cr_assert_not_null(find_mount(s, MountKind::RoBind, f.ws + "/.git/config"));
  cr_assert_not_null(find_mount(s, MountKind::RoBind, f.ws + "/vectra-guard.ini"));
  cr_assert_gt(index_of(s, MountKind::RoBind, f.ws + "/.git/hooks"), index_of(s, MountKind::RwBind, f.ws));
}

Test(spec, git_commondir_worktree_config_and_gitfile_read_only) {
  Fixture f;
  touch(f.ws + "/.git/commondir");
  touch(f.ws + "/.git/config.worktree");
  SandboxSpec s = f.build();
  cr_assert_not_null(find_mount(s, MountKind::RoBind, f.ws + "/.git/commondir"));
  cr_assert_not_null(find_mount(s, MountKind::RoBind, f.ws + "/.git/config.worktree"));
  // A linked worktree: .git is a file naming the directory git reads.
  Fixture g;
  std::string cmd = "rm -rf '" + g.ws + "/.git'";
  cr_assert_eq(system(cmd.c_str()), 0);
  touch(g.ws + "/.git");
  SandboxSpec t = g.build();
  cr_assert_not_null(find_mount(t, MountKind::RoBind, g.ws + "/.git"));
  cr_assert_null(find_mount(t, MountKind::RwBind, g.ws + "/.git"));
}

Test(spec, bind_mounts_from_config) {
  Fixture f;
  make_dirs(f.root + "/cache");
  make_dirs(f.root + "/data");
  f.cfg.bind_mounts = {{f.root + "/cache", "", true}, {f.root + "/data", "/tmp/vg-spec-data", false}};
  SandboxSpec s = f.build();
  const Mount* rw = find_mount(s, MountKind::RwBind, f.root + "/cache");
  const Mount* ro = find_mount(s, MountKind::RoBind, "/tmp/vg-spec-data");
  cr_assert_not_null(rw);
  cr_assert_not_null(ro);
  cr_assert_eq(ro->source, f.root + "/data");
}

Test(spec, bind_target_that_cannot_be_made_is_an_error) {
  Fixture f;
  make_dirs(f.root + "/data");
  f.cfg.bind_mounts = {{f.root + "/data", "/vg-spec-no-such-dir", false}};
  SandboxSpec s;
  std::string err;
  cr_assert_not(build_spec(f.req, f.cfg, f.host, s, err));
  cr_assert(err.find("bind mount target") != std::string::npos, "%s", err.c_str());
}

Test(spec, missing_bind_source_is_an_error) {
  Fixture f;
  f.cfg.bind_mounts = {{f.root + "/nope", "", false}};
  SandboxSpec s;
  std::string err;
  cr_assert_not(build_spec(f.req, f.cfg, f.host, s, err));
  cr_assert(err.find("bind_mounts") != std::string::npos, "%s", err.c_str());
}

Test(spec, env_filtered_pwd_replaced) {
  Fixture f;
  SandboxSpec s = f.build();
  auto has = [&](const std::string& e) { return std::find(s.env.begin(), s.env.end(), e) != s.env.end(); };
  cr_assert(has("PATH=/usr/bin"));
  cr_assert(has("PWD=" + f.ws));
  cr_assert_not(has("PWD=/elsewhere"));
  cr_assert_not(has("GITHUB_TOKEN=x"));
}

Test(spec, ssh_agent_socket_hidden) {
  Fixture f;
  touch(f.root + "/agent.sock");
  f.host.environ.push_back("SSH_AUTH_SOCK=" + f.root + "/agent.sock");
  SandboxSpec s = f.build();
  cr_assert_not_null(find_mount(s, MountKind::Hide, f.root + "/agent.sock"));
}

Test(spec, cwd_outside_workspace_refused) {
  Fixture f;
  f.req.cwd = f.root;
  SandboxSpec s;
  std::string err;
  cr_assert_not(build_spec(f.req, f.cfg, f.host, s, err));
  cr_assert(err.find("outside the workspace") != std::string::npos, "%s", err.c_str());
}

Test(spec, system_workspace_runs_read_only) {
  Fixture f;
  f.req.workspace = "/";
  f.req.cwd = "/";
  SandboxSpec s = f.build();
  cr_assert_not(s.workspace_writable);
  cr_assert_eq(s.workspace_reason, "a system directory");
  cr_assert_not(find_mount(s, MountKind::RwBind, "/"));
  cr_assert(is_forbidden_workspace("/usr"));
  cr_assert(is_forbidden_workspace("/etc/"));
  cr_assert_not(is_forbidden_workspace("/home/u/proj"));
}

// Shared places are never the writable workspace; the run goes ahead read-only there.
Test(spec, shared_places_are_never_writable) {
  Fixture f;
  make_dirs(f.home + "/.local/bin");
  make_dirs(f.home + "/bin");
  make_dirs(f.home + "/.config/vectra-guard");
  f.host.config_dirs = {f.home + "/.config/vectra-guard"};
  f.host.environ.push_back("PATH=/usr/bin:" + f.home + "/bin");
  struct Case {
    std::string dir, reason;
  } cases[] = {
      {f.home, "your home directory"},
      {f.root, "it contains your home directory"},
      {"/tmp", "shared scratch space"},
      {f.home + "/.local/bin", "a settings directory in your home, ~/.local"},
      {f.home + "/.config", "a settings directory in your home, ~/.config"},
      {f.root + "/state", "it holds vectra-guard's own config or state"},
      {f.home + "/bin", "it holds a directory on $PATH (" + f.home + "/bin)"},
  };
  for (const Case& c : cases) {
    f.req.workspace = f.req.cwd = c.dir;
    SandboxSpec s = f.build();
    cr_assert_not(s.workspace_writable, "%s must not be writable", c.dir.c_str());
    cr_assert_eq(s.workspace_reason, c.reason, "%s: %s", c.dir.c_str(), s.workspace_reason.c_str());
    for (const Mount& m : s.mounts)
      cr_assert_not(m.kind == MountKind::RwBind && (c.dir.compare(0, m.target.size(), m.target) == 0),
                    "%s is made writable by %s", c.dir.c_str(), m.target.c_str());
    cr_assert(workspace_line(s).find("read-only") != std::string::npos);
  }
  // A project below the home stays the writable workspace.
  f.req.workspace = f.req.cwd = f.ws;
  SandboxSpec s = f.build();
  cr_assert(s.workspace_writable);
  cr_assert(find_mount(s, MountKind::RwBind, f.ws));
}

// A dotfiles repository that holds a startup file, the guard's config (even one not
// created yet, below a linked ~/.config) or a PATH directory is not writable: a mount over
// the file would move with a renamed parent directory.
Test(spec, a_project_holding_what_the_host_runs_is_read_only) {
  Fixture f;
  std::string dots = f.home + "/dotfiles";
  make_dirs(dots + "/.git");
  make_dirs(dots + "/config");
  make_dirs(dots + "/bin");
  touch(dots + "/bashrc");
  f.req.workspace = f.req.cwd = dots;
  cr_assert(f.build().workspace_writable, "nothing linked yet");

  cr_assert_eq(symlink((dots + "/bashrc").c_str(), (f.home + "/.bashrc").c_str()), 0);
  SandboxSpec s = f.build();
  cr_assert_not(s.workspace_writable);
  cr_assert_eq(s.workspace_reason, "it holds your shell's startup file ~/.bashrc");
  cr_assert(find_mount(s, MountKind::RoBind, dots));
  unlink((f.home + "/.bashrc").c_str());

  // ~/.config -> dotfiles/config: the guard's config directory does not exist yet, and
  // creating it from the sandbox would plant a config the next line reads.
  cr_assert_eq(symlink((dots + "/config").c_str(), (f.home + "/.config").c_str()), 0);
  f.host.config_dirs = {f.home + "/.config/vectra-guard"};
  s = f.build();
  cr_assert_not(s.workspace_writable);
  cr_assert(s.workspace_reason.find("~/.config/") != std::string::npos ||
                s.workspace_reason.find("vectra-guard's config") != std::string::npos,
            "%s", s.workspace_reason.c_str());
  f.host.config_dirs.clear();
  unlink((f.home + "/.config").c_str());

  // A dangling link: ~/.profile -> dotfiles/profile, not created yet.
  cr_assert_eq(symlink((dots + "/profile").c_str(), (f.home + "/.profile").c_str()), 0);
  s = f.build();
  cr_assert_eq(s.workspace_reason, "it holds your shell's startup file ~/.profile");
  unlink((f.home + "/.profile").c_str());

  f.host.environ.push_back("PATH=/usr/bin:" + dots + "/bin");
  s = f.build();
  cr_assert_eq(s.workspace_reason, "it holds a directory on $PATH (" + dots + "/bin)");
}

// A secret kept inside a writable project stays hidden, and the directories leading to
// it are mount points, so renaming one cannot carry the hiding mount away.
Test(spec, a_hidden_path_inside_the_workspace_has_its_parents_pinned) {
  Fixture f;
  make_dirs(f.ws + "/private/keys");
  f.cfg.hide = {f.ws + "/private/keys"};
  SandboxSpec s = f.build();
  cr_assert(s.workspace_writable);
  size_t hide = index_of(s, MountKind::Hide, f.ws + "/private/keys");
  cr_assert_lt(hide, s.mounts.size());
  cr_assert_lt(index_of(s, MountKind::RwBind, f.ws + "/private"), hide);
}

Test(spec, a_hide_entry_that_would_break_every_run_is_ignored) {
  Fixture f;
  f.cfg.hide = {"/usr/lib", f.home, f.ws, "/proc/self", "/"};
  SandboxSpec s = f.build();
  for (const Mount& m : s.mounts)
    cr_assert_not(m.kind == MountKind::Hide && (m.target == "/usr/lib" || m.target == f.home || m.target == f.ws ||
                                                m.target.rfind("/proc", 0) == 0 || m.target == "/"),
                  "%s hidden", m.target.c_str());
}

Test(spec, a_read_write_bind_of_the_home_is_refused) {
  Fixture f;
  f.cfg.bind_mounts = {{f.home, f.home, true}};
  SandboxSpec s;
  std::string err;
  cr_assert_not(build_spec(f.req, f.cfg, f.host, s, err));
  cr_assert(err.find("holds your home directory") != std::string::npos, "%s", err.c_str());
  f.cfg.bind_mounts = {{f.home, f.home, false}};
  cr_assert(build_spec(f.req, f.cfg, f.host, s, err), "read-only is fine: %s", err.c_str());
}

Test(spec, running_from_root_or_tmp_keeps_the_private_mounts) {
  Fixture f;
  for (const char* dir : {"/", "/tmp"}) {
    f.req.workspace = f.req.cwd = dir;
    SandboxSpec s = f.build();
    cr_assert_not(s.workspace_writable);
    for (const Mount& m : s.mounts)
      cr_assert_not((m.kind == MountKind::RoBind || m.kind == MountKind::RwBind) && m.target == dir,
                    "%s bound over the private mounts", dir);
  }
}

Test(spec, startup_files_left_alone_when_nothing_writable_holds_them) {
  Fixture f;
  touch(f.home + "/.bashrc");
  SandboxSpec s = f.build();
  cr_assert_not(find_mount(s, MountKind::RoBind, f.home + "/.bashrc"), "the root is read-only anyway");
}

Test(spec, config_hide_adds_paths) {
  Fixture f;
  make_dirs(f.root + "/corp-tokens");
  f.cfg.hide = {f.root + "/corp-tokens"};
  SandboxSpec s = f.build();
  cr_assert(find_mount(s, MountKind::Hide, f.root + "/corp-tokens"));
}

Test(spec, agent_and_database_credentials_are_on_the_list) {
  const auto& list = home_secret_paths();
  for (const char* p : {".claude/.credentials.json", ".codex/auth.json", ".pgpass", ".my.cnf",
                        ".config/git/credentials", ".cache/huggingface/token", ".kaggle/kaggle.json"})
    cr_assert(std::find(list.begin(), list.end(), p) != list.end(), "%s missing", p);
}

Test(spec, empty_argv_refused) {
  Fixture f;
  f.req.argv.clear();
  SandboxSpec s;
  std::string err;
  cr_assert_not(build_spec(f.req, f.cfg, f.host, s, err));
  cr_assert(!err.empty());
}

Test(spec, timeout_request_then_config) {
  Fixture f;
  f.cfg.timeout_seconds = 30;
  cr_assert_eq(f.build().timeout_seconds, 30);
  f.req.timeout_seconds = 5;
  cr_assert_eq(f.build().timeout_seconds, 5);
  f.req.timeout_seconds = 0;
  cr_assert_eq(f.build().timeout_seconds, 0, "an explicit 0 means no timeout");
}

Test(spec, seccomp_policy_from_config) {
  Fixture f;
  f.cfg.allow_unix_sockets = true;
  SandboxSpec s = f.build();
  cr_assert(s.seccomp.allow_unix_sockets);
  cr_assert(s.seccomp.profile_path.empty());
}

Test(spec, hidden_paths_under_hidden_dirs_collapse) {
  std::string root = scratch_dir("spec");
  make_dirs(root + "/home/.config/gcloud");
  make_dirs(root + "/ws");
  FsInputs in;
  in.workspace = root + "/ws";
  in.homes = {root + "/home"};
  in.extra_hidden = {root + "/home/.config/gcloud", root + "/home/.config"};
  auto mounts = filesystem_view(in);
  int hidden_gcloud = 0;
  for (const Mount& m : mounts)
    if (m.kind == MountKind::Hide && m.target == root + "/home/.config/gcloud") ++hidden_gcloud;
  cr_assert_eq(hidden_gcloud, 0, "covered by the hidden ~/.config");
}

Test(format, bytes_and_cpus) {
  cr_assert_eq(format_bytes(1024 * kMiB), "1 GiB");
  cr_assert_eq(format_bytes(512 * kMiB), "512 MiB");
  cr_assert_eq(format_cpus(1.0), "1.0");
  cr_assert_eq(format_cpus(0.25), "0.25");
  cr_assert_eq(format_cpus(0.5), "0.5");
}
