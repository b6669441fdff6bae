// Runtime selection: a name from the config or --runtime to a working runner.
#include <memory>

#include "sandbox/bwrap.h"
#include "sandbox/ns_runner.h"
#include "sandbox/probe.h"
#include "sandbox/runner.h"

namespace vg::sandbox {

std::unique_ptr<Runner> select_runner(const std::string& runtime, const std::string& state_dir,
                                      std::string& error) {
  if (runtime == "auto" || runtime == "bubblewrap" || runtime == "bwrap") {
    BwrapProbe probe = probe_bubblewrap(state_dir);
    if (!probe.ok) {
      error = probe.error;
      return nullptr;
    }
    return std::make_unique<BwrapRunner>(std::move(probe));
  }
  if (runtime == "namespace") return std::make_unique<NamespaceRunner>();
  if (runtime == "docker" || runtime == "podman") {
    error = "the " + runtime + " runtime is not available yet; use --runtime bubblewrap (or auto)";
    return nullptr;
  }
  error = "unknown sandbox runtime '" + runtime + "'; choose auto, bubblewrap or namespace";
  return nullptr;
}

}  // namespace vg::sandbox
