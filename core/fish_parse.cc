// A small fish front end: tokens (words and separators) -> bash text. Words are
// translated piece by piece (quotes, `(…)`, `$var`); statements by their first word.
#include "core/fish_parse.h"

#include <vector>

namespace vg {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Translator {
  std::string_view src;
  size_t pos = 0;
  std::string error;

  bool fail(const char* why) {
    if (error.empty()) error = why;
    return false;
  }

  // `$name` (and `$name[…]`, fish's index, dropped) starting at pos (on the '$').
  void variable(std::string& out, bool in_quotes) {
    ++pos;
    size_t start = pos;
    while (pos < src.size() && is_name_char(src[pos])) ++pos;
    std::string name(src.substr(start, pos - start));
    if (name.empty()) {
      out += "\\$";
      return;
    }
    if (pos < src.size() && src[pos] == '[') {
      size_t close = src.find(']', pos);
      if (close != std::string_view::npos) pos = close + 1;
    }
    out += in_quotes ? "${" + name + "}" : "\"${" + name + "}\"";
  }

  // `(…)` starting at pos (on the '('): translated recursively into `$(…)`.
  bool substitution(std::string& out) {
    size_t depth = 0, i = pos;
    char quote = 0;
    for (; i < src.size(); ++i) {
      char c = src[i];
      if (quote) {
        if (c == '\\' && i + 1 < src.size()) ++i;
        else if (c == quote) quote = 0;
      } else if (c == '\\' && i + 1 < src.size()) {
        ++i;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        break;
      }
    }
    if (i >= src.size()) return fail("unterminated command substitution");
    std::string inner_error;
    std::optional<std::string> inner = fish_to_sh(src.substr(pos + 1, i - pos - 1), &inner_error);
    if (!inner) return fail("bad command substitution");
    out += "$(" + *inner + ")";
    pos = i + 1;
    return true;
  }

  // One word up to unquoted blank or separator; false on an unterminated quote.
  bool word(std::string& out) {
    while (pos < src.size()) {
      char c = src[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|') return true;
      if (c == '&') {
        bool redirect = (!out.empty() && (out.back() == '>' || out.back() == '<')) ||
                        (pos + 1 < src.size() && src[pos + 1] == '>');
        if (!redirect) return true;
        out += c;
        ++pos;
      } else if (c == '\\' && pos + 1 < src.size()) {
        // fish's unquoted \r \n \t \e are control characters (bind \r ...); bash's $'..'
        char e = src[pos + 1];
        if (e == 'r' || e == 'n' || e == 't' || e == 'e') out += "$'" + std::string(src.substr(pos, 2)) + "'";
        else out += src.substr(pos, 2);
        pos += 2;
      } else if (c == '\'') {
        // fish: \' and \\ are escapes inside single quotes; bash has none there.
        out += '\'';
        for (++pos;; ++pos) {
          if (pos >= src.size()) return fail("unterminated single quote");
          if (src[pos] == '\\' && pos + 1 < src.size() && (src[pos + 1] == '\'' || src[pos + 1] == '\\')) {
            out += src[pos + 1] == '\'' ? "'\\''" : "\\";
            ++pos;
          } else if (src[pos] == '\'') {
            break;
          } else {
            out += src[pos];
          }
        }
        out += '\'';
        ++pos;
      } else if (c == '"') {
        out += '"';
        for (++pos;; ) {
          if (pos >= src.size()) return fail("unterminated double quote");
          char d = src[pos];
          if (d == '"') break;
          if (d == '\\' && pos + 1 < src.size()) {
            out += src.substr(pos, 2);
            pos += 2;
          } else if (d == '$' && pos + 1 < src.size() && src[pos + 1] == '(') {
            ++pos;  // fish 3.4: "$(cmd)" substitutes inside quotes too
            if (!substitution(out)) return false;
          } else if (d == '$') {
            variable(out, true);
          } else if (d == '`') {
            out += "\\`";
            ++pos;
          } else {
            out += d;
            ++pos;
          }
        }
        out += '"';
        ++pos;
      } else if (c == '$' && pos + 1 < src.size() && src[pos + 1] == '(') {
        ++pos;
        if (!substitution(out)) return false;
      } else if (c == '$') {
        variable(out, false);
      } else if (c == '(') {
        if (!substitution(out)) return false;
      } else if (c == ')') {
        return fail("unexpected ')'");
      } else if (c == '`') {
        out += "\\`";
        ++pos;
      } else if (c == '#' && out.empty()) {
        while (pos < src.size() && src[pos] != '\n') ++pos;
      } else {
        out += c;
        ++pos;
      }
    }
    return true;
  }
};

struct Token {
  bool separator = false;
  std::string text;  // a word (translated) or ";" "\n" "|" "&&" "||" "&" "&|"
  std::string raw;   // the word as typed (keywords are recognised unquoted only)
};

bool tokenize(Translator& t, std::vector<Token>& out) {
  std::string_view s = t.src;
  while (t.pos < s.size()) {
    char c = s[t.pos];
    if (c == ' ' || c == '\t' || (c == '\\' && t.pos + 1 < s.size() && s[t.pos + 1] == '\n')) {
      t.pos += c == '\\' ? 2 : 1;
    } else if (c == ';' || c == '\n') {
      out.push_back({true, ";", ""});
      ++t.pos;
    } else if (s.substr(t.pos, 2) == "&&" || s.substr(t.pos, 2) == "||" || s.substr(t.pos, 2) == "&|") {
      out.push_back({true, std::string(s.substr(t.pos, 2)), ""});
      t.pos += 2;
    } else if (c == '|' || c == '&') {
      out.push_back({true, std::string(1, c), ""});
      ++t.pos;
    } else {
      size_t start = t.pos;
      Token w;
      if (!t.word(w.text)) return false;
      w.raw = std::string(s.substr(start, t.pos - start));
      if (!w.raw.empty() && w.raw[0] == '#') continue;  // a comment
      out.push_back(std::move(w));
    }
  }
  return true;
}

enum class Block { Function, Begin, If, While, For, Switch };

struct Frame {
  Block kind;
  int statements = 0;   // in the current branch; bash needs one before else / end
  bool in_case = false;  // switch: a `case` arm is open
};

}  // namespace

std::optional<std::string> fish_to_sh(std::string_view fish, std::string* error) {
  Translator t;
  t.src = fish;
  std::vector<Token> tokens;
  if (!tokenize(t, tokens)) {
    if (error) *error = t.error;
    return std::nullopt;
  }
  std::string out;
  std::vector<Frame> stack;
  std::string pending;       // separator to write before the next statement
  bool awaiting_body = false;  // after if/while/for's condition: `then`/`do` comes next
  auto fail = [&](const char* why) -> std::optional<std::string> {
    if (error) *error = why;
    return std::nullopt;
  };
  size_t i = 0;
  while (i < tokens.size()) {
    if (tokens[i].separator) {
      const std::string& sep = tokens[i].text;
      if (sep == ";") {
        if (!pending.empty() && pending != "\n") pending = "\n";
        else pending = "\n";
      } else {
        pending = sep == "&|" ? " |& " : " " + sep + " ";
        if (sep == "&") pending = " &\n";
      }
      ++i;
      continue;
    }
    // A statement: its words up to the next separator.
    size_t end = i;
    while (end < tokens.size() && !tokens[end].separator) ++end;
    // Leading `and` / `or` join it to the previous statement; `not` negates it.
    std::string prefix;
    // After |, && or || the statement continues the previous one (an if's condition too).
    bool joined = !pending.empty() && pending != "\n" && pending != " &\n";
    while (i < end && (tokens[i].raw == "and" || tokens[i].raw == "or" || tokens[i].raw == "not")) {
      if (tokens[i].raw == "not") prefix += "! ";
      else pending = tokens[i].raw == "and" ? " && " : " || ", joined = true;
      ++i;
    }
    if (i == end) {
      if (!prefix.empty()) return fail("'not' without a command");
      continue;
    }
    const std::string kw = tokens[i].raw;
    bool opens_body = awaiting_body && !joined && kw != "end";
    if (awaiting_body && !joined) {
      Block k = stack.back().kind;
      out += k == Block::If ? "; then" : "; do";
      pending = "\n";
      awaiting_body = false;
    }
    (void)opens_body;
    auto words_from = [&](size_t from) {
      std::string s;
      for (size_t k = from; k < end; ++k) s += (s.empty() ? "" : " ") + tokens[k].text;
      return s;
    };
    auto emit = [&](const std::string& text) {
      out += pending + text;
      pending.clear();
    };
    auto count = [&] {
      if (!stack.empty()) ++stack.back().statements;
    };
    if (kw == "end") {
      if (stack.empty()) return fail("'end' outside a block");
      Frame f = stack.back();
      stack.pop_back();
      std::string filler = f.statements == 0 ? "\n:" : "";
      if (pending.empty()) pending = "\n";
      switch (f.kind) {
        case Block::Function:
        case Block::Begin: emit(filler.empty() ? "}" : ":\n}"); break;
        case Block::If: emit(filler.empty() ? "fi" : ":\nfi"); break;
        case Block::While:
        case Block::For: emit(filler.empty() ? "done" : ":\ndone"); break;
        case Block::Switch: emit(f.in_case ? ";;\nesac" : "esac"); break;
      }
      if (end > i + 1) out += " " + words_from(i + 1);  // redirections on the block
      count();
    } else if (kw == "function" && end > i + 1) {
      emit(tokens[i + 1].text + "() {");
      pending = "\n";
      stack.push_back({Block::Function});
    } else if (kw == "begin") {
      emit(prefix + "{");
      pending = "\n";
      stack.push_back({Block::Begin});
      if (end > i + 1) {
        emit(words_from(i + 1));
        ++stack.back().statements;
      }
    } else if (kw == "if" || kw == "while") {
      emit(prefix + kw + " " + words_from(i + 1));
      stack.push_back({kw == "if" ? Block::If : Block::While});
      awaiting_body = true;
    } else if (kw == "for") {
      emit("for " + words_from(i + 1));
      stack.push_back({Block::For});
      awaiting_body = true;
    } else if (kw == "else") {
      if (stack.empty() || stack.back().kind != Block::If) return fail("'else' outside 'if'");
      if (stack.back().statements == 0) emit(":");
      pending = "\n";
      if (end > i + 1 && tokens[i + 1].raw == "if") {
        emit("elif " + words_from(i + 2));
        awaiting_body = true;
      } else {
        emit("else");
        pending = "\n";
        if (end > i + 1) emit(words_from(i + 1));
      }
      stack.back().statements = end > i + 1 && tokens[i + 1].raw != "if" ? 1 : 0;
    } else if (kw == "switch") {
      emit("case " + words_from(i + 1) + " in");
      pending = "\n";
      stack.push_back({Block::Switch});
    } else if (kw == "case" && !stack.empty() && stack.back().kind == Block::Switch) {
      std::string pats;
      for (size_t k = i + 1; k < end; ++k) pats += (pats.empty() ? "" : "|") + tokens[k].text;
      emit((stack.back().in_case ? ";;\n" : "") + (pats.empty() ? std::string("''") : pats) + ")");
      pending = "\n";
      stack.back().in_case = true;
      stack.back().statements = 1;  // an empty arm is fine in bash
    } else {
      emit(prefix + words_from(i));
      count();
    }
    i = end;
  }
  if (!stack.empty()) return fail("a block without 'end'");
  if (pending == " &\n") out += " &";
  if (awaiting_body) return fail("a condition without a body");
  return out;
}

}  // namespace vg
