#include "sandbox/container_args.h"

#include <fmt/format.h>

#include "core/sha256.h"
#include "sandbox/bwrap.h"

namespace vg::sandbox {

std::string_view to_string(Engine e) { return e == Engine::Docker ? "docker" : "podman"; }

namespace {

using Argv = std::vector<std::string>;

void add(Argv& v, std::initializer_list<std::string> items) { v.insert(v.end(), items); }

bool inside(const std::string& path, const std::string& dir) {
  return path == dir || (dir == "/" || path.compare(0, dir.size() + 1, dir + "/") == 0);
}

// A path the --mount syntax can carry (both engines split its value on commas).
bool mountable(const std::string& path, std::string& error) {
  if (path.find(',') == std::string::npos && path.find('\n') == std::string::npos) return true;
  error = "the path " + path +
          " contains a comma, which docker/podman --mount cannot express; rename it or use --runtime bubblewrap";
  return false;
}

// The engine-level flags before the subcommand: podman's warnings (e.g. "/ is not a
// shared mount") would land on the command's stderr otherwise.
Argv engine_prefix(const ContainerOptions& o) {
  Argv a = {o.engine_path};
  if (o.engine == Engine::Podman) a.push_back("--log-level=error");
  return a;
}

// The user the command runs as: files written into the workspace belong to the caller.
void add_user(Argv& a, const SandboxSpec& spec, const ContainerOptions& o) {
  if (o.engine == Engine::Podman && o.rootless) {
    // keep-id maps the caller's uid/gid to themselves inside (not to root).
    a.push_back("--userns=keep-id");
  } else if (o.engine == Engine::Docker && o.rootless) {
    // Rootless docker maps the container's root to the caller: uid 0 inside is them.
    add(a, {"--user", "0:0"});
    return;
  }
  add(a, {"--user", fmt::format("{}:{}", spec.uid, spec.gid)});
}

// Everything that describes the container but the process: isolation, mounts, limits,
// network, labels. Shared by one-shot and warm containers.
bool add_container_flags(Argv& a, const SandboxSpec& spec, const ContainerOptions& o, std::string& error) {
  add(a, {"--name", o.name, "--label", std::string(kLabel) + "=1",
          "--label", fmt::format("{}={}", kLabelOwner, o.owner_pid),
          "--label", fmt::format("{}={}", kLabelOwnerStart, o.owner_start)});
  // Never fetch: a missing image is an error the runner explains, not a download.
  add(a, {"--pull", "never"});
  // Output goes straight to our terminal; no copy in the engine's log store.
  add(a, {"--log-driver", "none"});
  add_user(a, spec, o);
  add(a, {"--cap-drop", "ALL", "--security-opt", "no-new-privileges"});
  add(a, {"--security-opt", "seccomp=" + o.seccomp_profile});
  a.push_back(spec.network == NetworkMode::Full ? "--network=host" : "--network=none");

  if (spec.root == RootFs::ReadOnly) {
    a.push_back("--read-only");
    // Podman adds tmpfs on /run and /var/tmp to a read-only root; Docker does not: the
    // same view on both, /tmp only.
    if (o.engine == Engine::Podman) a.push_back("--read-only-tmpfs=false");
  }
  if (spec.limits.memory_bytes) {
    add(a, {"--memory", std::to_string(spec.limits.memory_bytes)});
    add(a, {"--memory-swap", std::to_string(spec.limits.memory_bytes)});  // no swap on top
  }
  if (spec.limits.cpus > 0) add(a, {"--cpus", fmt::format("{:g}", spec.limits.cpus)});
  if (spec.limits.pids > 0) add(a, {"--pids-limit", std::to_string(spec.limits.pids)});

  // Mounts. The engine gives the container its own /dev and /proc; /tmp is a private
  // tmpfs (exec allowed, as on the host); binds keep their own paths.
  std::vector<std::string> bound;  // targets of bind mounts: hidden paths under them matter
  for (const Mount& m : spec.mounts)
    if (m.kind == MountKind::RwBind || m.kind == MountKind::RoBind) bound.push_back(m.target);
  for (const Mount& m : spec.mounts) {
    switch (m.kind) {
      case MountKind::Dev:
      case MountKind::Proc:
        break;
      case MountKind::Tmpfs:
        if (!mountable(m.target, error)) return false;
        // Podman copies the image's directory (its mode too) onto a tmpfs unless told not to.
        add(a, {"--tmpfs", m.target + ":rw,exec,nosuid,nodev,mode=1777" +
                               std::string(o.engine == Engine::Podman ? ",notmpcopyup" : "")});
        break;
      case MountKind::RwBind:
      case MountKind::RoBind:
        if (!mountable(m.source, error) || !mountable(m.target, error)) return false;
        if (!spec.review_dir.empty() && m.kind == MountKind::RwBind && inside(m.source, spec.workspace)) {
          // Review (podman): the workspace as an overlay volume whose upper layer is the
          // change set. A read-write bind inside it (.git onto itself, pinned directories)
          // would write to the project, so there is none; read-only ones stay.
          if (m.source != spec.workspace || m.target != spec.workspace) break;
          for (const std::string& p : {m.source, spec.review_dir})
            if (p.find(':') != std::string::npos) {
              error = "review mode cannot mount " + p + " copy-on-write with podman: its path holds ':'; "
                      "use --runtime namespace";
              return false;
            }
          add(a, {"-v", m.source + ":" + m.target + ":O,upperdir=" + spec.review_dir + "/upper,workdir=" +
                            spec.review_dir + "/work"});
          break;
        }
        add(a, {"--mount", "type=bind,source=" + m.source + ",destination=" + m.target +
                               (m.kind == MountKind::RoBind ? ",readonly" : "")});
        break;
      case MountKind::Hide: {
        bool under_bind = false;
        for (const std::string& b : bound) under_bind = under_bind || inside(m.target, b);
        if (!under_bind) break;  // not in the container at all
        if (!mountable(m.target, error)) return false;
        // Both engines mount tmpfs before binds, so a tmpfs would land under the
        // workspace bind; an empty unreadable directory bound read-only stays on top.
        if (m.directory)
          add(a, {"--mount", "type=bind,source=" + o.empty_dir + ",destination=" + m.target + ",readonly"});
        else
          add(a, {"--mount", "type=bind,source=/dev/null,destination=" + m.target + ",readonly"});
        break;
      }
    }
  }
  if (!mountable(o.init_path, error)) return false;
  add(a, {"--mount", "type=bind,source=" + o.init_path + ",destination=" + kContainerInitPath + ",readonly"});
  add(a, {"--entrypoint", kContainerInitPath});
  return true;
}

// The command's environment: the spec's list and nothing else.
void add_env(Argv& a, const SandboxSpec& spec, const ContainerOptions& o) {
  // Podman also drops the image's and containers.conf's defaults; Docker cannot.
  if (o.engine == Engine::Podman) a.push_back("--unsetenv-all");
  for (const std::string& e : spec.env) add(a, {"--env", e});
}

void add_env_exec(Argv& a, const SandboxSpec& spec) {
  for (const std::string& e : spec.env) add(a, {"--env", e});
}

void add_stdio(Argv& a, const ContainerOptions& o) {
  if (!o.stdin_null) a.push_back("-i");
  if (o.stdin_tty) a.push_back("-t");
  if (o.proxy && o.engine == Engine::Podman) add(a, {"--preserve-fds", "1"});
}

void add_init_command(Argv& a, const SandboxSpec& spec, const ContainerOptions& o) {
  if (o.proxy) {
    Argv p = init_proxy_args(3, o.forward_ports);
    a.insert(a.end(), p.begin(), p.end());
  }
  if (spec.timeout_seconds > 0) add(a, {"--timeout", std::to_string(spec.timeout_seconds)});
  if (spec.interactive) a.push_back("--interactive");
  a.push_back("--");
  a.insert(a.end(), spec.argv.begin(), spec.argv.end());
}

}  // namespace

Argv container_run_argv(const SandboxSpec& spec, const ContainerOptions& o, std::string& error) {
  Argv a = engine_prefix(o);
  add(a, {"run", "--rm"});
  add_stdio(a, o);
  if (!add_container_flags(a, spec, o, error)) return {};
  add_env(a, spec, o);
  add(a, {"--workdir", spec.cwd});
  a.push_back(o.image);
  add_init_command(a, spec, o);
  return a;
}

Argv container_warm_argv(const SandboxSpec& spec, const ContainerOptions& o, std::string& error) {
  Argv a = engine_prefix(o);
  add(a, {"run", "--rm", "--detach"});
  if (!add_container_flags(a, spec, o, error)) return {};
  add(a, {"--label", std::string(kLabelWarm) + "=1"});
  // The keeper needs no environment; each command brings its own.
  if (o.engine == Engine::Podman) a.push_back("--unsetenv-all");
  add(a, {"--workdir", "/"});
  a.push_back(o.image);
  add(a, {"--idle-exit", std::to_string(o.idle_seconds > 0 ? o.idle_seconds : 600)});
  return a;
}

Argv container_exec_argv(const SandboxSpec& spec, const ContainerOptions& o) {
  Argv a = engine_prefix(o);
  a.push_back("exec");
  add_stdio(a, o);
  // Rootless podman's keep-id already runs as the caller; the others need it per exec.
  if (!(o.engine == Engine::Docker && o.rootless)) add(a, {"--user", fmt::format("{}:{}", spec.uid, spec.gid)});
  add_env_exec(a, spec);
  add(a, {"--workdir", spec.cwd});
  a.push_back(o.name);
  a.push_back(kContainerInitPath);
  add_init_command(a, spec, o);
  return a;
}

std::string warm_container_name(const SandboxSpec& spec, const ContainerOptions& o) {
  std::string key = fmt::format("{}\n{}\n{}\n{}\n{}\n{}:{}\n{}\n{}\n{}\n{}\n{}\n", to_string(o.engine), o.image,
                                spec.workspace, static_cast<int>(spec.level), static_cast<int>(spec.network),
                                spec.uid, spec.gid, static_cast<int>(spec.root), spec.limits.memory_bytes,
                                spec.limits.cpus, spec.limits.pids, o.seccomp_profile);
  for (const Mount& m : spec.mounts)
    key += fmt::format("{} {} {} {}\n", to_string(m.kind), m.source, m.target, m.directory);
  key += o.init_path;
  return "vg-warm-" + vg::sha256_hex(key).substr(0, 16);
}

}  // namespace vg::sandbox
