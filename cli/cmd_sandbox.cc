// `vectra-guard sandbox run|shell`: run a command (or an interactive shell) in the
// sandbox directly, without asking the evaluator.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/analyze.h"
#include "core/config.h"
#include "sandbox/sandbox.h"

namespace vg::cli {

namespace {

constexpr const char* kUsage =
    "usage: vectra-guard sandbox run [OPTIONS] -- COMMAND [ARGS...]\n"
    "       vectra-guard sandbox shell [OPTIONS]\n"
    "\n"
    "Run COMMAND (or $SHELL, interactively) inside the sandbox: the workspace read-write,\n"
    "the rest of the system read-only, secrets hidden, a private /tmp, no host processes.\n"
    "\n"
    "options:\n"
    "  --runtime R           auto (default from config) or bubblewrap\n"
    "  --security-level L    permissive, balanced, strict or paranoid\n"
    "  --network N           none, restricted or full\n"
    "  --timeout SECONDS     kill the command and everything it started after SECONDS\n"
    "  -v, --verbose         list which limits were enforced and which were not\n"
    "  -h, --help            this text\n"
    "\n"
    "exit status: the command's own; 128+N when it was killed by signal N; 124 on\n"
    "timeout; 125 when the sandbox could not be set up; 1 on a usage error.\n";

struct SandboxOptions {
  sandbox::Request req;
  bool help = false;
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

}  // namespace

int cmd_sandbox(const Global& g, const Args& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitError : kExitOk;
  }
  const std::string& sub = args[0];
  if (sub != "run" && sub != "shell") {
    print_error("unknown sandbox command '" + sub + "'; use 'sandbox run -- CMD' or 'sandbox shell'.");
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
  o.req.before_start = [](const sandbox::Report& r) {
    std::fprintf(stderr, "%s\n", sandbox::notice_line(r).c_str());
  };

  sandbox::Report report;
  int status = sandbox::run(o.req, *config, report);
  if (!report.error.empty()) {
    print_error(report.error + ".");
    return kExitSandboxFailed;
  }
  return status;
}

}  // namespace vg::cli
