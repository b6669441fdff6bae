// Unit tests for the fish front end (core/fish_parse.*) and for fish lines judged by the
// hook evaluation the way their bash equivalents are (issue 16 item 7).
#include <criterion/criterion.h>

#include <string>

#include "core/config.h"
#include "core/fish_parse.h"
#include "core/shell_hook.h"
#include "core/shell_parse.h"

using namespace vg;

namespace {

std::string sh(const char* fish) {
  std::string error;
  std::optional<std::string> out = fish_to_sh(fish, &error);
  cr_assert(out.has_value(), "'%s' did not translate: %s", fish, error.c_str());
  // Whatever we produce must be valid bash for our own parser.
  ParseResult p = parse_shell(*out);
  cr_assert(p.ok, "'%s' -> '%s' does not parse: %s", fish, out->c_str(), p.error.c_str());
  return *out;
}

std::string fails(const char* fish) {
  std::string error;
  cr_assert_not(fish_to_sh(fish, &error).has_value(), "'%s' should not translate", fish);
  return error;
}

void expect_sh(const char* fish, const char* expected) {
  std::string got = sh(fish);
  cr_assert_str_eq(got.c_str(), expected, "'%s'", fish);
}

void expect_error(const char* fish, const char* expected) {
  std::string got = fails(fish);
  cr_assert_str_eq(got.c_str(), expected, "'%s'", fish);
}

HookResult judge(const char* line, bool fish) {
  Config cfg;
  cfg.mode = Mode::Auto;
  AnalyzeContext ctx{"/tmp/vg-fish-ws", "/tmp/vg-fish-home", "/tmp/vg-fish-ws"};
  HookInput in;
  in.line = line;
  in.final = true;
  in.fish = fish;
  return evaluate_hook_line(in, cfg, ctx);
}

}  // namespace

Test(fish_parse, function_definition_becomes_a_bash_function) {
  expect_sh("function fish_prompt; echo -n \"F> \"; end", "fish_prompt() {\necho -n \"F> \"\n}");
  expect_sh("function f --description 'x'; end", "f() {\n:\n}");
}

Test(fish_parse, parenthesis_is_command_substitution_and_nests) {
  expect_sh("cd (git rev-parse --show-toplevel)/..", "cd $(git rev-parse --show-toplevel)/..");
  expect_sh("echo (echo (date))", "echo $(echo $(date))");
  expect_sh("echo \"$(pwd)\"", "echo \"$(pwd)\"");
  expect_sh("echo '(not a substitution)'", "echo '(not a substitution)'");
}

Test(fish_parse, variables_are_never_split_and_indexes_dropped) {
  expect_sh("set -gx PATH $HOME/bin $PATH", "set -gx PATH \"${HOME}\"/bin \"${PATH}\"");
  expect_sh("echo \"$argv[1]\"", "echo \"${argv}\"");
}

Test(fish_parse, and_or_not_join_statements) {
  expect_sh("test -f x; and echo yes; or echo no", "test -f x && echo yes || echo no");
  expect_sh("not grep -q x f", "! grep -q x f");
  expect_sh("make && make install", "make && make install");
}

Test(fish_parse, blocks_become_their_bash_forms) {
  expect_sh("begin; echo a; end | less", "{\necho a\n} | less");
  expect_sh("if test -d x; echo d; else if test -f x; echo f; else; echo n; end", "if test -d x; then\necho d\nelif test -f x; then\necho f\nelse\necho n\nfi");
  expect_sh("if test -f a; and test -f b; echo both; end", "if test -f a && test -f b; then\necho both\nfi");
  expect_sh("for f in *.txt; echo $f; end", "for f in *.txt; do\necho \"${f}\"\ndone");
  expect_sh("while true; end", "while true; do\n:\ndone");
  expect_sh("switch $x; case a b; echo ab; case '*'; echo other; end", "case \"${x}\" in\na|b)\necho ab\n;;\n'*')\necho other\n;;\nesac");
}

Test(fish_parse, quotes_backquotes_background_and_comments) {
  expect_sh("echo 'a\\'b'", "echo 'a'\\''b'");
  expect_sh("echo `x`", "echo \\`x\\`");
  expect_sh("sleep 5 &", "sleep 5 &");
  expect_sh("make 2>&1 | tee log # build", "make 2>&1 | tee log");
}

Test(fish_parse, unbalanced_input_is_an_error) {
  expect_error("echo (unterminated", "unterminated command substitution");
  expect_error("end", "'end' outside a block");
  expect_error("function f; echo", "a block without 'end'");
  expect_error("echo 'open", "unterminated single quote");
}

Test(fish_hook, fish_syntax_is_low_risk_and_runs_in_the_shell_in_auto) {
  HookResult r = judge("function fish_prompt; echo -n \"F> \"; end", true);
  cr_assert_eq(r.decision.risk, Severity::Low);
  cr_assert_eq(r.action, HookAction::Run);
  r = judge("cd (git rev-parse --show-toplevel)/..", true);
  cr_assert_not(r.analysis.parse_error);
  cr_assert_eq(r.action, HookAction::Run);
  // The same text parsed as bash is not understood: that was the old verdict.
  cr_assert(judge("function fish_prompt; echo -n \"F> \"; end", false).analysis.parse_error);
}

Test(fish_hook, substitutions_are_judged_like_bash) {
  HookResult fish = judge("rm -rf (echo ~)", true);
  HookResult bash = judge("rm -rf $(echo ~)", false);
  cr_assert_eq(fish.decision.risk, bash.decision.risk);
  cr_assert_eq(fish.decision.action, bash.decision.action);
  cr_assert_geq(fish.decision.risk, Severity::High);
}

Test(fish_hook, an_unfinished_block_waits_for_more) {
  HookInput in;
  in.line = "function f";
  in.fish = true;
  AnalyzeContext ctx{"/tmp", "/tmp", "/tmp"};
  cr_assert_eq(evaluate_hook_line(in, Config{}, ctx).action, HookAction::Incomplete);
}
