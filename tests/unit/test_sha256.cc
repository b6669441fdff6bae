// SHA-256 against the FIPS 180-2 examples and lengths around the padding boundary.
#include <criterion/criterion.h>

#include <string>

#include "core/sha256.h"

using vg::sha256_hex;

// Criterion's string macros keep a pointer past the full expression: hold the string.
#define EXPECT_HEX(input, hex)                                            \
  do {                                                                    \
    std::string got_ = sha256_hex(input);                                 \
    cr_expect_str_eq(got_.c_str(), hex);                                  \
  } while (0)

Test(sha256, empty_string) {
  EXPECT_HEX("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(sha256, abc) {
  EXPECT_HEX("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(sha256, two_block_message) {
  EXPECT_HEX("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, long_message) {
  EXPECT_HEX("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

Test(sha256, one_million_a) {
  EXPECT_HEX(std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Lengths where the padding needs one more block, or exactly fills one.
Test(sha256, padding_boundaries) {
  struct {
    size_t n;
    const char* hex;
  } cases[] = {
      {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
      {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
      {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
      {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
      {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
      {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
      {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
  };
  for (auto& c : cases) {
    std::string got = sha256_hex(std::string(c.n, 'x'));
    cr_expect_str_eq(got.c_str(), c.hex, "length %zu", c.n);
  }
}

Test(sha256, chunked_updates_match_one_shot) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += char('a' + i % 26);
  std::string whole = sha256_hex(text);
  for (size_t step : {1u, 3u, 63u, 64u, 65u, 127u}) {
    vg::Sha256 s;
    for (size_t i = 0; i < text.size(); i += step) s.update(std::string_view(text).substr(i, step));
    std::string hex;
    static const char kHex[] = "0123456789abcdef";
    for (auto b : s.digest()) {
      hex += kHex[b >> 4];
      hex += kHex[b & 15];
    }
    cr_expect_str_eq(hex.c_str(), whole.c_str(), "step %zu", step);
  }
}

Test(sha256, command_text) {
  EXPECT_HEX("rm -rf ~", "22179937e32620e225e1f6383907285e9b5aee86597795712e807e832f6d5bbf");
}
