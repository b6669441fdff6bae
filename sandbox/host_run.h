// Running a command on the host, the way a shell runs a foreground command:
// spawn + exec with the caller's stdin/stdout/stderr, exit status as `$?` would show it.
#pragma once

#include <string>
#include <vector>

namespace vg::sandbox {

struct HostRun {
  std::vector<std::string> argv;  // argv[0] is looked up in $PATH like a shell does
  std::string cwd;                // "" = the current directory
  int timeout_seconds = 0;        // 0 = none; else the whole process group is killed
};

// Exit status like a shell's `$?`: the program's own code; 128+N when killed by signal
// N (SIGSEGV -> 139); 124 when the timeout fired; 127 when argv[0] was not found and
// 126 when it could not be executed (then `error` says why, in one sentence).
//
// While the child runs, SIGINT/SIGQUIT from the terminal reach it directly (same
// process group) and are not repeated; the same signals and SIGTERM/SIGHUP sent to us
// with kill(2) are forwarded to it. With a timeout the child gets its own process
// group (made the terminal's foreground group when we hold the terminal) so the whole
// tree can be killed: SIGTERM, then SIGKILL after a short grace period.
int host_run(const HostRun& run, std::string* error);

}  // namespace vg::sandbox
