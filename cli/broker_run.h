// Sandboxed commands of an agent session run by its broker (issue 17 item 1). The
// agent's tree is under Landlock and the exec filter, where no sandbox can start (mounts
// and a second seccomp listener are refused); the broker is outside both. A session-side
// `exec` whose verdict is "sandbox" sends the broker its command, cwd, environment and
// stdin/stdout/stderr (SCM_RIGHTS); the broker starts `vectra-guard exec --sandbox` with
// the session's config, and sends back the exit code when it ends.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace vg::cli {

struct BrokerRunRequest {
  std::vector<std::string> argv;  // the command (or {line} with shell_form)
  bool shell_form = false;
  bool via_shim = false, review = false, verbose = false;
  int timeout_seconds = -1;
};

// True in a session whose broker runs sandboxed commands ($VG_BROKER_FD is set).
bool broker_runs_sandbox();

// Session side: have the broker run `r` and wait for it, passing on SIGINT, SIGTERM,
// SIGHUP and SIGQUIT. False with `error` when the broker cannot be reached.
bool run_through_broker(const BrokerRunRequest& r, int* exit_code, std::string* error);

// The session's listening socket, for processes that closed the inherited one.
std::string broker_socket_path(const std::string& state_dir, const std::string& session);

// Broker side. The settings a run takes from the session rather than from the caller.
struct BrokerRunSession {
  std::string vg_bin, config_file;
  std::map<std::string, std::string> session_env;  // name -> value ("" = unset)
};

// Read a run request from `conn` (a stream socket) and start it. Returns the child's pid
// (the caller keeps `conn` to report its exit), or -1 after answering and closing `conn`.
pid_t start_broker_run(const BrokerRunSession& s, int conn);

// Send the run's exit code on `conn` and close it.
void finish_broker_run(int conn, int exit_code);

}  // namespace vg::cli
