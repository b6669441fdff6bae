#include "cli/hook_agents.h"
#include "core/shell_hook.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/exec_guard.h"
#include "cli/output.h"
#include "core/audit_log.h"
#include "core/session.h"
#include "core/shell_parse.h"
#include "core/shell_quote.h"
#include "core/trust_store.h"

namespace vg::cli {
namespace {

using nlohmann::json;

std::string without_final_period(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ' || s.back() == '\n')) s.pop_back();
  return s;
}

// `held`: the broker's entries, read once at its start; nullptr reads the file now.
bool trusted(const Analysis& analysis, const std::string& workspace, const std::vector<TrustEntry>* held) {
  std::string text = trust_text(analysis);
  if (text.empty()) return false;
  if (held) {
    std::string key = trust_key(text);
    for (const TrustEntry& e : *held) {
      if (e.key == key && e.applies_to(workspace) && !e.expired(std::time(nullptr))) return true;
    }
    return false;
  }
  try {
    return TrustStore(TrustStore::default_path())
        .find(trust_key(text), workspace, std::time(nullptr))
        .has_value();
  } catch (const TrustError&) {
    return false;  // an unreadable trust store trusts nothing
  }
}

std::string read_all_stdin() {
  std::string in((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return in;
}

// Run the evaluation from the agent's working directory when it names one.
void enter_cwd(const json& event) {
  auto it = event.find("cwd");
  if (it != event.end() && it->is_string()) {
    std::string cwd = it->get<std::string>();
    if (!cwd.empty() && chdir(cwd.c_str()) == 0) setenv("PWD", cwd.c_str(), 1);
  }
}

// Codex sends argv arrays: ["bash", "-lc", "CMD"] is CMD; anything else is joined.
std::string command_from(const json& c) {
  if (c.is_string()) return c.get<std::string>();
  std::vector<std::string> argv;
  for (const json& w : c) argv.push_back(w.get<std::string>());  // throws on non-strings
  if (argv.size() == 3 && (argv[1] == "-c" || argv[1] == "-lc")) {
    std::string sh = argv[0].substr(argv[0].rfind('/') + 1);
    if (sh == "bash" || sh == "sh" || sh == "zsh" || sh == "dash") return argv[2];
  }
  return shell_join(argv);
}

}  // namespace

std::string self_binary() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "vectra-guard";
  return std::string(buf, static_cast<size_t>(n));
}

AgentVerdict evaluate_agent_command(const Global& g, const std::string& command, bool can_ask) {
  AnalyzeContext ctx = current_context();
  std::optional<Config> config = load_cli_config(g.config_file, ctx);
  if (!config) {
    AgentVerdict v;
    v.command = command;
    v.config_error = true;
    v.action = Action::Block;
    v.decision.action = Action::Block;
    v.decision.why = "the configuration could not be read, so nothing runs until it is fixed";
    return v;
  }
  return evaluate_agent_command_with(*config, ctx, nullptr, command, can_ask);
}

AgentVerdict evaluate_agent_command_with(const Config& config, const AnalyzeContext& ctx,
                                         const std::vector<TrustEntry>* trust, const std::string& command,
                                         bool can_ask) {
  AgentVerdict v;
  v.command = command;
  v.auto_approve = config.agent_auto_approve;
  v.analysis = analyze(command, ctx);
  // `VG_DISABLE=1 cmd` is for people at a terminal; agents get it only when the user's
  // own config says so (the workspace file cannot turn it on). It is recorded.
  if (config.agent_allow_disable && has_disable_prefix(command)) {
    v.decision.action = Action::Host;
    v.decision.risk = v.analysis.risk;
    v.decision.findings = v.analysis.findings;
    v.decision.why = "Guard disabled for this command by VG_DISABLE=1 ([agent] allow_disable = true).";
    v.action = Action::Host;
    v.disabled = true;
    return v;
  }
  DecideContext dctx;
  dctx.interactive = can_ask;
  dctx.line = command;
  dctx.trusted = trusted(v.analysis, ctx.workspace, trust);
  v.decision = decide(v.analysis, config, dctx);
  v.action = v.decision.action;
  return v;
}

std::string agent_why(const Decision& d) {
  std::string why = d.why;
  size_t colon = why.find(": ");
  if (colon != std::string::npos && why.substr(0, colon).ends_with("chosen")) why = why.substr(colon + 2);
  return without_final_period(why);
}

std::string agent_block_reason(const Decision& d) {
  std::string reason = d.findings.empty() ? d.why : d.findings.front().reason;
  return without_final_period(reason);
}

void record_agent_event(const std::string& source, const AgentVerdict& v, const std::string& runtime) {
  AuditEvent ev;
  ev.session = current_session_id();
  if (const char* agent = std::getenv("VG_AGENT"); agent && *agent) ev.agent = agent;
  else if (source == "claude-code" || source == "cursor") ev.agent = source;
  ev.source = source;
  ev.cwd = current_context().cwd;
  ev.command = v.command;
  ev.risk = v.decision.risk;
  for (const Finding& f : v.decision.findings) ev.findings.push_back({f.rule, f.severity});
  ev.decision = std::string(to_string(v.decision.action));
  ev.why = v.decision.why;
  ev.runtime = runtime;
  ev.exit_code = runtime == "none" ? kExitBlocked : -1;  // host runs: not seen from here
  std::string error;
  if (!append_audit_event(state_dir(), ev, &error)) {
    print_error(fmt::format("the audit log was not written: {}.", without_final_period(error)));
  }
}

bool is_sandboxed_form(const std::string& command) {
  // Exactly one simple command, every word literal (a $(..) would run on the host),
  // no redirections: SELF exec --sandbox --no-interactive -- bash -c STRING.
  ParseResult parsed = parse_shell(command);
  if (!parsed.ok || parsed.script.items.size() != 1) return false;
  const AndOr& ao = parsed.script.items[0];
  if (ao.background || ao.pipelines.size() != 1 || ao.pipelines[0].commands.size() != 1) return false;
  const Command& c = ao.pipelines[0].commands[0];
  if (c.kind != CommandKind::Simple || !c.simple.assignments.empty() || !c.simple.redirects.empty()) {
    return false;
  }
  const std::vector<Word>& w = c.simple.words;
  if (w.size() != 8) return false;
  for (const Word& word : w) {
    if (word.dynamic()) return false;
  }
  const std::vector<std::string> expected = {self_binary(), "exec", "--sandbox", "--no-interactive", "--", "bash", "-c"};
  for (size_t i = 0; i < expected.size(); ++i) {
    if (w[i].value != expected[i]) return false;
  }
  return true;
}

std::string sandboxed_command_line(const std::string& command) {
  return fmt::format("{} exec --sandbox --no-interactive -- bash -c {}", shell_quote(self_binary()),
                     shell_quote(command));
}

int hook_claude_code(const Global& g) {
  try {
    json event = json::parse(read_all_stdin());
    if (!event.is_object()) throw std::runtime_error("the event is not a JSON object");
    std::string tool = event.value("tool_name", "");
    const json* input = event.contains("tool_input") ? &event["tool_input"] : nullptr;
    bool has_command = input && input->is_object() && input->contains("command");
    if (!has_command) {
      if (tool == "Bash") throw std::runtime_error("a Bash call without tool_input.command");
      return kExitOk;  // not a shell call: nothing for us to judge
    }
    enter_cwd(event);
    // Codex speaks a narrower dialect of the same protocol: "ask" is unsupported and a
    // hook answer it cannot use counts as a failed hook, after which the ORIGINAL
    // command runs; "allow" is accepted only as the partner of updatedInput (a rewrite,
    // not an approval: Codex's own approval policy still applies). Codex events carry
    // turn_id (Claude Code's do not), and older ones an argv array.
    bool codex = event.contains("turn_id") || (*input)["command"].is_array();
    std::string command = command_from((*input)["command"]);
    if (is_sandboxed_form(command)) return kExitOk;  // our own re-route: exec judges it again
    // Nobody can be asked through Codex: a verdict that would ask is sandboxed or blocked.
    AgentVerdict v = evaluate_agent_command(g, command, /*can_ask=*/!codex);
    json out;
    json& specific = out["hookSpecificOutput"];
    specific["hookEventName"] = "PreToolUse";
    switch (v.action) {
      case Action::Block:
        // Exit 2 is Claude Code's documented block: the call is refused and stderr is
        // shown to Claude as the reason.
        record_agent_event("claude-code", v, "none");
        std::fprintf(stderr, "vectra-guard blocked this command: %s.\n", agent_block_reason(v.decision).c_str());
        for (const Finding& f : v.decision.findings) {
          if (!f.alternative.empty()) {
            std::fprintf(stderr, "Safer: %s\n", f.alternative.c_str());
            break;
          }
        }
        return 2;
      case Action::Host:
        // No opinion (exit 0, no output), never "allow": the user's own permission
        // rules and prompt decide, as if vectra-guard were not there.
        record_agent_event("claude-code", v, "host");
        return kExitOk;
      case Action::Prompt:
        record_agent_event("claude-code", v, "");
        specific["permissionDecision"] = "ask";
        specific["permissionDecisionReason"] =
            fmt::format("vectra-guard: {} risk: {}.", to_string(v.decision.risk), agent_block_reason(v.decision));
        break;
      case Action::Sandbox: {
        // The command is rewritten into the sandbox without granting permission for it.
        // Claude Code documents updatedInput together with "allow" (approves it, skipping
        // the user's prompt) or "ask" (shows the rewritten input for confirmation);
        // updatedInput with no decision is not documented to apply, and if it were
        // dropped the original command would run on the host. So "ask": the rewrite
        // certainly applies and the user still decides. "allow" only when the user opted
        // in ([agent] auto_approve = true), or for Codex, where "allow" is the rewrite
        // signal and approves nothing. Deny and ask rules of the user still apply either
        // way. The sandboxed run records its own audit event.
        json updated = *input;
        updated["command"] = sandboxed_command_line(command);
        specific["permissionDecision"] = v.auto_approve || codex ? "allow" : "ask";
        specific["permissionDecisionReason"] =
            fmt::format("vectra-guard runs this in the sandbox: {}.", agent_why(v.decision));
        specific["updatedInput"] = updated;
        break;
      }
    }
    std::puts(out.dump().c_str());
    return kExitOk;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vectra-guard: the PreToolUse event could not be judged (%s); blocking it (fail closed).\n",
                 e.what());
    return 2;
  }
}

// Cursor's beforeShellExecution answer: one JSON object on stdout, always (an empty
// stdout is invalid output to Cursor). The documented fields are "permission"
// (allow | deny | ask), "user_message" and "agent_message"; {} carries no decision, so
// Cursor's own approval flow (allowlist, prompt, auto-run mode) decides.
int hook_cursor(const Global& g) {
  auto answer = [](const char* permission, const std::string& user, const std::string& agent) {
    json out = json::object();
    if (permission) out["permission"] = permission;
    if (!user.empty()) out["user_message"] = user;
    if (!agent.empty()) out["agent_message"] = agent;
    std::puts(out.dump().c_str());
  };
  try {
    json event = json::parse(read_all_stdin());
    if (!event.is_object() || !event.contains("command") || !event["command"].is_string()) {
      throw std::runtime_error("no \"command\" string in the event");
    }
    enter_cwd(event);
    std::string command = event["command"].get<std::string>();
    if (is_sandboxed_form(command)) {
      // vectra-guard exec judges it again and runs it only in the sandbox (or not at
      // all); whether it runs at all is the user's call, as for any command.
      answer(nullptr, "", "");
      return kExitOk;
    }
    AgentVerdict v = evaluate_agent_command(g, command, /*can_ask=*/true);
    switch (v.action) {
      case Action::Host:
        // No opinion: an explicit allow would approve on the user's behalf.
        record_agent_event("cursor", v, "host");
        answer(v.auto_approve ? "allow" : nullptr, "", "");
        return kExitOk;
      case Action::Prompt:
        record_agent_event("cursor", v, "");
        answer("ask",
               fmt::format("vectra-guard: {} risk: {}.", to_string(v.decision.risk), agent_block_reason(v.decision)),
               "vectra-guard wants the user to confirm this command.");
        return kExitOk;
      case Action::Sandbox: {
        // Cursor cannot rewrite a command. When the exec-level guard is in place it
        // sandboxes this command as it starts, so we stay out of the way; without it the
        // command would run on the host, so the user is asked. Never a deny: the
        // command itself is not refused by the policy.
        std::string why = agent_why(v.decision);
        if (exec_guard_in_place()) {
          answer(v.auto_approve ? "allow" : nullptr, "", "");
          return kExitOk;  // the guarded run records its own event
        }
        record_agent_event("cursor", v, "");
        answer("ask",
               fmt::format("vectra-guard: this should run in the sandbox ({}), but the exec guard is not active "
                           "for Cursor's shell (scripts/setup-cursor-protection.sh, or start Cursor with "
                           "'vectra-guard agent start'); approving runs it on the host.",
                           why),
               fmt::format("vectra-guard wants the user to confirm this command: it should run in a sandbox ({}).",
                           why));
        return kExitOk;
      }
      case Action::Block: {
        record_agent_event("cursor", v, "none");
        std::string reason = agent_block_reason(v.decision);
        std::string safer;
        for (const Finding& f : v.decision.findings) {
          if (!f.alternative.empty()) {
            safer = f.alternative;
            break;
          }
        }
        answer("deny", fmt::format("vectra-guard blocked: {}.", reason),
               fmt::format("vectra-guard blocked this command: {}.{}", reason, safer.empty() ? "" : " Safer: " + safer));
        return kExitOk;
      }
    }
    throw std::runtime_error("no verdict");
  } catch (const std::exception& e) {
    std::string msg = fmt::format("vectra-guard could not judge this command ({}); denied (fail closed).", e.what());
    answer("deny", msg, msg);
    std::fprintf(stderr, "%s\n", msg.c_str());
    return 2;
  }
}

}  // namespace vg::cli
