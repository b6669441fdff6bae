// vg::sandbox::run: request -> runtime -> spec -> runner.
#include <cstdio>

#include "sandbox/network.h"
#include "sandbox/runner.h"
#include "sandbox/sandbox.h"
#include "sandbox/spec.h"

namespace vg::sandbox {

namespace {

// ~ for the home directory in what the user reads.
std::string display_path(const std::string& path, const std::vector<std::string>& homes) {
  for (const std::string& h : homes) {
    if (h.empty() || h == "/") continue;
    if (path == h) return "~";
    if (path.compare(0, h.size() + 1, h + "/") == 0) return "~" + path.substr(h.size());
  }
  return path;
}

}  // namespace

int run(const Request& req, const Config& config, Report& report) {
  const HostView host = current_host();
  report.level = std::string(to_string(req.level.value_or(config.security_level)));
  const std::string runtime = req.runtime.empty() ? config.runtime : req.runtime;
  std::unique_ptr<Runner> runner = select_runner(runtime, host.state_dir, config, report.error);
  if (!runner) return 125;
  report.runtime = std::string(runner->name());

  SandboxSpec spec;
  if (!build_spec(req, config, host, spec, report.error)) return 125;
  report.network = describe_network(spec.network_requested, spec.network);
  if (spec.network == NetworkMode::Restricted) {
    std::vector<std::string> warnings;
    spec.net_policy = restricted_policy(config, warnings);
    for (const std::string& w : warnings) std::fprintf(stderr, "vectra-guard: network: %s.\n", w.c_str());
    report.network = describe_restricted(spec.net_policy);
  }
  report.caches = spec.caches;
  for (const Mount& m : spec.mounts)
    if (m.kind == MountKind::Hide) report.hidden.push_back(m.target);
  if (!spec.workspace_writable)
    report.workspace_note = display_path(spec.workspace, host.homes) + " is not a project (" +
                            spec.workspace_reason + "): read-only in the sandbox";
  if (!runner->prepare(spec, report)) return 125;

  if (req.before_start) req.before_start(report);
  if (req.verbose) std::fputs(details_text(report).c_str(), stderr);
  return runner->run(spec, report);
}

}  // namespace vg::sandbox
