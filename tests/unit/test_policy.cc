// Decision: the whole mode table, guard levels x terminal, allow/deny globs, critical,
// parse errors, forcing, trust, and the `why` sentence.
#include <criterion/criterion.h>

#include <string>
#include <vector>

#include "core/policy.h"

using namespace vg;

namespace {

Analysis an(Severity risk, std::vector<std::string> normalized = {"make build"},
            std::vector<std::string> traits = {}) {
  Analysis a;
  a.risk = risk;
  if (risk > Severity::Low) {
    Finding f;
    f.rule = "test.rule";
    f.pack = "test";
    f.severity = risk;
    f.reason = "Deletes everything in your home directory.";
    a.findings.push_back(f);
  }
  a.normalized = std::move(normalized);
  a.traits = std::move(traits);
  return a;
}

Config cfg(Mode m, GuardLevel g = GuardLevel::Low) {
  Config c;
  c.mode = m;
  c.guard_level = g;
  return c;
}

DecideContext term(bool interactive) {
  DecideContext d;
  d.interactive = interactive;
  return d;
}

Action act(Mode m, GuardLevel g, Severity s, bool interactive) {
  return decide(an(s), cfg(m, g), term(interactive)).action;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

// ---- the mode table (guard level low: nothing asks) -------------------------------------------

#define MODE_CASE(mode, sev, expected)                                                   \
  Test(mode_table, mode##_##sev) {                                                       \
    cr_assert(act(Mode::mode, GuardLevel::Low, Severity::sev, false) == Action::expected, \
              "mode " #mode " risk " #sev);                                               \
    cr_assert(mode_action(Mode::mode, Severity::sev) == Action::expected);                \
  }

MODE_CASE(Always, Low, Sandbox)
MODE_CASE(Always, Medium, Sandbox)
MODE_CASE(Always, High, Sandbox)
MODE_CASE(Always, Critical, Block)
MODE_CASE(Auto, Low, Host)
MODE_CASE(Auto, Medium, Sandbox)
MODE_CASE(Auto, High, Sandbox)
MODE_CASE(Auto, Critical, Block)
MODE_CASE(Risky, Low, Host)
MODE_CASE(Risky, Medium, Host)
MODE_CASE(Risky, High, Sandbox)
MODE_CASE(Risky, Critical, Block)
MODE_CASE(Never, Low, Host)
MODE_CASE(Never, Medium, Host)
MODE_CASE(Never, High, Host)
MODE_CASE(Never, Critical, Block)

// ---- guard levels x terminal (mode auto) --------------------------------------------------------

#define GUARD_CASE(level, sev, inter, expected)                                                      \
  Test(guard, level##_##sev##_##inter) {                                                             \
    cr_assert(act(Mode::Auto, GuardLevel::level, Severity::sev, inter) == Action::expected,          \
              "guard " #level " risk " #sev " interactive " #inter);                                 \
  }

GUARD_CASE(Low, Low, true, Host)
GUARD_CASE(Low, Medium, true, Sandbox)
GUARD_CASE(Low, High, true, Sandbox)
GUARD_CASE(Low, Low, false, Host)
GUARD_CASE(Low, Medium, false, Sandbox)
GUARD_CASE(Low, High, false, Sandbox)
GUARD_CASE(Medium, Low, true, Host)
GUARD_CASE(Medium, Medium, true, Sandbox)
GUARD_CASE(Medium, High, true, Prompt)
GUARD_CASE(Medium, Low, false, Host)
GUARD_CASE(Medium, Medium, false, Sandbox)
GUARD_CASE(Medium, High, false, Sandbox)
GUARD_CASE(High, Low, true, Host)
GUARD_CASE(High, Medium, true, Prompt)
GUARD_CASE(High, High, true, Prompt)
GUARD_CASE(High, Low, false, Host)
GUARD_CASE(High, Medium, false, Sandbox)
GUARD_CASE(High, High, false, Sandbox)
GUARD_CASE(Paranoid, Low, true, Prompt)
GUARD_CASE(Paranoid, Medium, true, Prompt)
GUARD_CASE(Paranoid, High, true, Prompt)
GUARD_CASE(Paranoid, Low, false, Sandbox)
GUARD_CASE(Paranoid, Medium, false, Sandbox)
GUARD_CASE(Paranoid, High, false, Sandbox)
GUARD_CASE(Low, Critical, true, Block)
GUARD_CASE(Medium, Critical, true, Block)
GUARD_CASE(High, Critical, true, Block)
GUARD_CASE(Paranoid, Critical, true, Block)

Test(guard, asks_table) {
  cr_assert(!guard_asks(GuardLevel::Low, Severity::High));
  cr_assert(guard_asks(GuardLevel::Medium, Severity::High) && !guard_asks(GuardLevel::Medium, Severity::Medium));
  cr_assert(guard_asks(GuardLevel::High, Severity::Medium) && !guard_asks(GuardLevel::High, Severity::Low));
  cr_assert(guard_asks(GuardLevel::Paranoid, Severity::Low));
}

Test(guard, no_terminal_and_no_sandbox_blocks) {
  cr_assert(act(Mode::Never, GuardLevel::Medium, Severity::High, false) == Action::Block);
  cr_assert(act(Mode::Never, GuardLevel::Paranoid, Severity::Low, false) == Action::Block);
  Decision d = decide(an(Severity::High), cfg(Mode::Never, GuardLevel::Medium), term(false));
  cr_assert(contains(d.why, "no terminal"), "%s", d.why.c_str());
}

Test(guard, never_mode_asks_on_terminal) {
  cr_assert(act(Mode::Never, GuardLevel::Medium, Severity::High, true) == Action::Prompt);
  cr_assert(act(Mode::Never, GuardLevel::Medium, Severity::Medium, false) == Action::Host);
}

Test(guard, always_mode_prompt_for_high_on_terminal) {
  cr_assert(act(Mode::Always, GuardLevel::Medium, Severity::High, true) == Action::Prompt);
  cr_assert(act(Mode::Always, GuardLevel::Medium, Severity::Medium, true) == Action::Sandbox);
}

// ---- critical can never run ------------------------------------------------------------------

Test(critical, not_forced_to_host) {
  DecideContext d;
  d.force_host = true;
  cr_assert(decide(an(Severity::Critical), cfg(Mode::Never), d).action == Action::Block);
}

Test(critical, not_forced_to_sandbox) {
  DecideContext d;
  d.force_sandbox = true;
  cr_assert(decide(an(Severity::Critical), cfg(Mode::Always), d).action == Action::Block);
}

Test(critical, not_trusted) {
  DecideContext d;
  d.trusted = true;
  cr_assert(decide(an(Severity::Critical), cfg(Mode::Auto), d).action == Action::Block);
}

Test(critical, not_allow_listed) {
  Config c = cfg(Mode::Auto);
  c.allow = {"*"};
  Decision d = decide(an(Severity::Critical, {"rm -r -f /"}), c, term(true));
  cr_assert(d.action == Action::Block);
  cr_assert(!d.allowlisted);
}

Test(critical, why_names_the_danger) {
  Decision d = decide(an(Severity::Critical), cfg(Mode::Auto), term(false));
  cr_assert(d.why == "Blocked: critical risk — deletes everything in your home directory", "%s", d.why.c_str());
}

Test(critical, finding_without_risk_field_still_blocks) {
  Analysis a = an(Severity::Low);
  Finding f;
  f.rule = "x";
  f.severity = Severity::Critical;
  a.findings.push_back(f);  // risk left at low: the findings decide
  cr_assert(decide(a, cfg(Mode::Never), term(false)).action == Action::Block);
}

// ---- allow list -----------------------------------------------------------------------------------

Test(allow, exact_pattern_runs_on_host) {
  Config c = cfg(Mode::Always);
  c.allow = {"npm test"};
  Decision d = decide(an(Severity::Medium, {"npm test"}), c, term(false));
  cr_assert(d.action == Action::Host);
  cr_assert(d.allowlisted);
  cr_assert(d.why == "Host: allow-listed by policy 'npm test'", "%s", d.why.c_str());
}

Test(allow, every_command_must_match) {
  Config c = cfg(Mode::Always);
  c.allow = {"npm test"};
  Decision d = decide(an(Severity::Medium, {"cat .env", "npm test"}), c, term(false));
  cr_assert(d.action == Action::Sandbox);
  cr_assert(!d.allowlisted);
}

Test(allow, star_pattern) {
  Config c = cfg(Mode::Always);
  c.allow = {"make *", "npm test"};
  cr_assert(decide(an(Severity::Low, {"make build", "npm test"}), c, term(false)).action == Action::Host);
}

Test(allow, no_normalized_commands_is_not_allow_listed) {
  Config c = cfg(Mode::Always);
  c.allow = {"*"};
  cr_assert(decide(an(Severity::Low, {}), c, term(false)).action == Action::Sandbox);
}

Test(allow, beats_guard_prompt) {
  Config c = cfg(Mode::Auto, GuardLevel::Paranoid);
  c.allow = {"git status"};
  cr_assert(decide(an(Severity::Low, {"git status"}), c, term(true)).action == Action::Host);
}

Test(allow, not_a_substring_of_the_raw_line) {
  Config c = cfg(Mode::Always);
  c.allow = {"npm test"};
  DecideContext d;
  d.line = "cat .env; npm test";
  cr_assert(decide(an(Severity::Medium, {"cat .env", "npm test"}), c, d).action != Action::Host);
}

// ---- deny list ------------------------------------------------------------------------------------

Test(deny, raises_to_high_with_finding) {
  Config c = cfg(Mode::Risky);
  c.deny = {"terraform destroy*"};
  Decision d = decide(an(Severity::Low, {"terraform destroy -auto-approve"}), c, term(false));
  cr_assert(d.risk == Severity::High);
  cr_assert(d.denylisted);
  cr_assert(d.action == Action::Sandbox);
  bool found = false;
  for (const Finding& f : d.findings) found |= f.rule == "policy.deny";
  cr_assert(found);
}

Test(deny, any_command_in_the_line) {
  Config c = cfg(Mode::Never);
  c.deny = {"curl *"};
  Decision d = decide(an(Severity::Low, {"echo hi", "curl https://x.example"}), c, term(false));
  cr_assert(d.risk == Severity::High);
  cr_assert(d.action == Action::Host);  // mode never runs high risk on the host
}

Test(deny, whole_line_match) {
  Config c = cfg(Mode::Auto);
  c.deny = {"*; rm *"};
  DecideContext d;
  d.line = "  ls; rm notes.txt ";
  cr_assert(decide(an(Severity::Low, {"ls", "rm notes.txt"}), c, d).risk == Severity::High);
}

Test(deny, wins_over_allow) {
  Config c = cfg(Mode::Auto);
  c.allow = {"git *"};
  c.deny = {"git push --force*"};
  Decision d = decide(an(Severity::Low, {"git push --force origin"}), c, term(false));
  cr_assert(d.action == Action::Sandbox);
  cr_assert(!d.allowlisted);
}

Test(deny, wins_over_trust) {
  Config c = cfg(Mode::Auto);
  c.deny = {"kubectl delete *"};
  DecideContext d;
  d.trusted = true;
  cr_assert(decide(an(Severity::Low, {"kubectl delete ns prod"}), c, d).action == Action::Sandbox);
}

Test(deny, keeps_critical) {
  Config c = cfg(Mode::Auto);
  c.deny = {"*"};
  Decision d = decide(an(Severity::Critical, {"mkfs.ext4 /dev/sda"}), c, term(false));
  cr_assert(d.risk == Severity::Critical && d.action == Action::Block);
  cr_assert(d.findings.front().severity == Severity::Critical);
}

Test(deny, no_match_no_effect) {
  Config c = cfg(Mode::Auto);
  c.deny = {"rm"};
  Decision d = decide(an(Severity::Low, {"rm -r build"}), c, term(false));
  cr_assert(d.action == Action::Host);
  cr_assert(!d.denylisted);
}

// ---- patterns -------------------------------------------------------------------------------------

Test(pattern, exact) {
  cr_assert(policy_pattern_matches("npm test", "npm test"));
  cr_assert(!policy_pattern_matches("npm test", "npm test --watch"));
  cr_assert(!policy_pattern_matches("npm test", "xnpm test"));
}

Test(pattern, star_spans_words_and_slashes) {
  cr_assert(policy_pattern_matches("make *", "make -C sub/dir all"));
  cr_assert(policy_pattern_matches("*/deploy.sh*", "./scripts/deploy.sh prod"));
  cr_assert(!policy_pattern_matches("make *", "make"));
}

Test(pattern, question_and_brackets) {
  cr_assert(policy_pattern_matches("ls -?", "ls -l"));
  cr_assert(policy_pattern_matches("git [ps]*", "git status"));
  cr_assert(!policy_pattern_matches("git [ps]*", "git commit"));
}

Test(pattern, blanks_in_pattern_are_forgiven) {
  cr_assert(policy_pattern_matches("  npm   test ", "npm test"));
  cr_assert(!policy_pattern_matches("   ", "npm test"));
}

Test(pattern, escaped_star_is_literal) {
  cr_assert(policy_pattern_matches("echo \\*", "echo *"));
  cr_assert(!policy_pattern_matches("echo \\*", "echo x"));
}

// ---- parse errors -----------------------------------------------------------------------------------

Test(parse_error, raises_to_medium) {
  Analysis a = an(Severity::Low);
  a.parse_error = true;
  a.parse_message = "unterminated single quote";
  Decision d = decide(a, cfg(Mode::Auto), term(false));
  cr_assert(d.risk == Severity::Medium);
  cr_assert(d.action == Action::Sandbox);
  cr_assert(!d.findings.empty());
  cr_assert(contains(d.findings[0].reason, "unterminated single quote"));
}

Test(parse_error, keeps_higher_risk) {
  Analysis a = an(Severity::High);
  a.parse_error = true;
  cr_assert(decide(a, cfg(Mode::Auto), term(false)).risk == Severity::High);
}

Test(parse_error, never_host_in_auto) {
  Analysis a = an(Severity::Low, {});
  a.parse_error = true;
  Config c = cfg(Mode::Auto);
  c.allow = {"*"};
  cr_assert(decide(a, c, term(false)).action != Action::Host);
}

// ---- forcing and trust ----------------------------------------------------------------------------------

Test(force, host_for_high) {
  DecideContext d;
  d.force_host = true;
  Decision r = decide(an(Severity::High), cfg(Mode::Always, GuardLevel::Paranoid), d);
  cr_assert(r.action == Action::Host);
  cr_assert(contains(r.why, "--host"));
}

Test(force, sandbox_in_never) {
  DecideContext d;
  d.force_sandbox = true;
  cr_assert(decide(an(Severity::Low), cfg(Mode::Never), d).action == Action::Sandbox);
}

Test(trust, trusted_runs_on_host) {
  DecideContext d;
  d.trusted = true;
  d.interactive = true;
  Decision r = decide(an(Severity::High), cfg(Mode::Always, GuardLevel::Paranoid), d);
  cr_assert(r.action == Action::Host);
}

// ---- why ------------------------------------------------------------------------------------------------

Test(why, host_low) {
  Decision d = decide(an(Severity::Low), cfg(Mode::Auto), term(false));
  cr_assert(d.why == "Host: low risk (mode auto)", "%s", d.why.c_str());
}

Test(why, sandbox_with_trait) {
  Decision d = decide(an(Severity::Medium, {"npm install x"}, {"networked-install"}), cfg(Mode::Auto), term(false));
  cr_assert(d.why == "Sandbox chosen: medium risk + networked install", "%s", d.why.c_str());
}

Test(why, prompt_names_guard_level) {
  Decision d = decide(an(Severity::High), cfg(Mode::Auto, GuardLevel::Medium), term(true));
  cr_assert(d.action == Action::Prompt);
  cr_assert(contains(d.why, "guard level medium"), "%s", d.why.c_str());
}

Test(why, findings_most_severe_first) {
  Analysis a = an(Severity::Medium);
  Config c = cfg(Mode::Auto);
  c.deny = {"make *"};
  Decision d = decide(a, c, term(false));
  cr_assert(d.findings.front().rule == "policy.deny");
  cr_assert(d.findings.back().severity == Severity::Medium);
}

Test(why, action_names) {
  cr_assert(to_string(Action::Host) == "host");
  cr_assert(to_string(Action::Sandbox) == "sandbox");
  cr_assert(to_string(Action::Prompt) == "prompt");
  cr_assert(to_string(Action::Block) == "block");
}

Test(review, destructive_reviews_data_loss_and_prompt_answers) {
  Analysis loss;
  loss.data_loss = {"Deletes files in the project."};
  Analysis build;
  cr_expect_eq(review_reason(Review::Destructive, loss, false, false),
               "it may lose data in the project: deletes files in the project");
  cr_expect_eq(review_reason(Review::Destructive, build, false, false), "");
  cr_expect_eq(review_reason(Review::Destructive, build, true, false), "you chose the sandbox at the prompt");
  cr_expect_eq(review_reason(Review::Always, build, false, false), "review = always");
  cr_expect_eq(review_reason(Review::Never, loss, true, false), "");
  cr_expect_eq(review_reason(Review::Never, build, false, true), "asked for with --review");
}
