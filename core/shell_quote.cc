#include "core/shell_quote.h"

#include <array>

namespace vg {
namespace {

bool plain_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '-': case '.': case '/': case ',': case ':': case '@': case '%': case '+': case '=':
      return true;
    default:
      return false;
  }
}

constexpr std::array<std::string_view, 22> kReservedWords = {
    "!",     "{",     "}",  "[[",   "]]",    "case",     "do",   "done", "elif", "else",   "esac",
    "fi",    "for",   "if", "in",   "then",  "until",    "while", "function", "select", "time",
    "coproc",
};

}  // namespace

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty();
  for (char c : word) plain = plain && plain_char(c);
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string shell_join(const std::vector<std::string>& argv) {
  std::string line;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) line += ' ';
    std::string_view w = argv[i];
    bool looks_special = false;
    if (i == 0) {
      for (std::string_view r : kReservedWords) looks_special = looks_special || w == r;
      looks_special = looks_special || w.find('=') != std::string_view::npos;
    }
    bool has_quote = w.find('\'') != std::string_view::npos;  // then shell_quote quotes it anyway
    line += looks_special && !has_quote ? "'" + std::string(w) + "'" : shell_quote(w);
  }
  return line;
}

}  // namespace vg
