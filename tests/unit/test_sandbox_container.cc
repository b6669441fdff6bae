// The docker/podman argv builder (both dialects), the warm-container name, and the
// built-in seccomp policy written as Docker JSON (it must compile to the same filter).
#include <criterion/criterion.h>

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sandbox/container_args.h"
#include "sandbox/container_seccomp.h"
#include "sandbox/seccomp.h"
#include "sandbox/seccomp_profile.h"

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
  s.root = RootFs::WritableDiscarded;
  s.env = {"PATH=/usr/bin:/bin", "HOME=/home/u", "PWD=/w/proj/sub", "VG_SANDBOX=1"};
  s.uid = 1000;
  s.gid = 1001;
  s.limits = {1ULL << 30, 1.0, 512};
  s.timeout_seconds = 30;
  s.mounts = {{MountKind::Dev, "", "/dev"},
              {MountKind::Proc, "", "/proc"},
              {MountKind::Tmpfs, "", "/tmp"},
              {MountKind::RwBind, "/w/proj", "/w/proj"},
              {MountKind::RoBind, "/data/ref", "/data/ref"},
              {MountKind::RwBind, "/home/u/.npm", "/home/u/.npm"},
              {MountKind::Hide, "", "/home/u/.ssh", true},
              {MountKind::Hide, "", "/w/proj/secrets", true},
              {MountKind::Hide, "", "/w/proj/.netrc", false},
              {MountKind::RoBind, "/w/proj/.git/hooks", "/w/proj/.git/hooks"}};
  return s;
}

ContainerOptions opts(Engine e, bool rootless = false) {
  ContainerOptions o;
  o.engine = e;
  o.engine_path = e == Engine::Docker ? "/usr/bin/docker" : "/usr/bin/podman";
  o.rootless = rootless;
  o.image = "localhost/vg-test:1";
  o.name = "vg-42-deadbeef";
  o.init_path = "/opt/vg/bin/vg-init";
  o.seccomp_profile = "/home/u/.vectra-guard/seccomp-container.json";
  o.empty_dir = "/home/u/.vectra-guard/container-empty";
  o.owner_pid = 42;
  o.owner_start = 12345;
  return o;
}

Argv run_argv(const SandboxSpec& s, const ContainerOptions& o) {
  std::string error;
  Argv a = container_run_argv(s, o, error);
  cr_assert(error.empty(), "unexpected error: %s", error.c_str());
  return a;
}

bool has(const Argv& a, const std::string& x) { return std::find(a.begin(), a.end(), x) != a.end(); }

size_t find_seq(const Argv& a, const Argv& seq) {
  for (size_t i = 0; i + seq.size() <= a.size(); ++i)
    if (std::equal(seq.begin(), seq.end(), a.begin() + static_cast<long>(i))) return i;
  return a.size();
}

bool has_seq(const Argv& a, const Argv& seq) { return find_seq(a, seq) < a.size(); }

// Everything before the image: the engine's options (after it: vg-init's and the command).
Argv engine_part(const Argv& a, const std::string& image) {
  auto it = std::find(a.begin(), a.end(), image);
  return Argv(a.begin(), it);
}

const Engine kBoth[] = {Engine::Docker, Engine::Podman};

}  // namespace

Test(container_argv, engine_run_rm_and_image_before_the_init_command) {
  for (Engine e : kBoth) {
    Argv a = run_argv(base_spec(), opts(e));
    cr_assert_eq(a.at(0), e == Engine::Docker ? "/usr/bin/docker" : "/usr/bin/podman");
    cr_assert(has_seq(a, {"run", "--rm"}));
    size_t image = find_seq(a, {"localhost/vg-test:1"});
    cr_assert_lt(image, a.size());
    Argv tail(a.begin() + static_cast<long>(image) + 1, a.end());
    cr_assert(tail == (Argv{"--timeout", "30", "--", "make", "-j4"}), "init args after the image");
  }
}

Test(container_argv, init_is_the_entrypoint_bind_mounted_read_only) {
  for (Engine e : kBoth) {
    Argv a = run_argv(base_spec(), opts(e));
    cr_assert(has_seq(a, {"--entrypoint", kContainerInitPath}));
    cr_assert(has_seq(a, {"--mount", std::string("type=bind,source=/opt/vg/bin/vg-init,destination=") +
                                         kContainerInitPath + ",readonly"}));
  }
}

Test(container_argv, isolation_flags) {
  for (Engine e : kBoth) {
    Argv a = engine_part(run_argv(base_spec(), opts(e)), "localhost/vg-test:1");
    cr_assert(has_seq(a, {"--cap-drop", "ALL"}));
    cr_assert(has_seq(a, {"--security-opt", "no-new-privileges"}));
    cr_assert(has_seq(a, {"--security-opt", "seccomp=/home/u/.vectra-guard/seccomp-container.json"}));
    cr_assert(has_seq(a, {"--pull", "never"}), "never pulls");
    cr_assert(has(a, "--network=none"));
    cr_assert_not(has(a, "--privileged"));
  }
}

Test(container_argv, workspace_binds_and_caches_at_their_own_paths) {
  for (Engine e : kBoth) {
    Argv a = run_argv(base_spec(), opts(e));
    cr_assert(has_seq(a, {"--mount", "type=bind,source=/w/proj,destination=/w/proj"}));
    cr_assert(has_seq(a, {"--mount", "type=bind,source=/data/ref,destination=/data/ref,readonly"}));
    cr_assert(has_seq(a, {"--mount", "type=bind,source=/home/u/.npm,destination=/home/u/.npm"}), "cache rw");
    cr_assert(has_seq(a, {"--mount", "type=bind,source=/w/proj/.git/hooks,destination=/w/proj/.git/hooks,readonly"}));
    cr_assert(has_seq(a, {"--workdir", "/w/proj/sub"}));
    cr_assert(has_seq(a, {"--tmpfs", e == Engine::Podman ? "/tmp:rw,exec,nosuid,nodev,mode=1777,notmpcopyup"
                                                         : "/tmp:rw,exec,nosuid,nodev,mode=1777"}));
  }
}

Test(container_argv, secrets_hidden_where_they_are_mounted_and_only_there) {
  for (Engine e : kBoth) {
    Argv a = run_argv(base_spec(), opts(e));
    cr_assert(has_seq(a, {"--mount", "type=bind,source=/home/u/.vectra-guard/container-empty,destination=/w/proj/secrets,readonly"}));
    cr_assert(has_seq(a, {"--mount", "type=bind,source=/dev/null,destination=/w/proj/.netrc,readonly"}));
    // ~/.ssh is not under any bind mount: it does not exist in the container at all.
    for (const std::string& x : a) cr_assert(x.find("/home/u/.ssh") == std::string::npos, "%s", x.c_str());
  }
}

Test(container_argv, no_host_dev_or_proc_binds) {
  for (Engine e : kBoth) {
    Argv a = run_argv(base_spec(), opts(e));
    for (const std::string& x : a) {
      cr_assert(x.find("source=/dev,") == std::string::npos);
      cr_assert(x.find("source=/proc") == std::string::npos);
    }
  }
}

Test(container_argv, user_mapping_per_dialect) {
  Argv docker = run_argv(base_spec(), opts(Engine::Docker));
  cr_assert(has_seq(docker, {"--user", "1000:1001"}));
  cr_assert_not(has(docker, "--userns=keep-id"));
  Argv podman_root = run_argv(base_spec(), opts(Engine::Podman));
  cr_assert(has_seq(podman_root, {"--user", "1000:1001"}));
  cr_assert_not(has(podman_root, "--userns=keep-id"));
  Argv podman_rootless = run_argv(base_spec(), opts(Engine::Podman, true));
  cr_assert(has(podman_rootless, "--userns=keep-id"));
  cr_assert(has_seq(podman_rootless, {"--user", "1000:1001"}));
  // Rootless docker maps the container's root to the caller.
  Argv docker_rootless = run_argv(base_spec(), opts(Engine::Docker, true));
  cr_assert(has_seq(docker_rootless, {"--user", "0:0"}));
}

Test(container_argv, read_only_levels) {
  SandboxSpec s = base_spec();
  Argv writable = run_argv(s, opts(Engine::Podman));
  cr_assert_not(has(writable, "--read-only"));
  s.root = RootFs::ReadOnly;
  Argv podman = run_argv(s, opts(Engine::Podman));
  cr_assert(has(podman, "--read-only"));
  cr_assert(has(podman, "--read-only-tmpfs=false"), "podman: no extra tmpfs beyond /tmp");
  Argv docker = run_argv(s, opts(Engine::Docker));
  cr_assert(has(docker, "--read-only"));
  cr_assert_not(has(docker, "--read-only-tmpfs=false"), "docker has no such flag");
  cr_assert(has_seq(docker, {"--tmpfs", "/tmp:rw,exec,nosuid,nodev,mode=1777"}));
}

Test(container_argv, limits) {
  for (Engine e : kBoth) {
    Argv a = run_argv(base_spec(), opts(e));
    cr_assert(has_seq(a, {"--memory", "1073741824"}));
    cr_assert(has_seq(a, {"--memory-swap", "1073741824"}));
    cr_assert(has_seq(a, {"--cpus", "1"}));
    cr_assert(has_seq(a, {"--pids-limit", "512"}));
  }
  SandboxSpec s = base_spec();
  s.limits = {256ULL << 20, 0.25, 0};
  Argv a = run_argv(s, opts(Engine::Podman));
  cr_assert(has_seq(a, {"--cpus", "0.25"}));
  cr_assert(has_seq(a, {"--memory", "268435456"}));
  cr_assert_not(has(a, "--pids-limit"));
  s.limits = {};
  a = run_argv(s, opts(Engine::Docker));
  cr_assert_not(has(a, "--memory"));
  cr_assert_not(has(a, "--cpus"));
}

Test(container_argv, env_from_the_spec_only) {
  for (Engine e : kBoth) {
    Argv a = engine_part(run_argv(base_spec(), opts(e)), "localhost/vg-test:1");
    std::vector<std::string> envs;
    for (size_t i = 0; i + 1 < a.size(); ++i)
      if (a[i] == "--env" || a[i] == "-e") envs.push_back(a[i + 1]);
    cr_assert(envs == base_spec().env, "exactly the spec's variables");
    cr_assert_not(has(a, "--env-host"));
    for (const std::string& x : a) cr_assert(x.rfind("--env-file", 0) != 0);
  }
  cr_assert(has(run_argv(base_spec(), opts(Engine::Podman)), "--unsetenv-all"), "podman drops image defaults");
}

Test(container_argv, network_modes) {
  SandboxSpec s = base_spec();
  for (Engine e : kBoth) {
    s.network = NetworkMode::Full;
    cr_assert(has(run_argv(s, opts(e)), "--network=host"));
    s.network = NetworkMode::None;
    Argv a = run_argv(s, opts(e));
    cr_assert(has(a, "--network=none"));
    cr_assert_not(has(a, "--network=host"));
  }
}

Test(container_argv, terminal_flags_follow_stdin) {
  for (Engine e : kBoth) {
    ContainerOptions o = opts(e);
    Argv pipe = run_argv(base_spec(), o);
    cr_assert(has(pipe, "-i"));
    cr_assert_not(has(pipe, "-t"));
    o.stdin_tty = true;
    Argv tty = run_argv(base_spec(), o);
    cr_assert(has(tty, "-i"));
    cr_assert(has(tty, "-t"));
    o.stdin_tty = false;
    o.stdin_null = true;
    Argv null = run_argv(base_spec(), o);
    cr_assert_not(has(null, "-i"));
    cr_assert_not(has(null, "-t"));
  }
}

Test(container_argv, labels_and_name) {
  for (Engine e : kBoth) {
    Argv a = run_argv(base_spec(), opts(e));
    cr_assert(has_seq(a, {"--name", "vg-42-deadbeef"}));
    cr_assert(has_seq(a, {"--label", "vectra-guard=1"}));
    cr_assert(has_seq(a, {"--label", "vectra-guard.owner=42"}));
    cr_assert(has_seq(a, {"--label", "vectra-guard.owner-start=12345"}));
  }
}

Test(container_argv, podman_quiet_docker_plain) {
  cr_assert_eq(run_argv(base_spec(), opts(Engine::Podman)).at(1), "--log-level=error");
  cr_assert_eq(run_argv(base_spec(), opts(Engine::Docker)).at(1), "run");
}

Test(container_argv, interactive_is_passed_to_the_init) {
  SandboxSpec s = base_spec();
  s.interactive = true;
  s.timeout_seconds = 0;
  Argv a = run_argv(s, opts(Engine::Podman));
  Argv tail(a.begin() + static_cast<long>(find_seq(a, {"localhost/vg-test:1"})) + 1, a.end());
  cr_assert(tail == (Argv{"--interactive", "--", "make", "-j4"}));
}

Test(container_argv, comma_in_a_path_is_refused_with_a_sentence) {
  SandboxSpec s = base_spec();
  s.mounts.push_back({MountKind::RwBind, "/w/a,b", "/w/a,b"});
  std::string error;
  Argv a = container_run_argv(s, opts(Engine::Docker), error);
  cr_assert(a.empty());
  cr_assert(error.find("/w/a,b") != std::string::npos, "%s", error.c_str());
}

Test(container_warm, keeper_and_exec) {
  for (Engine e : kBoth) {
    ContainerOptions o = opts(e);
    o.idle_seconds = 120;
    std::string error;
    Argv warm = container_warm_argv(base_spec(), o, error);
    cr_assert(error.empty());
    cr_assert(has_seq(warm, {"run", "--rm", "--detach"}));
    cr_assert(has_seq(warm, {"--label", "vectra-guard.warm=1"}));
    cr_assert(has_seq(warm, {"localhost/vg-test:1", "--idle-exit", "120"}));
    cr_assert_eq(warm.back(), "120");
    for (const std::string& x : warm) cr_assert(x.find("HOME=") == std::string::npos, "no command env in the keeper");
    Argv ex = container_exec_argv(base_spec(), o);
    cr_assert(has(ex, "exec"));
    cr_assert(has_seq(ex, {"vg-42-deadbeef", kContainerInitPath, "--timeout", "30", "--", "make", "-j4"}));
    cr_assert(has_seq(ex, {"--user", "1000:1001"}));
    cr_assert(has_seq(ex, {"--workdir", "/w/proj/sub"}));
    cr_assert(has_seq(ex, {"--env", "HOME=/home/u"}));
  }
}

Test(container_warm, name_depends_on_the_view) {
  ContainerOptions o = opts(Engine::Podman);
  SandboxSpec s = base_spec();
  const std::string n = warm_container_name(s, o);
  cr_assert_eq(n.rfind("vg-warm-", 0), 0u);
  cr_assert_eq(warm_container_name(s, o), n, "stable");
  s.argv = {"other"};
  s.cwd = "/w/proj";
  s.env.push_back("X=1");
  cr_assert_eq(warm_container_name(s, o), n, "the command, cwd and env do not matter");
  SandboxSpec t = base_spec();
  t.level = SecurityLevel::Strict;
  cr_assert_neq(warm_container_name(t, o), n, "profile");
  t = base_spec();
  t.workspace = "/w/other";
  cr_assert_neq(warm_container_name(t, o), n, "workspace");
  ContainerOptions img = o;
  img.image = "localhost/other:2";
  cr_assert_neq(warm_container_name(base_spec(), img), n, "image");
  t = base_spec();
  t.network = NetworkMode::Full;
  cr_assert_neq(warm_container_name(t, o), n, "network");
}

// The JSON profile compiles (with our own Docker-profile loader) to exactly the BPF
// program of the built-in filter.
static std::string bpf_of(scmp_filter_ctx ctx) {
  int fd = memfd_create("t", 0);
  cr_assert_eq(seccomp_export_bpf(ctx, fd), 0);
  std::string out(static_cast<size_t>(lseek(fd, 0, SEEK_END)), '\0');
  cr_assert_eq(pread(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  close(fd);
  return out;
}

static std::string builtin_bpf(bool unix_sockets, bool datagrams = true) {
  std::string error;
  int fd = seccomp_bpf_memfd({unix_sockets, "", datagrams}, error);
  cr_assert_geq(fd, 0, "%s", error.c_str());
  std::string out(static_cast<size_t>(lseek(fd, 0, SEEK_END)), '\0');
  cr_assert_eq(pread(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  close(fd);
  return out;
}

Test(container_seccomp, json_compiles_to_the_builtin_filter) {
  for (bool unix_sockets : {false, true}) {
    for (bool datagrams : {true, false}) {
      std::string error;
      scmp_filter_ctx ctx =
          parse_docker_seccomp_profile(docker_seccomp_json(unix_sockets, datagrams), "builtin.json", error);
      cr_assert(ctx, "%s", error.c_str());
      std::string json_bpf = bpf_of(ctx);
      seccomp_release(ctx);
      cr_assert_gt(json_bpf.size(), 0u);
      cr_assert(json_bpf == builtin_bpf(unix_sockets, datagrams),
                "unix_sockets=%d datagrams=%d: the JSON profile differs from the built-in filter", unix_sockets,
                datagrams);
    }
  }
  cr_assert(builtin_bpf(false) != builtin_bpf(true), "the unix-socket choice matters");
  cr_assert(builtin_bpf(false) != builtin_bpf(false, false), "the datagram choice matters");
}

Test(container_seccomp, file_written_once_and_user_profile_passed_through) {
  char dir[] = "/tmp/vg-ctr-seccomp.XXXXXX";
  cr_assert(mkdtemp(dir));
  std::string error;
  std::string path = container_seccomp_file({false, ""}, dir, error);
  cr_assert_eq(path, std::string(dir) + "/seccomp-container.json", "%s", error.c_str());
  cr_assert_eq(container_seccomp_file({false, ""}, dir, error), path);
  std::string unix_path = container_seccomp_file({true, ""}, dir, error);
  cr_assert_neq(unix_path, path);
  cr_assert_eq(container_seccomp_file({false, "/etc/my.json"}, dir, error), "/etc/my.json");
  unlink(path.c_str());
  unlink(unix_path.c_str());
  rmdir(dir);
}

Test(container_argv, restricted_network_hands_the_proxy_socket_to_the_init) {
  ContainerOptions o = opts(Engine::Podman);
  o.proxy = true;
  o.forward_ports = {5432};
  Argv a = run_argv(base_spec(), o);
  cr_assert(has_seq(a, {"--preserve-fds", "1"}));
  cr_assert(has(a, "--network=none"), "no network but the bridge");
  Argv tail(a.begin() + static_cast<long>(find_seq(a, {"localhost/vg-test:1"})) + 1, a.end());
  cr_assert(tail == (Argv{"--proxy-fd", "3", "--proxy-port", "3128", "--forward-port", "5432", "--timeout", "30", "--",
                          "make", "-j4"}));
  Argv ex = container_exec_argv(base_spec(), o);
  cr_assert(has_seq(ex, {"--preserve-fds", "1"}));
  cr_assert(has_seq(ex, {kContainerInitPath, "--proxy-fd", "3"}));
}

Test(container_argv, review_mounts_the_workspace_as_a_podman_overlay_volume) {
  SandboxSpec s = base_spec();
  s.review_dir = "/home/u/.vectra-guard/changes/4";
  s.mounts.push_back({MountKind::RwBind, "/w/proj/.git", "/w/proj/.git"});
  Argv a = run_argv(s, opts(Engine::Podman, true));
  cr_assert(has_seq(a, {"-v", "/w/proj:/w/proj:O,upperdir=/home/u/.vectra-guard/changes/4/upper,"
                              "workdir=/home/u/.vectra-guard/changes/4/work"}));
  cr_assert_not(has_seq(a, {"--mount", "type=bind,source=/w/proj,destination=/w/proj"}), "the project is not bound");
  cr_assert_not(has_seq(a, {"--mount", "type=bind,source=/w/proj/.git,destination=/w/proj/.git"}),
                "no read-write bind inside the project");
  cr_assert(has_seq(a, {"--mount", "type=bind,source=/w/proj/.git/hooks,destination=/w/proj/.git/hooks,readonly"}));
  cr_assert(has_seq(a, {"--mount", "type=bind,source=/home/u/.npm,destination=/home/u/.npm"}), "caches stay rw");
}
