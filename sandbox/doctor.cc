#include "sandbox/doctor.h"
#include "sandbox/spec.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "core/config.h"
#include "sandbox/container_runner.h"
#include "sandbox/probe.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif

namespace vg::sandbox {

namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string on_path(const char* name) {
  const char* path = std::getenv("PATH");
  for (const std::string& dir : split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

bool write_self(const char* file, const std::string& value) {
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

// In a child: the namespaces the namespace runner needs, then an overlay inside them.
// Exit 0: both work; 1: namespaces work, overlay does not; 100 + errno: namespaces fail.
void probe_userns(DoctorInputs& in) {
  const uid_t uid = geteuid();
  const gid_t gid = getegid();
  pid_t pid = fork();
  if (pid == 0) {
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) != 0)
      _exit(100 + std::min(errno, 150));
    if (!write_self("/proc/self/setgroups", "deny") ||
        !write_self("/proc/self/uid_map", fmt::format("{} {} 1\n", uid, uid)) ||
        !write_self("/proc/self/gid_map", fmt::format("{} {} 1\n", gid, gid)))
      _exit(100 + std::min(errno, 150));
    if (mount(nullptr, "/", nullptr, MS_PRIVATE | MS_REC, nullptr) != 0 ||
        mount("tmpfs", "/tmp", "tmpfs", 0, "mode=0755") != 0)
      _exit(1);
    for (const char* d : {"/tmp/l", "/tmp/u", "/tmp/w", "/tmp/m"})
      if (mkdir(d, 0755) != 0) _exit(1);
    _exit(mount("overlay", "/tmp/m", "overlay", 0, "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w,userxattr") == 0
              ? 0
              : 1);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
    in.userns_errno = pid < 0 ? errno : EIO;
    return;
  }
  int code = WEXITSTATUS(st);
  in.userns_works = code < 100;
  in.userns_errno = code >= 100 ? code - 100 : 0;
  in.overlay_userns = code == 0;
}

void probe_cgroups(DoctorInputs& in) {
  std::map<std::string, std::string> path_of;  // "memory" / "" (v2) -> our group path
  std::istringstream cg(slurp("/proc/self/cgroup"));
  for (std::string line; std::getline(cg, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string ctrls = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (ctrls.empty()) path_of[""] = path;
    for (const std::string& c : split(ctrls, ',')) path_of[c] = path;
  }
  std::istringstream mi(slurp("/proc/self/mountinfo"));
  for (std::string line; std::getline(mi, line);) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::vector<std::string> pre = split(line.substr(0, dash), ' ');
    std::vector<std::string> post = split(line.substr(dash + 3), ' ');
    if (pre.size() < 5 || post.size() < 3 || pre[3] != "/") continue;
    const std::string& mp = pre[4];
    if (post[0] == "cgroup2" && !in.cgroup_v2) {
      in.cgroup_v2 = true;
      std::string dir = mp + path_of[""];
      in.cgroup_v2_writable = access(dir.c_str(), W_OK) == 0;
      std::string ctrls = slurp(dir + "/cgroup.controllers");
      if (in.cgroup_v2_writable)
        for (const std::string& c : split(ctrls.substr(0, ctrls.find('\n')), ' ')) in.cgroup_v2_delegated.push_back(c);
    } else if (post[0] == "cgroup") {
      for (const std::string& opt : split(post[2], ',')) {
        if (opt != "memory" && opt != "pids" && opt != "cpu") continue;
        in.cgroup_v1_controllers.push_back(opt);
        auto it = path_of.find(opt);
        if (it != path_of.end() && access((mp + it->second).c_str(), W_OK) == 0) in.cgroup_v1_writable = true;
      }
    }
  }
  std::sort(in.cgroup_v1_controllers.begin(), in.cgroup_v1_controllers.end());
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

bool has(const std::vector<std::string>& v, const char* s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

bool userns_usable() {
  pid_t pid = fork();
  if (pid == 0)
    _exit(unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) == 0 ? 0 : 1);
  int st = 0;
  return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

DoctorInputs gather_doctor_inputs(const std::string& state_dir, const Config* config) {
  DoctorInputs in;
  in.root = geteuid() == 0;
  in.unprivileged_userns_clone = first_line("/proc/sys/kernel/unprivileged_userns_clone");
  in.max_user_namespaces = first_line("/proc/sys/user/max_user_namespaces");
  in.apparmor_restrict_userns = first_line("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
  probe_userns(in);

  BwrapProbe bw = probe_bubblewrap(state_dir);
  in.bwrap_path = bw.path;
  in.bwrap_version = bw.version;
  in.bwrap_works = bw.ok;
  in.bwrap_error = bw.error;
  struct stat st;
  in.bwrap_setuid = !bw.path.empty() && stat(bw.path.c_str(), &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0;

  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  in.landlock_abi = abi > 0 ? static_cast<int>(abi) : 0;
  in.landlock_errno = abi > 0 ? 0 : errno;

  // No filter given: EFAULT (or EACCES without no_new_privs) means filters are supported.
  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, nullptr, 0, 0);
  in.seccomp_filter = errno != EINVAL;

  probe_cgroups(in);
  in.overlay_known = slurp("/proc/filesystems").find("\toverlay\n") != std::string::npos;
  // The container settings from the config the CLI loaded (--config included), else
  // from the usual layers (a broken config: defaults).
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) std::strcpy(cwd, "/");
  Config loaded;
  if (!config) {
    try {
      loaded = load_config(default_config_paths(cwd));
    } catch (const std::exception&) {
    }
  }
  const Config& cfg = config ? *config : loaded;
  ContainerSettings settings = container_settings(cfg);
  // The filesystem view a sandbox started here would get: what it hides.
  Request req;
  req.argv = {"true"};
  req.cwd = req.workspace = cwd;
  SandboxSpec spec;
  std::string ignored;
  if (build_spec(req, cfg, current_host(), spec, ignored))
    for (const Mount& m : spec.mounts)
      if (m.kind == MountKind::Hide) in.hidden.push_back(m.target);
  const std::string image = settings.image.empty() ? kDefaultContainerImage : settings.image;
  auto probe = [&](Engine engine, std::string& path, DoctorInputs::Engine& out) {
    std::string ignored;
    const std::string name(to_string(engine));
    const bool configured = !settings.engine_path.empty() && settings.engine_path.find(name) != std::string::npos;
    path = configured ? find_engine(engine, settings.engine_path, ignored) : on_path(name.c_str());
    if (path.empty()) return;
    ContainerFacts f = probe_container_engine(engine, path, image);
    out.answers = !f.version.empty();
    out.version = f.version;
    out.rootless = f.rootless;
    out.cgroup_manager = f.cgroup_manager;
    out.cgroup_version = f.cgroup_version;
    out.image = f.image;
    out.image_present = f.image_present;
    out.container_starts = f.container_starts;
    out.error = f.start_error;
  };
  probe(Engine::Docker, in.docker_path, in.docker);
  probe(Engine::Podman, in.podman_path, in.podman);
  return in;
}

std::string userns_reason(const DoctorInputs& in) {
  if (in.unprivileged_userns_clone == "0")
    return "kernel.unprivileged_userns_clone = 0 forbids them for ordinary users";
  if (in.max_user_namespaces == "0") return "user.max_user_namespaces = 0 forbids them";
  if (in.apparmor_restrict_userns == "1")
    return "AppArmor restricts them (kernel.apparmor_restrict_unprivileged_userns = 1)";
  if (in.userns_errno) return std::string("the kernel refused them (") + strerror(in.userns_errno) + ")";
  return "";
}

std::vector<DoctorCheck> doctor_checks(const DoctorInputs& in) {
  std::vector<DoctorCheck> out;
  const bool landlock = in.landlock_abi > 0;

  // User namespaces.
  if (in.userns_works) {
    out.push_back({"userns", "ok",
                   "user, mount, PID and network namespaces work" +
                       (in.max_user_namespaces.empty() ? std::string() : " (user.max_user_namespaces = " + in.max_user_namespaces + ")"),
                   ""});
  } else {
    std::string hint;
    if (in.unprivileged_userns_clone == "0")
      hint = "`sysctl -w kernel.unprivileged_userns_clone=1` allows them (it opens more kernel code to ordinary users)";
    else if (in.max_user_namespaces == "0")
      hint = "`sysctl -w user.max_user_namespaces=15000` allows them";
    else if (in.apparmor_restrict_userns == "1")
      hint = "give bwrap an AppArmor profile with `userns,` (Ubuntu ships one as bwrap-userns-restrict), or "
             "`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (weakens Ubuntu's hardening)";
    else
      hint = "inside a container, run it with user namespaces allowed (e.g. a seccomp profile that permits unshare)";
    if (landlock) hint += "; meanwhile --runtime landlock works without them";
    out.push_back({"userns", "fail", "user namespaces do not work: " + userns_reason(in), hint});
  }

  // bubblewrap.
  if (in.bwrap_path.empty()) {
    out.push_back({"bubblewrap", "fail", "bwrap is not installed",
                   "`vectra-guard sandbox deps install` installs it"});
  } else if (!in.bwrap_works) {
    out.push_back({"bubblewrap", "fail", "bwrap " + in.bwrap_version + " at " + in.bwrap_path + " does not work",
                   in.bwrap_error});
  } else if (in.bwrap_setuid) {
    out.push_back({"bubblewrap", "warn", "bwrap " + in.bwrap_version + " at " + in.bwrap_path + " is setuid root",
                   "a setuid bwrap turns any bwrap bug into root; where user namespaces work, "
                   "`chmod u-s " + in.bwrap_path + "` (or use --runtime namespace)"});
  } else if (!bwrap_version_has_overlay(in.bwrap_version)) {
    out.push_back({"bubblewrap", "warn", "bwrap " + in.bwrap_version + " at " + in.bwrap_path +
                                             " works, without --overlay (before 0.9)",
                   "writable-root levels run read-only with it; --runtime namespace provides the overlay"});
  } else {
    out.push_back({"bubblewrap", "ok", "bwrap " + in.bwrap_version + " at " + in.bwrap_path + " works", ""});
  }

  // Landlock.
  if (landlock) {
    if (in.landlock_abi >= 4)
      out.push_back({"landlock", "ok", fmt::format("Landlock ABI {} (filesystem and TCP rules)", in.landlock_abi), ""});
    else
      out.push_back({"landlock", "warn", fmt::format("Landlock ABI {}: filesystem rules only", in.landlock_abi),
                     "TCP bind/connect rules need ABI 4 (Linux 6.7)"});
  } else if (in.landlock_errno == EOPNOTSUPP) {
    out.push_back({"landlock", "warn", "Landlock is built in but disabled",
                   "add landlock to the lsm= kernel boot parameter to enable the Landlock fallback"});
  } else {
    out.push_back({"landlock", "warn", "this kernel has no Landlock (needs Linux 5.13 with CONFIG_SECURITY_LANDLOCK)",
                   "only needed where user namespaces do not work"});
  }
  if (!landlock)
    out.push_back({"agent", "warn",
                   "agent sessions: without Landlock an agent can write vectra-guard's config, $VG_HOME (trust "
                   "store, snapshots, audit trail) and binaries, and read the audit key",
                   "enable Landlock to make them read-only to agents"});

  // seccomp.
  if (in.seccomp_filter)
    out.push_back({"seccomp", "ok", "seccomp filters work", ""});
  else
    out.push_back({"seccomp", "fail", "this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER)",
                   "use a distribution kernel: no runtime sandboxes without them"});

  // cgroups.
  if (in.cgroup_v2 && in.cgroup_v2_writable && has(in.cgroup_v2_delegated, "memory") &&
      has(in.cgroup_v2_delegated, "pids")) {
    out.push_back({"cgroup", "ok", "cgroup v2, delegated to us: " + join(in.cgroup_v2_delegated, " "), ""});
  } else if (in.cgroup_v1_writable) {
    out.push_back({"cgroup", "ok",
                   "cgroup v1 (" + join(in.cgroup_v1_controllers, ", ") + ")" + (in.cgroup_v2 ? " and v2 (hybrid)" : "") +
                       ", writable: memory, cpu and pids limits hold for the whole sandbox",
                   ""});
  } else {
    std::string found = in.cgroup_v2 ? (in.cgroup_v1_controllers.empty() ? "cgroup v2" : "cgroup v1 and v2")
                                     : (in.cgroup_v1_controllers.empty() ? "no cgroups" : "cgroup v1");
    out.push_back({"cgroup", "warn",
                   found + ", none delegated to us: memory is limited per process (RLIMIT_DATA), pids per user "
                           "only with --runtime namespace (RLIMIT_NPROC), CPU not at all",
                   in.cgroup_v2 ? "run from a systemd user session with delegation (`systemd-run --user --scope -p "
                                  "Delegate=yes vectra-guard ...`), or as root"
                                : "run as root, or on a host with cgroup v2 and systemd delegation"});
  }

  // overlayfs.
  if (in.overlay_userns && in.root)
    out.push_back({"overlayfs", "ok", "overlayfs mounts inside a user namespace (writable, discarded root)", ""});
  else if (in.overlay_userns)
    out.push_back({"overlayfs", "warn", "overlayfs mounts inside a user namespace, but as a non-root user system files "
                                        "cannot be copied up (their owners are not mapped)",
                   "writable-root levels run read-only for you; run as root for a writable, discarded root"});
  else if (in.overlay_known && in.userns_works)
    out.push_back({"overlayfs", "warn", "overlayfs cannot be mounted inside a user namespace here (needs Linux 5.11)",
                   "writable-root levels run read-only with --runtime namespace"});
  else if (!in.overlay_known)
    out.push_back({"overlayfs", "warn", "overlayfs is not loaded", "`modprobe overlay` (as root)"});
  else
    out.push_back({"overlayfs", "warn", "overlayfs present, untested without user namespaces", ""});

  // What stays hidden from every sandbox.
  if (!in.hidden.empty()) {
    std::string list;
    for (const std::string& h : in.hidden) list += (list.empty() ? "" : ", ") + h;
    out.push_back({"hidden", "ok", std::to_string(in.hidden.size()) + " paths hidden: " + list,
                   ""});
  }

  // Container engines: optional.
  const std::pair<const std::string*, const DoctorInputs::Engine*> engines[] = {{&in.docker_path, &in.docker},
                                                                                {&in.podman_path, &in.podman}};
  for (int k = 0; k < 2; ++k) {
    const std::string name = k == 0 ? "docker" : "podman";
    const std::string& path = *engines[k].first;
    const DoctorInputs::Engine& e = *engines[k].second;
    if (path.empty()) {
      out.push_back({name, "warn", name + " is not installed (optional)",
                     "`vectra-guard sandbox deps install --" + name + "` installs it"});
      continue;
    }
    if (!e.answers) {
      out.push_back({name, "warn", name + " at " + path + " does not answer" + (e.error.empty() ? "" : ": " + e.error),
                     name == "docker" ? "start the docker daemon, or join the docker group"
                                      : "run `podman info` to see what is wrong with its set-up"});
      continue;
    }
    std::string detail = fmt::format("{} {} at {}, {}, cgroup manager {}{}", name, e.version, path,
                                     e.rootless ? "rootless" : "rootful",
                                     e.cgroup_manager.empty() ? "?" : e.cgroup_manager,
                                     e.cgroup_version.empty() ? "" : " (cgroup " + e.cgroup_version + ")");
    if (!e.image_present) {
      out.push_back({name, "warn", detail + "; image " + e.image + " is not present locally, no test container tried",
                     "`" + name + " pull " + e.image + "` (vectra-guard never pulls), or set image in [sandbox]"});
    } else if (!e.container_starts) {
      out.push_back({name, "fail", detail + "; a test container from " + e.image + " does not start" +
                                       (e.error.empty() ? "" : ": " + e.error),
                     "run `" + name + " run --rm " + e.image + " true` to see the engine's full message"});
    } else {
      std::string caveat = e.rootless && e.cgroup_version == "v1"
                               ? "; memory, cpu and pids limits cannot be set (rootless on cgroup v1)"
                               : "";
      out.push_back({name, caveat.empty() ? "ok" : "warn",
                     detail + "; a test container from " + e.image + " starts" + caveat,
                     caveat.empty() ? "" : "run as root or on a cgroup v2 host for container limits"});
    }
  }
  return out;
}

std::vector<std::string> working_runtimes(const DoctorInputs& in) {
  std::vector<std::string> out;
  if (!in.seccomp_filter) return out;
  if (in.bwrap_works) out.push_back("bubblewrap");
  if (in.userns_works) out.push_back("namespace");
  if (in.docker.container_starts) out.push_back("docker");
  if (in.podman.container_starts) out.push_back("podman");
  if (in.landlock_abi > 0) out.push_back("landlock");
  return out;
}

std::string doctor_text(const std::vector<DoctorCheck>& checks, const std::vector<std::string>& runtimes) {
  std::string out;
  for (const DoctorCheck& c : checks) {
    out += fmt::format("{:<5} {:<11} {}", c.status, c.name, c.detail);
    if (!c.hint.empty()) out += " -> " + c.hint;
    out += "\n";
  }
  if (runtimes.empty())
    out += "no sandbox runtime works here: sandboxed commands fail closed until one of the 'fail' lines is fixed\n";
  else
    out += "runtimes that work here (runtime = auto takes the first): " + join(runtimes, ", ") + "\n";
  return out;
}

std::string doctor_json(const std::vector<DoctorCheck>& checks, const std::vector<std::string>& runtimes) {
  nlohmann::json j;
  j["checks"] = nlohmann::json::array();
  for (const DoctorCheck& c : checks)
    j["checks"].push_back({{"name", c.name}, {"status", c.status}, {"detail", c.detail}, {"hint", c.hint}});
  j["runtimes"] = runtimes;
  return j.dump() + "\n";
}

std::vector<std::vector<std::string>> deps_commands(const std::string& os_release, const DepsRequest& req,
                                                    std::string& error) {
  std::string id, like;
  std::istringstream in(os_release);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'')) value = value.substr(1, value.size() - 2);
    if (key == "ID") id = value;
    if (key == "ID_LIKE") like = value;
  }
  std::vector<std::string> family = split(id + " " + like, ' ');
  auto is = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (has(family, n)) return true;
    return false;
  };
  std::vector<std::vector<std::string>> cmds;
  std::vector<std::string> pkgs;
  auto with = [&](std::vector<std::string> cmd, const char* docker_pkg) {
    if (docker_pkg == nullptr && req.docker) {
      error = "docker is not packaged for " + id + "; install podman instead (--podman) or Docker's own packages";
      return;
    }
    if (!req.root && id != "macos") cmd.insert(cmd.begin(), "sudo");
    if (req.podman) cmd.push_back("podman");
    if (req.docker) cmd.push_back(docker_pkg);
    cmds.push_back(std::move(cmd));
  };
  if (is({"debian", "ubuntu"})) {
    cmds.push_back(req.root ? std::vector<std::string>{"apt-get", "update"}
                            : std::vector<std::string>{"sudo", "apt-get", "update"});
    with({"apt-get", "install", "-y", "bubblewrap"}, "docker.io");
  } else if (is({"fedora"})) {
    with({"dnf", "install", "-y", "bubblewrap"}, "moby-engine");
  } else if (is({"rhel", "centos", "rocky", "almalinux"})) {
    with({"dnf", "install", "-y", "bubblewrap"}, nullptr);
  } else if (is({"arch", "manjaro"})) {
    with({"pacman", "-S", "--needed", "--noconfirm", "bubblewrap"}, "docker");
  } else if (is({"opensuse", "suse", "opensuse-leap", "opensuse-tumbleweed", "sles"})) {
    with({"zypper", "--non-interactive", "install", "bubblewrap"}, "docker");
  } else if (is({"alpine"})) {
    with({"apk", "add", "bubblewrap"}, "docker");
  } else if (id == "macos") {
    // No bubblewrap (or Linux namespaces) on macOS: containers are the only sandbox.
    if (!req.podman && !req.docker) {
      error = "macOS has no bubblewrap; use 'sandbox deps install --podman' (or --docker)";
      return {};
    }
    if (req.podman) cmds.push_back({"brew", "install", "podman"});
    if (req.docker) cmds.push_back({"brew", "install", "--cask", "docker"});
  } else {
    error = "unknown distribution '" + (id.empty() ? std::string("?") : id) +
            "' in /etc/os-release; install the bubblewrap package with its package manager";
    return {};
  }
  if (!error.empty()) return {};
  return cmds;
}

}  // namespace vg::sandbox
