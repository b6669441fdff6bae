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
  cr_assert_gt(index_of(s, MountKind::Hide, f.home + "/.ssh"), index_of(s, MountKind::RwBind, f.home));
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

Test(spec, system_workspace_refused) {
  Fixture f;
  f.req.workspace = "/";
  f.req.cwd = "/";
  SandboxSpec s;
  std::string err;
  cr_assert_not(build_spec(f.req, f.cfg, f.host, s, err));
  cr_assert(is_forbidden_workspace("/usr"));
  cr_assert(is_forbidden_workspace("/etc/"));
  cr_assert_not(is_forbidden_workspace("/home/u/proj"));
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
