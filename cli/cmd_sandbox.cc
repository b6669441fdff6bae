// `vectra-guard sandbox run|shell`: run a command (or an interactive shell) in the
// sandbox directly, without asking the evaluator.
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/pty_record.h"
#include "core/analyze.h"
#include "core/config.h"
#include "core/policy.h"
#include "core/shell_quote.h"
#include "sandbox/doctor.h"
#include "sandbox/sandbox.h"
#include "sandbox/stderr_watch.h"

namespace vg::cli {

namespace {

constexpr const char* kUsage =
    "usage: vectra-guard sandbox run [OPTIONS] -- COMMAND [ARGS...]\n"
    "       vectra-guard sandbox shell [OPTIONS]\n"
    "       vectra-guard sandbox doctor [--json]\n"
    "       vectra-guard sandbox deps install [--dry-run] [--podman] [--docker]\n"
    "\n"
    "Run COMMAND (or $SHELL, interactively) inside the sandbox: the workspace read-write,\n"
    "the rest of the system read-only, secrets hidden, a private /tmp, no host processes.\n"
    "\n"
    "options:\n"
    "  --runtime R           auto (default from config), bubblewrap, namespace or landlock\n"
    "  --security-level L    permissive, balanced, strict or paranoid\n"
    "  --network N           none, restricted or full\n"
    "  --timeout SECONDS     kill the command and everything it started after SECONDS\n"
    "  --review              see the project copy-on-write: its changes are kept as a change\n"
    "                        set for 'vectra-guard changes' instead of written (also review = always)\n"
    "  --record              record the terminal output to $VG_HOME/recordings (asciicast v2;\n"
    "                        sandbox shell records unless [audit] record = off)\n"
    "  --record-input        record the keystrokes too (implies --record)\n"
    "  -v, --verbose         list which limits were enforced and which were not\n"
    "  -h, --help            this text\n"
    "\n"
    "exit status: the command's own; 128+N when it was killed by signal N; 124 on\n"
    "timeout; 125 when the sandbox could not be set up; 1 on a usage error.\n"
    "\n"
    "doctor: one line per check (user namespaces, bubblewrap, Landlock, seccomp, cgroups,\n"
    "overlayfs, docker, podman) with what to do about it; exit 0 when some runtime works.\n"
    "deps install: install bubblewrap (and podman or docker when asked) with this\n"
    "distribution's package manager; --dry-run only prints the commands. It never changes\n"
    "sysctls or AppArmor.\n";

struct SandboxOptions {
  sandbox::Request req;
  bool help = false;
  bool review = false;
  bool record = false;        // --record (sandbox shell records unless [audit] record = off)
  bool record_input = false;  // --record-input
};

// Options, then `--` and the command (or the first word that is not an option).
bool parse(const Args& args, bool want_command, SandboxOptions& o) {
  size_t i = 0;
  auto value = [&](const std::string& a, const std::string& name, std::string& out) {
    if (a == name) {
      if (i + 1 >= args.size()) {
        print_error(name + " needs a value; see 'vectra-guard sandbox --help'.");
        return false;
      }
      out = args[++i];
      return true;
    }
    out = a.substr(name.size() + 1);  // --name=value
    return true;
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto is = [&](const char* name) { return a == name || a.rfind(std::string(name) + "=", 0) == 0; };
    std::string v;
    if (a == "--") {
      ++i;
      break;
    } else if (a == "-h" || a == "--help") {
      o.help = true;
      return true;
    } else if (a == "--review") {
      o.review = true;
    } else if (a == "--record") {
      o.record = true;
    } else if (a == "--record-input") {
      o.record = o.record_input = true;
    } else if (a == "-v" || a == "--verbose") {
      o.req.verbose = true;
    } else if (is("--runtime")) {
      if (!value(a, "--runtime", v)) return false;
      o.req.runtime = v;
    } else if (is("--security-level")) {
      if (!value(a, "--security-level", v)) return false;
      o.req.level = parse_security_level(v);
      if (!o.req.level) {
        print_error("unknown security level '" + v + "'; use permissive, balanced, strict or paranoid.");
        return false;
      }
    } else if (is("--network")) {
      if (!value(a, "--network", v)) return false;
      o.req.network = parse_network_mode(v);
      if (!o.req.network) {
        print_error("unknown network mode '" + v + "'; use none, restricted or full.");
        return false;
      }
    } else if (is("--timeout")) {
      if (!value(a, "--timeout", v)) return false;
      char* end = nullptr;
      long s = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || s < 0 || s > 31536000) {
        print_error("--timeout wants whole seconds (0 = none), not '" + v + "'.");
        return false;
      }
      o.req.timeout_seconds = static_cast<int>(s);
    } else if (a.size() > 1 && a[0] == '-') {
      print_error("unknown option '" + a + "'; see 'vectra-guard sandbox --help'.");
      return false;
    } else {
      break;
    }
  }
  o.req.argv.assign(args.begin() + static_cast<long>(i), args.end());
  if (want_command && o.req.argv.empty()) {
    print_error("nothing to run; put the command after --, e.g. 'vectra-guard sandbox run -- make'.");
    return false;
  }
  if (!want_command && !o.req.argv.empty()) {
    print_error("sandbox shell takes no command; use 'vectra-guard sandbox run -- CMD' for one.");
    return false;
  }
  return true;
}

std::string interactive_shell() {
  const char* shell = std::getenv("SHELL");
  if (shell && *shell && access(shell, X_OK) == 0) return shell;
  return "/bin/bash";
}

int cmd_doctor(const Global& g, const Args& args) {
  bool json = false;
  for (const std::string& a : args) {
    if (a == "--json") {
      json = true;
    } else {
      print_error("unknown option '" + a + "' for sandbox doctor; it takes only --json.");
      return kExitError;
    }
  }
  // The engine and image to probe come from the config, --config included.
  // A broken config is reported (above) but does not stop the checks.
  std::optional<Config> config = load_cli_config(g.config_file, current_context());
  if (!config) std::fprintf(stderr, "vectra-guard: doctor goes on with the built-in defaults.\n");
  sandbox::DoctorInputs in = sandbox::gather_doctor_inputs(vg::state_dir(), config ? &*config : nullptr);
  std::vector<sandbox::DoctorCheck> checks = sandbox::doctor_checks(in);
  std::vector<std::string> runtimes = sandbox::working_runtimes(in);
  std::fputs((json ? sandbox::doctor_json(checks, runtimes) : sandbox::doctor_text(checks, runtimes)).c_str(), stdout);
  return runtimes.empty() ? kExitError : kExitOk;
}

int run_command(const std::vector<std::string>& cmd) {
  std::vector<char*> argv;
  for (const std::string& s : cmd) argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "vectra-guard: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid) return 1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int cmd_deps(const Args& args) {
  if (args.empty() || args[0] != "install") {
    print_error("use 'vectra-guard sandbox deps install [--dry-run] [--podman] [--docker]'.");
    return kExitError;
  }
  sandbox::DepsRequest req;
  req.root = geteuid() == 0;
  bool dry_run = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--dry-run") dry_run = true;
    else if (args[i] == "--podman") req.podman = true;
    else if (args[i] == "--docker") req.docker = true;
    else {
      print_error("unknown option '" + args[i] + "' for sandbox deps install; see 'vectra-guard sandbox --help'.");
      return kExitError;
    }
  }
  std::string os_release;
  struct utsname u;
  if (uname(&u) == 0 && std::string(u.sysname) == "Darwin") {
    os_release = "ID=macos\n";
  } else {
    const char* path = std::getenv("VG_OS_RELEASE");  // tests point it at a fixture
    std::ifstream in(path && *path ? path : "/etc/os-release");
    std::stringstream ss;
    ss << in.rdbuf();
    os_release = ss.str();
  }
  std::string error;
  auto cmds = sandbox::deps_commands(os_release, req, error);
  if (cmds.empty()) {
    print_error(error + ".");
    return kExitError;
  }
  for (const auto& cmd : cmds) {
    std::string line;
    for (const std::string& w : cmd) line += (line.empty() ? "" : " ") + w;
    std::printf("%s%s\n", dry_run ? "" : "+ ", line.c_str());
    std::fflush(stdout);
    if (dry_run) continue;
    if (int rc = run_command(cmd); rc != 0) {
      print_error("'" + line + "' failed (exit " + std::to_string(rc) + "); fix what it printed and retry.");
      return kExitError;
    }
  }
  if (!dry_run) std::printf("done; 'vectra-guard sandbox doctor' shows what works now.\n");
  return kExitOk;
}

}  // namespace

int cmd_sandbox(const Global& g, const Args& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitError : kExitOk;
  }
  const std::string& sub = args[0];
  if (sub == "doctor") return cmd_doctor(g, Args(args.begin() + 1, args.end()));
  if (sub == "deps") return cmd_deps(Args(args.begin() + 1, args.end()));
  if (sub != "run" && sub != "shell") {
    print_error("unknown sandbox command '" + sub + "'; use 'sandbox run -- CMD', 'sandbox shell', 'sandbox doctor' or 'sandbox deps install'.");
    return kExitError;
  }
  SandboxOptions o;
  if (!parse(Args(args.begin() + 1, args.end()), sub == "run", o)) return kExitError;
  if (o.help) {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (sub == "shell") {
    o.req.argv = {interactive_shell(), "-i"};
    o.req.interactive = true;
  }

  AnalyzeContext ctx = current_context();
  std::optional<Config> config = load_cli_config(g.config_file, ctx);
  if (!config) return kExitError;
  o.req.cwd = ctx.cwd;
  o.req.workspace = ctx.workspace;
  // A direct run was not judged by the evaluator: only --review or review = always.
  if (o.review || config->review == Review::Always)
    o.req.review_reason = review_reason(config->review, Analysis{}, false, o.review);
  o.req.command_line = shell_join(o.req.argv);
  o.req.before_start = [](const sandbox::Report& r) {
    std::fprintf(stderr, "%s\n", sandbox::notice_line(r).c_str());
  };

  bool record = sub == "shell" ? config->record != Record::Off || o.record
                                : config->record == Record::All || o.record;
  if (record) record_this_run(*config, o.req.command_line, o.record_input);

  // As for exec: a failure on a read-only or missing path under $HOME gets one hint line
  // (not for `sandbox shell`, whose failures are the user's own lines).
  const char* home = std::getenv("HOME");
  std::optional<sandbox::StderrWatch> watch;
  if (sub != "shell" && home && *home == '/') {
    watch.emplace(home);
    if (!watch->start()) watch.reset();
  }
  sandbox::Report report;
  int status = sandbox::run(o.req, *config, report);
  std::optional<sandbox::HomePathProblem> problem;
  if (watch) {
    watch->finish();
    problem = watch->problem();
  }
  if (!report.error.empty()) {
    print_error(report.error + ".");
    return kExitSandboxFailed;
  }
  if (problem && status != 0)
    std::fprintf(stderr, "%s\n", sandbox::home_path_hint(*problem, home, report.runtime).c_str());
  return status;
}

}  // namespace vg::cli
