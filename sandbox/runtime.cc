// Runtime selection: a name from the config or --runtime to a working runner.
// `auto` takes the first that works here, in DESIGN.md's order for a developer machine
// (bubblewrap, then our namespace runtime) and, where user namespaces do not work at
// all, the Landlock mode. Containers (docker, then podman) come after the namespace
// runtime on a developer machine and first in CI (the CI environment variable is set,
// as every CI service does) when the config names an image; a container runtime counts
// as working when its engine is installed and the image is present locally. When none
// works it fails closed with bubblewrap's one-line reason.
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "sandbox/bwrap.h"
#include "sandbox/container_runner.h"
#include "sandbox/doctor.h"
#include "sandbox/landlock.h"
#include "sandbox/ns_runner.h"
#include "sandbox/probe.h"
#include "sandbox/runner.h"

namespace vg::sandbox {

namespace {

// "user namespaces work" for this kernel, user and vectra-guard binary, cached in
// $VG_HOME/runtimes.json like bubblewrap's probe: only a working answer is kept, so a
// machine that gets fixed is noticed on the next run.
bool userns_usable_cached(const std::string& state_dir) {
  struct utsname u;
  struct stat self;
  nlohmann::json key = {{"kernel", uname(&u) == 0 ? u.release : ""},
                        {"uid", static_cast<long long>(getuid())},
                        {"binary_mtime", stat("/proc/self/exe", &self) == 0 ? static_cast<long long>(self.st_mtime) : -1}};
  const std::string cache = state_dir.empty() ? "" : state_dir + "/runtimes.json";
  if (!cache.empty()) {
    std::ifstream in(cache);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("key", nlohmann::json()) == key && j.value("userns", false))
      return true;
  }
  if (!userns_usable()) return false;
  if (!cache.empty()) {
    mkdir(state_dir.c_str(), 0700);
    std::string tmp = cache + ".tmp." + std::to_string(getpid());
    std::ofstream o(tmp);
    o << nlohmann::json{{"key", key}, {"userns", true}}.dump() << '\n';
    o.close();
    if (!o || std::rename(tmp.c_str(), cache.c_str()) != 0) std::remove(tmp.c_str());
  }
  return true;
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::strcmp(ci, "false") != 0 && std::strcmp(ci, "0") != 0;
}

// The first container engine that is installed and has the image locally, or nullptr.
std::unique_ptr<Runner> working_container(const Config& config, const std::string& state_dir) {
  const ContainerSettings settings = container_settings(config);
  const std::string image = settings.image.empty() ? kDefaultContainerImage : settings.image;
  for (Engine engine : {Engine::Docker, Engine::Podman}) {
    std::string ignored;
    // engine_path names one engine binary: only for the engine it is.
    std::string path = settings.engine_path.empty() || settings.engine_path.find(to_string(engine)) != std::string::npos
                           ? find_engine(engine, settings.engine_path, ignored)
                           : "";
    if (!path.empty() && container_image_present(path, engine, image))
      return std::make_unique<ContainerRunner>(engine, path, settings, state_dir);
  }
  return nullptr;
}

}  // namespace

std::string Runner::review_refusal() const {
  const std::string n(name());
  std::string detail = n == "bubblewrap" ? " (bubblewrap has no overlay mount before 0.9, and Debian 12 ships 0.8)"
                       : n == "landlock" ? " (Landlock can only allow or deny writes, not redirect them)"
                                         : " (its volumes cannot be overlays with an upper layer of our own)";
  return "review mode needs a copy-on-write view of the workspace, which the " + n + " runtime cannot give" + detail +
         "; use --runtime namespace (runtime = auto picks it for review runs) or podman, or review = never";
}

std::unique_ptr<Runner> select_runner(const std::string& runtime, const std::string& state_dir,
                                      std::string& error) {
  return select_runner(runtime, state_dir, Config{}, error);
}

std::unique_ptr<Runner> select_runner(const std::string& runtime, const std::string& state_dir,
                                      const Config& config, std::string& error) {
  // Inside a confined agent session (cli/agent_protect.cc) mounts are refused: Landlock nests.
  if (runtime == "auto" && std::getenv("VG_AGENT_CONFINED") && landlock_abi() > 0)
    return std::make_unique<LandlockRunner>(landlock_abi());
  if (runtime == "auto" && in_ci() && !config.image.empty())
    if (auto container = working_container(config, state_dir)) return container;
  if (runtime == "auto" || runtime == "bubblewrap" || runtime == "bwrap") {
    BwrapProbe probe = probe_bubblewrap(state_dir);
    if (probe.ok) return std::make_unique<BwrapRunner>(std::move(probe));
    if (runtime == "auto") {
      if (userns_usable_cached(state_dir)) return std::make_unique<NamespaceRunner>();
      if (auto container = working_container(config, state_dir)) return container;
      if (int abi = landlock_abi(); abi > 0) return std::make_unique<LandlockRunner>(abi);
      error = probe.error + "; no other runtime works either (see 'vectra-guard sandbox doctor')";
      return nullptr;
    }
    error = probe.error;
    return nullptr;
  }
  if (runtime == "namespace") return std::make_unique<NamespaceRunner>();
  if (runtime == "landlock") {
    int abi = landlock_abi();
    if (abi > 0) return std::make_unique<LandlockRunner>(abi);
    error = "Landlock is not available on this kernel (it needs Linux 5.13 with Landlock enabled); "
            "run 'vectra-guard sandbox doctor' to see what works";
    return nullptr;
  }
  if (runtime == "docker" || runtime == "podman") {
    const Engine engine = runtime == "docker" ? Engine::Docker : Engine::Podman;
    const ContainerSettings settings = container_settings(config);
    std::string path = find_engine(engine, settings.engine_path, error);
    if (path.empty()) return nullptr;
    return std::make_unique<ContainerRunner>(engine, path, settings, state_dir);
  }
  error = "unknown sandbox runtime '" + runtime + "'; choose auto, bubblewrap, namespace, landlock, docker or podman";
  return nullptr;
}

}  // namespace vg::sandbox
