// Runtime selection: a name from the config or --runtime to a working runner.
// `auto` takes the first that works here, in DESIGN.md's order for a developer machine
// (bubblewrap, then our namespace runtime) and, where user namespaces do not work at
// all, the Landlock mode; docker/podman runners do not exist yet. When none works it
// fails closed with bubblewrap's one-line reason.
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "sandbox/bwrap.h"
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

}  // namespace

std::unique_ptr<Runner> select_runner(const std::string& runtime, const std::string& state_dir,
                                      std::string& error) {
  if (runtime == "auto" || runtime == "bubblewrap" || runtime == "bwrap") {
    BwrapProbe probe = probe_bubblewrap(state_dir);
    if (probe.ok) return std::make_unique<BwrapRunner>(std::move(probe));
    if (runtime == "auto") {
      if (userns_usable_cached(state_dir)) return std::make_unique<NamespaceRunner>();
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
    error = "the " + runtime + " runtime is not available yet; use --runtime bubblewrap (or auto)";
    return nullptr;
  }
  error = "unknown sandbox runtime '" + runtime + "'; choose auto, bubblewrap, namespace or landlock";
  return nullptr;
}

}  // namespace vg::sandbox
