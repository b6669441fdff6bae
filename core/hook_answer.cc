#include "core/hook_answer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "core/audit_log.h"
#include "core/config.h"
#include "core/config_notice.h"
#include "core/escape_hint.h"
#include "core/session.h"
#include "core/trust_store.h"

namespace vg {
namespace {

constexpr int kExitBlocked = 126;  // same value as the CLI's exit code for a refused line

bool terminal_present() {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
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

// 16 hex digits from the kernel's random pool: a record id (start/end pairs).
std::string new_record_id() {
  unsigned char b[8] = {};
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    (void)!::read(fd, b, sizeof b);
    ::close(fd);
  }
  std::string id;
  for (unsigned char c : b) id += fmt::format("{:02x}", c);
  return id;
}

bool in_sandbox() {
  const char* s = std::getenv("VG_SANDBOX");
  return s && *s == '1';
}

// Returns the record's id for a host line (its end record follows from the shell).
std::string record(const std::string& shell, const std::string& line, const AnalyzeContext& ctx,
                   const HookResult& r, const std::string& answer, const std::string& runtime) {
  AuditEvent ev;
  ev.session = current_session_id();
  if (const char* agent = std::getenv("VG_AGENT")) ev.agent = agent;
  ev.source = "hook " + shell;
  ev.cwd = ctx.cwd;
  ev.command = line;
  ev.risk = r.decision.risk;
  for (const Finding& f : r.decision.findings) ev.findings.push_back({f.rule, f.severity});
  // What was carried out: a line the shell runs itself is "host" whatever the mode said.
  ev.decision = runtime == "host" ? "host" : std::string(to_string(r.decision.action));
  ev.answer = answer;
  ev.why = r.decision.why;
  if (r.own_cli) ev.why = "vectra-guard's own command (it judges itself) or a new hooked shell: run by the shell.";
  else if (runtime == "host" && r.decision.action == Action::Sandbox)
    ev.why = "Shell builtins only (cd, export, ...): run by the shell itself.";
  ev.runtime = runtime;
  // Host lines: the shell reports the status at its next prompt (an "end" record).
  ev.exit_code = runtime == "none" ? kExitBlocked : -1;
  if (runtime == "host") {
    ev.id = new_record_id();
    ev.phase = "start";
  }
  std::string error;
  // Inside a sandbox the state directory is hidden: the record cannot be written there.
  if (!append_audit_event(state_dir(), ev, &error)) {
    if (!in_sandbox()) std::fprintf(stderr, "vectra-guard: the audit log was not written: %s\n", error.c_str());
    return "";
  }
  return ev.id;
}

void add_notice(std::string& notice, const std::string& more) {
  if (more.empty()) return;
  notice += (notice.empty() ? "" : "\n") + more;
}

}  // namespace

std::string hook_strip_period(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string hook_block_message(const HookResult& r) {
  std::string reason, safer;
  for (const Finding& f : r.decision.findings) {
    if (reason.empty()) reason = f.reason;
    if (safer.empty() && !f.alternative.empty()) safer = f.alternative;
  }
  if (reason.empty()) reason = r.decision.why;
  std::string msg = fmt::format("⛔ Blocked by vectra-guard: {}.", hook_strip_period(reason));
  if (!safer.empty()) msg += fmt::format("\n   Safer: {}", safer);
  return msg;
}

HookEvaluation hook_evaluate(const std::string& extra_config, const std::string& line, bool final,
                             const std::string& shell, const ShellDefinitions* defs) {
  HookEvaluation ev;
  ev.ctx = current_context();
  Config config;
  try {
    config = load_config_for(extra_config, ev.ctx);
  } catch (const ConfigError& e) {
    // Keep guarding without that file rather than stop the shell (fail safe, not fail
    // dead); a sandboxed line's `exec` does the same (VG_FROM_HOOK, cmd_exec.cc).
    ev.notice = config_error_notice_once(e);
    config = config_without_broken(extra_config, ev.ctx.workspace, e);
  }
  // An interactive shell runs low-risk lines on the host unless a config chose a mode:
  // sandboxing `ls` or `cd` loses $?, variables and the shell's own state for nothing.
  if (!config.mode_set) config.mode = Mode::Auto;

  HookInput in;
  in.line = line;
  in.final = final;
  in.fish = shell == "fish";
  in.zsh = shell == "zsh";
  in.interactive = terminal_present();
  in.in_sandbox = in_sandbox();
  std::optional<RecordingDefinitions> recording;
  if (defs) in.defs = &recording.emplace(*defs, ev.looked_up);
  const char* agent = std::getenv("VG_AGENT");
  // In an agent session VG_DISABLE=1 counts only when the user's config allows it.
  in.agent = agent != nullptr && *agent != '\0' && !config.agent_allow_disable;
  ev.result = evaluate_hook_line(in, config, ev.ctx);
  ev.disable_honoured = in.honor_disable && !in.agent && in.interactive;
  HookAction a = ev.result.action;
  if (a == HookAction::Ask || a == HookAction::Sandbox) {
    // Only now is the trust store worth reading: a trusted line runs on the host.
    std::string trust_notice;
    in.trusted = line_trusted(ev.result.analysis, ev.ctx, trust_notice);
    add_notice(ev.notice, trust_notice);
    if (in.trusted) ev.result = evaluate_hook_line(in, config, ev.ctx);
  }
  return ev;
}

std::string hook_finish(const std::string& shell, const std::string& line, HookEvaluation& ev,
                        const std::string& reply) {
  const HookResult& r = ev.result;
  std::string out;
  switch (r.action) {
    case HookAction::Incomplete:
      return "incomplete\n";
    case HookAction::Ask:
      return ev.looked_up.empty() ? "ask\n" : "ask\ndefs:" + defs_to_json(ev.looked_up) + "\n";
    case HookAction::Run: {
      if (r.disabled) {
        add_notice(ev.notice,
                   "⚠️  vectra-guard disabled for this line (VG_DISABLE=1); it is logged.");
      }
      std::string id = record(shell, line, ev.ctx, r, reply, "host");
      out = id.empty() ? "run\n" : "run\t" + id + "\n";
      break;
    }
    case HookAction::Sandbox:
      out = "sandbox\n";
      if (!ev.looked_up.empty()) out += "defs:" + defs_to_json(ev.looked_up) + "\n";
      // `exec --sandbox --from-hook` prints the one notice line and records the run.
      break;
    case HookAction::Block:
    default:
      out = "block\n";
      add_notice(ev.notice, reply == "no" ? std::string("⛔ Not run: you answered no.")
                                          : hook_block_message(r));
      if (reply != "no") {
        std::string hint = escape_hint(line, r.analysis, r.decision, ev.disable_honoured);
        if (!hint.empty()) add_notice(ev.notice, "   " + hint);
      }
      record(shell, line, ev.ctx, r, reply, "none");
      break;
  }
  if (r.disable_refused && !r.disabled && r.action != HookAction::Block) {
    add_notice(ev.notice,
               "vectra-guard: VG_DISABLE=1 covers one command or one pipeline, not a list; this line was checked as usual.");
  }
  if (!ev.notice.empty()) out += ev.notice + "\n";
  return out;
}

bool hook_record_end(const std::string& ref, int status, long long duration_ms) {
  std::string error;
  if (ref.empty()) return false;
  if (!append_audit_end(state_dir(), current_session_id(), ref, status, duration_ms, &error)) {
    if (!in_sandbox()) std::fprintf(stderr, "vectra-guard: the audit log was not written: %s\n", error.c_str());
    return false;
  }
  return true;
}

bool hook_record_toggle(const std::string& extra_config, const std::string& shell, bool off,
                        std::string* refusal) {
  AuditEvent ev;
  ev.session = current_session_id();
  ev.source = "hook " + shell;
  AnalyzeContext ctx = current_context();
  ev.cwd = ctx.cwd;
  ev.command = off ? "vectra-guard off" : "vectra-guard on";
  ev.decision = "host";
  ev.runtime = "host";
  ev.why = off ? "The guard was turned off for this shell until 'vectra-guard on'."
               : "The guard was turned back on for this shell.";
  bool allowed = true;
  const char* agent = std::getenv("VG_AGENT");
  if (agent) ev.agent = agent;
  if (off && agent && *agent) {
    bool allow_disable = false;
    try {
      allow_disable = load_config_for(extra_config, ctx).agent_allow_disable;
    } catch (const ConfigError&) {
      allow_disable = false;  // a broken config permits nothing
    }
    if (!allow_disable) {
      allowed = false;
      ev.decision = "block";
      ev.runtime = "none";
      ev.exit_code = kExitBlocked;
      ev.why = "'vectra-guard off' is refused in an agent session ($VG_AGENT is set); set allow_disable = true under [agent] in the config to permit it.";
      if (refusal) *refusal = "vectra-guard: " + ev.why;
    }
  }
  std::string error;
  if (!append_audit_event(state_dir(), ev, &error) && !in_sandbox())
    std::fprintf(stderr, "vectra-guard: the audit log was not written: %s\n", error.c_str());
  return allowed;
}

std::string hook_answer_refused(const std::string& shell, const std::string& line, const std::string& why) {
  AnalyzeContext ctx = current_context();
  HookResult r;
  r.action = HookAction::Block;
  r.decision.action = Action::Block;
  r.decision.risk = Severity::Critical;
  r.decision.why = why;
  record(shell, line, ctx, r, "", "none");
  return "block\n" + hook_block_message(r) + "\n";
}

std::string hook_answer_line(const std::string& extra_config, const std::string& shell,
                             const std::string& line, bool final, const ShellDefinitions* defs) {
  HookEvaluation ev = hook_evaluate(extra_config, line, final, shell, defs);
  return hook_finish(shell, line, ev, "");
}

}  // namespace vg
