// The sandbox entry point the CLI uses: one request in, the child's exit status out.
// Runners (bubblewrap now; namespace and docker/podman later) sit behind it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"

namespace vg::sandbox {

struct Report;

struct Request {
  std::vector<std::string> argv;          // the program and its arguments
  std::string cwd;                        // absolute; must be inside or equal to workspace
  std::string workspace;                  // git root, else cwd: mounted read-write
  std::optional<SecurityLevel> level;     // unset: config.security_level
  std::optional<NetworkMode> network;     // unset: config or the level's default
  std::string runtime;                    // "" = config.runtime
  int timeout_seconds = -1;               // -1 = config
  bool interactive = false;               // sandbox shell: pass the terminal through
  bool pass_exported = false;             // a shell hook's line: the shell's exported variables (secrets still filtered)
  bool verbose = false;                   // print which limits were enforced
  // Review mode: set (to why it applies) when the workspace is to be seen copy-on-write,
  // its changes kept as a change set under $VG_HOME/changes/<N> instead of the project.
  std::string review_reason;
  std::string command_line;               // the line as the user wrote it (change set meta)
  // Called once the sandbox is set up (runtime, level, network and limits known in
  // the Report) and right before the command starts: the place to print the notice.
  std::function<void(const Report&)> before_start;
};

// What happened, for the notice and the audit log.
struct Report {
  std::string runtime;                    // "bubblewrap"
  std::string level;                      // "balanced"
  std::string network;                    // "none", "full", "restricted (as none)"
  std::vector<std::string> enforced;      // limits really applied, e.g. "memory 1 GiB (cgroup v2)"
  std::vector<std::string> not_enforced;  // limits that could not be applied here, and why
  std::vector<std::string> caches;        // package caches mounted read-write ("npm /home/u/.npm")
  std::vector<std::string> hidden;        // paths made unreadable inside (secrets, $VG_HOME...)
  // Set when the directory the command runs in is not a project and so not writable:
  // "~ is not a project (your home directory): read-only in the sandbox".
  std::string workspace_note;
  std::vector<std::string> network_blocked;  // restricted: refused "host:port (reason)"
  std::vector<std::string> quarantined;  // workspace paths moved away after the run (planted.h)
  int change_set = 0;                     // review mode: the change set's id (0: none kept)
  std::string review_note;                // review asked for, not applied: why ("not a project")
  std::string error;                      // set when the sandbox could not be started
};

// Run argv in the sandbox. Returns the exit status a shell would report ($?):
// the child's code, 128+signal when killed, 124 on timeout; 125 when the sandbox
// itself could not start (then report.error says why, in one sentence).
int run(const Request& req, const Config& config, Report& report);

// The one-line stderr notice both `exec` and `sandbox run` print before the command:
// "📦 Running in sandbox (bubblewrap, balanced)." (plus a network caveat when the
// requested mode is not available yet). No trailing newline.
std::string notice_line(const Report& report);

// The --verbose details: one line per enforced and not-enforced item, each ending in '\n'.
std::string details_text(const Report& report);

}  // namespace vg::sandbox
