// `vectra-guard exec`: evaluate one command, then run it on the host, in the sandbox,
// after asking, or not at all; record the event in the audit log.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/broker_run.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/prompt.h"
#include "core/analyze.h"
#include "core/audit_log.h"
#include "core/config.h"
#include "core/config_notice.h"
#include "core/hook_answer.h"
#include "core/escape_hint.h"
#include "core/policy.h"
#include "core/session.h"
#include "core/shell_defs_json.h"
#include "core/shell_defs_prelude.h"
#include "core/shell_quote.h"
#include "core/trust_store.h"
#include "cli/pty_record.h"
#include "sandbox/host_run.h"
#include "sandbox/output_tee.h"
#include "sandbox/stderr_watch.h"
#include "sandbox/sandbox.h"

namespace vg::cli {
namespace {

struct ExecOptions {
  bool force_sandbox = false;
  bool force_host = false;
  bool review = false;                 // --review: the workspace copy-on-write (implies --sandbox)
  std::string runtime;
  std::optional<SecurityLevel> level;
  std::optional<NetworkMode> network;
  int timeout_seconds = -1;            // -1: not given
  bool verbose = false;
  bool via_shim = false;               // started by the exec shim (preload/) for an agent
  std::optional<bool> interactive;     // unset: detect
  bool record = false;                 // --record / --record-input
  bool record_input = false;
  bool shell_form = false;             // -c LINE
  std::string line;                    // -c LINE
  std::vector<std::string> argv;       // -- PROGRAM ARGS...
  std::string from_hook;               // --from-hook SHELL: a line a shell hook sent to the sandbox
  int last_status = 0;                 // --status N: the shell's $? before the line
};

// Parses exec's options; on a usage error prints it and returns false.
bool parse_exec_args(const Args& args, ExecOptions& o, bool& help) {
  size_t i = 0;
  auto value = [&](const std::string& a, std::string& out) {
    size_t eq = a.find('=');
    if (eq != std::string::npos) {
      out = a.substr(eq + 1);
      return true;
    }
    if (i + 1 >= args.size()) {
      print_error(fmt::format("{} needs a value; see 'vectra-guard help exec'.", a));
      return false;
    }
    out = args[++i];
    return true;
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a.substr(0, a.find('='));
    std::string v;
    if (a == "--") {
      o.argv.assign(args.begin() + i + 1, args.end());
      break;
    } else if (a == "-h" || a == "--help") {
      help = true;
      return true;
    } else if (a == "--sandbox") {
      o.force_sandbox = true;
    } else if (a == "--review") {
      o.review = true;
      o.force_sandbox = true;
    } else if (a == "--host") {
      o.force_host = true;
    } else if (a == "--verbose" || a == "-v") {
      o.verbose = true;
    } else if (a == "--interactive") {
      o.interactive = true;
    } else if (a == "--record") {
      o.record = true;
    } else if (a == "--record-input") {
      o.record = o.record_input = true;
    } else if (a == "--no-interactive") {
      o.interactive = false;
    } else if (a == "--via-shim") {
      o.via_shim = true;
      o.interactive = false;  // an exec inside a program: nobody to ask
    } else if (a == "-c") {
      if (i + 1 >= args.size()) {
        print_error("-c needs a shell line, e.g. vectra-guard exec -c 'make test'.");
        return false;
      }
      o.shell_form = true;
      o.line = args[++i];
      if (i + 1 < args.size()) {
        print_error("exec -c takes one shell line and nothing after it; quote the whole line.");
        return false;
      }
    } else if (name == "--from-hook") {
      if (!value(a, o.from_hook)) return false;
      if (o.from_hook != "bash" && o.from_hook != "zsh" && o.from_hook != "fish") {
        print_error(fmt::format("--from-hook takes bash, zsh or fish, not '{}'.", o.from_hook));
        return false;
      }
      o.force_sandbox = true;
    } else if (name == "--status") {
      if (!value(a, v)) return false;
      o.last_status = std::atoi(v.c_str()) & 255;
    } else if (name == "--runtime") {
      if (!value(a, o.runtime)) return false;
    } else if (name == "--security-level") {
      if (!value(a, v)) return false;
      o.level = parse_security_level(v);
      if (!o.level) {
        print_error(fmt::format("unknown security level '{}'; use permissive, balanced, strict or paranoid.", v));
        return false;
      }
    } else if (name == "--network") {
      if (!value(a, v)) return false;
      o.network = parse_network_mode(v);
      if (!o.network) {
        print_error(fmt::format("unknown network mode '{}'; use none, restricted or full.", v));
        return false;
      }
    } else if (name == "--timeout") {
      if (!value(a, v)) return false;
      char* end = nullptr;
      long t = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || t < 0 || t > 1000000) {
        print_error(fmt::format("--timeout needs whole seconds (0 = none), not '{}'.", v));
        return false;
      }
      o.timeout_seconds = static_cast<int>(t);
    } else if (!a.empty() && a[0] == '-') {
      print_error(fmt::format("exec: unknown option '{}'; see 'vectra-guard help exec'.", a));
      return false;
    } else {
      o.argv.assign(args.begin() + i, args.end());  // the program, without a `--`
      break;
    }
  }
  if (o.force_host && o.force_sandbox) {
    print_error(o.review ? "--host and --review contradict each other: a review run is a sandbox run."
                         : "--host and --sandbox contradict each other; give one of them.");
    return false;
  }
  if (!o.from_hook.empty() && !o.shell_form) {
    print_error("--from-hook needs the typed line as -c LINE.");
    return false;
  }
  if (o.shell_form == !o.argv.empty()) {
    print_error(o.shell_form ? "give either -c LINE or -- PROGRAM ARGS, not both."
                             : "nothing to run; use 'vectra-guard exec -- PROGRAM ARGS' or 'exec -c LINE'.");
    return false;
  }
  return true;
}

// A person can be asked: stdin and stderr are terminals and /dev/tty opens.
bool can_ask(const ExecOptions& o) {
  if (o.interactive == false) return false;
  if (o.interactive != true && !(isatty(STDIN_FILENO) && isatty(STDERR_FILENO))) return false;
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

bool is_trusted(const Analysis& analysis, const std::string& workspace) {
  std::string text = trust_text(analysis);
  if (text.empty()) return false;
  try {
    TrustStore store(TrustStore::default_path());
    return store.find(trust_key(text), workspace, std::time(nullptr)).has_value();
  } catch (const TrustError& e) {
    print_error(fmt::format("the trust store was not used: {}", e.what()));
    return false;
  }
}

// "Sandbox chosen: medium risk + networked install" -> "medium risk + networked install".
std::string why_text(const std::string& why) {
  size_t colon = why.find(": ");
  if (colon != std::string::npos && why.substr(0, colon).ends_with("chosen")) return why.substr(colon + 2);
  return why;
}

std::string without_final_period(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

void print_blocked(const Decision& d) {
  std::string reason = d.findings.empty() ? why_text(d.why) : d.findings.front().reason;
  std::string safer;
  for (const Finding& f : d.findings) {
    if (!f.alternative.empty()) {
      safer = f.alternative;
      break;
    }
  }
  std::fprintf(stderr, "⛔ Blocked: %s.\n", without_final_period(reason).c_str());
  if (!safer.empty()) std::fprintf(stderr, "   Safer: %s\n", safer.c_str());
}

// Printed by the runner once it knows runtime, level and limits, right before the start.
void print_sandbox_notice(int fd, const sandbox::Report& r, const Decision& d, bool verbose) {
  std::string text = sandbox::notice_line(r) + "\n";
  std::string why = why_text(d.why);
  if (!why.empty()) text += "   Why: " + why + "\n";
  if (verbose) text += sandbox::details_text(r);
  ssize_t ignored = write(fd, text.data(), text.size());
  (void)ignored;
}

// A hook's line: one line, as `[sandbox] notice` says (full | short | off).
void print_hook_notice(int fd, const sandbox::Report& r, const std::string& why, bool loses_state,
                       const std::string& style) {
  if (style == "off") return;
  std::string lost = loses_state ? " Its cd/export/alias changes stay in the sandbox." : "";
  std::string text = style == "short"
                         ? "📦 sandbox: " + without_final_period(why) + "." + lost + "\n"
                         : sandbox::notice_line(r) + " Why: " + without_final_period(why) + "." + lost + "\n";
  ssize_t ignored = write(fd, text.data(), text.size());
  (void)ignored;
}

// The typed line in the shell it was typed in, starting with the shell's `$?`
// (no startup files: the user's shell is already set up around it).
// The user's aliases and functions the line uses come first (core/shell_defs_prelude.h).
std::vector<std::string> hook_argv(const std::string& shell, int status, const std::string& line,
                                   const DefsRecord& defs) {
  std::string set_status = shell == "fish" ? fmt::format("function __vg_status; return {}; end; __vg_status\n", status)
                                           : fmt::format("(exit {})\n", status);
  if (status == 0) set_status.clear();
  std::string script = script_with_defs(shell, defs, set_status, line);
  if (shell == "fish") return {"fish", "--no-config", "-c", script};
  if (shell == "zsh") return {"zsh", "-f", "-c", script};
  return {"bash", "-c", script};
}

void print_host_notice(const Decision& d) {
  std::fprintf(stderr, "🖥  Running on host (%s risk).\n", std::string(to_string(d.risk)).c_str());
  std::string why = why_text(d.why);
  if (!why.empty()) std::fprintf(stderr, "   Why: %s\n", why.c_str());
}

long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now() - since).count();
}

// The log is evidence, not a gate: failing to write it is said once, the command's
// status stays what it was.
void record(const AuditEvent& ev) {
  std::string error;
  if (!append_audit_event(state_dir(), ev, &error)) {
    print_error(fmt::format("the audit log was not written: {}.", without_final_period(error)));
  }
}

}  // namespace

int cmd_exec(const Global& g, const Args& args) {
  ExecOptions o;
  bool help = false;
  if (!parse_exec_args(args, o, help)) return kExitError;
  if (help) {
    print_help("exec");
    return kExitOk;
  }

  if (o.via_shim) {
    // The shim's marker is for this process only; the command gets the shim back
    // (LD_PRELOAD stays) and a note that this very exec was judged, so the shell it
    // may start (BASH_ENV, zshenv) does not judge its -c string a second time.
    unsetenv("VG_VIA_SHIM");
    setenv("VG_EXEC_CHECKED", fmt::format("parent:{}", getpid()).c_str(), 1);
  }
  AnalyzeContext ctx = current_context();
  // A line a shell hook sent to the sandbox: with a broken config the hook judged it with
  // the built-in defaults and said so once; run it the same way rather than fail each line.
  const char* from_hook = std::getenv("VG_FROM_HOOK");
  const bool hook_route = !o.from_hook.empty() ||
                          (o.force_sandbox && from_hook && std::string_view(from_hook) == "1");
  unsetenv("VG_FROM_HOOK");
  std::optional<Config> config;
  if (hook_route) {
    try {
      config = load_config_for(g.config_file, ctx);
    } catch (const ConfigError& e) {
      config = config_without_broken(g.config_file, ctx.workspace, e);
    }
  } else {
    config = load_cli_config(g.config_file, ctx);
  }
  if (!config) return o.via_shim ? kExitBlocked : kExitError;

  const std::string line = o.shell_form ? o.line : shell_join(o.argv);
  const std::vector<std::string> argv =
      o.shell_form ? std::vector<std::string>{"/bin/sh", "-c", o.line} : o.argv;

  Analysis analysis = analyze(line, ctx);
  DecideContext dctx;
  dctx.interactive = can_ask(o);
  dctx.force_sandbox = o.force_sandbox;
  dctx.force_host = o.force_host;
  dctx.trusted = is_trusted(analysis, ctx.workspace);
  Decision decision = decide(analysis, *config, dctx);
  bool loses_state = false;
  std::vector<std::string> run_argv = argv;
  if (!o.from_hook.empty()) {
    // The shell's definitions the hook looked up (its `defs:` answer line): judged with
    // them as the hook did, and defined again in the sandbox's shell. The command itself
    // does not get them.
    std::optional<RecordedDefinitions> defs;
    if (const char* env = std::getenv("VG_HOOK_DEFS")) {
      DefsRecord rec;
      std::string error;
      if (*env != '\0' && !defs_from_json(env, rec, &error)) {
        print_error(fmt::format("the shell's definitions in $VG_HOOK_DEFS could not be read ({}); the line was not run.", error));
        return kExitBlocked;
      }
      defs.emplace(std::move(rec));
      unsetenv("VG_HOOK_DEFS");
    }
    // The hook already decided on the sandbox; the record and the notice give the
    // evaluator's own reason, as the hook saw it, not "forced with --sandbox".
    HookEvaluation hev = hook_evaluate(g.config_file, line, true, o.from_hook, defs ? &*defs : nullptr);
    const Decision& hd = hev.result.decision;
    std::string why = hd.why;
    if (hd.action == Action::Prompt) why = "you chose the sandbox at the prompt (" + why_text(hd.why) + ")";
    if (hd.action == Action::Host) why = "sent here by the shell hook (" + why_text(hd.why) + ")";
    decision.why = why;
    decision.findings = hd.findings;
    decision.risk = std::max(decision.risk, hd.risk);
    // What the line runs through an alias or function may be worse than the line.
    if (hev.result.action == HookAction::Block) decision.action = Action::Block;
    loses_state = hev.result.loses_shell_state;
    run_argv = hook_argv(o.from_hook, o.last_status, line, defs ? defs->record() : DefsRecord{});
  }

  AuditEvent ev;
  ev.session = current_session_id();
  if (const char* agent = std::getenv("VG_AGENT")) ev.agent = agent;
  ev.source = o.via_shim ? "shim" : !o.from_hook.empty() ? "hook " + o.from_hook : "exec";
  ev.cwd = ctx.cwd;
  ev.command = line;
  ev.risk = decision.risk;
  for (const Finding& f : decision.findings) ev.findings.push_back({f.rule, f.severity});
  ev.decision = std::string(to_string(decision.action));
  ev.why = decision.why;
  ev.runtime = "none";

  Action action = decision.action;
  bool chosen_at_prompt = false;
  if (action == Action::Prompt) {
    std::vector<std::string> notes;
    if (config->review != Review::Never)
      notes.push_back("In the sandbox the project is copy-on-write: changes are kept for review.");
    Reply a = ask_to_run(line, decision, can_remember(analysis, decision), notes);
    ev.answer = a == Reply::Sandbox ? "sandbox" : a == Reply::No ? "no" : "host";
    if (a == Reply::No) {
      std::fputs("⛔ Not run: you answered no.\n", stderr);
      ev.exit_code = kExitBlocked;
      record(ev);
      return kExitBlocked;
    }
    if (a == Reply::Remember) {
      std::string notice;
      remember_line(analysis, decision, ctx.workspace, notice);
      std::fprintf(stderr, "%s\n", notice.c_str());
    }
    action = a == Reply::Sandbox ? Action::Sandbox : Action::Host;
    chosen_at_prompt = action == Action::Sandbox;
  }
  if (action == Action::Block) {
    if (o.via_shim) {
      // One line: it lands in the middle of some other program's output.
      std::string shown = line.size() > 160 ? line.substr(0, 157) + "..." : line;
      std::string reason = decision.findings.empty() ? why_text(decision.why) : decision.findings.front().reason;
      std::fprintf(stderr, "⛔ vectra-guard blocked %s: %s.\n", shown.c_str(), without_final_period(reason).c_str());
    } else {
      print_blocked(decision);
      // exec obeys no VG_DISABLE=1 prefix: only trust or allow can let it through.
      std::string hint = escape_hint(line, analysis, decision, false);
      if (!hint.empty()) std::fprintf(stderr, "   %s\n", hint.c_str());
    }
    ev.exit_code = kExitBlocked;
    record(ev);
    return kExitBlocked;
  }

  // In an agent session the sandbox cannot start here (Landlock and the exec filter);
  // the session's broker runs it, judged again with the session's policy, and records it.
  if (action == Action::Sandbox && broker_runs_sandbox()) {
    BrokerRunRequest r;
    r.argv = o.shell_form ? std::vector<std::string>{o.line} : o.argv;
    r.shell_form = o.shell_form;
    r.via_shim = o.via_shim;
    r.review = o.review;
    r.verbose = o.verbose;
    r.timeout_seconds = o.timeout_seconds;
    int code = 0;
    std::string error;
    if (run_through_broker(r, &code, &error)) return code;
    print_error(fmt::format("the sandbox could not start: {}; the command was not run.", error));
    ev.exit_code = kExitSandboxFailed;
    record(ev);
    return kExitSandboxFailed;
  }

  sandbox::Request req;
  if (action == Action::Sandbox) {
    req.argv = run_argv;
    req.pass_exported = !o.from_hook.empty();
    req.cwd = ctx.cwd;
    req.workspace = ctx.workspace;
    req.level = o.level;
    req.network = o.network;
    req.runtime = o.runtime;
    req.timeout_seconds = o.timeout_seconds;
    req.verbose = o.verbose;
    req.command_line = line;
    req.review_reason = review_reason(config->review, analysis, chosen_at_prompt, o.review);
  } else if (o.verbose || (decision.risk != Severity::Low && !o.via_shim)) {
    print_host_notice(decision);
  }

  // After any prompt, so the question and answer stay out of the recording.
  if (o.record || config->record == Record::All) record_this_run(*config, line, o.record_input);

  // Capture only when configured: it puts pipes where the terminal was.
  std::optional<sandbox::OutputTee> tee;
  if (config->log_output) {
    std::string error;
    tee.emplace(kAuditOutputCap);
    if (!tee->start(&error)) {
      print_error(fmt::format("output is not captured for the audit log: {}.", error));
      tee.reset();
    }
  }

  if (action == Action::Sandbox) {
    const int notice_fd = tee ? tee->notice_fd() : STDERR_FILENO;
    req.before_start = [&, notice_fd](const sandbox::Report& r) {
      if (!o.from_hook.empty() && !o.verbose)
        print_hook_notice(notice_fd, r, why_text(decision.why), loses_state, config->notice);
      else if (config->notice != "off" || o.verbose)
        print_sandbox_notice(notice_fd, r, decision, o.verbose);
    };
  }

  // A sandboxed command's stderr is watched for a path under $HOME that is read-only or
  // missing there (sandbox/stderr_watch.h); with log_output the capture is looked at instead.
  const char* home_env = std::getenv("HOME");
  const std::string home = home_env && *home_env == '/' ? std::string(home_env) : "";
  std::optional<sandbox::StderrWatch> watch;
  if (action == Action::Sandbox && !tee && !home.empty()) {
    watch.emplace(home);
    if (!watch->start()) watch.reset();
  }

  std::string home_hint;
  auto started = std::chrono::steady_clock::now();
  int status = 0;
  std::string run_error;
  sandbox::Report report;
  if (action == Action::Sandbox) {
    status = sandbox::run(req, *config, report);
    std::optional<sandbox::HomePathProblem> problem;
    if (watch) {
      watch->finish();
      problem = watch->problem();
    } else if (tee) {
      problem = sandbox::find_home_path_problem(tee->captured(), home);
    }
    if (problem && status != 0 && run_error.empty() && report.error.empty())
      home_hint = sandbox::home_path_hint(*problem, home, report.runtime);
    run_error = report.error;
    ev.runtime = report.runtime.empty() ? "none" : report.runtime;
    ev.security_level = report.level;
    ev.network = report.network;
    ev.caches = report.caches;
    ev.network_blocked = report.network_blocked;
    ev.quarantined = report.quarantined;
    ev.change_set = report.change_set;
  } else {
    sandbox::HostRun host;
    host.argv = argv;
    host.timeout_seconds = o.timeout_seconds > 0 ? o.timeout_seconds : 0;
    status = sandbox::host_run(host, &run_error);
    ev.runtime = "host";
  }
  ev.duration_ms = elapsed_ms(started);
  if (tee) {
    tee->finish();
    ev.has_output = true;
    ev.output = tee->captured();
    ev.output_truncated = tee->truncated();
  }

  if (action == Action::Sandbox && !run_error.empty()) {
    // Never fall back to the host: say why and stop.
    print_error(fmt::format("the sandbox could not start: {}.", without_final_period(run_error)));
    status = kExitSandboxFailed;
    ev.runtime = "none";
  } else if (!run_error.empty()) {
    print_error(run_error);
  }
  if (!home_hint.empty()) std::fprintf(stderr, "%s\n", home_hint.c_str());
  ev.exit_code = status;
  record(ev);
  return status;
}

}  // namespace vg::cli
