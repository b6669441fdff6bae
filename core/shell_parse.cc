// The shell parser: a hand-written recursive-descent parser that reads characters
// directly. Shell syntax is context sensitive (reserved words count only where a
// command starts, here-doc bodies follow the line that names them, `$((` may be a
// subshell), so there is no separate token stream: the parser is its own lexer.
//
// Robustness rules: nothing here throws; every loop consumes input or stops; nesting
// is bounded by kMaxDepth; look-ahead scans share one budget so input is read in
// roughly linear time. On an error the first message is kept and parsing goes on,
// so the caller still sees every command that could be recognised.
#include "core/shell_parse.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>

namespace vg {

bool Word::dynamic() const {
  for (const WordPart& p : parts)
    if (p.kind != PartKind::Literal) return true;
  return false;
}

namespace {

constexpr int kMaxDepth = 256;
constexpr int kEof = -1;

bool is_blank(int c) { return c == ' ' || c == '\t'; }
bool is_digit(int c) { return c >= '0' && c <= '9'; }
bool is_name_start(int c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(int c) { return is_name_start(c) || is_digit(c); }
bool is_special_param(int c) {
  return c == '@' || c == '*' || c == '#' || c == '?' || c == '$' || c == '!' || c == '-';
}
// Characters that end an unquoted word.
bool is_meta(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
         c == '>' || c == '(' || c == ')';
}

// Characters a run of plain word text stops at: metacharacters and everything
// that starts a quote, an expansion, a glob, a tilde or an assignment detail.
constexpr std::array<bool, 256> make_word_stops() {
  std::array<bool, 256> t{};
  for (char c : std::string_view(" \t\n;&|<>()'\"\\$`*?[{~:=@+!")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kWordStops = make_word_stops();

void add_literal(Word& w, std::string_view text, bool quoted) {
  if (text.empty()) return;
  w.value.append(text);
  if (!w.parts.empty() && w.parts.back().kind == PartKind::Literal && w.parts.back().quoted == quoted) {
    w.parts.back().text.append(text);
    return;
  }
  WordPart p;
  p.kind = PartKind::Literal;
  p.text = std::string(text);
  p.quoted = quoted;
  w.parts.push_back(std::move(p));
}

void add_part(Word& w, PartKind kind, std::string text, bool quoted, std::string_view source,
              std::shared_ptr<Script> script = nullptr) {
  w.value.append(source);
  WordPart p;
  p.kind = kind;
  p.text = std::move(text);
  p.quoted = quoted;
  p.script = std::move(script);
  w.parts.push_back(std::move(p));
}

// Keep the expansions of a scratch word (nested in ${..} or $((..))) as parts of w.
void add_nested_expansions(Word& w, Word& scratch) {
  for (WordPart& p : scratch.parts)
    if (p.kind != PartKind::Literal) w.parts.push_back(std::move(p));
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | ((cp >> 18) & 0x07));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// State shared by a parser and the sub-parsers it starts (backquotes, here-doc bodies).
struct Shared {
  ParseResult* result;
  size_t scan_budget;  // characters look-ahead scans may still read
  bool aborted = false;
};

struct PendingHeredoc {
  int id;
  std::string delimiter;
  bool strip_tabs;
  bool expands;
};

struct HeredocBody {
  std::string text;
  std::vector<WordPart> parts;
};

class Parser {
 public:
  Parser(std::string_view src, int first_line, int depth, Shared& shared)
      : src_(src), line_(first_line), depth_(depth), sh_(shared) {}

  // A whole program: lists until the end, skipping tokens no list can start with.
  void parse_program(Script& out) {
    for (;;) {
      parse_list(out);
      if (peek() == kEof) break;
      skip_unexpected();
    }
    if (!pending_.empty()) {
      error("unterminated here-document: no line '" + pending_.front().delimiter + "' ends it");
      for (const PendingHeredoc& h : pending_) bodies_[h.id] = HeredocBody{};
      pending_.clear();
    }
    fill_heredocs(out);
  }

  // The body of an unquoted here-doc: only $, ` and \ are special.
  void parse_heredoc_text(Word& w) {
    for (;;) {
      int c = peek();
      if (c == kEof) break;
      if (c == '\\') {
        int n = raw(pos_ + 1);
        if (n == '$' || n == '`' || n == '\\') {
          add_literal(w, std::string_view(&src_[pos_ + 1], 1), true);
          pos_ += 2;
        } else {
          add_literal(w, "\\", true);
          ++pos_;
        }
      } else if (c == '$') {
        read_dollar(w, true);
      } else if (c == '`') {
        read_backquote(w, true);
      } else {
        size_t start = pos_;
        while (pos_ < src_.size() && src_[pos_] != '$' && src_[pos_] != '`' && src_[pos_] != '\\') {
          if (src_[pos_] == '\n') ++line_;
          ++pos_;
        }
        add_literal(w, src_.substr(start, pos_ - start), true);
      }
    }
    fill_heredocs(w);
  }

 private:
  std::string_view src_;
  size_t pos_ = 0;
  int line_;
  int depth_;
  Shared& sh_;
  std::vector<PendingHeredoc> pending_;
  std::vector<HeredocBody> bodies_;

  // ---- errors and nesting -------------------------------------------------

  void error(std::string message) { error(std::move(message), line_); }

  // `line` is where the offending construct starts, for file:line reports.
  void error(std::string message, int line) {
    ParseResult& r = *sh_.result;
    if (!r.ok) return;
    r.ok = false;
    r.error = std::move(message);
    r.error_line = line;
  }

  // Counts one level of nesting; past kMaxDepth the whole parse stops.
  struct DepthGuard {
    Parser& p;
    bool ok;
    explicit DepthGuard(Parser& parser) : p(parser), ok(++parser.depth_ <= kMaxDepth) {
      if (!ok) {
        p.error("nesting too deep: more than 256 levels of nested constructs");
        p.sh_.aborted = true;
      }
    }
    ~DepthGuard() { --p.depth_; }
  };

  bool take_budget(size_t n) {
    if (sh_.scan_budget < n) return false;
    sh_.scan_budget -= n;
    return true;
  }

  // ---- characters ---------------------------------------------------------

  int raw(size_t p) const { return p < src_.size() ? static_cast<unsigned char>(src_[p]) : kEof; }

  // Skips backslash-newline pairs: a line continuation vanishes outside single quotes.
  size_t logical(size_t p) const {
    while (p + 1 < src_.size() && src_[p] == '\\' && src_[p + 1] == '\n') p += 2;
    return p;
  }

  void skip_continuations() {
    while (pos_ + 1 < src_.size() && src_[pos_] == '\\' && src_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
    }
  }

  int peek() {
    if (sh_.aborted) pos_ = src_.size();
    skip_continuations();
    return raw(pos_);
  }

  // The k-th logical character ahead (0 = peek()).
  int peek_at(size_t k) {
    if (sh_.aborted) return kEof;
    size_t p = logical(pos_);
    for (size_t i = 0; i < k && p < src_.size(); ++i) p = logical(p + 1);
    return raw(p);
  }

  void advance() {
    skip_continuations();
    if (pos_ < src_.size()) {
      if (src_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  void advance(size_t n) {
    for (size_t i = 0; i < n; ++i) advance();
  }

  bool at_op(std::string_view op) {
    for (size_t i = 0; i < op.size(); ++i)
      if (peek_at(i) != static_cast<unsigned char>(op[i])) return false;
    return true;
  }

  void skip_blanks() {
    while (is_blank(peek())) advance();
  }

  void skip_comment() {
    while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
  }

  // Consumes a newline; here-doc bodies named on the line just ended come next.
  void eat_newline() {
    advance();
    if (!pending_.empty()) read_heredoc_bodies();
  }

  void skip_space_and_newlines() {
    for (;;) {
      skip_blanks();
      int c = peek();
      if (c == '\n') {
        eat_newline();
      } else if (c == '#') {
        skip_comment();
      } else {
        return;
      }
    }
  }

  // A bare word at the current position that could be a reserved word: letters and
  // the brackets of { } [[ ]] followed by a metacharacter or the end.
  std::string_view peek_reserved() {
    if (sh_.aborted) return {};
    size_t p = logical(pos_);
    size_t q = p;
    while (q < src_.size()) {
      char c = src_[q];
      if (!((c >= 'a' && c <= 'z') || c == '{' || c == '}' || c == '[' || c == ']' || c == '!')) break;
      ++q;
    }
    if (q == p || (q < src_.size() && !is_meta(static_cast<unsigned char>(src_[q])))) return {};
    return src_.substr(p, q - p);
  }

  bool take_reserved(std::string_view word) {
    skip_blanks();
    if (peek_reserved() != word) return false;
    advance(word.size());
    return true;
  }

  // ---- lists ---------------------------------------------------------------

  static bool ends_list(std::string_view w) {
    return w == "then" || w == "elif" || w == "else" || w == "fi" || w == "do" || w == "done" ||
           w == "esac" || w == "}";
  }

  // True where a list must stop: the end, `)`, a case-arm terminator, or a reserved
  // word that closes a compound command.
  bool at_list_end() {
    int c = peek();
    if (c == kEof || c == ')') return true;
    if (c == ';' && (peek_at(1) == ';' || peek_at(1) == '&')) return true;
    return ends_list(peek_reserved());
  }

  // Consumes one token no list can start with, reporting it.
  void skip_unexpected() {
    std::string_view w = peek_reserved();
    std::string token;
    if (!w.empty()) {
      token = std::string(w);
    } else if (at_op(";;&")) {
      token = ";;&";
    } else if (at_op(";;") || at_op(";&") || at_op("&&") || at_op("||") || at_op("|&")) {
      token = std::string(1, static_cast<char>(peek())) + static_cast<char>(peek_at(1));
    } else {
      int c = peek();
      if (c == kEof) return;
      token = std::string(1, static_cast<char>(c));
    }
    error("syntax error: unexpected '" + (token == "\n" ? std::string("newline") : token) + "'");
    advance(token.size());
  }

  // Callers hold a DepthGuard: every list belongs to a command or substitution.
  void parse_list(Script& out) {
    for (;;) {
      skip_space_and_newlines();
      if (at_list_end()) return;
      int c = peek();
      if (c == ';' || c == '&' || c == '|') {
        skip_unexpected();
        continue;
      }
      size_t before = pos_;
      AndOr item;
      item.line = line_;
      parse_and_or(item);
      skip_blanks();
      c = peek();
      if (c == ';' && peek_at(1) != ';' && peek_at(1) != '&') {
        advance();
      } else if (c == '&' && peek_at(1) != '&' && peek_at(1) != '>') {
        advance();
        item.background = true;
      } else if (c != '\n' && c != '#' && !at_list_end()) {
        std::string_view w = peek_reserved();
        error("syntax error: unexpected '" +
              (w.empty() ? std::string(1, static_cast<char>(c)) : std::string(w)) + "'");
      }
      if (!item.pipelines.empty()) out.items.push_back(std::move(item));
      if (pos_ == before) advance();  // always make progress
    }
  }

  void parse_and_or(AndOr& item) {
    Pipeline first;
    parse_pipeline(first);
    if (first.commands.empty()) return;
    item.line = first.commands.front().line;
    item.pipelines.push_back(std::move(first));
    for (;;) {
      skip_blanks();
      std::string op;
      if (at_op("&&")) op = "&&";
      else if (at_op("||")) op = "||";
      else return;
      advance(2);
      skip_space_and_newlines();
      Pipeline next;
      parse_pipeline(next);
      if (next.commands.empty()) {
        error("missing command after '" + op + "'");
        return;
      }
      item.ops.push_back(std::move(op));
      item.pipelines.push_back(std::move(next));
    }
  }

  void parse_pipeline(Pipeline& p) {
    skip_blanks();
    while (peek() == '!' && (is_blank(peek_at(1)) || peek_at(1) == kEof || peek_at(1) == '\n')) {
      advance();
      p.negated = !p.negated;
      skip_blanks();
    }
    for (;;) {
      Command cmd;
      if (!parse_command(cmd)) {
        if (!p.commands.empty() || p.negated) error("missing command after '|'");
        return;
      }
      p.commands.push_back(std::move(cmd));
      skip_blanks();
      if (peek() != '|' || peek_at(1) == '|') return;
      advance(peek_at(1) == '&' ? 2 : 1);
      skip_space_and_newlines();
      if (at_list_end()) {
        error("missing command after '|'");
        return;
      }
    }
  }

  // ---- commands ------------------------------------------------------------

  bool parse_command(Command& cmd) {
    DepthGuard guard(*this);
    if (!guard.ok) return false;
    skip_blanks();
    cmd.line = line_;
    int c = peek();
    if (c == kEof || at_list_end()) return false;
    if (c == ';' || c == '|' || c == '\n' || (c == '&' && peek_at(1) != '>')) return false;
    if (c == '(') {
      if (peek_at(1) == '(' && arith_ahead(2)) {
        parse_arith_command(cmd);
      } else {
        parse_subshell(cmd);
      }
      parse_trailing_redirects(cmd);
      return true;
    }
    std::string_view w = peek_reserved();
    if (w == "if") parse_if(cmd);
    else if (w == "for") parse_for(cmd, CommandKind::For);
    else if (w == "select") parse_for(cmd, CommandKind::Select);
    else if (w == "while") parse_loop(cmd, CommandKind::While);
    else if (w == "until") parse_loop(cmd, CommandKind::Until);
    else if (w == "case") parse_case(cmd);
    else if (w == "function") parse_function_keyword(cmd);
    else if (w == "{") parse_group(cmd);
    else if (w == "[[") parse_cond(cmd);
    else return parse_simple(cmd);
    if (cmd.kind != CommandKind::FunctionDef) parse_trailing_redirects(cmd);
    return true;
  }

  bool parse_simple(Command& cmd) {
    SimpleCommand& sc = cmd.simple;
    sc.line = line_;
    bool any = false;
    for (;;) {
      skip_blanks();
      int c = peek();
      if (c == kEof) break;
      if (c == '#') {
        skip_comment();
        break;
      }
      bool proc_subst = (c == '<' || c == '>') && peek_at(1) == '(';
      if (!proc_subst && try_redirect(sc.redirects)) {
        any = true;
        continue;
      }
      if (c == '(') {
        if (sc.words.size() == 1 && sc.assignments.empty() && sc.redirects.empty() &&
            is_plain_name(sc.words[0])) {
          parse_function_after_parens(cmd);
          return true;
        }
        error("syntax error: unexpected '(' in a command; quote it if it is an argument");
        break;
      }
      if (is_meta(c) && !proc_subst) break;
      Word w;
      bool assignment = false;
      if (!read_word(w, sc.words.empty(), &assignment)) {
        advance();  // cannot happen for a non-metacharacter; keeps the loop finite
        continue;
      }
      any = true;
      if (assignment) sc.assignments.push_back(std::move(w));
      else sc.words.push_back(std::move(w));
    }
    return any;
  }

  static bool is_plain_name(const Word& w) {
    if (w.raw.empty()) return false;
    for (char c : w.raw)
      if (is_meta(static_cast<unsigned char>(c)) || c == '\'' || c == '"' || c == '$' || c == '`' ||
          c == '\\' || c == '=')
        return false;
    return true;
  }

  void parse_trailing_redirects(Command& cmd) {
    for (;;) {
      skip_blanks();
      if (!try_redirect(cmd.redirects)) return;
    }
  }

  // Reads a redirection at the current position, if there is one.
  bool try_redirect(std::vector<Redirect>& out) {
    int first = peek();
    if (!(first == '<' || first == '>' || first == '&' || first == '{' || is_digit(first))) return false;
    size_t save_pos = pos_;
    int save_line = line_;
    Redirect r;
    size_t p = logical(pos_);
    size_t q = p;
    if (q < src_.size() && is_digit(raw(q))) {
      while (q < src_.size() && is_digit(raw(q))) ++q;
      if (raw(q) == '<' || raw(q) == '>') {
        std::string_view digits = src_.substr(p, q - p);
        r.fd = digits.size() > 9 ? 999999999 : std::stoi(std::string(digits));
        pos_ = q;
      }
    } else if (raw(q) == '{' && is_name_start(raw(q + 1))) {
      ++q;
      while (is_name_char(raw(q))) ++q;
      if (raw(q) == '}' && (raw(q + 1) == '<' || raw(q + 1) == '>')) {
        r.fd_var = std::string(src_.substr(p + 1, q - p - 1));
        pos_ = q + 1;
      }
    }
    static constexpr std::string_view kOps[] = {"<<<", "<<-", "&>>", "<<", "<&", "<>", ">>",
                                                ">&", ">|", "&>", "<", ">"};
    std::string_view op;
    for (std::string_view candidate : kOps)
      if (at_op(candidate)) {
        op = candidate;
        break;
      }
    if (op.empty() || ((op == "<" || op == ">") && peek_at(1) == '(' && r.fd < 0 && r.fd_var.empty())) {
      pos_ = save_pos;
      line_ = save_line;
      return false;
    }
    advance(op.size());
    r.op = std::string(op);
    skip_blanks();
    int c = peek();
    bool proc_subst = (c == '<' || c == '>') && peek_at(1) == '(';
    if (c == kEof || (is_meta(c) && !proc_subst)) {
      error("missing file name after '" + r.op + "'");
      out.push_back(std::move(r));
      return true;
    }
    read_word(r.target, false, nullptr);
    if (r.op == "<<" || r.op == "<<-") {
      bool quoted = r.target.raw.find_first_of("'\"\\") != std::string::npos;
      r.heredoc_expands = !quoted;
      r.heredoc_id = static_cast<int>(bodies_.size());
      bodies_.emplace_back();
      pending_.push_back({r.heredoc_id, r.target.value, r.op == "<<-", !quoted});
    }
    out.push_back(std::move(r));
    return true;
  }

  // Shared tail of `for`, `while`, `until`, `select`: do LIST done (or a { } group).
  void parse_do_body(Command& cmd, const char* construct, int start_line) {
    skip_space_and_newlines();
    if (peek_reserved() == "{") {
      Command group;
      group.line = line_;
      parse_group(group);
      cmd.bodies.push_back(single_command_script(std::move(group)));
      return;
    }
    if (!take_reserved("do")) {
      error(std::string("expected 'do' in the '") + construct + "' loop on line " +
            std::to_string(start_line));
      return;
    }
    auto body = std::make_shared<Script>();
    parse_list(*body);
    cmd.bodies.push_back(std::move(body));
    if (!take_reserved("done"))
      error(std::string("the '") + construct + "' loop on line " + std::to_string(start_line) +
            " is missing its closing 'done'", start_line);
  }

  static std::shared_ptr<Script> single_command_script(Command cmd) {
    auto s = std::make_shared<Script>();
    AndOr item;
    item.line = cmd.line;
    Pipeline p;
    p.commands.push_back(std::move(cmd));
    item.pipelines.push_back(std::move(p));
    s->items.push_back(std::move(item));
    return s;
  }

  void parse_if(Command& cmd) {
    cmd.kind = CommandKind::If;
    int start = line_;
    advance(2);  // if
    for (;;) {
      auto cond = std::make_shared<Script>();
      parse_list(*cond);
      cmd.bodies.push_back(std::move(cond));
      if (!take_reserved("then")) {
        error("expected 'then' after the condition of the 'if' on line " + std::to_string(start));
        return;
      }
      auto then = std::make_shared<Script>();
      parse_list(*then);
      cmd.bodies.push_back(std::move(then));
      if (take_reserved("elif")) continue;
      if (take_reserved("else")) {
        auto other = std::make_shared<Script>();
        parse_list(*other);
        cmd.bodies.push_back(std::move(other));
      }
      break;
    }
    if (!take_reserved("fi"))
      error("the 'if' on line " + std::to_string(start) + " is missing its closing 'fi'", start);
  }

  void parse_loop(Command& cmd, CommandKind kind) {
    cmd.kind = kind;
    int start = line_;
    const char* name = kind == CommandKind::While ? "while" : "until";
    advance(5);  // while / until
    auto cond = std::make_shared<Script>();
    parse_list(*cond);
    cmd.bodies.push_back(std::move(cond));
    parse_do_body(cmd, name, start);
  }

  void parse_for(Command& cmd, CommandKind kind) {
    cmd.kind = kind;
    int start = line_;
    const char* name = kind == CommandKind::For ? "for" : "select";
    advance(kind == CommandKind::For ? 3 : 6);
    skip_blanks();
    if (kind == CommandKind::For && at_op("((")) {
      size_t from = pos_;
      advance(2);
      Word w;
      Word scratch;
      size_t inner = pos_;
      size_t end = read_arith_body(scratch);
      w.raw = std::string(src_.substr(from, pos_ - from));
      add_literal(w, src_.substr(inner, end - inner), false);
      add_nested_expansions(w, scratch);
      cmd.words.push_back(std::move(w));
      skip_blanks();
      if (peek() == ';') advance();
      parse_do_body(cmd, name, start);
      return;
    }
    Word var;
    read_word(var, false, nullptr);
    cmd.name = var.value;
    if (cmd.name.empty()) {
      error(std::string("missing the variable name after '") + name + "' on line " + std::to_string(start));
      return;
    }
    skip_blanks();
    if (peek() == ';') {
      advance();
    } else {
      skip_space_and_newlines();
      if (take_reserved("in")) {
        for (;;) {
          skip_blanks();
          int c = peek();
          if (c == ';') {
            advance();
            break;
          }
          if (c == '\n' || c == kEof) break;
          if (c == '#') {
            skip_comment();
            break;
          }
          if (is_meta(c)) {
            error(std::string("syntax error: unexpected '") + static_cast<char>(c) + "' in the '" + name +
                  "' word list");
            return;
          }
          Word item;
          read_word(item, false, nullptr);
          cmd.words.push_back(std::move(item));
        }
      }
    }
    parse_do_body(cmd, name, start);
  }

  void parse_case(Command& cmd) {
    cmd.kind = CommandKind::Case;
    int start = line_;
    advance(4);  // case
    skip_blanks();
    Word subject;
    int c = peek();
    if (c == kEof || is_meta(c) || !read_word(subject, false, nullptr)) {
      error("missing the word after 'case' on line " + std::to_string(start));
      return;
    }
    cmd.words.push_back(std::move(subject));
    skip_space_and_newlines();
    if (!take_reserved("in")) {
      error("expected 'in' after the word of the 'case' on line " + std::to_string(start));
      return;
    }
    for (;;) {
      skip_space_and_newlines();
      if (take_reserved("esac")) return;
      if (peek() == kEof) break;
      if (peek() == '(') advance();
      for (;;) {
        skip_blanks();
        Word pattern;
        c = peek();
        if (c == kEof || is_meta(c) || !read_word(pattern, false, nullptr)) {
          error("expected a pattern in the 'case' on line " + std::to_string(start));
          return;
        }
        cmd.words.push_back(std::move(pattern));
        skip_blanks();
        if (peek() == '|') {
          advance();
          continue;
        }
        if (peek() == ')') {
          advance();
          break;
        }
        error("expected ')' after a pattern of the 'case' on line " + std::to_string(start));
        return;
      }
      auto arm = std::make_shared<Script>();
      parse_list(*arm);
      cmd.bodies.push_back(std::move(arm));
      if (at_op(";;&")) advance(3);
      else if (at_op(";;") || at_op(";&")) advance(2);
      else if (peek_reserved() != "esac") break;
    }
    error("the 'case' on line " + std::to_string(start) + " is missing its closing 'esac'", start);
  }

  void parse_group(Command& cmd) {
    cmd.kind = CommandKind::Group;
    int start = line_;
    advance();  // {
    auto body = std::make_shared<Script>();
    parse_list(*body);
    cmd.bodies.push_back(std::move(body));
    if (!take_reserved("}"))
      error("the '{' group on line " + std::to_string(start) + " is missing its closing '}'", start);
  }

  void parse_subshell(Command& cmd) {
    cmd.kind = CommandKind::Subshell;
    int start = line_;
    advance();  // (
    auto body = std::make_shared<Script>();
    parse_list(*body);
    cmd.bodies.push_back(std::move(body));
    skip_blanks();
    if (peek() == ')') advance();
    else error("the '(' subshell on line " + std::to_string(start) + " is missing its closing ')'", start);
  }

  void parse_arith_command(Command& cmd) {
    cmd.kind = CommandKind::Arith;
    size_t from = pos_;
    advance(2);  // ((
    size_t inner = pos_;
    Word w;
    Word scratch;
    size_t end = read_arith_body(scratch);
    w.raw = std::string(src_.substr(from, pos_ - from));
    add_literal(w, src_.substr(inner, end - inner), false);
    add_nested_expansions(w, scratch);
    cmd.words.push_back(std::move(w));
  }

  // [[ expr ]]: words up to ]]; && || ( ) < > are words here, not operators.
  void parse_cond(Command& cmd) {
    cmd.kind = CommandKind::Cond;
    int start = line_;
    advance(2);  // [[
    bool regex_next = false;
    for (;;) {
      skip_blanks();
      int c = peek();
      if (c == '\n') {
        eat_newline();
        continue;
      }
      if (c == kEof) {
        error("the '[[' on line " + std::to_string(start) + " is missing its closing ']]'", start);
        return;
      }
      if (peek_reserved() == "]]") {
        advance(2);
        return;
      }
      Word w;
      if (regex_next) {
        read_regex_word(w);
      } else if (at_op("&&") || at_op("||")) {
        w.raw = std::string(1, static_cast<char>(c)) + static_cast<char>(c);
        add_literal(w, w.raw, false);
        advance(2);
      } else if (is_meta(c) && !((c == '<' || c == '>') && peek_at(1) == '(')) {
        w.raw = std::string(1, static_cast<char>(c));
        add_literal(w, w.raw, false);
        advance();
      } else {
        read_word(w, false, nullptr);
      }
      regex_next = w.raw == "=~";
      cmd.words.push_back(std::move(w));
    }
  }

  // The right side of =~: parentheses and | belong to the regular expression.
  void read_regex_word(Word& w) {
    size_t start = pos_;
    int parens = 0;
    for (;;) {
      int c = peek();
      if (c == kEof || ((is_blank(c) || c == '\n') && parens == 0)) break;
      if (c == '(' || c == ')' || c == '|' || c == '<' || c == '>' || c == ';' || c == '&' || c == '\n' ||
          is_blank(c)) {
        if (c == ')' && parens == 0) break;
        if (c == '(') ++parens;
        if (c == ')') --parens;
        add_literal(w, std::string(1, static_cast<char>(c)), false);
        advance();
        continue;
      }
      WordState st;
      st.start = start;
      st.tilde_at = std::string_view::npos;
      read_piece(w, st);
    }
    w.raw = std::string(src_.substr(start, pos_ - start));
  }

  void parse_function_keyword(Command& cmd) {
    int start = line_;
    advance(8);  // function
    skip_blanks();
    Word name;
    int c = peek();
    if (c == kEof || is_meta(c) || !read_word(name, false, nullptr)) {
      error("missing the function name after 'function' on line " + std::to_string(start));
      return;
    }
    cmd.kind = CommandKind::FunctionDef;
    cmd.name = name.value;
    skip_blanks();
    if (peek() == '(') {
      parse_function_after_parens(cmd);
      return;
    }
    parse_function_body(cmd);
  }

  // At `(` after a function name: expects `)`, then the body.
  void parse_function_after_parens(Command& cmd) {
    if (cmd.kind == CommandKind::Simple) {
      cmd.name = cmd.simple.words[0].value;
      cmd.simple = SimpleCommand{};
      cmd.kind = CommandKind::FunctionDef;
    }
    advance();  // (
    skip_blanks();
    if (peek() != ')') {
      error("expected ')' after '(' in the definition of function '" + cmd.name + "'");
      return;
    }
    advance();
    parse_function_body(cmd);
  }

  void parse_function_body(Command& cmd) {
    skip_space_and_newlines();
    Command body;
    if (!parse_command(body)) {
      error("the function '" + cmd.name + "' has no body");
      return;
    }
    if (body.kind == CommandKind::Simple)
      error("the body of function '" + cmd.name + "' must be a compound command such as { ...; }");
    cmd.bodies.push_back(single_command_script(std::move(body)));
  }

  // ---- words -----------------------------------------------------------------

  struct WordState {
    size_t start = 0;
    size_t assign_end = std::string_view::npos;  // just after the '=' of NAME=
    size_t tilde_at = 0;                         // where a tilde prefix may start
  };

  // NAME=, NAME+=, NAME[sub]= at p: returns the index just after '=', or npos.
  size_t assignment_end(size_t p) const {
    if (!is_name_start(raw(p))) return std::string_view::npos;
    while (is_name_char(raw(p))) ++p;
    if (raw(p) == '[') {
      while (p < src_.size() && src_[p] != ']' && !is_meta(static_cast<unsigned char>(src_[p]))) ++p;
      if (raw(p) != ']') return std::string_view::npos;
      ++p;
    }
    if (raw(p) == '+') ++p;
    if (raw(p) != '=') return std::string_view::npos;
    return p + 1;
  }

  // Reads one word; false when there is none at the current position.
  bool read_word(Word& w, bool assignment_ok, bool* is_assignment) {
    skip_continuations();
    WordState st;
    st.start = pos_;
    st.tilde_at = pos_;
    if (assignment_ok) {
      st.assign_end = assignment_end(pos_);
      if (st.assign_end != std::string_view::npos) st.tilde_at = st.assign_end;
    }
    if (is_assignment) *is_assignment = st.assign_end != std::string_view::npos;
    for (;;) {
      int c = peek();
      if (c == kEof) break;
      if (st.assign_end != std::string_view::npos && pos_ == st.assign_end && c == '(') {
        read_array(w);
        continue;
      }
      if (is_extglob_prefix(c) && peek_at(1) == '(') {
        read_extglob(w);
        continue;
      }
      if ((c == '<' || c == '>') && peek_at(1) == '(') {
        read_command_subst(w, false, PartKind::ProcessSubst);
        continue;
      }
      if (is_meta(c)) break;
      read_piece(w, st);
    }
    w.raw = std::string(src_.substr(st.start, pos_ - st.start));
    if (w.parts.empty() && pos_ > st.start) w.parts.push_back(WordPart{PartKind::Literal, "", true, nullptr});
    return pos_ > st.start;
  }

  static bool is_extglob_prefix(int c) { return c == '?' || c == '*' || c == '+' || c == '@' || c == '!'; }

  // One piece of an unquoted word at a non-metacharacter.
  void read_piece(Word& w, WordState& st) {
    int c = peek();
    switch (c) {
      case '\'':
        read_single_quoted(w);
        return;
      case '"':
        read_double_quoted(w);
        return;
      case '\\': {
        if (pos_ + 1 >= src_.size()) {
          add_literal(w, "\\", false);
          ++pos_;
          return;
        }
        add_literal(w, src_.substr(pos_ + 1, 1), true);
        pos_ += 2;
        return;
      }
      case '$':
        read_dollar(w, false);
        return;
      case '`':
        read_backquote(w, false);
        return;
      case '*':
      case '?':
        add_part(w, PartKind::Glob, std::string(1, static_cast<char>(c)), false, src_.substr(pos_, 1));
        advance();
        return;
      case '[':
        if (!read_bracket_glob(w)) {
          add_literal(w, "[", false);
          advance();
        }
        return;
      case '{':
        if (!read_brace_expansion(w)) {
          add_literal(w, "{", false);
          advance();
        }
        return;
      case '~':
        if (pos_ == st.tilde_at && read_tilde(w, st)) return;
        add_literal(w, "~", false);
        advance();
        return;
      case ':':
        add_literal(w, ":", false);
        advance();
        if (st.assign_end != std::string_view::npos && pos_ > st.assign_end) st.tilde_at = pos_;
        return;
      default:
        break;
    }
    // A run of plain characters.
    size_t start = pos_;
    ++pos_;
    while (pos_ < src_.size() && !kWordStops[static_cast<unsigned char>(src_[pos_])]) ++pos_;
    add_literal(w, src_.substr(start, pos_ - start), false);
  }

  void read_single_quoted(Word& w) {
    int start_line = line_;
    ++pos_;  // '
    size_t start = pos_;
    while (pos_ < src_.size() && src_[pos_] != '\'') {
      if (src_[pos_] == '\n') ++line_;
      ++pos_;
    }
    add_literal(w, src_.substr(start, pos_ - start), true);
    if (pos_ >= src_.size()) {
      error("unterminated single quote starting on line " + std::to_string(start_line), start_line);
      return;
    }
    ++pos_;
  }

  void read_double_quoted(Word& w) {
    DepthGuard guard(*this);
    if (!guard.ok) return;
    int start_line = line_;
    advance();  // "
    for (;;) {
      int c = peek();
      if (c == kEof) {
        error("unterminated double quote starting on line " + std::to_string(start_line), start_line);
        return;
      }
      if (c == '"') {
        advance();
        return;
      }
      if (c == '\\') {
        int n = raw(pos_ + 1);
        if (n == '$' || n == '`' || n == '"' || n == '\\') {
          add_literal(w, src_.substr(pos_ + 1, 1), true);
          pos_ += 2;
        } else {
          add_literal(w, "\\", true);
          ++pos_;
        }
      } else if (c == '$') {
        read_dollar(w, true);
      } else if (c == '`') {
        read_backquote(w, true);
      } else {
        size_t start = pos_;
        while (pos_ < src_.size()) {
          char d = src_[pos_];
          if (d == '"' || d == '\\' || d == '$' || d == '`') break;
          if (d == '\n') ++line_;
          ++pos_;
        }
        add_literal(w, src_.substr(start, pos_ - start), true);
      }
    }
  }

  // At '$': $'..', $"..", $((..)), $(..), ${..}, $name, $1, $@ ... or a plain '$'.
  void read_dollar(Word& w, bool quoted) {
    int n = peek_at(1);
    if (n == '\'' && !quoted) {
      read_ansi_c(w);
    } else if (n == '"' && !quoted) {
      advance();  // $, then a normal double-quoted string
      read_double_quoted(w);
    } else if (n == '(') {
      if (peek_at(2) == '(' && arith_ahead(3)) read_arith_subst(w, quoted);
      else read_command_subst(w, quoted, PartKind::CommandSubst);
    } else if (n == '{') {
      read_braced_param(w, quoted);
    } else if (is_name_start(n)) {
      size_t start = pos_;
      advance();
      size_t name_start = pos_;
      while (is_name_char(raw(pos_))) ++pos_;
      add_part(w, PartKind::Param, std::string(src_.substr(name_start, pos_ - name_start)), quoted,
               src_.substr(start, pos_ - start));
    } else if (is_digit(n) || is_special_param(n)) {
      advance(2);
      char name = static_cast<char>(n);
      add_part(w, PartKind::Param, std::string(1, name), quoted, std::string("$") + name);
    } else {
      add_literal(w, "$", quoted);
      advance();
    }
  }

  // $'..': ANSI-C escapes decoded into a quoted literal.
  void read_ansi_c(Word& w) {
    int start_line = line_;
    pos_ += 2;  // $'
    std::string out;
    bool cut = false;  // bash ends the string at a decoded NUL byte
    auto emit = [&](char ch) {
      if (ch == '\0') cut = true;
      if (!cut) out += ch;
    };
    while (pos_ < src_.size() && src_[pos_] != '\'') {
      char c = src_[pos_];
      if (c == '\n') ++line_;
      if (c != '\\' || pos_ + 1 >= src_.size()) {
        emit(c);
        ++pos_;
        continue;
      }
      char e = src_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case 'n': emit('\n'); break;
        case 't': emit('\t'); break;
        case 'r': emit('\r'); break;
        case 'a': emit('\a'); break;
        case 'b': emit('\b'); break;
        case 'f': emit('\f'); break;
        case 'v': emit('\v'); break;
        case 'e':
        case 'E': emit('\x1b'); break;
        case '\\': emit('\\'); break;
        case '\'': emit('\''); break;
        case '"': emit('"'); break;
        case '?': emit('?'); break;
        case 'c':
          if (pos_ < src_.size()) {
            emit(static_cast<char>(src_[pos_] & 0x1f));
            ++pos_;
          } else {
            emit('\\');
            emit('c');
          }
          break;
        case 'x':
        case 'u':
        case 'U': {
          size_t max_digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t value = 0;
          size_t digits = 0;
          while (digits < max_digits && hex_value(raw(pos_)) >= 0) {
            value = value * 16 + static_cast<uint32_t>(hex_value(raw(pos_)));
            ++pos_;
            ++digits;
          }
          if (digits == 0) {
            emit('\\');
            emit(e);
          } else if (e == 'x') {
            emit(static_cast<char>(value));
          } else if (value == 0) {
            emit('\0');
          } else if (value <= 0x10FFFF) {
            if (!cut) append_utf8(out, value);
          }
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            uint32_t value = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && raw(pos_) >= '0' && raw(pos_) <= '7'; ++i, ++pos_)
              value = value * 8 + static_cast<uint32_t>(raw(pos_) - '0');
            emit(static_cast<char>(value & 0xff));
          } else {
            if (e == '\n') ++line_;
            emit('\\');
            emit(e);
          }
      }
    }
    add_literal(w, out, true);
    if (pos_ >= src_.size()) {
      error("unterminated $'...' string starting on line " + std::to_string(start_line), start_line);
      return;
    }
    ++pos_;
  }

  // $(..), <(..), >(..): the inner list is parsed in place.
  void read_command_subst(Word& w, bool quoted, PartKind kind) {
    size_t start = pos_;
    int start_line = line_;
    advance(2);  // $( or <( or >(
    size_t inner = pos_;
    auto script = std::make_shared<Script>();
    size_t inner_end;
    for (;;) {
      parse_list(*script);
      int c = peek();
      if (c == ')') {
        inner_end = pos_;
        advance();
        break;
      }
      if (c == kEof) {
        inner_end = pos_;
        error(std::string(kind == PartKind::CommandSubst ? "unterminated command substitution $(...)"
                                                         : "unterminated process substitution") +
              " starting on line " + std::to_string(start_line),
              start_line);
        break;
      }
      skip_unexpected();
    }
    add_part(w, kind, std::string(src_.substr(inner, inner_end - inner)), quoted,
             src_.substr(start, pos_ - start), std::move(script));
  }

  // `..`: un-escape \` \\ \$ (and \" inside double quotes), then parse the text.
  void read_backquote(Word& w, bool quoted) {
    DepthGuard guard(*this);
    if (!guard.ok) return;
    size_t start = pos_;
    int start_line = line_;
    ++pos_;
    std::string inner;
    bool closed = false;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '`') {
        closed = true;
        ++pos_;
        break;
      }
      if (c == '\\' && pos_ + 1 < src_.size()) {
        char n = src_[pos_ + 1];
        if (n == '`' || n == '\\' || n == '$' || (quoted && n == '"')) {
          inner += n;
          pos_ += 2;
          continue;
        }
        if (n == '\n') {
          pos_ += 2;
          ++line_;
          continue;
        }
      }
      if (c == '\n') ++line_;
      inner += c;
      ++pos_;
    }
    if (!closed) error("unterminated backquote starting on line " + std::to_string(start_line), start_line);
    auto script = std::make_shared<Script>();
    Parser sub(inner, start_line, depth_, sh_);
    sub.parse_program(*script);
    add_part(w, PartKind::CommandSubst, std::move(inner), quoted, src_.substr(start, pos_ - start),
             std::move(script));
  }

  // Cheap scan after `((` / `$((`: is this arithmetic (closed by `))`) rather than
  // a subshell that starts with `(`? Shares the scan budget.
  bool arith_ahead(size_t skip) {
    size_t p = logical(pos_);
    for (size_t i = 0; i < skip; ++i) p = logical(p + 1);
    size_t from = p;
    size_t end = std::min(src_.size(), p + sh_.scan_budget);
    int depth = 0;
    bool arith = true;  // an unterminated `((` is reported as arithmetic
    for (; p < end; ++p) {
      char c = src_[p];
      if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (depth == 0) {
          arith = raw(logical(p + 1)) == ')';
          break;
        }
        --depth;
      } else if (c == '\\') {
        ++p;
      } else if (c == '\'' || c == '"') {
        size_t close = src_.find(c, p + 1);
        if (close == std::string_view::npos || close >= end) {
          arith = false;
          break;
        }
        p = close;
      }
    }
    if (p >= end && end < src_.size()) arith = false;  // out of budget: read it as a subshell
    take_budget(std::min(sh_.scan_budget, p - from));
    return arith;
  }

  // Reads arithmetic text up to the closing `))` (consumed); returns where the text ends.
  // Expansions inside are collected in scratch.
  size_t read_arith_body(Word& scratch) {
    DepthGuard guard(*this);
    if (!guard.ok) return pos_;
    int start_line = line_;
    int depth = 0;
    for (;;) {
      int c = peek();
      if (c == kEof) {
        error("unterminated arithmetic expression starting on line " + std::to_string(start_line), start_line);
        return pos_;
      }
      if (c == ')') {
        if (depth == 0) {
          size_t end = pos_;
          advance();
          if (peek() == ')') advance();
          else error("expected '))' to close the arithmetic expression on line " + std::to_string(start_line));
          return end;
        }
        --depth;
        advance();
      } else if (c == '(') {
        ++depth;
        advance();
      } else if (c == '$') {
        read_dollar(scratch, true);
      } else if (c == '`') {
        read_backquote(scratch, true);
      } else if (c == '"') {
        read_double_quoted(scratch);
      } else if (c == '\'') {
        read_single_quoted(scratch);
      } else if (c == '\\') {
        advance();
        advance();
      } else {
        advance();
      }
    }
  }

  void read_arith_subst(Word& w, bool quoted) {
    size_t start = pos_;
    advance(3);  // $((
    size_t inner = pos_;
    Word scratch;
    size_t end = read_arith_body(scratch);
    add_part(w, PartKind::Arith, std::string(src_.substr(inner, end - inner)), quoted,
             src_.substr(start, pos_ - start));
    add_nested_expansions(w, scratch);
  }

  // ${..}: the part names the parameter; expansions in the operand follow as parts.
  void read_braced_param(Word& w, bool quoted) {
    DepthGuard guard(*this);
    if (!guard.ok) return;
    size_t start = pos_;
    int start_line = line_;
    advance(2);  // ${
    int c = peek();
    if ((c == '#' || c == '!') && peek_at(1) != '}') advance();  // length / indirection
    size_t name_start = pos_;
    c = peek();
    if (is_name_start(c)) {
      while (is_name_char(raw(pos_))) ++pos_;
    } else if (is_digit(c)) {
      while (is_digit(raw(pos_))) ++pos_;
    } else if (is_special_param(c)) {
      ++pos_;
    }
    std::string name(src_.substr(name_start, pos_ - name_start));
    Word scratch;
    int braces = 0;
    for (;;) {
      c = peek();
      if (c == kEof) {
        error("unterminated parameter expansion ${...} starting on line " + std::to_string(start_line), start_line);
        break;
      }
      if (c == '}') {
        advance();
        if (braces == 0) break;
        --braces;
      } else if (c == '{') {
        ++braces;
        advance();
      } else if (c == '\\') {
        advance();
        advance();
      } else if (c == '\'' && !quoted) {
        read_single_quoted(scratch);
      } else if (c == '"') {
        read_double_quoted(scratch);
      } else if (c == '$') {
        read_dollar(scratch, true);
      } else if (c == '`') {
        read_backquote(scratch, true);
      } else {
        advance();
      }
    }
    add_part(w, PartKind::Param, std::move(name), quoted, src_.substr(start, pos_ - start));
    add_nested_expansions(w, scratch);
  }

  // NAME=( items ): an array assignment; items are words, newlines allowed.
  void read_array(Word& w) {
    DepthGuard guard(*this);
    if (!guard.ok) return;
    int start_line = line_;
    advance();  // (
    add_literal(w, "(", false);
    bool first = true;
    for (;;) {
      skip_space_and_newlines();
      int c = peek();
      if (c == kEof) {
        error("unterminated array assignment starting on line " + std::to_string(start_line), start_line);
        return;
      }
      if (c == ')') {
        advance();
        add_literal(w, ")", false);
        return;
      }
      if (!first) add_literal(w, " ", false);
      first = false;
      Word item;
      if (is_meta(c) && !((c == '<' || c == '>') && peek_at(1) == '(')) {
        error(std::string("syntax error: unexpected '") + static_cast<char>(c) + "' in an array assignment");
        advance();
        continue;
      }
      read_word(item, false, nullptr);
      w.value += item.value;
      for (WordPart& p : item.parts) {
        if (p.kind == PartKind::Literal) {
          if (!w.parts.empty() && w.parts.back().kind == PartKind::Literal && w.parts.back().quoted == p.quoted)
            w.parts.back().text += p.text;
          else
            w.parts.push_back(std::move(p));
        } else {
          w.parts.push_back(std::move(p));
        }
      }
    }
  }

  // @(..) ?(..) *(..) +(..) !(..): bash's extended globs, one Glob part.
  void read_extglob(Word& w) {
    skip_continuations();
    size_t start = pos_;
    ++pos_;  // the prefix character
    skip_continuations();
    int depth = 0;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '\\') {
        pos_ += 2;
        continue;
      }
      if (c == '\n') ++line_;
      ++pos_;
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) break;
    }
    if (pos_ > src_.size()) pos_ = src_.size();
    if (depth != 0) error("unterminated extended glob pattern");
    add_part(w, PartKind::Glob, std::string(src_.substr(start, pos_ - start)), false,
             src_.substr(start, pos_ - start));
  }

  // [..] glob: needs a closing ] in the same word.
  bool read_bracket_glob(Word& w) {
    size_t p = pos_ + 1;
    if (raw(p) == '!' || raw(p) == '^') ++p;
    if (raw(p) == ']') ++p;
    size_t end = std::min(src_.size(), p + sh_.scan_budget);
    size_t from = p;
    while (p < end) {
      int c = raw(p);
      if (c == ']') break;
      if (is_meta(c) || c == '\'' || c == '"' || c == '\\' || c == '$' || c == '`') break;
      ++p;
    }
    take_budget(std::min(sh_.scan_budget, p - from + 1));
    if (raw(p) != ']') return false;
    ++p;
    add_part(w, PartKind::Glob, std::string(src_.substr(pos_, p - pos_)), false, src_.substr(pos_, p - pos_));
    pos_ = p;
    return true;
  }

  // {a,b} or {1..3}: needs a matching } with a top-level comma or a .. sequence.
  bool read_brace_expansion(Word& w) {
    size_t p = pos_ + 1;
    int depth = 1;
    bool comma = false;
    bool dots = false;
    size_t end = std::min(src_.size(), p + sh_.scan_budget);
    while (p < end) {
      int c = raw(p);
      if (is_meta(c) || c == '\'' || c == '"' || c == '\\' || c == '$' || c == '`') break;
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) break;
      if (depth == 1 && c == ',') comma = true;
      if (depth == 1 && c == '.' && raw(p + 1) == '.') dots = true;
      ++p;
    }
    take_budget(std::min(sh_.scan_budget, p - pos_));
    if (p >= end || raw(p) != '}' || depth != 0 || !(comma || dots)) return false;
    ++p;
    add_part(w, PartKind::BraceExpand, std::string(src_.substr(pos_, p - pos_)), false,
             src_.substr(pos_, p - pos_));
    pos_ = p;
    return true;
  }

  // ~ or ~user at the start of a word (or after = / : in an assignment).
  bool read_tilde(Word& w, const WordState& st) {
    size_t p = pos_ + 1;
    while (p < src_.size()) {
      int c = raw(p);
      if (!(is_name_char(c) || c == '.' || c == '-' || c == '+')) break;
      ++p;
    }
    int end = raw(p);
    bool in_assignment = st.assign_end != std::string_view::npos;
    if (!(end == kEof || end == '/' || is_meta(end) || (in_assignment && end == ':'))) return false;
    add_part(w, PartKind::Tilde, std::string(src_.substr(pos_ + 1, p - pos_ - 1)), false,
             src_.substr(pos_, p - pos_));
    pos_ = p;
    return true;
  }

  // ---- here-documents ---------------------------------------------------------

  void read_heredoc_bodies() {
    std::vector<PendingHeredoc> pending = std::move(pending_);
    pending_.clear();
    for (const PendingHeredoc& h : pending) {
      HeredocBody body;
      int body_line = line_;
      bool found = false;
      while (pos_ < src_.size()) {
        size_t eol = src_.find('\n', pos_);
        size_t end = eol == std::string_view::npos ? src_.size() : eol;
        std::string_view text = src_.substr(pos_, end - pos_);
        if (h.strip_tabs)
          while (!text.empty() && text.front() == '\t') text.remove_prefix(1);
        pos_ = eol == std::string_view::npos ? src_.size() : eol + 1;
        if (eol != std::string_view::npos) ++line_;
        if (text == h.delimiter) {
          found = true;
          break;
        }
        body.text.append(text);
        if (eol != std::string_view::npos) body.text += '\n';
      }
      if (!found)
        error("unterminated here-document: no line '" + h.delimiter + "' ends the body starting on line " +
              std::to_string(body_line), body_line);
      if (h.expands && body.text.find_first_of("$`") != std::string::npos) {
        Parser sub(body.text, body_line, depth_, sh_);
        Word w;
        sub.parse_heredoc_text(w);
        for (WordPart& p : w.parts)
          if (p.kind != PartKind::Literal) body.parts.push_back(std::move(p));
      }
      bodies_[h.id] = std::move(body);
    }
  }

  void fill_heredocs(Script& s) {
    if (bodies_.empty()) return;
    for (AndOr& item : s.items)
      for (Pipeline& p : item.pipelines)
        for (Command& c : p.commands) fill_heredocs(c);
  }

  void fill_heredocs(Command& c) {
    fill_heredocs(c.simple.redirects);
    fill_heredocs(c.redirects);
    for (Word& w : c.simple.assignments) fill_heredocs(w);
    for (Word& w : c.simple.words) fill_heredocs(w);
    for (Word& w : c.words) fill_heredocs(w);
    for (auto& body : c.bodies)
      if (body) fill_heredocs(*body);
  }

  void fill_heredocs(std::vector<Redirect>& redirects) {
    for (Redirect& r : redirects) {
      fill_heredocs(r.target);
      if (r.heredoc_id < 0 || r.heredoc_id >= static_cast<int>(bodies_.size())) continue;
      HeredocBody& b = bodies_[r.heredoc_id];
      r.heredoc = std::move(b.text);
      r.heredoc_parts = std::move(b.parts);
      r.heredoc_id = -1;
    }
  }

  void fill_heredocs(Word& w) {
    for (WordPart& p : w.parts)
      if (p.script) fill_heredocs(*p.script);
  }
};

}  // namespace

ParseResult parse_shell(std::string_view source) {
  ParseResult result;
  Shared shared{&result, 8 * source.size() + 4096};
  Parser parser(source, 1, 0, shared);
  parser.parse_program(result.script);
  return result;
}

}  // namespace vg
