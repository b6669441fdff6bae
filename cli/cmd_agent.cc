// `vectra-guard agent`: run an AI agent so that everything it spawns is guarded, and
// the checks the agent-side entry points call:
//   agent start --name N [--mode M] [--security-level L] [--sandbox] -- CMD...
//   agent shim-check [--verdict-fd N] -- PROGRAM ARGS...   (the preload shim asks this)
//   agent check-shell --shell bash|zsh -- STRING [ARGS...] (BASH_ENV / zshenv ask this)
//   agent snapshot [--print] [--output FILE]                (write the shim's policy snapshot)
//   agent setup-ide --kind K --file F [--uninstall] [--dry-run] (JSON edits for IDE setup)
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <climits>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/agent_protect.h"
#include "cli/broker.h"
#include "cli/broker_filter.h"
#include "cli/pty_record.h"
#include "cli/commands.h"
#include "cli/hook_agents.h"
#include "cli/ide_settings.h"
#include "cli/output.h"
#include "core/agent_wrappers.h"
#include "core/audit_log.h"
#include "core/config.h"
#include "core/policy_snapshot.h"
#include "core/session.h"
#include "core/shell_quote.h"

namespace vg::cli {
namespace {

// check-shell's answers to the BASH_ENV / zshenv scripts.
constexpr int kShellRun = 0;
constexpr int kShellSandbox = 100;

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool is_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Installed layout (<prefix>/bin + <prefix>/lib/vectra-guard, <prefix>/share/vectra-guard)
// or the build tree (build/bin + build/lib, build/share/vectra-guard).
std::string find_beside_binary(const std::vector<std::string>& relative, const char* env_override) {
  if (const char* o = std::getenv(env_override); o && *o) return o;
  std::string bin_dir = dir_of(self_binary());
  for (const std::string& r : relative) {
    std::string p = bin_dir + "/" + r;
    if (!is_file(p)) continue;
    char resolved[PATH_MAX];
    return realpath(p.c_str(), resolved) ? std::string(resolved) : p;
  }
  return "";
}

std::string preload_library() {
  return find_beside_binary({"../lib/libvgpreload.so", "../lib/vectra-guard/libvgpreload.so"},
                            "VG_PRELOAD_LIB");
}

std::string noninteractive_file(const std::string& name) {
  if (const char* dir = std::getenv("VG_NONINTERACTIVE_DIR"); dir && *dir) return std::string(dir) + "/" + name;
  return find_beside_binary({"../share/vectra-guard/noninteractive/" + name}, "VG_BASH_ENV_FILE");
}

constexpr const char* kAgentUsage =
    "usage: vectra-guard agent start --name N [--mode M] [--security-level L] [--sandbox | --review]\n"
    "                          [--record-input] -- CMD...\n"
    "       vectra-guard agent snapshot [--print] [--output FILE]\n"
    "       vectra-guard agent setup-ide --kind vscode-env|cursor-hooks|claude-hooks --file F\n"
    "                                    [--set KEY=VALUE]... [--command CMD] [--uninstall] [--dry-run]\n"
    "\n"
    "start runs the agent on the host (or with --sandbox, in the sandbox) with the exec shim\n"
    "(LD_PRELOAD), BASH_ENV, a new session id (VG_SESSION) and its name (VG_AGENT). Every\n"
    "program it spawns is screened; risky ones are judged and run on the host, in the sandbox,\n"
    "or refused. Nobody is asked: a command that would ask is sandboxed or blocked.\n"
    "--review runs the agent in the sandbox with the project copy-on-write: the whole\n"
    "session's changes become one change set (vectra-guard changes show/apply/discard).\n";

void agent_usage(std::FILE* out) { std::fputs(kAgentUsage, out); }

// ---- agent start ------------------------------------------------------------------

struct StartOptions {
  std::string name;
  std::string mode;
  std::string level;
  bool sandbox = false;
  bool review = false;  // in the sandbox, the whole session's writes kept as one change set
  bool record_input = false;
  std::vector<std::string> argv;
};

bool parse_start(const Args& args, StartOptions& o, bool& help) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      size_t eq = a.find('=');
      if (eq != std::string::npos) {
        out = a.substr(eq + 1);
        return true;
      }
      if (i + 1 >= args.size()) {
        print_error(fmt::format("{} needs a value; see 'vectra-guard help agent'.", a));
        return false;
      }
      out = args[++i];
      return true;
    };
    std::string name = a.substr(0, a.find('='));
    if (a == "--") {
      o.argv.assign(args.begin() + i + 1, args.end());
      break;
    } else if (a == "-h" || a == "--help") {
      help = true;
      return true;
    } else if (name == "--name") {
      if (!value(o.name)) return false;
    } else if (name == "--mode") {
      if (!value(o.mode)) return false;
      if (!parse_mode(o.mode)) {
        print_error(fmt::format("unknown mode '{}'; use always, auto, risky or never.", o.mode));
        return false;
      }
    } else if (name == "--security-level") {
      if (!value(o.level)) return false;
      if (!parse_security_level(o.level)) {
        print_error(fmt::format("unknown security level '{}'; use permissive, balanced, strict or paranoid.", o.level));
        return false;
      }
    } else if (a == "--sandbox") {
      o.sandbox = true;
    } else if (a == "--review") {
      o.sandbox = o.review = true;
    } else if (a == "--record-input") {
      o.record_input = true;
    } else {
      print_error(fmt::format("agent start: unexpected '{}'; the agent's command goes after '--'.", a));
      return false;
    }
  }
  if (o.name.empty()) {
    print_error("agent start needs --name, e.g. vectra-guard agent start --name claude -- claude.");
    return false;
  }
  if (o.argv.empty()) {
    print_error("agent start needs the agent's command after '--', e.g. -- claude.");
    return false;
  }
  return true;
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream f(path, std::ios::binary);
  ok = static_cast<bool>(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The session's own config layer: the --config file (if any) plus --mode/--level.
// "" when neither was given.
std::string write_agent_config(const Global& g, const StartOptions& o, const std::string& dir,
                               const std::string& session) {
  if (o.mode.empty() && o.level.empty()) return g.config_file;
  std::string text;
  if (!g.config_file.empty()) {
    bool ok = false;
    text = read_file(g.config_file, ok);
    if (!ok) throw std::runtime_error(fmt::format("cannot read {}", g.config_file));
    text += "\n";
  }
  text += "# Written by vectra-guard agent start for this session.\n[sandbox]\n";
  if (!o.mode.empty()) text += fmt::format("mode = {}\n", o.mode);
  if (!o.level.empty()) text += fmt::format("security_level = {}\n", o.level);
  std::string path = fmt::format("{}/{}.ini", dir, session);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) throw std::runtime_error(fmt::format("cannot write {}", path));
  chmod(path.c_str(), 0600);
  return path;
}

std::string new_session_id(const std::string& name) {
  return sanitize_session_id(fmt::format("agent-{}-{}-{}", name, std::time(nullptr), getpid()));
}

[[noreturn]] void exec_or_fail(std::vector<std::string>& run) {
  std::vector<char*> cargv;
  for (std::string& s : run) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  execvp(cargv[0], cargv.data());
  int err = errno;
  print_error(fmt::format("cannot start '{}': {}.", run[0], std::strerror(err)));
  _exit(err == ENOENT ? 127 : kExitBlocked);
}

pid_t g_agent_pid = 0;
void forward_signal(int sig) {
  if (g_agent_pid > 0) kill(g_agent_pid, sig);
}

// The agent runs as our child under the exec filter; this process stays as the
// session's broker until the agent exits, and exits with its status.
int start_with_broker(const Global& g, const Config& config, const std::string& config_file,
                      const std::string& session, const std::string& name, const std::string& state,
                      const std::string& self, std::string snapshot, const sandbox::AgentProtect& confine,
                      std::vector<std::string>& run) {
  (void)g;
  BrokerSession s;
  s.config = config;
  s.config_file = config_file;
  s.session = session;
  s.agent = name;
  s.state = state;
  s.vg_bin = self;
  s.snapshot = std::move(snapshot);
  for (const char* v : {"HOME", "XDG_CONFIG_HOME", "VG_HOME", "VG_POLICY_SNAPSHOT", "VG_AGENT_CONFIG"}) {
    const char* val = std::getenv(v);
    s.guard_env[v] = val ? val : "";
  }
  const char* path = std::getenv("PATH");
  prepare_broker(s, path ? path : "/usr/bin:/bin");
  // Sandboxed commands are run by the broker (cli/broker_run.h) with the session's settings.
  s.run.vg_bin = self;
  s.run.config_file = config_file;
  for (const char* v : {"HOME", "XDG_CONFIG_HOME", "VG_HOME", "VG_POLICY_SNAPSHOT", "VG_AGENT_CONFIG", "VG_SESSION",
                        "VG_AGENT", "VG_GUARD_BIN", "VG_AUDIT_FD", "LD_PRELOAD", "BASH_ENV"}) {
    const char* val = std::getenv(v);
    s.run.session_env[v] = val ? val : "";
  }
  s.run.session_env["VG_TOOL_PATH"] = path ? path : "/usr/bin:/bin";  // bwrap, engines: the session's
  // For processes of the tree that closed the inherited socket (Python's close_fds): a
  // socket under $VG_HOME, which the agent can reach but not replace.
  std::string sock_path = broker_socket_path(state, session);
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (sock_path.size() < sizeof addr.sun_path) {
    std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
    unlink(sock_path.c_str());
    s.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s.listen_fd >= 0 && (bind(s.listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
                             chmod(sock_path.c_str(), 0600) != 0 || listen(s.listen_fd, 16) != 0)) {
      close(s.listen_fd);
      s.listen_fd = -1;
    }
  }

  int requests[2], listener[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, requests) != 0 ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, listener) != 0) {
    print_error(fmt::format("the session broker's sockets could not be made: {}.", std::strerror(errno)));
    return kExitError;
  }
  // Orphans of the agent's tree come to us, so every process sharing memory with an
  // exec's caller is below us, and none leaves the session.
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    print_error(fmt::format("the agent could not be started: {}.", std::strerror(errno)));
    return kExitError;
  }
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    close(requests[0]);
    close(listener[0]);
    fcntl(requests[1], F_SETFD, 0);  // inherited by the whole tree: the shim's way to ask
    setenv(kBrokerFdEnv, std::to_string(requests[1]).c_str(), 1);
    confine_agent_tree(confine);
    if (int e = install_exec_filter(listener[1]); e != 0) {
      print_error(fmt::format("the kernel exec check could not be set up ({}); the agent was not started.",
                              std::strerror(e)));
      _exit(kExitError);
    }
    close(listener[1]);
    exec_or_fail(run);
  }
  close(requests[1]);
  close(listener[1]);
  // Not dumpable: the agent (same user) cannot open our /proc/PID/mem, fds or pidfd
  // descriptors, which would let it rewrite the policy or answer for us.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  g_agent_pid = pid;
  signal(SIGINT, SIG_IGN);  // the terminal's signals are the agent's to handle
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTERM, forward_signal);
  signal(SIGHUP, forward_signal);
  int code = run_broker(s, requests[0], listener[0], pid);
  if (s.listen_fd >= 0) unlink(sock_path.c_str());
  return code;
}

int agent_start(const Global& g, const Args& args) {
  StartOptions o;
  bool help = false;
  if (!parse_start(args, o, help)) return kExitError;
  if (help) {
    agent_usage(stdout);
    return kExitOk;
  }
  std::string lib = preload_library();
  if (lib.empty()) {
    print_error("libvgpreload.so was not found beside the vectra-guard binary; reinstall, or set VG_PRELOAD_LIB to its path.");
    return kExitError;
  }
  std::string bash_env = noninteractive_file("bash_env.sh");
  std::string session = new_session_id(o.name);
  std::string state = state_dir();
  std::string agents_dir = state + "/agents";
  std::string error;
  if (!ensure_private_dir(agents_dir, &error)) {
    print_error(fmt::format("cannot prepare {}: {}.", agents_dir, error));
    return kExitError;
  }

  std::string config_file;
  std::optional<Config> config;
  try {
    config_file = write_agent_config(g, o, agents_dir, session);
    AnalyzeContext ctx = current_context();
    config = load_cli_config(config_file, ctx);
  } catch (const std::exception& e) {
    print_error(fmt::format("{}; check --config and the agent options.", e.what()));
    return kExitError;
  }
  if (!config) return kExitError;

  std::string self = self_binary();
  std::string snapshot_path = fmt::format("{}/{}.snap", agents_dir, session);
  if (!write_policy_snapshot(snapshot_path, snapshot_from_config(*config, self, config_file), &error)) {
    print_error(fmt::format("the policy snapshot was not written: {}.", error));
    return kExitError;
  }

  // The agent and everything it spawns carry these.
  std::string preload = lib;
  if (const char* old = std::getenv("LD_PRELOAD"); old && *old && std::string(old).find(lib) == std::string::npos) {
    preload += std::string(":") + old;
  }
  setenv("LD_PRELOAD", preload.c_str(), 1);
  if (!bash_env.empty()) setenv("BASH_ENV", bash_env.c_str(), 1);
  setenv("VG_SESSION", session.c_str(), 1);
  setenv("VG_AGENT", o.name.c_str(), 1);
  setenv("VG_HOME", state.c_str(), 1);
  setenv("VG_GUARD_BIN", self.c_str(), 1);
  setenv("VG_POLICY_SNAPSHOT", snapshot_path.c_str(), 1);
  if (!config_file.empty()) setenv("VG_AGENT_CONFIG", config_file.c_str(), 1);
  else unsetenv("VG_AGENT_CONFIG");
  unsetenv("VG_DISABLE");  // not honoured in agent sessions
  // The recorder stays outside the confinement below: the agent cannot touch its file.
  if (config->record != Record::Off) record_this_run(*config, shell_join(o.argv), o.record_input, session);
  sandbox::AgentProtect confine;
  if (!protect_agent_session(state, session, /*confine=*/!o.sandbox, &confine)) return kExitError;

  AuditEvent ev;
  ev.session = session;
  ev.agent = o.name;
  ev.source = "agent start";
  ev.cwd = current_context().cwd;
  ev.command = shell_join(o.argv);
  ev.decision = o.sandbox ? "sandbox" : "host";
  ev.why = o.review    ? "agent started in the sandbox under review (--review): one change set for the session"
           : o.sandbox ? "agent started in the sandbox (--sandbox)"
                     : "the agent runs on the host; every command it spawns is guarded";
  ev.runtime = o.sandbox ? "" : "host";
  ev.exit_code = -1;
  if (!append_audit_event(state, ev, &error)) {
    print_error(fmt::format("the audit log was not written: {}.", error));
  }
  std::fprintf(stderr, "🛡  vectra-guard: agent '%s' (session %s)%s; every command it runs is guarded.\n",
               o.name.c_str(), session.c_str(), o.sandbox ? " in the sandbox" : "");

  std::vector<std::string> run;
  if (o.sandbox) {
    // vectra-guard itself must not carry the shim; the sandbox drops it for the agent.
    run = {self};
    if (!config_file.empty()) run.insert(run.end(), {"--config", config_file});
    run.insert(run.end(), {"exec", "--sandbox", "--no-interactive"});
    if (o.review) run.push_back("--review");
    run.push_back("--");
    setenv("VG_VIA_SHIM", "1", 1);
    run.insert(run.end(), o.argv.begin(), o.argv.end());
    exec_or_fail(run);
    return kExitBlocked;
  }
  run.insert(run.end(), o.argv.begin(), o.argv.end());
  return start_with_broker(g, *config, config_file, session, o.name, state, self,
                           encode_snapshot(snapshot_from_config(*config, self, config_file)), confine, run);
}

// ---- agent shim-check ---------------------------------------------------------------

int agent_shim_check(const Global& g, const Args& args) {
  int verdict_fd = -1;
  bool record_host = false;
  std::vector<std::string> argv;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--verdict-fd" && i + 1 < args.size()) {
      verdict_fd = std::atoi(args[++i].c_str());
    } else if (args[i] == "--record-host") {
      record_host = true;
    } else if (args[i] == "--") {
      argv.assign(args.begin() + i + 1, args.end());
      break;
    } else {
      print_error(fmt::format("agent shim-check: unexpected '{}'; usage: agent shim-check [--verdict-fd N] -- PROGRAM ARGS.", args[i]));
      return kExitError;
    }
  }
  if (argv.empty()) {
    print_error("agent shim-check needs the program after '--'.");
    return kExitError;
  }
  AgentVerdict v = evaluate_agent_command(g, shell_join(argv), /*can_ask=*/false);
  char answer = 'B';
  int code = kExitBlocked;
  if (v.action == Action::Host) {
    answer = 'H';
    code = kExitOk;
    // Usually the shim runs it through `exec --via-shim`, which records it with its status.
    if (record_host) record_agent_event("shim", v, "host");
  } else if (v.action == Action::Sandbox || v.action == Action::Prompt) {
    answer = 'S';  // the sandboxed run (exec --via-shim --sandbox) records the event
    code = kExitOk;
  } else {
    record_agent_event("shim", v, "none");
    std::string shown = v.command.size() > 160 ? v.command.substr(0, 157) + "..." : v.command;
    std::fprintf(stderr, "⛔ vectra-guard blocked %s: %s.\n", shown.c_str(), agent_block_reason(v.decision).c_str());
  }
  if (verdict_fd >= 0) {
    ssize_t n;
    do {
      n = write(verdict_fd, &answer, 1);
    } while (n < 0 && errno == EINTR);
  }
  return code;
}

// ---- agent check-shell ----------------------------------------------------------------

int agent_check_shell(const Global& g, const Args& args) {
  std::string shell = "bash";
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i] == "--shell" && i + 1 < args.size()) {
      shell = args[++i];
    } else if (args[i] == "--") {
      ++i;
      break;
    } else {
      print_error(fmt::format("agent check-shell: unexpected '{}'; usage: agent check-shell --shell bash -- STRING [ARGS].", args[i]));
      return kExitBlocked;
    }
  }
  if (i >= args.size()) {
    print_error("agent check-shell needs the -c string after '--'.");
    return kExitBlocked;
  }
  std::string exec_string = args[i];
  std::vector<std::string> positional(args.begin() + i + 1, args.end());
  AgentCommand cmd = unwrap_agent_command(exec_string, positional);
  AgentVerdict v = evaluate_agent_command(g, cmd.command, /*can_ask=*/false);
  std::string source = "shell " + shell + (cmd.wrapper.empty() ? "" : " (" + cmd.wrapper + ")");
  switch (v.action) {
    case Action::Host:
      record_agent_event(source, v, "host");
      return kShellRun;
    case Action::Sandbox:
    case Action::Prompt:
      std::fprintf(stderr, "📦 vectra-guard: this %s -c command runs in the sandbox: %s.\n", shell.c_str(),
                   agent_why(v.decision).c_str());
      return kShellSandbox;  // the sandboxed run records the event
    case Action::Block:
      record_agent_event(source, v, "none");
      std::fprintf(stderr, "⛔ vectra-guard blocked this %s -c command: %s.\n", shell.c_str(),
                   agent_block_reason(v.decision).c_str());
      return kExitBlocked;
  }
  return kExitBlocked;
}

// ---- agent snapshot ---------------------------------------------------------------------

int agent_snapshot(const Global& g, const Args& args) {
  bool print = false;
  std::string output = default_snapshot_path();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--print") {
      print = true;
    } else if (args[i] == "--output" && i + 1 < args.size()) {
      output = args[++i];
    } else {
      print_error(fmt::format("agent snapshot: unexpected '{}'; usage: agent snapshot [--print] [--output FILE].", args[i]));
      return kExitError;
    }
  }
  AnalyzeContext ctx = current_context();
  std::optional<Config> config = load_cli_config(g.config_file, ctx);
  if (!config) return kExitError;
  PolicySnapshot snap = snapshot_from_config(*config, self_binary(), g.config_file);
  if (print) {
    std::printf("vectra-guard %s\nconfig %s\ndefault %s\n", snap.vg_bin.c_str(),
                snap.config_file.empty() ? "-" : snap.config_file.c_str(),
                std::string(to_string(snap.default_class)).c_str());
    for (const auto& [name, cls] : snap.programs) {
      std::printf("%-12s %s\n", std::string(to_string(cls)).c_str(), name.c_str());
    }
    return kExitOk;
  }
  std::string error;
  if (!write_policy_snapshot(output, snap, &error)) {
    print_error(fmt::format("the policy snapshot was not written: {}.", error));
    return kExitError;
  }
  std::fprintf(stderr, "vectra-guard: policy snapshot written to %s.\n", output.c_str());
  return kExitOk;
}

}  // namespace

int cmd_agent(const Global& g, const Args& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    agent_usage(args.empty() ? stderr : stdout);
    return args.empty() ? kExitError : kExitOk;
  }
  Args rest(args.begin() + 1, args.end());
  const std::string& sub = args[0];
  if (sub == "start") return agent_start(g, rest);
  if (sub == "shim-check") return agent_shim_check(g, rest);
  if (sub == "check-shell") return agent_check_shell(g, rest);
  if (sub == "snapshot") return agent_snapshot(g, rest);
  if (sub == "setup-ide") return agent_setup_ide(rest);
  print_error(fmt::format("agent: unknown sub-command '{}'; use start, snapshot, setup-ide (shim-check and check-shell are internal).", sub));
  return kExitError;
}

}  // namespace vg::cli
