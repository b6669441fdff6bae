// `vectra-guard sandbox doctor`: what isolation works on this machine and, where
// something does not, the one setting or package that would change it. The probes
// gather facts into DoctorInputs (tests fill it by hand); the checks are pure.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace vg::sandbox {

struct DoctorInputs {
  bool root = false;
  // User namespaces: sysctl values as read ("" when the file does not exist) and whether
  // creating user+mount+PID+network namespaces really worked (errno when not).
  std::string unprivileged_userns_clone;  // kernel.unprivileged_userns_clone (Debian, older Ubuntu)
  std::string max_user_namespaces;        // user.max_user_namespaces
  std::string apparmor_restrict_userns;   // kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10+)
  bool userns_works = false;
  int userns_errno = 0;
  // bubblewrap.
  std::string bwrap_path;                 // "" = not installed
  std::string bwrap_version;
  bool bwrap_setuid = false;
  bool bwrap_works = false;
  std::string bwrap_error;                // its probe's sentence when it does not work
  // Landlock ABI version (landlock_create_ruleset(NULL, 0, VERSION)); <= 0: unavailable,
  // landlock_errno says why (ENOSYS: not built in, EOPNOTSUPP: disabled at boot).
  int landlock_abi = 0;
  int landlock_errno = 0;
  bool seccomp_filter = false;            // SECCOMP_MODE_FILTER supported
  // cgroups.
  std::vector<std::string> cgroup_v1_controllers;  // mounted v1 controllers (memory, pids, cpu...)
  bool cgroup_v1_writable = false;        // we may create a group in the memory or pids hierarchy
  bool cgroup_v2 = false;                 // a cgroup2 hierarchy is mounted
  std::vector<std::string> cgroup_v2_delegated;  // controllers in our v2 group we may use
  bool cgroup_v2_writable = false;
  // overlayfs: in /proc/filesystems, and mountable inside a user namespace.
  bool overlay_known = false;
  bool overlay_userns = false;
  // Container CLIs on PATH.
  std::string docker_path, podman_path;
  // What each installed engine says about itself (`info`), and whether a test container
  // starts from the configured image; only tried when the image is present locally.
  struct Engine {
    bool answers = false;          // `info` worked
    std::string version;
    bool rootless = false;
    std::string cgroup_manager;    // "cgroupfs", "systemd"
    std::string cgroup_version;    // "v1", "v2"
    std::string image;
    bool image_present = false;
    bool container_starts = false;
    std::string error;             // the engine's first stderr line when something failed
  };
  Engine docker, podman;
  // What a sandbox started here would hide (secrets, $VG_HOME, the config's `hide`).
  std::vector<std::string> hidden;
};

// Whether this user can create the namespaces the namespace runner needs (one fork).
bool userns_usable();

// Run the real probes (a few forks, well under 50 ms). state_dir: bwrap's probe cache.
// config: the one the CLI loaded (image, engine_path); null: the usual config layers.
DoctorInputs gather_doctor_inputs(const std::string& state_dir, const Config* config = nullptr);

struct DoctorCheck {
  std::string name;    // "userns", "bubblewrap", "landlock", "seccomp", "cgroup", "overlayfs", "docker", "podman"
  std::string status;  // "ok", "warn" (works, with a caveat or optional), "fail"
  std::string detail;  // what was found
  std::string hint;    // what to do; "" when nothing is needed
};

std::vector<DoctorCheck> doctor_checks(const DoctorInputs& in);

// The runtimes that work here, in `runtime = auto` order on a developer machine:
// bubblewrap, namespace, docker, podman, landlock.
std::vector<std::string> working_runtimes(const DoctorInputs& in);

// Why user namespaces fail, naming the setting; "" if none of the known ones is set.
std::string userns_reason(const DoctorInputs& in);

// "ok    userns      ..." lines, and the JSON form ({"checks": [...], "runtimes": [...]}).
std::string doctor_text(const std::vector<DoctorCheck>& checks, const std::vector<std::string>& runtimes);
std::string doctor_json(const std::vector<DoctorCheck>& checks, const std::vector<std::string>& runtimes);

// `sandbox deps install`: the commands that install bubblewrap (and podman/docker when
// asked) on the distribution /etc/os-release describes (its ID and ID_LIKE fields).
// Empty with `error` set when the distribution is not known.
struct DepsRequest {
  bool podman = false;
  bool docker = false;
  bool root = false;    // commands run as root; else they are prefixed with sudo
};
std::vector<std::vector<std::string>> deps_commands(const std::string& os_release, const DepsRequest& req,
                                                    std::string& error);

}  // namespace vg::sandbox
