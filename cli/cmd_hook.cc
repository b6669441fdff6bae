// `vectra-guard hook SHELL -- LINE`: the shell hooks' one call per typed line.
// Answers on stdout: the first line is the verdict (run | sandbox | block | incomplete),
// any further lines are a notice the hook prints on stderr when it carries the verdict
// out. Questions go to /dev/tty, never to the command's stdin.
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hook_agents.h"
#include "cli/output.h"
#include "core/audit_log.h"
#include "core/config.h"
#include "core/session.h"
#include "core/shell_hook.h"
#include "core/trust_store.h"

namespace vg::cli {
namespace {

struct HookOptions {
  std::string shell;
  std::string line;
  bool final = false;
  bool have_line = false;
  bool serve = false;  // answer many lines on stdin (the bash hook's coprocess)
};

bool parse_hook_args(const Args& args, HookOptions& o, bool& help) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      help = true;
      return true;
    } else if (a == "--final") {
      o.final = true;
    } else if (a == "--serve") {
      o.serve = true;
    } else if (a == "--") {
      if (i + 2 != args.size()) {
        print_error("hook takes exactly one line after '--'; quote it as one argument.");
        return false;
      }
      o.line = args[i + 1];
      o.have_line = true;
      break;
    } else if (o.shell.empty() && !a.empty() && a[0] != '-') {
      o.shell = a;
    } else {
      print_error(fmt::format("hook: unexpected argument '{}'; see 'vectra-guard help hook'.", a));
      return false;
    }
  }
  return true;
}

std::string strip_period(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string block_message(const HookResult& r) {
  std::string reason, safer;
  for (const Finding& f : r.decision.findings) {
    if (reason.empty()) reason = f.reason;
    if (safer.empty() && !f.alternative.empty()) safer = f.alternative;
  }
  if (reason.empty()) reason = r.decision.why;
  std::string msg = fmt::format("⛔ Blocked by vectra-guard: {}.", strip_period(reason));
  if (!safer.empty()) msg += fmt::format("\n   Safer: {}", safer);
  return msg;
}

bool can_ask() {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

enum class Reply { Once, Remember, Sandbox, No };

// Reads one answer line from the terminal in cooked mode (the shell's line editor
// left it raw), with a timeout; the terminal settings are restored afterwards.
Reply ask(const std::string& line, const HookResult& r, bool can_remember) {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Reply::No;
  std::string q = fmt::format("\n⚠️  vectra-guard: {} risk: {}\n", to_string(r.decision.risk), line);
  for (const Finding& f : r.decision.findings) q += fmt::format("   - {}\n", strip_period(f.reason));
  q += can_remember ? "   Run it? [y] once, [r] and remember, [s] in the sandbox, [N] no: "
                    : "   Run it? [y] once, [s] in the sandbox, [N] no: ";
  (void)!::write(fd, q.data(), q.size());

  termios saved{};
  bool have_saved = ::tcgetattr(fd, &saved) == 0;
  if (have_saved) {
    termios cooked = saved;
    cooked.c_lflag |= ICANON | ECHO | ECHONL;
    cooked.c_iflag |= ICRNL;
    ::tcsetattr(fd, TCSANOW, &cooked);
  }
  int timeout_s = 120;
  if (const char* t = std::getenv("VG_PROMPT_TIMEOUT")) timeout_s = std::atoi(t) > 0 ? std::atoi(t) : 120;
  std::string answer;
  pollfd p{fd, POLLIN, 0};
  bool timed_out = false;
  if (::poll(&p, 1, timeout_s * 1000) == 1) {
    char buf[64];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) answer.assign(buf, size_t(n));
  } else {
    timed_out = true;
  }
  if (have_saved) ::tcsetattr(fd, TCSANOW, &saved);
  if (timed_out) (void)!::write(fd, "\n", 1);
  ::close(fd);

  char c = answer.empty() ? 'n' : char(answer[answer.find_first_not_of(" \t") == std::string::npos
                                                  ? 0
                                                  : answer.find_first_not_of(" \t")]);
  switch (c) {
    case 'y': case 'Y': return Reply::Once;
    case 'r': case 'R': return can_remember ? Reply::Remember : Reply::Once;
    case 's': case 'S': return Reply::Sandbox;
    default: return Reply::No;
  }
}

// Remember the line in the trust store for this workspace; false with a notice when it
// cannot be (critical, unparseable, or the store is unusable).
bool remember(const HookResult& r, const AnalyzeContext& ctx, std::string& notice) {
  std::string text = trust_text(r.analysis);
  if (text.empty() || r.decision.risk == Severity::Critical) {
    notice = "vectra-guard: this command cannot be remembered; it ran once.";
    return false;
  }
  TrustEntry e;
  e.command = text;
  e.key = trust_key(text);
  e.created = std::time(nullptr);
  e.scope = ctx.workspace;
  e.note = "remembered at a prompt";
  try {
    TrustStore(TrustStore::default_path()).add(e);
  } catch (const TrustError& err) {
    notice = fmt::format("vectra-guard: not remembered: {}", err.what());
    return false;
  }
  return true;
}

bool line_trusted(const Analysis& analysis, const AnalyzeContext& ctx, std::string& notice) {
  std::string text = trust_text(analysis);
  if (text.empty()) return false;
  try {
    return TrustStore(TrustStore::default_path())
        .find(trust_key(text), ctx.workspace, std::time(nullptr))
        .has_value();
  } catch (const TrustError& e) {
    notice = fmt::format("vectra-guard: the trust store was not used: {}", e.what());
    return false;
  }
}

void record(const std::string& shell, const std::string& line, const AnalyzeContext& ctx,
            const HookResult& r, const std::string& answer, const std::string& runtime) {
  AuditEvent ev;
  ev.session = current_session_id();
  if (const char* agent = std::getenv("VG_AGENT")) ev.agent = agent;
  ev.source = "hook " + shell;
  ev.cwd = ctx.cwd;
  ev.command = line;
  ev.risk = r.decision.risk;
  for (const Finding& f : r.decision.findings) ev.findings.push_back({f.rule, f.severity});
  ev.decision = std::string(to_string(r.decision.action));
  ev.answer = answer;
  ev.why = r.decision.why;
  ev.runtime = runtime;
  // The shell runs host lines itself; their exit status is not seen here.
  ev.exit_code = runtime == "none" ? kExitBlocked : -1;
  std::string error;
  if (!append_audit_event(state_dir(), ev, &error)) {
    print_error(fmt::format("the audit log was not written: {}", error));
  }
}


// The hook's answer for one line: "VERDICT\n" then notice lines. can_prompt is false
// in the coprocess (a background process must not read the terminal): a line that
// would ask is answered "ask", and the shell asks through a one-shot call.
std::string answer(const Global& g, const std::string& shell, const std::string& line, bool final,
                   bool can_prompt) {
  AnalyzeContext ctx = current_context();
  std::string notice;
  Config config;
  try {
    config = load_config_for(g.config_file, ctx);
  } catch (const ConfigError& e) {
    // Keep guarding with the built-in (strictest-mode) defaults rather than stop the shell.
    notice = fmt::format("vectra-guard: {} (built-in defaults used)", e.what());
  }

  HookInput in;
  in.line = line;
  in.final = final;
  in.interactive = can_ask();
  in.agent = std::getenv("VG_AGENT") != nullptr && *std::getenv("VG_AGENT") != '\0';
  HookResult r = evaluate_hook_line(in, config, ctx);
  if (r.action == HookAction::Incomplete) return "incomplete\n";
  if (r.action == HookAction::Ask || r.action == HookAction::Sandbox) {
    // Only now is the trust store worth reading: a trusted line runs on the host.
    std::string trust_notice;
    in.trusted = line_trusted(r.analysis, ctx, trust_notice);
    if (!trust_notice.empty()) notice += (notice.empty() ? "" : "\n") + trust_notice;
    if (in.trusted) r = evaluate_hook_line(in, config, ctx);
  }

  if (r.action == HookAction::Ask && !can_prompt) return "ask\n";
  std::string reply;
  if (r.action == HookAction::Ask) {
    bool can_remember = r.decision.risk != Severity::Critical && !trust_text(r.analysis).empty();
    switch (ask(line, r, can_remember)) {
      case Reply::Once: r.action = HookAction::Run; reply = "host"; break;
      case Reply::Remember: {
        r.action = HookAction::Run;
        reply = "host";
        std::string n;
        if (remember(r, ctx, n)) n = "vectra-guard: remembered; it will run without asking here.";
        notice += (notice.empty() ? "" : "\n") + n;
        break;
      }
      case Reply::Sandbox: r.action = HookAction::Sandbox; reply = "sandbox"; break;
      case Reply::No: r.action = HookAction::Block; reply = "no"; break;
    }
  }

  std::string out;
  switch (r.action) {
    case HookAction::Run:
      out = "run\n";
      if (r.disabled) notice += (notice.empty() ? "" : "\n") + std::string("⚠️  vectra-guard disabled for this command (VG_DISABLE=1); it is logged.");
      record(shell, line, ctx, r, reply, "host");
      break;
    case HookAction::Sandbox:
      out = "sandbox\n";
      if (r.loses_shell_state) {
        notice += (notice.empty() ? "" : "\n") +
                  std::string("vectra-guard: this line runs in the sandbox, so its cd/export/source "
                              "changes will not reach this shell.");
      }
      break;  // `exec --sandbox` records the run
    case HookAction::Block:
    default:
      out = "block\n";
      notice += (notice.empty() ? "" : "\n") +
                (reply == "no" ? std::string("⛔ Not run: you answered no.") : block_message(r));
      record(shell, line, ctx, r, reply, "none");
      break;
  }
  if (!notice.empty()) out += notice + "\n";
  return out;
}

// Coprocess mode: requests are FINAL\0CWD\0LINE\0 on stdin ("1"/"0" for --final), each
// answered by answer()'s text and a NUL. One process per shell instead of one per line.
int serve(const Global& g, const std::string& shell) {
  std::string final, cwd, line;
  auto field = [](std::string& out) {
    out.clear();
    int c;
    while ((c = std::getchar()) != EOF && c != '\0') out += char(c);
    return c != EOF;
  };
  while (field(final) && field(cwd) && field(line)) {
    std::string out;
    if (::chdir(cwd.c_str()) != 0) {
      out = "block\nvectra-guard: cannot enter " + cwd + "; the line was not run.\n";
    } else {
      setenv("PWD", cwd.c_str(), 1);
      out = answer(g, shell, line, final == "1", false);
    }
    out += '\0';
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  return kExitOk;
}


}  // namespace

int cmd_hook(const Global& g, const Args& args) {
  // Agent adapters (claude-code, cursor) live in cli/hook_agents.cc (issue 5): JSON on stdin.
  if (!args.empty() && args[0] == "claude-code") return hook_claude_code(g);
  if (!args.empty() && args[0] == "cursor") return hook_cursor(g);
  HookOptions o;
  bool help = false;
  if (!parse_hook_args(args, o, help)) return kExitError;
  if (help) {
    print_help("hook");
    return kExitOk;
  }
  if (o.shell != "bash" && o.shell != "zsh" && o.shell != "fish") {
    print_error("hook needs a shell or agent: vectra-guard hook bash|zsh|fish -- LINE, or hook claude-code|cursor < event.json.");
    return kExitError;
  }
  if (!o.have_line && !o.serve) {
    print_error("hook needs the line after '--': vectra-guard hook bash -- 'ls -la'.");
    return kExitError;
  }

  if (o.serve) return serve(g, o.shell);
  std::string out = answer(g, o.shell, o.line, o.final, true);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace vg::cli
