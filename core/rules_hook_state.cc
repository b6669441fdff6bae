// Hook-state pack (issue 18): a typed line must not switch the interactive hook off
// from inside the shell. The hooks' own variables and functions, their DEBUG trap, the
// Enter key bindings and accept-line widgets, `enable -n|-d|-f`, and the guard's binary,
// hook files and builtin .so are refused; reading them (echo $_vg_x, type vg, bind -p,
// trap -p, bindkey listing) is not. The command does not say which shell it is in, so
// the names of all three hooks count everywhere.
#include "core/rules.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"self.hook-state", "hook-state", Severity::Critical,
     "This line would change vectra-guard's own hook (its variables, functions, DEBUG trap, Enter key or "
     "program files), which would switch the guard off unseen.",
     "To turn the guard off, use `vectra-guard off` (audited) or `scripts/install-shell-wrapper.sh --uninstall`.",
     "persistence"},
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

bool hook_name(std::string_view name) {
  static const NameSet names(
      "_vg_*|__vg_*|_VG_SERVER*|VECTRA_GUARD_BIN|VECTRA_GUARD_BUILTIN|VG_HOOK|VG_HOOK_OFF|vectra-guard|vg|vg-sandbox|vg-blocked|"
      "TRAPDEBUG");
  // ${name[..]}, name[3]=x, name+=x: the name before any subscript or operator.
  size_t end = name.find_first_of("[+=");
  // zsh's tables: functions[_vg_x]=..., unset 'aliases[vg]' change the element's name.
  static const NameSet tables("functions|aliases|galiases|saliases|dis_functions|dis_aliases|dis_galiases");
  if (end != std::string_view::npos && name[end] == '[' && tables.contains(name.substr(0, end))) {
    std::string_view key = name.substr(end + 1);
    key = key.substr(0, key.find(']'));
    while (!key.empty() && (key.front() == '\'' || key.front() == '"' || key.front() == '\\')) key.remove_prefix(1);
    while (!key.empty() && (key.back() == '\'' || key.back() == '"')) key.remove_suffix(1);
    return names.contains(key);
  }
  return names.contains(name.substr(0, end));
}

namespace {

// zsh widgets whose replacement would bypass the hook's Enter.
bool accept_widget(std::string_view w) {
  if (!w.empty() && w[0] == '.') w.remove_prefix(1);
  return starts_with(w, "accept-") || hook_name(w);
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

// A key sequence as bash (readline), zsh (bindkey) or fish (bind) writes it that is
// Enter (\C-m, ^M, \r, RETURN, enter...), or one of the bash hook's own sequences.
bool enter_key(std::string_view key) {
  while (!key.empty() && (key.front() == '"' || key.front() == '\'')) key.remove_prefix(1);
  while (!key.empty() && (key.back() == '"' || key.back() == '\'')) key.remove_suffix(1);
  if (key.find("\\C-x\\C-_V") != std::string_view::npos) return true;
  if (key == "\r" || key == "\n") return true;
  static const NameSet enter("\\c-m|\\c-j|c-m|c-j|\\r|\\n|^m|^j|return|newline|enter|ctrl-m|ctrl-j|\\cm|\\cj|\\x0d|\\x0a");
  return enter.contains(lower_ascii(key));
}

// bash `bind 'KEYSEQ: ...'` / `bind -x '"KEYSEQ": cmd'`: the key sequence part.
std::string_view readline_key(std::string_view spec) {
  if (!spec.empty() && spec[0] == '"') {
    size_t close = spec.find('"', 1);
    while (close != std::string_view::npos && spec[close - 1] == '\\') close = spec.find('"', close + 1);
    return close == std::string_view::npos ? spec : spec.substr(0, close + 1);
  }
  size_t colon = spec.find(':');
  return colon == std::string_view::npos ? spec : spec.substr(0, colon);
}

// bash bind, fish bind.
bool rebinds_enter(const Cmd& cmd) {
  // Listing only: bind -p -P -s -S -v -V -l -X, fish `bind` / `bind KEY` (prints it).
  bool erase = false, keymap_listing = true;
  for (size_t i = 0; i < cmd.args.size(); ++i) {
    std::string_view a = cmd.args[i].text;
    if (a == "-e" || a == "--erase") erase = true;
    if ((a == "-a" || a == "--all") && erase) return true;
    if (a == "-r" || a == "-u" || a == "-x" || a == "-m" || a == "-M" || a == "-q") {
      if (i + 1 < cmd.args.size()) {
        std::string_view v = cmd.args[i + 1].text;
        if ((a == "-r" && enter_key(v)) || (a == "-u" && accept_widget(v)) || (a == "-x" && enter_key(readline_key(v))))
          return true;
        if (a != "-m" && a != "-M") keymap_listing = false;
        ++i;
      }
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    // bash: "KEYSEQ": function-or-macro; fish: KEY COMMAND...
    if (enter_key(readline_key(a))) {
      // fish `bind \r` alone prints the binding
      bool fish_query = i + 1 == cmd.args.size() && a.find(':') == std::string_view::npos && !erase;
      if (!fish_query) return true;
    }
    if (erase) continue;
    break;  // fish: the rest is the command bound
  }
  (void)keymap_listing;
  return false;
}

bool zsh_bindkey_enter(const Cmd& cmd) {
  for (size_t i = 0; i < cmd.args.size(); ++i) {
    std::string_view a = cmd.args[i].text;
    if (a == "-d" || a == "-D" || a == "-A" || a == "-N") return true;  // keymaps deleted, linked or replaced
    if (a == "-M" || a == "-r" || a == "-s") {
      if (a == "-r" && i + 1 < cmd.args.size() && enter_key(cmd.args[i + 1].text)) return true;
      if (a == "-M") ++i;
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    // bindkey KEY WIDGET (bindkey KEY alone prints it)
    return enter_key(a) && i + 1 < cmd.args.size();
  }
  return false;
}

bool zle_replaces_accept(const Cmd& cmd) {
  if (cmd.args.empty()) return false;
  std::string_view op = cmd.args[0].text;
  if (op != "-N" && op != "-A" && op != "-D" && op != "-C") return false;
  for (size_t i = 1; i < cmd.args.size(); ++i)
    if (accept_widget(cmd.args[i].text)) return true;
  return false;
}

bool changes_debug_trap(const Cmd& cmd) {
  if (cmd.args.empty()) return false;
  std::string_view first = cmd.args[0].text;
  if (first == "-p" || first == "-l" || first == "-P") return false;
  for (const Arg& a : cmd.args) {
    std::string l = lower_ascii(a.text);
    if (l == "debug" || l == "sigdebug") return true;
  }
  return false;
}

// Names a builtin assigns, declares, unsets or erases; `printing` set when the command
// only prints them (declare -p, typeset -f, set -q, functions NAME).
std::vector<std::string_view> names_changed(const Cmd& cmd) {
  std::vector<std::string_view> out;
  const std::string& p = cmd.program;
  auto name_of = [](std::string_view t) { return t.substr(0, t.find('=')); };
  if (p == "export" || p == "declare" || p == "typeset" || p == "local" || p == "readonly" || p == "setenv" ||
      p == "integer" || p == "float") {
    bool print = p != "readonly" && p != "setenv" && cmd.args.empty();
    bool nameref = false;
    for (const Arg& a : cmd.args) {
      if (a.text.empty()) continue;
      if (a.text[0] == '-' || a.text[0] == '+') {
        if (a.text.find_first_of("pfF") != std::string::npos && a.text[0] == '-' && a.text.find('n') == std::string::npos)
          print = true;
        if (a.text[0] == '-' && a.text.find('n') != std::string::npos) nameref = true;
        continue;
      }
      size_t eq = a.text.find('=');
      if (print && eq == std::string::npos) continue;
      out.push_back(name_of(a.text));
      if (nameref && eq != std::string::npos) out.push_back(std::string_view(a.text).substr(eq + 1));
    }
    return out;
  }
  if (p == "unset" || p == "unfunction") {
    for (const Arg* a : cmd.operands()) out.push_back(a->text);
    return out;
  }
  if (p == "alias") {
    for (const Arg& a : cmd.args)
      if (size_t eq = a.text.find('='); eq != std::string::npos && a.text[0] != '-') out.push_back(name_of(a.text));
    // fish: alias NAME VALUE
    if (cmd.args.size() >= 2 && cmd.args[0].text.find('=') == std::string::npos && cmd.args[0].text[0] != '-')
      out.push_back(cmd.args[0].text);
    return out;
  }
  if (p == "set") {  // fish: set [-options] NAME VALUE...; -q/-S/-n only look
    for (const Arg& a : cmd.args) {
      std::string_view t = a.text;
      if (t == "-q" || t == "--query" || t == "-S" || t == "--show" || t == "-n" || t == "--names") return {};
      if (t == "--") continue;
      if (!t.empty() && (t[0] == '-' || t[0] == '+')) continue;
      out.push_back(t);
      break;
    }
    return out;
  }
  if (p == "functions") {  // fish -e NAME / -c OLD NEW; zsh -e? functions NAME only prints
    for (size_t i = 0; i < cmd.args.size(); ++i) {
      std::string_view t = cmd.args[i].text;
      if (t == "-e" || t == "--erase") {
        for (size_t k = i + 1; k < cmd.args.size(); ++k) out.push_back(cmd.args[k].text);
      } else if ((t == "-c" || t == "--copy") && i + 2 < cmd.args.size()) {
        out.push_back(cmd.args[i + 2].text);
      }
    }
    return out;
  }
  if (p == "read" || p == "mapfile" || p == "readarray" || p == "getopts" || p == "vared") {
    auto ops = cmd.operands();
    for (const Arg* a : ops) out.push_back(a->text);
    for (const char* opt : {"-a", "-A"})
      if (const Arg* v = cmd.option_value(opt)) out.push_back(v->text);
    return out;
  }
  if (p == "printf" || p == "print") {
    if (const Arg* v = cmd.option_value("-v")) out.push_back(v->text);
    return out;
  }
  if (p == "let") {
    for (const Arg* a : cmd.operands()) out.push_back(a->text.substr(0, a->text.find_first_of("=+-*/ ")));
    return out;
  }
  return out;
}

// A file the command writes, deletes, moves or changes the mode of.
std::vector<const Arg*> files_changed(const Cmd& cmd, std::vector<Write>& writes) {
  std::vector<const Arg*> out;
  writes = writes_of(cmd);
  for (const Write& w : writes) out.push_back(&w.target);
  static const NameSet all_operands("rm|rmdir|unlink|shred|mv|chmod|chown|chattr|truncate|touch|sed|perl|setfacl");
  static const NameSet last_operand("cp|install|ln|rsync|dd");
  auto ops = cmd.operands();
  if (all_operands.contains(cmd.program))
    for (const Arg* a : ops) out.push_back(a);
  else if (last_operand.contains(cmd.program) && !ops.empty())
    out.push_back(ops.back());
  return out;
}

bool guard_file(std::string_view value) {
  std::string_view base = basename_of(value);
  return base == "vectra-guard" || base == "vectra-guard.bash" || base == "vectra-guard.zsh" ||
         base == "vectra-guard.fish" || base == "vectra_guard_hook.so";
}

bool mentions(const Cmd& cmd, std::string_view needle) {
  for (const Arg& a : cmd.args)
    if (a.text.find(needle) != std::string::npos || a.value.find(needle) != std::string::npos) return true;
  for (const Redir& r : cmd.redirects)
    if (r.target.text.find(needle) != std::string::npos || r.target.value.find(needle) != std::string::npos)
      return true;
  return false;
}

// bash `enable`: -d deletes and -f loads a loadable builtin (the guard's own is one);
// -n disables a builtin, which matters for those the hook calls (`enable -n cd` is a
// user's choice and runs nothing new).
bool enable_breaks_hook(const Cmd& cmd) {
  if (cmd.has_short('d') || cmd.has_short('f')) return true;
  if (!cmd.has_short('n')) return false;
  static const NameSet used(
      "builtin|bind|eval|history|shopt|trap|enable|unalias|alias|declare|typeset|readonly|local|return|set|unset|"
      "printf|read|source|.|exec|kill|type|vectra_guard_hook");
  for (const Arg* a : cmd.operands())
    if (used.contains(a->text) || a->text.find("vectra") != std::string::npos) return true;
  return false;
}

}  // namespace

namespace {

bool internal_hook_name(std::string_view id) {
  static const NameSet names("_vg_*|__vg_*|_VG_SERVER*|VECTRA_GUARD_BIN|VECTRA_GUARD_BUILTIN|VG_HOOK_OFF");
  // Put in typed lines by the hooks themselves: _vg_ret N (the last status), zsh's
  // __vg_blocked/__vg_reroute ID (carry out a stored verdict; never on the host).
  static const NameSet own("_vg_ret|__vg_blocked|__vg_reroute");
  return names.contains(id) && !own.contains(id);
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The first word of the simple command around position `at` (separators: ; | & newline
// ( { ` and $( ), skipping `builtin`/`command`/`noglob`; its text up to `at`; where it starts.
struct Around {
  std::string_view first;
  std::string_view before;  // the command's text up to `at`
  size_t start = 0;         // where the command starts in the line
};

Around command_around(std::string_view line, size_t at) {
  size_t start = at;
  while (start > 0 && std::string_view(";|&\n({`").find(line[start - 1]) == std::string_view::npos) --start;
  Around a;
  a.start = start;
  a.before = line.substr(start, at - start);
  std::string_view rest = a.before;
  for (;;) {
    size_t b = rest.find_first_not_of(" \t");
    if (b == std::string_view::npos) return a;
    rest.remove_prefix(b);
    size_t e = rest.find_first_of(" \t");
    std::string_view w = rest.substr(0, e);
    if ((w == "builtin" || w == "command" || w == "noglob" || w == "nocorrect") && e != std::string_view::npos) {
      rest.remove_prefix(e);
      continue;
    }
    a.first = w;
    return a;
  }
}

// Commands that cannot assign a shell variable or call a function through their words.
bool reads_only(const Around& a) {
  std::string_view f = a.first;
  if (f.empty()) return false;  // the name is the command: a call or an assignment
  if (f.find('=') != std::string_view::npos) return false;  // x=_vg_off: a name kept for later
  if (f == "echo" || f == "type" || f == "whence" || f == "which" || f == "where") return true;
  bool has_v = a.before.find(" -v") != std::string_view::npos;
  if (f == "printf" || f == "print") return !has_v;
  if (f == "declare" || f == "typeset")
    return (a.before.find(" -p") != std::string_view::npos || a.before.find(" -f") != std::string_view::npos ||
            a.before.find(" -F") != std::string_view::npos);
  if (f == "functions")  // zsh/fish: print; -e erases, -c copies
    return a.before.find(" -e") == std::string_view::npos && a.before.find(" -c") == std::string_view::npos &&
           a.before.find(" --erase") == std::string_view::npos && a.before.find(" --copy") == std::string_view::npos;
  if (f == "set")  // fish: set -q / -S query and show
    return a.before.find(" -q") != std::string_view::npos || a.before.find(" --query") != std::string_view::npos ||
           a.before.find(" -S") != std::string_view::npos || a.before.find(" --show") != std::string_view::npos;
  // Builtins and keywords that assign, call or evaluate; anything else is a program,
  // which cannot touch the shell's variables.
  static const NameSet writers(
      "for|select|let|declare|typeset|local|export|readonly|read|mapfile|readarray|unset|eval|getopts|vared|"
      "integer|float|private|zparseopts|source|.|alias|unalias|[[|((|emulate|zle|bindkey|trap|exec|coproc|"
      "time|!|if|while|until|do|then|else|elif|case|in|function|set|unfunction|autoload|enable|shift|test|[|"
      "return|exit|wait|kill|fg|bg|disown|complete|compgen|compdef|sched|fc|history|hash|rehash|cd|pushd|popd|"
      "ulimit|umask|abbr|argparse|string|contains|count|math|status|commandline|or|and|not|begin|end");
  return !writers.contains(f);
}

// Inside [..] (subscripts are arithmetic), (( .. )) or $[ .. ] before `at`.
bool in_arithmetic(std::string_view before) {
  // Keys of the shells' associative tables are names, not arithmetic.
  static const NameSet keyed(
      "functions|aliases|galiases|saliases|dis_functions|dis_aliases|dis_galiases|commands|functions_source|"
      "parameters|BASH_ALIASES|BASH_CMDS");
  int square = 0, paren2 = 0;
  std::vector<bool> counted;  // per open '[': whether it is arithmetic
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i] == '[') {
      size_t n = i;
      while (n > 0 && ident_char(before[n - 1])) --n;
      counted.push_back(!keyed.contains(before.substr(n, i - n)));
      if (counted.back()) ++square;
    } else if (before[i] == ']' && !counted.empty()) {
      if (counted.back()) --square;
      counted.pop_back();
    }
    else if (before.substr(i, 2) == "((") ++paren2, ++i;
    else if (before.substr(i, 2) == "))" && paren2 > 0) --paren2, ++i;
  }
  return square > 0 || paren2 > 0;
}

}  // namespace

bool writes_hook_state(std::string_view line) {
  if (line.find("_vg_") == std::string_view::npos && line.find("_VG_") == std::string_view::npos &&
      line.find("VECTRA_GUARD_") == std::string_view::npos && line.find("VG_HOOK_OFF") == std::string_view::npos)
    return false;
  for (size_t i = 0; i < line.size();) {
    if (!ident_char(line[i]) || (i > 0 && ident_char(line[i - 1]))) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < line.size() && ident_char(line[e])) ++e;
    std::string_view id = line.substr(i, e - i);
    size_t at = i;
    i = e;
    if (!internal_hook_name(id)) continue;
    char next = e < line.size() ? line[e] : '\0';
    std::string_view after = line.substr(e);
    if (at >= 1 && line[at - 1] == '$') continue;  // $_vg_x: its value
    if (at >= 2 && line[at - 2] == '$' && line[at - 1] == '{') {
      // ${_vg_x}, ${_vg_x[1]}, ${_vg_x:-d}: read; ${_vg_x=v}, ${_vg_x:=v}, ${_vg_x::=v}: write
      if (next == '=' || after.substr(0, 2) == ":=" || after.substr(0, 3) == "::=") return true;
      continue;
    }
    if (at >= 3 && line[at - 3] == '$' && line[at - 2] == '{' && (line[at - 1] == '#' || line[at - 1] == '!')) continue;
    Around a = command_around(line, at);
    if (in_arithmetic(a.before) || !reads_only(a)) return true;
    // Printed inside $(..), `..` or fish (..): the output is a word of the command
    // around, e.g. a name for `declare "$(echo _vg_x)=1"` / `set (echo __vg_x) 1`.
    while (a.start > 0 && (line[a.start - 1] == '(' || line[a.start - 1] == '`')) {
      size_t open = a.start - 1;
      if (open > 0 && line[open - 1] == '$') --open;
      a = command_around(line, open);
      if (in_arithmetic(a.before) || !reads_only(a)) return true;
    }
  }
  return false;
}

std::span<const Rule> hook_state_rules() { return kRules; }

void hook_state_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (!cmd.defines_function.empty()) {
    if (hook_name(cmd.defines_function)) rc.hit("self.hook-state", cmd);
    return;
  }
  for (const Arg& e : cmd.env)
    if (hook_name(e.text.substr(0, e.text.find('=')))) {
      rc.hit("self.hook-state", cmd);
      return;
    }
  bool hit = false;
  if (p == "export" && cmd.program_text.empty()) {  // bare assignments
    for (const Arg& a : cmd.args) hit = hit || hook_name(a.text.substr(0, a.text.find('=')));
  } else if (p == "trap") {
    hit = changes_debug_trap(cmd);
  } else if (p == "bind") {
    hit = rebinds_enter(cmd);
  } else if (p == "bindkey") {
    hit = zsh_bindkey_enter(cmd);
  } else if (p == "zle") {
    hit = zle_replaces_accept(cmd);
  } else if (p == "enable") {
    hit = enable_breaks_hook(cmd);
  } else {
    for (std::string_view n : names_changed(cmd)) hit = hit || hook_name(n);
  }
  if (!hit && (mentions(cmd, "vectra-guard") || mentions(cmd, "vectra_guard_hook"))) {
    std::vector<Write> writes;
    for (const Arg* a : files_changed(cmd, writes)) hit = hit || guard_file(a->value) || guard_file(a->text);
  }
  if (hit) rc.hit("self.hook-state", cmd);
}

}  // namespace vg
