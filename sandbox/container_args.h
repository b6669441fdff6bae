// Docker/Podman command lines from a SandboxSpec. Pure: the runner gathers the facts
// (engine, rootless, terminal, names) into ContainerOptions; tests call these directly.
//
// The container sees the image's root (not the host's), with the spec's bind mounts at
// their own paths: the workspace, bind_mounts and caches (RwBind/RoBind), the read-only
// protected files inside them, and hidden secrets where they fall under a bind mount
// (elsewhere the host path does not exist in the container at all).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/spec.h"

namespace vg::sandbox {

enum class Engine { Docker, Podman };
std::string_view to_string(Engine e);

// Where vg-init is mounted inside the container (read-only) and run as the entry point.
inline constexpr const char* kContainerInitPath = "/.vectra-guard-init";

// Labels on every container we start: how leftovers are found and whose they are.
inline constexpr const char* kLabel = "vectra-guard";                  // "1"
inline constexpr const char* kLabelOwner = "vectra-guard.owner";       // pid of vectra-guard
inline constexpr const char* kLabelOwnerStart = "vectra-guard.owner-start";  // its start time (ticks)
inline constexpr const char* kLabelWarm = "vectra-guard.warm";         // "1" on reused containers

struct ContainerOptions {
  Engine engine = Engine::Podman;
  std::string engine_path = "podman";
  bool rootless = false;           // rootless podman: --userns=keep-id; rootless docker: no --user
  std::string image;
  std::string name;                // unique container name
  std::string init_path;           // vg-init on the host
  std::string seccomp_profile;     // Docker-format JSON on the host
  std::string empty_dir;           // an empty mode-0000 host directory: bound over hidden directories
  bool stdin_tty = false;          // -t
  bool stdin_null = false;         // no -i
  pid_t owner_pid = 0;
  long long owner_start = 0;
  int idle_seconds = 0;            // warm container: vg-init exits after this long without commands
  // Restricted network (podman only): vg-init's socket to vg-proxy arrives as fd 3
  // (--preserve-fds 1) and init bridges 127.0.0.1:kSandboxProxyPort and these ports to it.
  bool proxy = false;
  std::vector<int> forward_ports;
};

// `ENGINE [global flags] run ... IMAGE --timeout N -- argv`: one container for one command,
// removed when it ends. Empty with `error` set when a path cannot be expressed (a comma
// in a bind mount path: the --mount syntax has no escape for it in both engines).
std::vector<std::string> container_run_argv(const SandboxSpec& spec, const ContainerOptions& o,
                                            std::string& error);

// reuse = true: start a detached warm container whose init waits for commands and exits
// after o.idle_seconds without one (`--rm`: it is removed then).
std::vector<std::string> container_warm_argv(const SandboxSpec& spec, const ContainerOptions& o,
                                             std::string& error);

// reuse = true: run one command in the warm container `o.name`.
std::vector<std::string> container_exec_argv(const SandboxSpec& spec, const ContainerOptions& o);

// The warm container's name for (workspace, level, image, network, limits, mounts): the
// same spec gets the same container, anything that changes the view gets another.
std::string warm_container_name(const SandboxSpec& spec, const ContainerOptions& o);

}  // namespace vg::sandbox
