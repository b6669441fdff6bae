// The recording's masking (secrets split across reads too) and its line format.
#include <criterion/criterion.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/asciicast.h"

using vg::SecretMasker;

namespace {

// `text` fed to a masker in pieces of `step` bytes, then flushed.
std::string fed_in_pieces(const std::string& text, size_t step, const std::vector<std::string>& values = {}) {
  SecretMasker m(values);
  std::string out;
  for (size_t i = 0; i < text.size(); i += step) out += m.feed(text.substr(i, step));
  out += m.flush();
  return out;
}

void expect_masked(const std::string& text, const std::string& want, const std::vector<std::string>& values = {}) {
  for (size_t step : {1, 2, 3, 7, 16, 1000}) {
    std::string got = fed_in_pieces(text, step, values);
    cr_expect(got == want, "step %zu: got '%s', want '%s'", step, got.c_str(), want.c_str());
  }
}

}  // namespace

Test(asciicast, token_shapes_masked_whatever_the_split) {
  expect_masked("a ghp_abcdefghijklmnopqrstuvwxyz0123456789 b\n", "a *** b\n");
  expect_masked("key=AKIAABCDEFGHIJKLMNOP.\n", "key=***.\n");
  expect_masked("x xoxb-1234567890-abcdef y", "x *** y");
  expect_masked("sk-abcdefghijklmnopqrstuvwxyz12 github_pat_11AAAAAAA0abcdefghijklmnop_qr",
                "*** ***");
}

Test(asciicast, private_key_block_masked) {
  expect_masked("before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n"
                "-----END OPENSSH PRIVATE KEY-----\nafter\n",
                "before\n***\nafter\n");
}

Test(asciicast, environment_values_masked) {
  expect_masked("token is s3cr3t-value!\n", "token is ***!\n", {"s3cr3t-value"});
}

Test(asciicast, ordinary_text_kept) {
  expect_masked("ghp_short sk-no ask-me AKIA1 task-list-of-many-things-here\n",
                "ghp_short sk-no ask-me AKIA1 task-list-of-many-things-here\n");
  expect_masked("héllo wörld ✓\n", "héllo wörld ✓\n");
}

Test(asciicast, utf8_not_split_between_chunks) {
  SecretMasker m({});
  std::string text(40, 'a');
  text += "✓";  // 3 bytes
  std::string first = m.feed(text.substr(0, 41));
  cr_expect(first.size() <= 40, "a UTF-8 character was split: %zu bytes out", first.size());
}

Test(asciicast, lines_parse) {
  vg::CastHeader h;
  h.width = 100;
  h.height = 30;
  h.title = "t";
  nlohmann::json head = nlohmann::json::parse(vg::asciicast_header(h));
  cr_expect_eq(head["version"].get<int>(), 2);
  cr_expect_eq(head["width"].get<int>(), 100);
  std::string ev = vg::asciicast_event(1.5, "o", std::string("bad \xff utf8\n"));
  cr_expect_eq(ev.back(), '\n');
  nlohmann::json e = nlohmann::json::parse(ev);
  cr_expect_eq(e[0].get<double>(), 1.5);
  cr_expect(e[1] == "o");
}
