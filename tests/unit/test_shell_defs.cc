// The definitions wire (issue 18): lookup records and replies of `hook --serve`, the
// $VG_HOOK_DEFS JSON, and the record of what one line's evaluation looked up.
#include <criterion/criterion.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "core/nul_fields.h"
#include "core/shell_defs_json.h"
#include "core/shell_defs_prelude.h"
#include "core/shell_defs_serve.h"

using namespace vg;

namespace {

// A fake shell on the far end of two pipes: its replies are written before the question.
struct Wire {
  int to_server[2];    // the shell writes replies here
  int from_server[2];  // the server writes lookup records here
  Wire() {
    cr_assert_eq(pipe2(to_server, O_CLOEXEC), 0);
    cr_assert_eq(pipe2(from_server, O_CLOEXEC | O_NONBLOCK), 0);
  }
  ~Wire() {
    for (int fd : {to_server[0], to_server[1], from_server[0], from_server[1]})
      if (fd >= 0) close(fd);
  }
  void reply(const std::string& bytes) { cr_assert_eq(write(to_server[1], bytes.data(), bytes.size()), ssize_t(bytes.size())); }
  void close_shell() {
    close(to_server[1]);
    to_server[1] = -1;
  }
  // Everything the server asked so far.
  std::string asked() {
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = read(from_server[0], buf, sizeof buf)) > 0) all.append(buf, size_t(n));
    return all;
  }
};

std::string s(const char* p, size_t n) { return std::string(p, n); }

}  // namespace

Test(shell_defs, lookup_record_and_fields) {
  cr_assert_eq(encode_lookup({"ll"}, ""), s("?ll\0", 4));
  cr_assert_eq(encode_lookup({"ll", "gs"}, ""), s("?ll\ngs\0", 7));
  cr_assert_eq(encode_lookup({"ll"}, "7\n"), s("7\n?ll\0", 6));
  std::optional<std::string> v = "old";
  cr_assert(decode_lookup_field("-", v));
  cr_assert_not(v.has_value());
  cr_assert(decode_lookup_field("=ls -la", v));
  cr_assert_eq(*v, "ls -la");
  cr_assert(decode_lookup_field("=", v));
  cr_assert_eq(*v, "");
  cr_assert_not(decode_lookup_field("", v));
  cr_assert_not(decode_lookup_field("1", v));
  cr_assert_not(decode_lookup_field("-x", v));
}

Test(shell_defs, json_round_trip) {
  DefsRecord r;
  r.aliases["ll"] = "ls -la";
  r.aliases["nope"] = std::nullopt;
  r.functions["f"] = "f () \n{ \n    echo \"hi\"\n}";
  std::string j = defs_to_json(r);
  cr_assert_eq(j.find('\n'), std::string::npos, "one line: %s", j.c_str());
  cr_assert_eq(j, R"({"aliases":{"ll":"ls -la","nope":null},"functions":{"f":"f () \n{ \n    echo \"hi\"\n}"}})");
  DefsRecord back;
  std::string error;
  cr_assert(defs_from_json(j, back, &error), "%s", error.c_str());
  cr_assert(back.aliases == r.aliases);
  cr_assert(back.functions == r.functions);
  RecordedDefinitions d(back);
  cr_assert_eq(*d.alias("ll"), "ls -la");
  cr_assert_not(d.alias("nope").has_value());
  cr_assert_not(d.alias("unknown").has_value());
  cr_assert_not(d.function("ll").has_value());
  cr_assert(d.function("f").has_value());
}

Test(shell_defs, json_missing_maps_are_empty_and_malformed_is_refused) {
  DefsRecord r;
  std::string error;
  cr_assert(defs_from_json("{}", r, &error));
  cr_assert(r.empty());
  cr_assert(defs_from_json(R"({"functions":{"f":null}})", r, &error));
  cr_assert(r.functions.count("f"));
  for (const char* bad : {"", "not json", "[]", R"({"aliases":[]})", R"({"aliases":{"a":1}})",
                          R"({"functions":{"f":{"x":"y"}}})", R"({"aliases":{"a":"b"})"}) {
    error.clear();
    cr_assert_not(defs_from_json(bad, r, &error), "accepted %s", bad);
    cr_assert_not(error.empty());
    cr_assert(r.empty());
  }
}

Test(shell_defs, recording_notes_every_lookup) {
  DefsRecord inner;
  inner.aliases["ll"] = "ls -la";
  RecordedDefinitions shell(inner);
  DefsRecord log;
  RecordingDefinitions rec(shell, log);
  cr_assert_eq(*rec.alias("ll"), "ls -la");
  cr_assert_not(rec.function("ll").has_value());
  cr_assert_not(rec.alias("x").has_value());
  cr_assert_eq(defs_to_json(log), R"({"aliases":{"ll":"ls -la","x":null},"functions":{"ll":null}})");
}

Test(shell_defs, serve_prefetch_is_one_round_and_answers_are_cached) {
  Wire w;
  FieldReader in(w.to_server[0]);
  ServeDefinitions d(in, w.from_server[1]);
  d.new_line("");
  // ll: alias only; f: function only; g: neither.
  w.reply(s("=ls -la\0-\0-\0=f () \n{ \n    echo\n}\0-\0-\0", 37));
  d.prefetch({"ll", "f", "ll", "", "g"});
  cr_assert_eq(w.asked(), s("?ll\nf\ng\0", 8));
  cr_assert_eq(*d.alias("ll"), "ls -la");
  cr_assert_not(d.function("ll").has_value());
  cr_assert_eq(*d.function("f"), "f () \n{ \n    echo\n}");
  cr_assert_not(d.alias("g").has_value());
  cr_assert_not(d.function("g").has_value());
  cr_assert_eq(w.asked(), "", "no second round for cached names");
  cr_assert_eq(d.failed(), "");
  // A name not prefetched: a round of its own.
  w.reply(s("-\0-\0", 4));
  cr_assert_not(d.alias("h").has_value());
  cr_assert_eq(w.asked(), s("?h\0", 3));
  // The next line asks again.
  d.new_line("12\n");
  w.reply(s("=ls\0-\0", 6));
  cr_assert_eq(*d.alias("ll"), "ls");
  cr_assert_eq(w.asked(), s("12\n?ll\0", 7), "the fish server prefixes its id");
}

Test(shell_defs, serve_garbage_fails_the_line_and_keeps_the_next_request) {
  Wire w;
  FieldReader in(w.to_server[0]);
  ServeDefinitions d(in, w.from_server[1]);
  d.new_line("");
  // The shell gave up on the line and sent its next request instead of the reply.
  w.reply(s("0\0/tmp\0ls\0", 10));
  cr_assert_not(d.function("f").has_value());
  cr_assert_neq(d.failed(), "");
  cr_assert(d.abandoned(), "a request's first field: the shell moved on");
  cr_assert_not(d.alias("g").has_value(), "no more rounds on a failed line");
  cr_assert_eq(w.asked(), s("?f\0", 3));
  std::string field;
  cr_assert(in.next(field));
  cr_assert_eq(field, "0", "the request's first field is read again");
  cr_assert(in.next(field));
  cr_assert_eq(field, "/tmp");
  cr_assert(in.next(field));
  d.new_line("");
  cr_assert_eq(d.failed(), "");
  cr_assert_not(d.abandoned());
  // Garbage that is no request: failed, not abandoned (the line gets its block answer).
  w.reply(s("what?\0", 6));
  cr_assert_not(d.alias("x").has_value());
  cr_assert_neq(d.failed(), "");
  cr_assert_not(d.abandoned());
}

Test(shell_defs, serve_closed_or_half_reply_fails_closed) {
  Wire w;
  FieldReader in(w.to_server[0]);
  ServeDefinitions d(in, w.from_server[1]);
  d.new_line("");
  w.reply(s("=ls\0", 4));
  w.close_shell();
  cr_assert_not(d.alias("ll").has_value(), "half an answer is not taken");
  cr_assert_neq(d.failed(), "");
}

Test(shell_defs, serve_word_with_a_line_break_fails_closed) {
  Wire w;
  FieldReader in(w.to_server[0]);
  ServeDefinitions d(in, w.from_server[1]);
  d.new_line("");
  cr_assert_not(d.function("a\nb").has_value());
  cr_assert_neq(d.failed(), "");
  cr_assert_eq(w.asked(), "");
}

Test(shell_defs, sandbox_prelude_per_shell) {
  DefsRecord r;
  r.aliases["ll"] = "ls -l 'x'";
  r.aliases["none"] = std::nullopt;
  r.functions["f"] = "f () \n{ \n    ll\n}";
  cr_assert_eq(script_with_defs("bash", r, "(exit 3)\n", "ll; f"),
               "shopt -s expand_aliases\nf () \n{ \n    ll\n}\nalias 'll=ls -l '\\''x'\\'''\n\n(exit 3)\nll; f");
  cr_assert_eq(script_with_defs("zsh", r, "", "ll; f"),
               "f () \n{ \n    ll\n}\nalias 'll=ls -l '\\''x'\\'''\n\neval 'll; f'");
  cr_assert_eq(script_with_defs("fish", r, "", "f"), "f () \n{ \n    ll\n}\n\nf");
  cr_assert_eq(script_with_defs("bash", DefsRecord{}, "", "ls"), "ls", "nothing looked up: the line alone");
}
