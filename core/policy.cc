// The decision: analysis + config + context => host, sandbox, prompt or block, with a why.
#include "core/policy.h"

#include <fnmatch.h>

#include <algorithm>

namespace vg {

std::string_view to_string(Action a) {
  switch (a) {
    case Action::Host: return "host";
    case Action::Sandbox: return "sandbox";
    case Action::Prompt: return "prompt";
    case Action::Block: return "block";
  }
  return "block";
}

Action mode_action(Mode mode, Severity risk) {
  if (risk == Severity::Critical) return Action::Block;
  switch (mode) {
    case Mode::Always: return Action::Sandbox;
    case Mode::Auto: return risk == Severity::Low ? Action::Host : Action::Sandbox;
    case Mode::Risky: return risk == Severity::High ? Action::Sandbox : Action::Host;
    case Mode::Never: return Action::Host;
  }
  return Action::Sandbox;
}

bool guard_asks(GuardLevel level, Severity risk) {
  switch (level) {
    case GuardLevel::Low: return false;
    case GuardLevel::Medium: return risk >= Severity::High;
    case GuardLevel::High: return risk >= Severity::Medium;
    case GuardLevel::Paranoid: return true;
  }
  return true;
}

bool policy_pattern_matches(std::string_view pattern, std::string_view normalized_command) {
  // Patterns are written by people: ignore surrounding blanks and repeated spaces.
  std::string pat;
  for (char c : pattern) {
    bool blank = c == ' ' || c == '\t';
    if (blank && (pat.empty() || pat.back() == ' ')) continue;
    pat += blank ? ' ' : c;
  }
  while (!pat.empty() && pat.back() == ' ') pat.pop_back();
  if (pat.empty()) return false;
  std::string cmd(normalized_command);
  // No FNM_PATHNAME: `*` also spans '/' and spaces, as a user expects of "make *".
  return fnmatch(pat.c_str(), cmd.c_str(), 0) == 0;
}

namespace {

std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// "Downloads a script and runs it." -> "downloads a script and runs it"
std::string clause(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z') s[0] = s[0] - 'A' + 'a';
  return s;
}

std::string risk_words(Severity r) { return std::string(to_string(r)) + " risk"; }

// "medium risk + networked install", or "critical risk — <top reason>".
std::string summary(const Decision& d, const Analysis& a) {
  std::string s = risk_words(d.risk);
  if (!a.traits.empty() && !d.denylisted) {
    for (const std::string& t : a.traits) {
      std::string words = t;
      std::replace(words.begin(), words.end(), '-', ' ');
      s += " + " + words;
    }
    return s;
  }
  if (!d.findings.empty()) s += " — " + clause(d.findings.front().reason);
  return s;
}

// "critical risk — deletes your home directory": the top finding names the danger.
std::string because(const Decision& d) {
  std::string s = risk_words(d.risk);
  if (!d.findings.empty()) s += " — " + clause(d.findings.front().reason);
  return s;
}

std::string with_mode(const Decision& d, const Analysis& a, const Config& cfg) {
  std::string s = summary(d, a);
  if (d.findings.empty() && a.traits.empty()) s += " (mode " + std::string(to_string(cfg.mode)) + ")";
  return s;
}

}  // namespace

std::string review_reason(Review review, const Analysis& a, bool chosen_at_prompt, bool forced) {
  if (forced) return "asked for with --review";
  switch (review) {
    case Review::Never: return "";
    case Review::Always: return "review = always";
    case Review::Destructive:
      if (!a.data_loss.empty()) return "it may lose data in the project: " + clause(a.data_loss.front());
      if (chosen_at_prompt) return "you chose the sandbox at the prompt";
      return "";
  }
  return "";
}

namespace {

// The first deny pattern that matches a normalized command or the whole line.
const std::string* deny_match(const Analysis& a, const Config& cfg, const std::string& line) {
  for (const std::string& pat : cfg.deny) {
    for (const std::string& n : a.normalized)
      if (policy_pattern_matches(pat, n)) return &pat;
    if (!line.empty() && policy_pattern_matches(pat, line)) return &pat;
  }
  return nullptr;
}

// The allow pattern that lets the line through: every command must match one.
const std::string* allow_match(const Analysis& a, const Config& cfg) {
  if (a.normalized.empty() || cfg.allow.empty()) return nullptr;
  const std::string* first = nullptr;
  for (const std::string& n : a.normalized) {
    const std::string* hit = nullptr;
    for (const std::string& pat : cfg.allow) {
      if (policy_pattern_matches(pat, n)) {
        hit = &pat;
        break;
      }
    }
    if (!hit) return nullptr;
    if (!first) first = hit;
  }
  return first;
}

}  // namespace

Decision decide(const Analysis& a, const Config& cfg, const DecideContext& ctx) {
  Decision d;
  d.findings = a.findings;
  d.risk = a.risk;
  for (const Finding& f : d.findings) d.risk = std::max(d.risk, f.severity);

  // A line we could not fully read is never waved through.
  if (a.parse_error && d.risk < Severity::Medium) {
    d.risk = Severity::Medium;
    Finding f;
    f.rule = "parse.incomplete";
    f.pack = "parser";
    f.severity = Severity::Medium;
    f.reason = "The command could not be parsed completely" +
               (a.parse_message.empty() ? std::string() : " (" + a.parse_message + ")") +
               ", so it is treated as at least medium risk.";
    f.alternative = "Check the quoting and brackets of the command.";
    d.findings.push_back(std::move(f));
  }

  std::string line = trimmed(ctx.line);
  if (const std::string* pat = deny_match(a, cfg, line)) {
    d.denylisted = true;
    d.risk = std::max(d.risk, Severity::High);
    Finding f;
    f.rule = "policy.deny";
    f.pack = "policy";
    f.severity = Severity::High;
    f.reason = "Matches the deny pattern '" + *pat + "' of your configuration.";
    f.command = line;
    d.findings.push_back(std::move(f));
  }
  std::stable_sort(d.findings.begin(), d.findings.end(),
                   [](const Finding& x, const Finding& y) { return x.severity > y.severity; });

  if (d.risk == Severity::Critical) {
    d.action = Action::Block;
    d.why = "Blocked: " + because(d);
    return d;
  }
  if (ctx.force_host) {
    d.action = Action::Host;
    d.why = "Host: forced with --host (" + risk_words(d.risk) + ")";
    return d;
  }
  if (ctx.force_sandbox) {
    d.action = Action::Sandbox;
    d.why = "Sandbox chosen: forced with --sandbox (" + risk_words(d.risk) + ")";
    return d;
  }
  // The deny list is policy; neither the trust store nor the allow list overrides it.
  if (!d.denylisted) {
    if (ctx.trusted) {
      d.action = Action::Host;
      d.why = "Host: trusted (remembered) command";
      return d;
    }
    if (const std::string* pat = allow_match(a, cfg)) {
      d.allowlisted = true;
      d.action = Action::Host;
      d.why = "Host: allow-listed by policy '" + *pat + "'";
      return d;
    }
  }

  if (guard_asks(cfg.guard_level, d.risk)) {
    std::string level = std::string(to_string(cfg.guard_level));
    if (ctx.interactive) {
      d.action = Action::Prompt;
      d.why = "Ask: " + summary(d, a) + " (guard level " + level + ")";
    } else if (cfg.mode != Mode::Never) {
      d.action = Action::Sandbox;
      d.why = "Sandbox chosen: " + summary(d, a) + " (no terminal to ask on)";
    } else {
      d.action = Action::Block;
      d.why = "Blocked: " + because(d) +
              " (guard level " + level + " asks, there is no terminal, and mode never has no sandbox)";
    }
    return d;
  }

  d.action = mode_action(cfg.mode, d.risk);
  d.why = (d.action == Action::Host ? "Host: " : "Sandbox chosen: ") + with_mode(d, a, cfg);
  return d;
}

}  // namespace vg
