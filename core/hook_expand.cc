// hook_code(): the aliases, functions and sourced files a typed line runs now, and the
// code it defines for later (see hook_expand.h). The shell is asked through
// ShellDefinitions; every command word of one level is announced with prefetch first,
// so a transport answers them in one round.
#include "core/hook_expand.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <functional>

#include "core/fish_parse.h"
#include "core/guard_hooks.h"
#include "core/rules.h"

namespace vg {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// A word bash would take for an alias: unquoted, no expansions, alias-name characters.
bool alias_candidate(const Word& w) {
  if (w.raw.empty() || w.raw != w.value || w.dynamic()) return false;
  return w.raw.find_first_of("/=$`'\"\\<>|&;()[]*?{}~ \t") == std::string::npos;
}

// A word the shell looks up as a function: literal, no '/'.
bool function_candidate(const Word& w) {
  return !w.value.empty() && !w.dynamic() && w.value.find('/') == std::string::npos && !hook_name(w.value);
}

// Calls f for every simple command of a tree, also inside compound bodies, function
// bodies and command substitutions.
void each_simple(const Script& s, const std::function<void(const SimpleCommand&)>& f);

void each_subst(const Word& w, const std::function<void(const SimpleCommand&)>& f) {
  for (const WordPart& p : w.parts)
    if (p.script) each_simple(*p.script, f);
}

void each_simple(const Script& s, const std::function<void(const SimpleCommand&)>& f) {
  for (const AndOr& a : s.items)
    for (const Pipeline& p : a.pipelines)
      for (const Command& c : p.commands) {
        if (c.kind == CommandKind::Simple) {
          f(c.simple);
          for (const Word& w : c.simple.words) each_subst(w, f);
          for (const Word& w : c.simple.assignments) each_subst(w, f);
          for (const Redirect& r : c.simple.redirects) each_subst(r.target, f);
        }
        for (const Word& w : c.words) each_subst(w, f);
        for (const auto& b : c.bodies)
          if (b) each_simple(*b, f);
      }
}

void each_function_def(const Script& s, const std::function<void(const Command&)>& f) {
  for (const AndOr& a : s.items)
    for (const Pipeline& p : a.pipelines)
      for (const Command& c : p.commands) {
        if (c.kind == CommandKind::FunctionDef) f(c);
        for (const auto& b : c.bodies)
          if (b) each_function_def(*b, f);
      }
}

// The index of the word a simple command runs, past `builtin`/`command` (no functions
// then) and `time`; words.size() when there is none.
// The values of option `opt` of a bash builtin with getopt-style clusters: `-C cb`,
// `-Ccb`, `-tc1 -Ccb`. `with_arg`: the options that take a value. Each value: the
// word (nullptr when inline) and its text.
struct OptionValue {
  const Word* word;
  std::string text;
};
std::vector<OptionValue> option_values(const SimpleCommand& sc, size_t first, char opt, std::string_view with_arg) {
  std::vector<OptionValue> out;
  for (size_t k = first; k < sc.words.size(); ++k) {
    const std::string& v = sc.words[k].value;
    if (v == "--" || v.size() < 2 || v[0] != '-' || sc.words[k].dynamic()) break;
    for (size_t c = 1; c < v.size(); ++c) {
      if (with_arg.find(v[c]) == std::string_view::npos) continue;
      OptionValue val{nullptr, v.substr(c + 1)};
      if (val.text.empty() && k + 1 < sc.words.size()) {
        val.word = &sc.words[++k];
        val.text = val.word->value;
      }
      if (v[c] == opt) out.push_back(val);
      break;
    }
  }
  return out;
}

size_t command_index(const SimpleCommand& sc, bool* no_function) {
  size_t i = 0;
  *no_function = false;
  while (i < sc.words.size()) {
    const std::string& v = sc.words[i].value;
    if (v == "command" || v == "builtin") {
      *no_function = true;
      ++i;
      while (i < sc.words.size() && starts_with(sc.words[i].value, "-")) ++i;
    } else if (v == "time" || v == "!") {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

Finding unknown_finding(const std::string& what, const std::string& why) {
  Finding f;
  const Rule* r = find_rule("analysis.unknown-code");
  f.rule = std::string(r->id);
  f.pack = std::string(r->pack);
  f.severity = r->severity;
  f.reason = "What " + what + " runs cannot be read (" + why + "), so it does not run on the host.";
  f.alternative = std::string(r->alternative);
  f.command = what;
  return f;
}

void add_unknown(Analysis& a, const std::string& what, const std::string& why) {
  a.findings.push_back(unknown_finding(what, why));
  a.risk = std::max(a.risk, Severity::Medium);
  if (std::find(a.traits.begin(), a.traits.end(), "obfuscated") == a.traits.end()) a.traits.emplace_back("obfuscated");
}

// $(..) and `..` written literally in a prompt value (they run at every prompt).
// bash decodes \NNN (octal) in prompts, and printf \NNN, \0NNN and \xHH, before the
// text is expanded: `PS1='\044(cmd)'` runs cmd.
std::string decode_escapes(std::string_view v) {
  std::string out;
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 >= v.size()) {
      out += v[i];
      continue;
    }
    size_t j = i + 1;
    int value = 0, n = 0;
    if (v[j] == 'x' && j + 1 < v.size() && hex(v[j + 1])) {
      for (++j; j < v.size() && n < 2 && hex(v[j]); ++j, ++n) value = value * 16 + std::stoi(std::string(1, v[j]), nullptr, 16);
    } else {
      if (v[j] == '0' && j + 1 < v.size() && octal(v[j + 1])) ++j;  // printf \0NNN
      for (; j < v.size() && n < 3 && octal(v[j]); ++j, ++n) value = value * 8 + (v[j] - '0');
    }
    if (n == 0) {
      out += v.substr(i, 2);  // another escape: kept as written
      ++i;
      continue;
    }
    out += static_cast<char>(value);
    i = j - 1;
  }
  return out;
}

std::vector<std::string> prompt_substitutions(std::string_view written) {
  std::string decoded = decode_escapes(written);
  std::string_view v = decoded;
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\') {
      ++i;
    } else if (v[i] == '$' && i + 1 < v.size() && v[i + 1] == '(' && !(i + 2 < v.size() && v[i + 2] == '(')) {
      int depth = 0;
      size_t j = i + 1;
      for (; j < v.size(); ++j) {
        if (v[j] == '(') ++depth;
        else if (v[j] == ')' && --depth == 0) break;
      }
      out.emplace_back(v.substr(i + 2, j - i - 2));
      i = j;
    } else if (v[i] == '`') {
      size_t j = v.find('`', i + 1);
      if (j == std::string_view::npos) j = v.size();
      out.emplace_back(v.substr(i + 1, j - i - 1));
      i = j;
    }
  }
  return out;
}

// fish `complete -a '(cmd)'`: the command substitutions in an argument list.
std::vector<std::string> fish_substitutions(std::string_view v) {
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\') {
      ++i;
    } else if (v[i] == '(') {
      int depth = 0;
      size_t j = i;
      for (; j < v.size(); ++j) {
        if (v[j] == '(') ++depth;
        else if (v[j] == ')' && --depth == 0) break;
      }
      out.emplace_back(v.substr(i + 1, j - i - 1));
      i = j;
    }
  }
  return out;
}

bool prompt_variable(std::string_view name) {
  static const NameSet names(
      "PS0|PS1|PS2|PS3|PS4|PROMPT|PROMPT2|PROMPT3|PROMPT4|RPROMPT|RPROMPT2|RPS1|RPS2|SPROMPT|PROMPT_EOL_MARK");
  return names.contains(name);
}

// Functions the shell runs by itself, without a line calling them: prompt and history
// hooks, traps, the command-not-found handler, fish's prompts and event handlers.
bool runs_uncalled(std::string_view name) {
  static const NameSet names(
      "precmd|preexec|chpwd|periodic|zshaddhistory|zshexit|TRAP*|command_not_found_handle*|zle-*|"
      "fish_prompt|fish_right_prompt|fish_greeting|fish_title|fish_mode_prompt|fish_command_not_found|"
      "fish_preexec|fish_postexec|fish_*_handler");
  return names.contains(name);
}

// zsh-only expansions that run code inside a word.
std::string zsh_runs_in_word(std::string_view text) {
  if (text.find("${$(") != std::string_view::npos || text.find("${`") != std::string_view::npos) return "${$(..)}";
  char quote = 0;
  for (size_t at = 0; at < text.size(); ++at) {
    char c = text[at];
    if (quote) {  // qualifiers work only unquoted: grep -E '(e|f)' is a pattern
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"') ++at;
      continue;
    }
    if (c == '\\') {
      ++at;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c != '(' || (at > 0 && text[at - 1] == '$')) continue;  // $(..) is the parser's
    size_t k = at + 1;
    if (text.substr(k, 2) == "#q") k += 2;
    // qualifier letters, then e / + with a delimiter: (e:..:), (.e'..'), (N+func)
    while (k < text.size() && (std::isalnum(static_cast<unsigned char>(text[k])) || std::string_view(".^-,/*@=%").find(text[k]) != std::string_view::npos)) {
      if (text[k] == 'e' && k + 1 < text.size() && std::string_view(":'\"/|{[<#!").find(text[k + 1]) != std::string_view::npos)
        return "a glob qualifier (e:..:)";
      ++k;
    }
    if (k < text.size() && text[k] == '+' && k + 1 < text.size() &&
        (std::isalpha(static_cast<unsigned char>(text[k + 1])) || text[k + 1] == '_'))
      return "a glob qualifier (+func)";
  }
  return {};
}

// An unquoted or double-quoted ${NAME<op>..} in a word as written (NAME = `name`, or
// any when empty): ${X/a/b}, ${X:+..}, ${X:-..}... make text the line does not show.
bool transformed_ref(std::string_view raw, std::string_view name) {
  bool single = false;
  for (size_t i = 0; i + 1 < raw.size(); ++i) {
    if (raw[i] == '\\') {
      ++i;
      continue;
    }
    if (raw[i] == '\'') single = !single;
    if (single || raw[i] != '$' || raw[i + 1] != '{') continue;
    size_t k = i + 2;
    if (k < raw.size() && (raw[k] == '#' || raw[k] == '!')) continue;  // length, indirection names
    size_t e = k;
    while (e < raw.size() && (std::isalnum(static_cast<unsigned char>(raw[e])) || raw[e] == '_')) ++e;
    if (e == k || (!name.empty() && raw.substr(k, e - k) != name)) continue;
    if (e < raw.size() && raw[e] == '[') e = raw.find(']', e) == std::string_view::npos ? raw.size() : raw.find(']', e) + 1;
    if (e < raw.size() && raw[e] != '}') return true;
  }
  return false;
}

// $NAME or ${NAME} (or ${NAME[@]}), nothing done to it; with `name` empty: any such
// plain reference.
bool plain_self(std::string_view param, std::string_view name) {
  if (!param.empty() && param.front() == '{') param.remove_prefix(1);
  if (!param.empty() && param.back() == '}') param.remove_suffix(1);
  if (param.ends_with("[@]") || param.ends_with("[*]")) param.remove_suffix(3);
  if (!name.empty()) return param == name;
  for (char c : param)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !param.empty();
}

// The first command that sets a variable by a name computed when the line runs.
std::string computed_name_write(const Script& script, std::string_view text, bool fish) {
  std::string found;
  each_simple(script, [&](const SimpleCommand& sc) {
    if (!found.empty()) return;
    bool no_function;
    size_t i = command_index(sc, &no_function);
    if (i >= sc.words.size() || sc.words[i].dynamic()) return;
    const std::string& p = sc.words[i].value;
    static const NameSet assigners(
        "declare|typeset|export|local|readonly|integer|float|private|let|unset|read|vared|getopts|mapfile|readarray");
    if (!assigners.contains(p) && !(fish && p == "set")) return;
    static const NameSet valued("-p|-d|-t|-n|-N|-u|-i|-C|-c|-O|-s|-k");  // read/mapfile options with a value
    for (size_t k = i + 1; k < sc.words.size(); ++k) {
      const Word& w = sc.words[k];
      if (!w.dynamic() && starts_with(w.value, "-")) {
        if ((p == "read" || p == "mapfile" || p == "readarray") && valued.contains(w.value)) ++k;
        continue;
      }
      for (const WordPart& part : w.parts) {
        if (part.kind == PartKind::Literal) {
          if (part.text.find('=') != std::string::npos) break;
          continue;
        }
        if (part.kind == PartKind::Glob || part.kind == PartKind::BraceExpand || part.kind == PartKind::Tilde) continue;
        found = p;
        return;
      }
      if (fish && p == "set") return;  // fish: only the name; the rest are values
    }
  });
  if (!found.empty()) return found;
  // (( ${p}x = 1 )), $(( $n = 2 )), let: an expansion before an assignment operator.
  for (size_t at = text.find("(("); at != std::string_view::npos; at = text.find("((", at + 2)) {
    size_t end = text.find("))", at + 2);
    std::string_view expr = text.substr(at + 2, end == std::string_view::npos ? std::string_view::npos : end - at - 2);
    size_t dollar = expr.find('$');
    for (size_t eq = expr.find('='); dollar != std::string_view::npos && eq != std::string_view::npos;
         eq = expr.find('=', eq + 1)) {
      bool compare = (eq + 1 < expr.size() && expr[eq + 1] == '=') ||
                     (eq > 0 && std::string_view("=!<>").find(expr[eq - 1]) != std::string_view::npos &&
                      !(eq > 1 && expr[eq - 2] == expr[eq - 1]));  // <<= >>= assign
      if (!compare && dollar < eq) return "((..))";
    }
  }
  // ${!name:=v} (bash indirection), ${(P)name::=v} (zsh): assigns the variable named by name.
  for (size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
    std::string_view rest = text.substr(at + 2, text.find('}', at) - at - 2);
    bool indirect = starts_with(rest, "!") || starts_with(rest, "(P") || rest.find("P)") != std::string_view::npos;
    if (indirect && rest.find('=') != std::string_view::npos) return "${!..=}";
  }
  return {};
}

// A variable whose value the shell runs (or expands as a prompt) later.
// zsh NULLCMD / READNULLCMD: the command a bare redirection (`> f`, `< f`) runs.
bool code_variable(std::string_view name) {
  return name == "PROMPT_COMMAND" || name == "NULLCMD" || name == "READNULLCMD" || prompt_variable(name);
}

// ${var@P} (bash) and ${(e)var} (zsh) in a prompt expand a variable's value once more,
// $(..) included: what runs is only known when the prompt is drawn.
bool prompt_reexpands(std::string_view v) {
  if (v.find("@P}") != std::string_view::npos) return true;
  for (size_t i = v.find("${("); i != std::string_view::npos; i = v.find("${(", i + 3)) {
    size_t close = v.find(')', i + 3);
    if (close != std::string_view::npos && v.substr(i + 3, close - i - 3).find_first_of("e%") != std::string_view::npos)
      return true;
  }
  return false;
}

// Writes to a code variable the parser does not show as an assignment:
// ${PS1:=..}, ${PROMPT_COMMAND=..}, zsh ${NULLCMD::=..}, `for PS1 in ..`, `select PS4 in ..`.
std::string code_variable_written(std::string_view line) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i < line.size(); ++i) {
    if (!ident(line[i]) || (i > 0 && ident(line[i - 1]))) continue;
    size_t e = i;
    while (e < line.size() && ident(line[e])) ++e;
    std::string_view name = line.substr(i, e - i);
    if (!code_variable(name)) {
      i = e;
      continue;
    }
    std::string_view after = line.substr(e);
    if (i >= 2 && line[i - 2] == '$' && line[i - 1] == '{' &&
        (starts_with(after, "=") || starts_with(after, ":=") || starts_with(after, "::=")))
      return std::string(name);
    std::string_view before = line.substr(0, i);
    size_t b = before.find_last_not_of(" \t");
    if (b != std::string_view::npos) {
      size_t w = b;
      while (w > 0 && ident(before[w - 1])) --w;
      std::string_view word = before.substr(w, b + 1 - w);
      if ((word == "for" || word == "select") && (w == 0 || !ident(before[w - 1]))) return std::string(name);
    }
    i = e;
  }
  return {};
}

class Expander {
 public:
  Expander(bool fish, bool zsh, const ShellDefinitions* defs, const AnalyzeContext& ctx, const ExpandLimits& lim)
      : fish_(fish), zsh_(zsh), defs_(defs), ctx_(ctx), lim_(lim) {}

  bool expanded = false;

  // Judge code the line runs now (or, for `later`, code defined now) and what it calls.
  void judge_code(std::string code, const std::string& what, int depth, bool shell_text, bool script,
                  Analysis& into) {
    if (!charge(code.size(), depth, what, into)) return;
    if (fish_ && !shell_text) {
      std::string error;
      std::optional<std::string> sh = fish_to_sh(code, &error);
      if (!sh) {
        add_unknown(into, what, "its fish text does not parse: " + error);
        return;
      }
      code = std::move(*sh);
    }
    ParseResult pr = parse_shell(code);
    if (script) {
      for (const StatementAnalysis& st : analyze_script(code, ctx_)) merge_analysis(into, st.analysis);
    } else {
      merge_analysis(into, analyze_parsed(pr, code, ctx_));
    }
    scan(pr.script, depth, into);
  }

  void judge_body(const Script& body, const std::string& what, int depth, Analysis& into) {
    ParseResult pr;
    pr.script = body;
    merge_analysis(into, analyze_parsed(pr, what, ctx_));
    scan(body, depth, into);
  }

  // The aliases, functions, sourced files and callbacks a tree runs now.
  void scan(const Script& s, int depth, Analysis& into) {
    if (defs_) {
      std::vector<std::string> names;
      each_simple(s, [&](const SimpleCommand& sc) {
        bool no_function;
        size_t i = command_index(sc, &no_function);
        if (i >= sc.words.size()) return;
        const Word& w = sc.words[i];
        if ((i == 0 && alias_candidate(w)) || (!no_function && function_candidate(w)))
          if (std::find(names.begin(), names.end(), w.value) == names.end()) names.push_back(w.value);
      });
      if (!names.empty()) defs_->prefetch(names);
    }
    each_simple(s, [&](const SimpleCommand& sc) { simple(sc, depth, into); });
  }

  void simple(const SimpleCommand& sc, int depth, Analysis& into) {
    bool no_function;
    size_t i = command_index(sc, &no_function);
    if (i >= sc.words.size()) return;
    const Word& w = sc.words[i];
    const std::string& name = w.value;
    if (defs_ && i == 0 && alias_candidate(w) && !in(alias_stack_, name)) {
      if (std::optional<std::string> value = defs_->alias(name)) {
        expand_alias(sc, *value, depth, into);
        return;
      }
    }
    if (defs_ && !no_function && function_candidate(w) && !in(function_stack_, name)) {
      if (std::optional<std::string> def = defs_->function(name)) {
        call_function(sc, i, *def, depth, into);
        return;
      }
    }
    if (w.dynamic()) return;
    if (name == "fc" && (!function_stack_.empty() || !source_stack_.empty()) && !fish_ && !zsh_) {
      // bash: an fc inside a called function or a sourced file re-runs history entries
      // the hook does not see (it traces lines that name fc, or use an alias with fc).
      add_unknown(into, "fc", "it re-runs history entries that are only known when it runs");
      return;
    }
    if ((name == "source" || name == ".") && i + 1 < sc.words.size()) {
      source_file(sc.words[i + 1], name, depth, into);
    } else if ((name == "mapfile" || name == "readarray") && !fish_) {
      for (const OptionValue& cb : option_values(sc, i + 1, 'C', "dnOsuCc")) {
        if (cb.word && cb.word->dynamic()) add_unknown(into, name + " -C", "the callback is only known at run time");
        else judge_code(cb.text, name + " -C", depth + 1, true, false, into);
      }
    } else if (name == "compgen" && !fish_) {
      // compgen runs -C's command and expands -W's words now.
      for (const OptionValue& c : option_values(sc, i + 1, 'C', "oAGWFCXPS")) {
        if (c.word && c.word->dynamic()) add_unknown(into, "compgen -C", "the command is only known at run time");
        else judge_code(c.text, "compgen -C", depth + 1, true, false, into);
      }
      for (const OptionValue& w : option_values(sc, i + 1, 'W', "oAGWFCXPS"))
        for (std::string& code : prompt_substitutions(w.text)) judge_code(code, "compgen -W", depth + 1, true, false, into);
    } else if (name == "print" && !fish_) {
      // zsh print -P: prompt expansion, $(..) included under PROMPT_SUBST.
      bool prompt = false;
      size_t k = i + 1;
      for (; k < sc.words.size() && starts_with(sc.words[k].value, "-") && sc.words[k].value != "-"; ++k) {
        if (sc.words[k].value == "--") {
          ++k;
          break;
        }
        prompt = prompt || sc.words[k].value.find('P') != std::string::npos;
      }
      if (prompt)
        for (; k < sc.words.size(); ++k)
          for (std::string& code : prompt_substitutions(sc.words[k].value))
            judge_code(code, "print -P", depth + 1, true, false, into);
    } else if (name == "eval" && defs_ && i + 1 < sc.words.size()) {
      // eval of literal text: the walker judged it; its aliases and functions are ours.
      std::string code;
      for (size_t k = i + 1; k < sc.words.size(); ++k) {
        if (sc.words[k].dynamic()) return;
        code += (k > i + 1 ? " " : "") + sc.words[k].value;
      }
      ParseResult pr = parse_shell(code);
      if (charge(code.size(), depth + 1, "eval", into)) scan(pr.script, depth + 1, into);
    }
  }

 private:
  static bool in(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }

  // One more expansion of `size` bytes at `depth`; false (and an unknown finding) past a bound.
  bool charge(size_t size, int depth, const std::string& what, Analysis& into) {
    expanded = true;
    bytes_ += size;
    if (depth > lim_.depth || ++count_ > lim_.expansions || bytes_ > lim_.bytes) {
      if (!over_) add_unknown(into, what, "aliases, functions and sourced files nest past the limits");
      over_ = true;
      return false;
    }
    return true;
  }

  // alias NAME=VALUE: the value replaces the word, the rest of the command stays; a value
  // ending in a blank makes the next word an alias candidate too.
  void expand_alias(const SimpleCommand& sc, std::string value, int depth, Analysis& into) {
    std::vector<std::string> pushed{sc.words[0].value};
    size_t k = 1;
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t') && k < sc.words.size() &&
           alias_candidate(sc.words[k]) && !in(alias_stack_, sc.words[k].value) && !in(pushed, sc.words[k].value)) {
      std::optional<std::string> next = defs_->alias(sc.words[k].value);
      if (!next) break;
      pushed.push_back(sc.words[k].value);
      value += *next;
      ++k;
    }
    std::string code;
    for (const Word& a : sc.assignments) code += a.raw + " ";
    code += value;
    for (; k < sc.words.size(); ++k) code += " " + sc.words[k].raw;
    for (const std::string& p : pushed) alias_stack_.push_back(p);
    // The alias value is shell text of the line's own shell (fish has no aliases).
    judge_code(code, "alias " + sc.words[0].value, depth + 1, true, false, into);
    alias_stack_.resize(alias_stack_.size() - pushed.size());
  }

  void call_function(const SimpleCommand& sc, size_t i, const std::string& def, int depth, Analysis& into) {
    const std::string& name = sc.words[i].value;
    std::string what = "function " + name;
    if (!charge(def.size(), depth + 1, what, into)) return;
    std::string text = def;
    if (fish_) {
      std::string error;
      std::optional<std::string> sh = fish_to_sh(def, &error);
      if (!sh) {
        add_unknown(into, what, "its fish text does not parse: " + error);
        return;
      }
      text = std::move(*sh);
    }
    std::vector<std::string> args;
    bool literal = true;
    for (size_t k = i + 1; k < sc.words.size(); ++k) {
      literal = literal && !sc.words[k].dynamic();
      args.push_back(sc.words[k].raw);
    }
    if (literal) text = bind_function_args(text, args, fish_);
    ParseResult pr = parse_shell(text);
    const Script* body = nullptr;
    if (pr.ok && pr.script.items.size() == 1 && pr.script.items[0].pipelines.size() == 1 &&
        pr.script.items[0].pipelines[0].commands.size() == 1) {
      const Command& c = pr.script.items[0].pipelines[0].commands[0];
      if (c.kind == CommandKind::FunctionDef && !c.bodies.empty() && c.bodies[0]) body = c.bodies[0].get();
    }
    function_stack_.push_back(name);
    if (body) judge_body(*body, what, depth + 1, into);
    else judge_code(text, what, depth + 1, true, false, into);  // not a plain definition: all of it
    function_stack_.pop_back();
  }

  // source FILE / . FILE: the path as the shell resolves it (bash: a name without '/'
  // on PATH, then the current directory).
  void source_file(const Word& file, const std::string& how, int depth, Analysis& into) {
    std::string path;
    for (const WordPart& p : file.parts) {
      if (p.kind == PartKind::Literal) path += p.text;
      else if (p.kind == PartKind::Tilde && p.text.empty() && path.empty()) path += ctx_.home;
      else if (p.kind == PartKind::Param && (p.text == "HOME" || p.text == "{HOME}") && path.empty()) path += ctx_.home;
      else if (p.kind == PartKind::Param && (p.text == "PWD" || p.text == "{PWD}") && path.empty()) path += ctx_.cwd;
      else {
        // Only known when the line runs (a shell variable, $(..)): what it sources cannot
        // be read now, so it does not run on the host unchecked.
        add_unknown(into, how + " " + file.raw, "its path is only known when the line runs");
        return;
      }
    }
    if (path.empty()) return;
    std::string what = how + " " + file.raw;
    std::string found;
    auto usable = [](const std::string& p) { return ::access(p.c_str(), F_OK) == 0; };
    if (path.find('/') != std::string::npos) {
      found = path[0] == '/' ? path : ctx_.cwd + "/" + path;
    } else {
      if (!fish_) {
        const char* env = std::getenv("PATH");
        std::string_view dirs = env ? env : "";
        while (found.empty() && !dirs.empty()) {
          size_t c = dirs.find(':');
          std::string dir(dirs.substr(0, c));
          dirs = c == std::string_view::npos ? std::string_view() : dirs.substr(c + 1);
          if (dir.empty()) dir = ctx_.cwd;
          struct stat st;
          std::string cand = dir + "/" + path;
          if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode)) found = cand;
        }
      }
      if (found.empty()) found = ctx_.cwd + "/" + path;
    }
    if (!usable(found)) return;  // missing: the shell fails too
    int fd = ::open(found.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return;  // unreadable: the shell fails too
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      add_unknown(into, what, "it is not a regular file");
      return;
    }
    if (static_cast<size_t>(st.st_size) > lim_.source_max) {
      ::close(fd);
      add_unknown(into, what, "the file is larger than 1 MiB");
      return;
    }
    std::string content;
    content.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < content.size()) {
      ssize_t n = ::read(fd, content.data() + got, content.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    ::close(fd);
    content.resize(got);
    // The guard's own hook, re-read by `source ~/.bashrc`: installs (or keeps) the guard.
    if (is_guard_hook_text(content)) return;
    if (in(source_stack_, found)) return;  // sourcing itself again adds nothing
    source_stack_.push_back(found);
    judge_code(content, what, depth + 1, false, true, into);
    source_stack_.pop_back();
    // What the file defines for later (PROMPT_COMMAND, traps, completions...) is judged
    // like a typed line's definitions (hook_code).
    if (fish_) {
      if (std::optional<std::string> sh = fish_to_sh(content, nullptr)) sourced.push_back(parse_shell(*sh));
    } else {
      sourced.push_back(parse_shell(content));
    }
  }

 public:
  std::deque<ParseResult> sourced;  // the sourced files' text, parsed

 private:

  bool fish_;
  bool zsh_;
  const ShellDefinitions* defs_;
  const AnalyzeContext& ctx_;
  ExpandLimits lim_;
  int count_ = 0;
  size_t bytes_ = 0;
  bool over_ = false;
  std::vector<std::string> alias_stack_, function_stack_, source_stack_;
};

// Code a simple command defines for later.
struct Definition {
  std::string what;
  std::string code;
  bool unknown = false;
  bool shell_text = true;  // already bash text (else fish text)
};

// The value of an assignment word after NAME=, NAME+=, NAME[i]=; empty name when none.
std::string assigned_name(const Word& w) {
  size_t eq = w.raw.find('=');
  if (eq == std::string::npos) return {};
  std::string name = w.raw.substr(0, eq);
  if (!name.empty() && name.back() == '+') name.pop_back();
  return name.substr(0, name.find('['));
}

// The value of an assignment word: the parts after its first unquoted '='; `dynamic`
// when a part is only known at run time.
std::string assigned_value(const Word& w, bool& dynamic) {
  std::string code;
  bool seen = false;
  dynamic = false;
  for (const WordPart& p : w.parts) {
    if (seen) {
      if (p.kind == PartKind::Literal || p.kind == PartKind::Glob || p.kind == PartKind::BraceExpand) code += p.text;
      else if (p.kind == PartKind::Tilde) code += "~" + p.text;
      else dynamic = true;
    } else if (p.kind == PartKind::Literal && !p.quoted && p.text.find('=') != std::string::npos) {
      seen = true;
      code += p.text.substr(p.text.find('=') + 1);
    }
  }
  return code;
}

// PROMPT_COMMAND=..., PROMPT_COMMAND+=(...), PS1='$(..)': the code it will run.
void assignment_definitions(const Word& w, std::vector<Definition>& out) {
  std::string name = assigned_name(w);
  if (name.empty()) return;
  // zsh NULLCMD=cmd: run by a bare redirection; BASH_CMDS[ls]=PATH / zsh commands[ls]=PATH
  // (the hash table): PATH runs when `ls` is typed.
  static const NameSet tables(
      "BASH_CMDS|BASH_ALIASES|commands|functions|aliases|galiases|saliases|dis_functions|dis_aliases|"
      "dis_galiases");
  if (tables.contains(name) && w.raw.find('[') != name.size()) {
    // BASH_CMDS=([ls]=PATH), commands+=(ls PATH), galiases=(G '; cmd'): a whole table at
    // once (only emptying it, `=()`, is plain).
    std::string_view value = std::string_view(w.raw).substr(w.raw.find('=') + 1);
    if (value != "()") out.push_back({name + "=(..)", "", true});
    return;
  }
  bool hashed = (name == "BASH_CMDS" || name == "commands") && w.raw.find('[') == name.size();
  if (name == "NULLCMD" || name == "READNULLCMD" || hashed) {
    bool dynamic;
    std::string code = assigned_value(w, dynamic);
    std::string what = hashed ? "hash " + w.raw.substr(name.size() + 1, w.raw.find(']') - name.size() - 1) : name;
    out.push_back({what, code, dynamic});
    return;
  }
  if (name == "PROMPT_COMMAND" && transformed_ref(w.raw, "")) {
    out.push_back({"PROMPT_COMMAND", "", true});  // ${PROMPT_COMMAND:+cmd}: text made now
    return;
  }
  if (name == "PROMPT_COMMAND") {
    size_t eq = w.raw.find('=');
    std::string_view rest = std::string_view(w.raw).substr(eq + 1);
    if (!rest.empty() && rest.front() == '(' && rest.back() == ')') {
      ParseResult pr = parse_shell(": " + std::string(rest.substr(1, rest.size() - 2)));
      each_simple(pr.script, [&](const SimpleCommand& sc) {
        for (size_t k = 1; k < sc.words.size(); ++k) {
          const Word& el = sc.words[k];
          bool self = el.parts.size() == 1 && el.parts[0].kind == PartKind::Param &&
                      plain_self(el.parts[0].text, "PROMPT_COMMAND");
          if (self) continue;
          if (el.dynamic()) out.push_back({"PROMPT_COMMAND", "", true});
          else out.push_back({"PROMPT_COMMAND", el.value});
        }
      });
      return;
    }
    std::string code;
    for (const WordPart& p : w.parts) {
      if (p.kind == PartKind::Param && plain_self(p.text, "PROMPT_COMMAND")) continue;  // what is there already
      if (p.kind == PartKind::Literal || p.kind == PartKind::Glob || p.kind == PartKind::BraceExpand) {
        code += p.text;
      } else if (p.kind == PartKind::Tilde) {
        code += "~" + p.text;
      } else {
        out.push_back({"PROMPT_COMMAND", "", true});
        return;
      }
    }
    code = code.substr(std::min(code.size(), code.find('=') + 1));
    // PROMPT_COMMAND+=-mark glues onto the last command: only a new command is known.
    bool appends = w.raw.find("+=") != std::string::npos && w.raw.find("+=") < w.raw.find('=') + 1;
    size_t first = code.find_first_not_of(" \t");
    if (appends && first != std::string::npos && code[first] != ';' && code[first] != '\n' && code[first] != '&') {
      out.push_back({"PROMPT_COMMAND+=", "", true});
      return;
    }
    size_t start = code.find_first_not_of(" \t\n;&");  // `+='; cmd'` continues the list
    if (start != std::string::npos) out.push_back({"PROMPT_COMMAND", code.substr(start)});
    return;
  }
  // zsh's tables: functions[NAME]=BODY defines a function, aliases[NAME]=TEXT (and
  // galiases, dis_functions, dis_aliases) an alias.
  static const NameSet zsh_tables("functions|aliases|galiases|saliases|dis_functions|dis_aliases|dis_galiases");
  if (zsh_tables.contains(name) && w.raw.size() > name.size() && w.raw[name.size()] == '[') {
    size_t close = w.raw.find(']');
    if (close == std::string::npos) return;
    std::string key = w.raw.substr(name.size() + 1, close - name.size() - 1);
    bool function = name.find("functions") != std::string::npos;
    // The value (the subscript may be a glob, so not the raw text after '[..]=').
    bool dynamic;
    std::string code = assigned_value(w, dynamic);
    out.push_back({(function ? "function " : "alias ") + key, code, dynamic});
    return;
  }
  if (!prompt_variable(name)) {
    // x='$(cmd)' / x='a[$(cmd)]': code kept in a variable runs when the value is
    // expanded again ($((x)), ${x@P}, eval "$x"): judged now, like a prompt's.
    std::string stored;
    for (const WordPart& p : w.parts)
      if (p.kind == PartKind::Literal) stored += p.text;
    if (stored.find("$(") != std::string::npos || stored.find('`') != std::string::npos)
      for (std::string& code : prompt_substitutions(stored.substr(std::min(stored.size(), stored.find('=') + 1))))
        out.push_back({"variable " + name + " $(..)", code});
    return;
  }
  {
    // Only text stored as written runs later: '$(..)' / \$(..); "$(..)" ran already.
    std::string stored;
    bool transformed = false;  // ${PS1/X/}, ${PS1:+'$(..)'}: text made now, unseen
    for (const WordPart& p : w.parts)
      if (p.kind == PartKind::Literal) stored += p.text;
    transformed = transformed_ref(w.raw, "");
    for (std::string& code : prompt_substitutions(stored)) out.push_back({name + " $(..)", code});
    if (prompt_reexpands(stored) || transformed) out.push_back({name, "", true});
    // PS1+='(cmd)' after a PS1 that ends in '$': the piece alone does not show it.
    size_t plus = w.raw.find("+=");
    if (plus != std::string::npos && plus < w.raw.find('=') + 1) {
      std::string piece = stored.substr(std::min(stored.size(), stored.find('=') + 1));
      size_t first = piece.find_first_not_of("'\"");
      if (first != std::string::npos && (piece[first] == '(' || piece[first] == '{')) out.push_back({name + "+=", "", true});
    }
  }
}

// The words from `from` on, joined by spaces (the code a builtin keeps); `dynamic` when
// one of them is only known at run time.
std::string joined_words(const std::vector<const Word*>& words, size_t from, bool& dynamic) {
  std::string code;
  dynamic = false;
  for (size_t k = from; k < words.size(); ++k) {
    code += (k > from ? " " : "") + words[k]->value;
    dynamic = dynamic || words[k]->dynamic();
  }
  return code;
}

void simple_definitions(const SimpleCommand& sc, bool fish, std::vector<Definition>& out) {
  for (const Word& a : sc.assignments)
    if (sc.words.empty()) assignment_definitions(a, out);
  bool no_function;
  size_t i = command_index(sc, &no_function);
  if (i >= sc.words.size() || sc.words[i].dynamic()) return;
  const std::string& p = sc.words[i].value;
  std::vector<const Word*> args;
  for (size_t k = i + 1; k < sc.words.size(); ++k) args.push_back(&sc.words[k]);
  auto value_after = [&](std::string_view opt) -> const Word* {
    for (size_t k = 0; k < args.size(); ++k) {
      if (args[k]->value == opt && k + 1 < args.size()) return args[k + 1];
    }
    return nullptr;
  };
  if (p == "alias") {
    if (fish && args.size() >= 2 && args[0]->value.find('=') == std::string::npos && args[0]->value[0] != '-') {
      const Word* v = args[1];
      // A value only known now ("$x"): the shell stores it, and every use is looked up
      // and judged then (lookups fail closed).
      if (!v->dynamic()) out.push_back({"alias " + args[0]->value, v->value, false, false});
      return;
    }
    bool global = false;  // zsh alias -g: replaced anywhere on a line, also after `ls`
    for (const Word* a : args) {
      if (a->value.size() > 1 && a->value[0] == '-' && a->value.find('=') == std::string::npos)
        global = global || a->value.find('g') != std::string::npos;
      size_t eq = a->value.find('=');
      if (eq == std::string::npos || a->value[0] == '-') continue;
      std::string name = a->value.substr(0, eq);
      std::string code = a->value.substr(eq + 1);
      // `alias -g G='| grep'`: text that continues a command (it cannot start one) is
      // judged behind one.
      if (global && code.find_first_not_of(" \t") != std::string::npos &&
          std::string_view("|&;<>").find(code[code.find_first_not_of(" \t")]) != std::string_view::npos)
        code = ":" + code;
      if (a->dynamic()) continue;  // judged at each use, from the shell's table (above)
      out.push_back({"alias " + name, code, false, !fish});
    }
  } else if (p == "export" || p == "declare" || p == "typeset" || p == "readonly" || p == "local") {
    bool nameref = false;
    for (const Word* a : args) {
      if (a->value.size() > 1 && a->value[0] == '-' && a->value.find('=') == std::string::npos)
        nameref = nameref || a->value.find('n') != std::string::npos;
      // declare -n ref=PROMPT_COMMAND: later writes to ref write the code variable.
      size_t eq = a->value.find('=');
      if (nameref && eq != std::string::npos && (code_variable(a->value.substr(eq + 1)) || a->dynamic()))
        out.push_back({"declare -n " + a->value.substr(0, eq), "", true});
      else
        assignment_definitions(*a, out);
    }
  } else if ((p == "read" || p == "mapfile" || p == "readarray" || p == "vared") && !fish) {
    // The value comes from input: what the shell will run is not known now.
    // (a name computed at run time: computed_name_write)
    for (const Word* a : args)
      if (code_variable(a->value.substr(0, a->value.find('[')))) {
        out.push_back({p + " " + a->raw, "", true});
        break;
      }
  } else if (p == "abbr" && fish) {
    // fish abbreviations expand on the command line after the hook judged it.
    bool function = false;
    std::vector<const Word*> words;
    for (size_t k = 0; k < args.size(); ++k) {
      const std::string& v = args[k]->value;
      if (v == "-a" || v == "--add") continue;
      else if (v == "-f" || v == "--function") function = true;
      else if (v == "--position" || v == "-p" || v == "--regex" || v == "-r" || v == "--set-cursor") ++k;
      else if (starts_with(v, "--set-cursor=") || starts_with(v, "--position=") || starts_with(v, "--regex=")) continue;
      else if (starts_with(v, "-")) {
        if (v == "-e" || v == "--erase" || v == "-l" || v == "--list" || v == "-s" || v == "--show" || v == "-q" ||
            v == "--query" || v == "-r" || v == "--rename")
          return;
      } else words.push_back(args[k]);
    }
    if (words.size() < 2 && !(function && !words.empty())) return;
    std::string what = "abbr " + words[0]->value;
    if (function) {
      out.push_back({what, "", true});  // its output is the text: only known when typed
      return;
    }
    bool dynamic;
    std::string code = joined_words(words, 1, dynamic);
    out.push_back({what, code, dynamic, false});
  } else if (p == "compctl" && !fish) {
    // compctl -s 'WORDS' expands $(..) at each Tab; -K FUNC calls a function (judged
    // when defined).
    for (size_t k = 0; k + 1 < args.size(); ++k)
      if (args[k]->value == "-s" || args[k]->value == "-k" || args[k]->value == "-g")
        for (std::string& c : prompt_substitutions(args[k + 1]->value)) out.push_back({"compctl " + args[k]->value, c});
  } else if (p == "zstyle" && !fish) {
    // zstyle CONTEXT command|command-path|list-command... CMD: run by completion.
    if (args.size() >= 3 && args[0]->value != "-e" && !starts_with(args[0]->value, "-") &&
        (args[1]->value == "command" || args[1]->value == "list-command" || args[1]->value == "user-command")) {
      bool dynamic;
      std::string code = joined_words(args, 2, dynamic);
      out.push_back({"zstyle " + args[1]->value, code, dynamic});
    }
    // zstyle -e CONTEXT STYLE CODE: CODE is evaluated whenever the style is looked up.
    if (args.size() >= 4 && args[0]->value == "-e") {
      bool dynamic;
      std::string code = joined_words(args, 3, dynamic);
      out.push_back({"zstyle -e " + args[2]->value, code, dynamic});
    }
  } else if (p == "hash" && !fish) {
    // bash `hash -p PATH NAME`, zsh `hash NAME=PATH`: PATH runs when NAME is typed.
    for (size_t k = 0; k < args.size(); ++k) {
      const std::string& v = args[k]->value;
      if (v == "-p" && k + 2 < args.size()) {
        out.push_back({"hash " + args[k + 2]->value, args[k + 1]->value, args[k + 1]->dynamic()});
        k += 2;
      } else if (!starts_with(v, "-") && v.find('=') != std::string::npos) {
        out.push_back({"hash " + v.substr(0, v.find('=')), v.substr(v.find('=') + 1), args[k]->dynamic()});
      }
    }
  } else if (p == "printf" && !fish) {
    const Word* target = value_after("-v");
    if (!target) return;
    std::string tname = target->value.substr(0, target->value.find('['));  // PROMPT_COMMAND[1]
    if (target->dynamic()) {
      out.push_back({"printf -v " + target->raw, "", true});
      return;
    }
    if (!code_variable(tname)) return;
    // printf -v NAME FORMAT ARGS: each %s takes the next argument (enough to read code).
    std::vector<const Word*> rest;
    bool dynamic = false, past = false;
    for (const Word* a : args) {
      if (past) rest.push_back(a), dynamic = dynamic || a->dynamic();
      past = past || a == target;
    }
    if (rest.empty()) return;
    std::string code, fmt = rest[0]->value;
    size_t next = 1;
    for (size_t k = 0; k < fmt.size(); ++k) {
      if (fmt[k] == '%' && k + 1 < fmt.size() && fmt[k + 1] == '%') {
        code += '%';
        ++k;
      } else if (fmt[k] == '%' && k + 1 < fmt.size()) {
        // %s, %b (its escapes are decoded below), %q...: the next argument
        while (k + 1 < fmt.size() && !std::isalpha(static_cast<unsigned char>(fmt[k + 1]))) ++k;
        if (next < rest.size()) code += rest[next++]->value;
        ++k;
      } else {
        code += fmt[k];
      }
    }
    code = decode_escapes(code);  // printf decodes \NNN and \xHH in the format (and %b)
    std::string what = "printf -v " + target->value;
    if (dynamic) out.push_back({what, "", true});
    else if (tname == "PROMPT_COMMAND" || tname == "NULLCMD" || tname == "READNULLCMD") out.push_back({what, code});
    else
      for (std::string& c : prompt_substitutions(code)) out.push_back({what, c});
  } else if (p == "trap") {
    size_t k = 0;
    if (k < args.size() && args[k]->value == "--") ++k;
    if (args.size() < k + 2) return;  // trap SIG / trap -p ...: resets or prints
    const Word* code = args[k];
    if (code->value == "-" || (code->value.empty() && !code->dynamic()) || starts_with(code->value, "-")) return;
    std::string sigs;
    bool only_debug = true;
    for (size_t s = k + 1; s < args.size(); ++s) {
      sigs += (sigs.empty() ? "" : " ") + args[s]->value;
      only_debug = only_debug && (args[s]->value == "DEBUG" || args[s]->value == "debug");
    }
    if (only_debug) return;  // rule self.hook-state
    out.push_back({"trap (" + sigs + ")", code->value, code->dynamic(), !fish});
  } else if (p == "complete") {
    if (!fish)  // bash complete -W 'WORDS': expanded ($(..) included) at each Tab
      for (const OptionValue& w : option_values(sc, i + 1, 'W', "oAGWFCXPS")) {
        if (w.word && w.word->dynamic()) out.push_back({"complete -W", "", true});
        for (std::string& c : prompt_substitutions(w.text)) out.push_back({"complete -W $(..)", c});
      }
    for (size_t k = 0; k < args.size(); ++k) {
      std::string_view v = args[k]->value;
      const Word* code = nullptr;
      std::string inline_code;
      if (fish && (v == "-n" || v == "--condition") && k + 1 < args.size()) {
        // fish complete -n COND: COND runs at each Tab
        const Word* c = args[++k];
        if (c->dynamic()) out.push_back({"complete -n", "", true});
        else out.push_back({"complete -n", c->value, false, false});
        continue;
      }
      if (fish && starts_with(v, "--condition=")) {
        out.push_back({"complete --condition", std::string(v.substr(12)), false, false});
        continue;
      }
      if ((v == "-C" || v == "--command" || v == "-a" || v == "--arguments") && k + 1 < args.size()) {
        code = args[k + 1];
      } else if (starts_with(v, "--arguments=")) {
        inline_code = std::string(v.substr(12));
      } else if (starts_with(v, "-C") && v.size() > 2 && !fish) {
        inline_code = std::string(v.substr(2));
      } else {
        continue;
      }
      bool dynamic = code && code->dynamic();
      std::string text = code ? code->value : inline_code;
      bool is_args = v == "-a" || v == "--arguments" || starts_with(v, "--arguments=");
      if (is_args && !fish) continue;  // bash -A word lists run nothing
      if (dynamic) {
        out.push_back({"complete", "", true});
      } else if (is_args || (fish && (v == "-C" || v == "--command"))) {
        if (fish && (v == "-C")) out.push_back({"complete -C", text, false, false});
        for (std::string& c : fish_substitutions(text)) out.push_back({"complete -a (..)", c, false, false});
      } else {
        out.push_back({"complete -C", text, false, true});
      }
      if (code) ++k;
    }
  } else if (p == "bind" && !fish) {
    for (size_t k = 0; k + 1 < args.size(); ++k) {
      if (args[k]->value != "-x") continue;
      const Word* spec = args[k + 1];
      if (spec->dynamic()) {
        out.push_back({"bind -x", "", true});
        continue;
      }
      std::string_view s = spec->value;
      size_t colon = std::string_view::npos;
      if (!s.empty() && s[0] == '"') {
        size_t close = s.find('"', 1);
        while (close != std::string_view::npos && s[close - 1] == '\\') close = s.find('"', close + 1);
        if (close != std::string_view::npos) colon = s.find(':', close);
      } else {
        colon = s.find(':');
      }
      if (colon == std::string_view::npos) continue;
      std::string_view cmd = s.substr(colon + 1);
      while (!cmd.empty() && (cmd.front() == ' ' || cmd.front() == '\t')) cmd.remove_prefix(1);
      if (cmd.size() >= 2 && cmd.front() == '"' && cmd.back() == '"') cmd = cmd.substr(1, cmd.size() - 2);
      out.push_back({"bind -x", std::string(cmd)});
    }
  } else if (p == "bind" && fish) {
    size_t k = 0;
    for (; k < args.size(); ++k) {
      std::string_view v = args[k]->value;
      if (v == "-e" || v == "--erase" || v == "-K" || v == "--key-names" || v == "-f" || v == "--function-names" ||
          v == "-L" || v == "--list-modes")
        return;
      if (v == "-M" || v == "--mode" || v == "-m" || v == "--sets-mode") {
        ++k;
        continue;
      }
      if (!starts_with(v, "-")) break;
    }
    for (size_t c = k + 1; c < args.size(); ++c) {
      if (args[c]->dynamic()) out.push_back({"bind", "", true});
      else out.push_back({"bind " + args[k]->value, args[c]->value, false, false});
    }
  } else if (p == "sched" && !fish) {
    size_t k = 0;
    while (k < args.size() && starts_with(args[k]->value, "-")) {
      if (args[k]->value == "-o") ++k;
      else return;  // sched -N: removes an entry
    }
    if (k + 1 >= args.size()) return;
    std::string code;
    bool dynamic = false;
    for (size_t c = k + 1; c < args.size(); ++c) {
      code += (c > k + 1 ? " " : "") + args[c]->raw;
      dynamic = dynamic || args[c]->dynamic();
    }
    out.push_back({"sched " + args[k]->value, code, false});
    (void)dynamic;  // sched runs the words as a command line: judged as written
  }
}

}  // namespace

void merge_analysis(Analysis& into, const Analysis& part) {
  for (const Finding& f : part.findings) {
    bool seen = false;
    for (const Finding& g : into.findings) seen = seen || (g.rule == f.rule && g.command == f.command);
    if (!seen) into.findings.push_back(f);
  }
  for (const std::string& n : part.normalized) into.normalized.push_back(n);
  for (const std::string& t : part.traits)
    if (std::find(into.traits.begin(), into.traits.end(), t) == into.traits.end()) into.traits.push_back(t);
  for (const std::string& d : part.data_loss) into.data_loss.push_back(d);
  into.risk = std::max(into.risk, part.risk);
  if (part.parse_error) into.risk = std::max(into.risk, Severity::Medium);
  std::stable_sort(into.findings.begin(), into.findings.end(),
                   [](const Finding& x, const Finding& y) { return x.severity > y.severity; });
}

std::string bind_function_args(std::string_view def, const std::vector<std::string>& args, bool fish) {
  std::string all;
  for (const std::string& a : args) all += (all.empty() ? "" : " ") + a;
  // Inside "...": the words without their quotes (good enough for judging).
  auto unquoted = [](std::string_view raw) {
    std::string s;
    for (char c : raw)
      if (c != '\'' && c != '"') s += c;
    return s;
  };
  auto arg = [&](size_t n) { return n >= 1 && n <= args.size() ? args[n - 1] : std::string(); };
  std::string out;
  bool single = false, dbl = false;
  for (size_t i = 0; i < def.size(); ++i) {
    char c = def[i];
    if (single) {
      out += c;
      if (c == '\'') single = false;
      continue;
    }
    if (c == '\\' && i + 1 < def.size()) {
      out += def.substr(i, 2);
      ++i;
      continue;
    }
    if (c == '\'' && !dbl) {
      single = true;
      out += c;
      continue;
    }
    if (c == '"') {
      dbl = !dbl;
      out += c;
      continue;
    }
    if (c != '$' || i + 1 >= def.size()) {
      out += c;
      continue;
    }
    // $X or ${X}: which parameter, and where it ends.
    size_t j = i + 1;
    std::string name;
    if (def[j] == '{') {
      size_t close = def.find('}', j);
      if (close == std::string_view::npos) {
        out += c;
        continue;
      }
      name = std::string(def.substr(j + 1, close - j - 1));
      j = close + 1;
    } else if (def[j] == '@' || def[j] == '*' || def[j] == '#' || (def[j] >= '1' && def[j] <= '9')) {
      name = std::string(1, def[j]);
      j += 1;
    } else if (fish && def.substr(j, 4) == "argv") {
      name = "argv";
      j += 4;
    } else {
      out += c;
      continue;
    }
    bool all_args = name == "@" || name == "*" || (fish && name == "argv");
    bool number = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos && name != "0";
    if (!all_args && !number && name != "#") {
      out += def.substr(i, j - i);
      i = j - 1;
      continue;
    }
    std::string with = name == "#" ? std::to_string(args.size()) : all_args ? all : arg(std::stoul(name));
    // "$@" / "$1" as a whole word: the words as typed, quotes and all.
    if (dbl && !out.empty() && out.back() == '"' && j < def.size() && def[j] == '"') {
      out.pop_back();
      out += with.empty() ? "''" : with;
      dbl = false;
      i = j;
      continue;
    }
    out += dbl ? unquoted(with) : with;
    i = j - 1;
  }
  return out;
}

HookCode hook_code(const ParseResult& line, std::string_view text, bool fish, const ShellDefinitions* defs,
                   const AnalyzeContext& ctx, const ExpandLimits& limits, bool zsh) {
  HookCode out;
  // Without definitions only some words matter: skip the walk for most lines.
  if (!defs) {
    static constexpr std::string_view kWords[] = {"source", ".", "alias", "(", "function", "trap", "PROMPT",
                                                  "PS", "RPS", "complete", "bind", "sched", "mapfile", "readarray",
                                                  "read", "vared", "eval", "declare", "typeset", "local",
                                                  "hash", "BASH_CMDS", "commands", "NULLCMD", "abbr", "zstyle",
                                                  "compgen", "print", "for", "select", "@P", "${(",
                                                  "export", "let", "((", "${!", "unset", "set", "integer",
                                                  "float", "private", "getopts", "_vg_", "_VG_", "VECTRA_", "compctl", "(e", "(+",
                                                  "(#q", "${$(",
                                                  "VG_HOOK", "''", "\"\""};
    bool any = false;
    for (std::string_view w : kWords) any = any || text.find(w) != std::string_view::npos;
    if (!any) return out;
  }
  Expander ex(fish, zsh, defs, ctx, limits);
  ex.scan(line.script, 0, out.now);
  out.expanded = ex.expanded || !out.now.findings.empty();

  std::vector<Definition> defs_found;
  std::deque<ParseResult> evals;  // the text of literal evals, parsed (stable addresses)
  std::function<void(const Script&, int)> collect = [&](const Script& script, int depth) {
    each_simple(script, [&](const SimpleCommand& sc) {
      simple_definitions(sc, fish, defs_found);
      // eval 'TEXT' defines what TEXT defines (dynamic eval text is unknown code already).
      bool no_function;
      size_t i = command_index(sc, &no_function);
      if (fish || i >= sc.words.size() || sc.words[i].value != "eval" || sc.words[i].dynamic()) return;
      std::string code;
      for (size_t k = i + 1; k < sc.words.size(); ++k) {
        if (sc.words[k].dynamic()) return;
        code += (k > i + 1 ? " " : "") + sc.words[k].value;
      }
      if (depth >= limits.depth) {
        defs_found.push_back({"eval", "", true});
        return;
      }
      evals.push_back(parse_shell(code));
      collect(evals.back().script, depth + 1);
    });
  };
  collect(line.script, 0);
  // A sourced file (~/.bashrc again) defines aliases and functions that run only when a
  // later line calls them, and are judged then; what runs without a call is judged now.
  size_t typed = defs_found.size();
  for (const ParseResult& f : ex.sourced) collect(f.script, 1);
  defs_found.erase(std::remove_if(defs_found.begin() + static_cast<std::ptrdiff_t>(typed), defs_found.end(),
                                  [](const Definition& d) { return starts_with(d.what, "alias "); }),
                   defs_found.end());
  if (!fish) {
    std::string written = code_variable_written(text);
    if (!written.empty()) defs_found.push_back({written, "", true});
  }
  // A variable whose name is computed when the line runs (declare "${p}x=1",
  // (( ${p}x = 1 )), ${!q:=1}, fish `set {$n}x`) could be the guard's own: not here.
  std::string computed = computed_name_write(line.script, text, fish);
  if (!computed.empty()) {
    add_unknown(out.now, computed, "the name of the variable it sets is only known when it runs");
    out.expanded = true;
  }
  // The words' values, quotes removed: a hook name hidden by quoting.
  if (!writes_hook_state(text)) {
    std::string values;
    each_simple(line.script, [&](const SimpleCommand& sc) {
      for (const Word& w : sc.assignments) values += w.value + " ";
      for (const Word& w : sc.words) values += w.value + " ";
      values += "\n";
    });
    out.hidden_hook_name = writes_hook_state(values);
  }
  if (zsh) {
    // zsh glob qualifiers that run code, *(e:'cmd':) and *(+func), and ${$(cmd)}: the
    // parser reads them as plain words.
    std::string why = zsh_runs_in_word(text);
    if (!why.empty()) {
      add_unknown(out.now, why, "zsh runs it while expanding the word");
      out.expanded = true;
    }
  }
  // ${v@P}, ${(e)v}, ${(%)v}: the value of v is expanded again now, $(..) included.
  if (prompt_reexpands(text)) {
    add_unknown(out.now, "a prompt expansion of a variable", "its value is only known at run time");
    out.expanded = true;
  }
  for (Definition& d : defs_found) {
    LaterCode later;
    later.what = d.what;
    later.code = d.code;
    if (d.unknown) add_unknown(later.analysis, d.what, "it is only known at run time");
    else ex.judge_code(d.code, d.what, 1, d.shell_text, false, later.analysis);
    out.later.push_back(std::move(later));
  }
  auto function_defs = [&](const Script& script, bool only_uncalled) {
    each_function_def(script, [&](const Command& c) {
      if (hook_name(c.name) || c.bodies.empty() || !c.bodies[0]) return;  // rule self.hook-state
      if (only_uncalled && !runs_uncalled(c.name)) return;
      LaterCode later;
      later.what = "function " + c.name;
      ex.judge_body(*c.bodies[0], later.what, 1, later.analysis);
      out.later.push_back(std::move(later));
    });
  };
  function_defs(line.script, false);
  for (const ParseResult& e : evals) function_defs(e.script, false);
  for (const ParseResult& f : ex.sourced) function_defs(f.script, true);
  return out;
}

}  // namespace vg
