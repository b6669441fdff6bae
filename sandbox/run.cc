// vg::sandbox::run: request -> runtime -> spec -> runner.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "sandbox/review/change_writer.h"
#include "sandbox/network.h"
#include "sandbox/planted.h"
#include "sandbox/quarantine.h"
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

// After every runner: what the command left in the workspace for host git or a later
// vectra-guard line to execute is moved out of their reach, whatever the runtime.
void quarantine_planted(const SandboxSpec& spec, const ScanStart& start, const std::string& state_dir,
                        Report& report) {
  std::string error;
  std::vector<std::string> planted = find_planted(spec.workspace, start, &error);
  if (!error.empty())
    std::fprintf(stderr, "📦 Sandbox: could not check %s for files planted for git (%s): check it before running git there.\n",
                 spec.workspace.c_str(), error.c_str());
  if (planted.empty()) return;
  Quarantine q = quarantine(spec.workspace, planted, state_dir, run_id());
  report.quarantined = q.moved;
  std::fprintf(stderr, "%s\n", quarantine_notice(q).c_str());
}

// Review mode, after the run: the set is closed with its end and status, and kept only
// when the command changed something (one line says which); an empty one is removed.
void close_change_set(review::OpenChangeSet& set, int status, Report& report) {
  std::string error;
  if (!review::finish_change_set(set, status, error))
    std::fprintf(stderr, "📝 Sandbox: %s.\n", error.c_str());
  review::remove_tree(set.dir + "/work/work", error);  // overlayfs' scratch (mode 0): no reader needs it
  bool empty = false;
  std::string line = review::change_summary_line(set, empty);
  if (empty) {
    review::remove_change_set(set.dir, error);
    report.change_set = 0;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace

int run(const Request& req, const Config& config, Report& report) {
  const HostView host = current_host();
  report.level = std::string(to_string(req.level.value_or(config.security_level)));
  std::string runtime = req.runtime.empty() ? config.runtime : req.runtime;
  const bool review = !req.review_reason.empty();
  // bubblewrap (auto's first choice) cannot build a copy-on-write workspace; the namespace runtime can.
  if (review && runtime == "auto") runtime = "namespace";
  std::unique_ptr<Runner> runner = select_runner(runtime, host.state_dir, config, report.error);
  if (!runner) return 125;
  report.runtime = std::string(runner->name());
  if (review && !runner->supports_review()) {
    report.error = runner->review_refusal();
    return 125;
  }

  SandboxSpec spec;
  if (!build_spec(req, config, host, spec, report.error)) return 125;
  review::OpenChangeSet set;
  if (review && spec.workspace_writable) {
    review::ChangeSetMeta meta;
    meta.workspace = spec.workspace;
    meta.cwd = spec.cwd;
    meta.command = req.command_line;
    meta.argv = req.argv;
    meta.runtime = report.runtime;
    meta.reason = req.review_reason;
    if (const char* s = std::getenv("VG_SESSION")) meta.session = s;
    meta.started_ns = review::change_set_clock_ns();
    if (!review::create_change_set(host.state_dir, meta, set, report.error)) return 125;
    spec.review_dir = set.dir;
    report.change_set = set.id;
  } else if (review) {
    report.review_note = "not a project, so nothing to review";
  }
  auto abandon = [&]() {  // the command never ran: nothing to keep
    std::string ignored;
    if (set.id) review::remove_change_set(set.dir, ignored);
    report.change_set = 0;
    return 125;
  };
  // Under review nothing reaches the workspace: no planted file to look for there.
  const bool scan = spec.workspace_writable && spec.review_dir.empty();
  ScanStart start = scan ? scan_start(spec.workspace) : ScanStart{};
  for (const Mount& m : spec.mounts)  // hidden inside: nothing there to check (~/.ssh, $VG_HOME)
    if (m.kind == MountKind::Hide && m.target.compare(0, spec.workspace.size() + 1, spec.workspace + "/") == 0)
      start.skip.push_back(m.target.substr(spec.workspace.size() + 1));
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
  if (!runner->prepare(spec, report)) return abandon();

  if (req.before_start) req.before_start(report);
  if (req.verbose) std::fputs(details_text(report).c_str(), stderr);
  if (scan) wait_for_tick(start);
  const int status = runner->run(spec, report);
  if (status == 125 && !report.error.empty()) return abandon();
  if (scan) quarantine_planted(spec, start, host.state_dir, report);
  if (set.id) close_change_set(set, status, report);
  return status;
}

}  // namespace vg::sandbox
