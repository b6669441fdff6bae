// The Docker/Podman runner: one runner for both CLIs. Runs the engine's client in the
// foreground, passes our signals on, propagates the exit status, enforces the timeout,
// and always removes the container (also after a timeout, Ctrl-C, or a crash of ours:
// each run leaves a marker in $VG_HOME/containers that the next run uses to remove
// containers whose owner died). Images are never pulled.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "sandbox/container_args.h"
#include "sandbox/proxy_host.h"
#include "sandbox/runner.h"

namespace vg::sandbox {

struct ContainerSettings {
  std::string image;             // "" = kDefaultContainerImage
  std::string engine_path;       // "" = found on PATH
  bool reuse = false;
  int reuse_idle_seconds = 600;
};
inline constexpr const char* kDefaultContainerImage = "debian:stable-slim";

ContainerSettings container_settings(const Config& config);

// The engine binary for "docker"/"podman": engine_path if set (must be executable),
// else the name on $PATH. "" with `error` set to one sentence when there is none.
std::string find_engine(Engine engine, const std::string& engine_path, std::string& error);

// Whether `image` is present in the engine's local store (never contacts a registry).
bool container_image_present(const std::string& engine_path, Engine engine, const std::string& image);

// Facts for `sandbox doctor`: rootless, cgroup manager and version, and whether a test
// container starts from the configured image (only if it is present locally).
struct ContainerFacts {
  std::string engine_path;
  std::string version;
  bool rootless = false;
  std::string cgroup_manager;    // "systemd", "cgroupfs"
  std::string cgroup_version;    // "v1", "v2"
  std::string image;
  bool image_present = false;
  bool container_starts = false;
  std::string start_error;       // the engine's first stderr line when it did not start
};
ContainerFacts probe_container_engine(Engine engine, const std::string& engine_path, const std::string& image);

class ContainerRunner : public Runner {
 public:
  ContainerRunner(Engine engine, std::string engine_path, ContainerSettings settings, std::string state_dir);
  ~ContainerRunner() override;
  std::string_view name() const override { return to_string(options_.engine); }
  bool prepare(SandboxSpec& spec, Report& report) override;
  int run(const SandboxSpec& spec, Report& report) override;
  // Podman's overlay volumes (-v SRC:DST:O,upperdir=,workdir=) work as root and rootless.
  bool supports_review() const override { return options_.engine == Engine::Podman; }

 private:
  int run_once(const SandboxSpec& spec, Report& report);
  int run_warm(const SandboxSpec& spec, Report& report);
  int take_proxy_fd();  // the proxy's end for vg-init (handed to the client), or -1
  std::string missing_image_error() const;
  // Restricted network with reuse: hold the warm container's lock for this run (false:
  // another command holds it).
  bool lock_warm_container(const SandboxSpec& spec);

  ContainerOptions options_;
  ContainerSettings settings_;
  ProxyProcess proxy_;
  std::string state_dir_;
  int warm_lock_fd_ = -1;
  std::string warm_name_;  // the locked warm container's name
};

// Remove containers of earlier runs whose vectra-guard died (markers under
// state_dir/containers). Returns how many were removed.
int remove_orphaned_containers(const std::string& state_dir);

}  // namespace vg::sandbox
