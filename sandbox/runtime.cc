// Runtime selection: a name from the config or --runtime to a working runner.
// `auto` takes the first that works here, in DESIGN.md's order for a developer machine
// (bubblewrap, then our namespace runtime) and, where user namespaces do not work at
// all, the Landlock mode; docker/podman runners do not exist yet. When none works it
// fails closed with bubblewrap's one-line reason.
#include <memory>

#include "sandbox/bwrap.h"
#include "sandbox/doctor.h"
#include "sandbox/landlock.h"
#include "sandbox/ns_runner.h"
#include "sandbox/probe.h"
#include "sandbox/runner.h"

namespace vg::sandbox {

std::unique_ptr<Runner> select_runner(const std::string& runtime, const std::string& state_dir,
                                      std::string& error) {
  if (runtime == "auto" || runtime == "bubblewrap" || runtime == "bwrap") {
    BwrapProbe probe = probe_bubblewrap(state_dir);
    if (probe.ok) return std::make_unique<BwrapRunner>(std::move(probe));
    if (runtime == "auto") {
      if (userns_usable()) return std::make_unique<NamespaceRunner>();
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
