#include "core/hook_answer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "core/audit_log.h"
#include "core/config.h"
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
    std::fprintf(stderr, "vectra-guard: the audit log was not written: %s\n", error.c_str());
  }
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
                             const std::string& shell) {
  HookEvaluation ev;
  ev.ctx = current_context();
  Config config;
  try {
    config = load_config_for(extra_config, ev.ctx);
  } catch (const ConfigError& e) {
    // Keep guarding with the built-in (strictest-mode) defaults rather than stop the shell.
    ev.notice = fmt::format("vectra-guard: {} (built-in defaults used)", e.what());
  }

  HookInput in;
  in.line = line;
  in.final = final;
  in.fish = shell == "fish";
  in.interactive = terminal_present();
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
      return "ask\n";
    case HookAction::Run:
      out = "run\n";
      if (r.disabled) {
        add_notice(ev.notice,
                   "⚠️  vectra-guard disabled for this command (VG_DISABLE=1); it is logged.");
      }
      record(shell, line, ev.ctx, r, reply, "host");
      break;
    case HookAction::Sandbox:
      out = "sandbox\n";
      if (r.loses_shell_state) {
        add_notice(ev.notice,
                   "vectra-guard: this line runs in the sandbox, so its cd/export/source "
                   "changes will not reach this shell.");
      }
      break;  // `exec --sandbox` records the run
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
  if (!ev.notice.empty()) out += ev.notice + "\n";
  return out;
}

std::string hook_answer_line(const std::string& extra_config, const std::string& shell,
                             const std::string& line, bool final) {
  HookEvaluation ev = hook_evaluate(extra_config, line, final, shell);
  return hook_finish(shell, line, ev, "");
}

}  // namespace vg
