// Environment pack: what changes how later commands run although nothing runs now
// (export LD_PRELOAD=.., PATH=.:$PATH, BASH_ENV, aliases over common commands, DEBUG
// traps, programs planted in ~/.local/bin), and changes to vectra-guard's own config,
// trust store and state (self-defence).
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"env.poison", "environment", Severity::Medium,
     "Sets a variable that makes later commands load or run other code (LD_PRELOAD, BASH_ENV, PATH from a temp or "
     "relative dir, GIT_SSH_COMMAND...).",
     "Set it only for the one command that needs it, and check what it points at.", "persistence"},
    {"env.alias-hijack", "environment", Severity::Medium,
     "Redefines a common command (alias) or runs code before every command (DEBUG trap).",
     "Use a new name for the alias.", "persistence"},
    {"env.plant-program", "environment", Severity::Medium,
     "Puts a program into a directory on your PATH (~/.local/bin, ~/bin), where it runs in place of others.",
     "Install programs with their package manager.", "persistence"},
    {"self.guard-state", "environment", Severity::High,
     "Changes vectra-guard's own configuration, trust store or state, or switches it off.",
     "Change the guard's settings yourself, outside an agent session.", "persistence"},
    {"self.trust-risky", "environment", Severity::High,
     "Adds a risky command to vectra-guard's trust store, so it would run on the host unasked.",
     "Trust only harmless commands; run risky ones in the sandbox.", "persistence"},
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Whether NAME=value changes what later commands load or run.
// `later`: set for the commands that follow (export, bare assignment), not only for one
// command (LD_LIBRARY_PATH=build/lib ./app is an ordinary way to run a program).
bool poisons(std::string_view name, std::string_view value, bool later) {
  if (!later && (name == "PATH" || name == "LD_LIBRARY_PATH" || name == "DYLD_LIBRARY_PATH" || name == "PERL5LIB"))
    return false;
  static const NameSet always(
      "LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|DYLD_INSERT_LIBRARIES|DYLD_LIBRARY_PATH|BASH_ENV|ENV|PROMPT_COMMAND|"
      "PERL5OPT|PERL5LIB|RUBYOPT|NODE_OPTIONS|PYTHONSTARTUP|PYTHONINSPECT|GIT_SSH_COMMAND|GIT_SSH|GIT_EXTERNAL_DIFF|"
      "GIT_ASKPASS|SSH_ASKPASS|GIT_PROXY_COMMAND|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_*|GIT_CONFIG_VALUE_*|"
      "GIT_CONFIG_PARAMETERS|GIT_EXEC_PATH|GIT_TEMPLATE_DIR");
  // ENV=production is an app's setting; ENV=/path/file.sh is sh's start-up file.
  if ((name == "ENV" || name == "BASH_ENV") && value.find('/') == std::string_view::npos &&
      value.find(".sh") == std::string_view::npos)
    return false;
  // NODE_OPTIONS=--max-old-space-size=4096 tunes; --require/--import/--loader load code.
  if (name == "NODE_OPTIONS")
    return value.find("-r ") != std::string_view::npos || value.find("--require") != std::string_view::npos ||
           value.find("--import") != std::string_view::npos || value.find("loader") != std::string_view::npos;
  if (always.contains(name)) return !value.empty();
  if (name == "PS4" || name == "PS1" || name == "PS0" || name == "PS2")
    return value.find("$(") != std::string_view::npos || value.find('`') != std::string_view::npos;
  if (name == "PATH") {
    // The first directory wins: relative, empty, or a temp dir anyone can write to.
    std::string_view first = value.substr(0, value.find(':'));
    return first.empty() || first[0] == '.' || (first[0] != '/' && first[0] != '$' && first[0] != '~') ||
           starts_with(first, "/tmp") || starts_with(first, "/var/tmp") || starts_with(first, "/dev/shm");
  }
  if (name == "GIT_PAGER" || name == "GIT_EDITOR" || name == "PAGER" || name == "EDITOR" || name == "VISUAL")
    return value.find_first_of(";|&$`") != std::string_view::npos || value.find(" -c") != std::string_view::npos;
  return false;
}

bool guard_path(std::string_view text, std::string_view value) {
  if (text.find("VG_HOME") != std::string_view::npos) return true;
  std::string_view base = basename_of(value);
  if (starts_with(base, ".vectra-guard")) return true;
  return value.find("/.config/vectra-guard") != std::string_view::npos ||
         value.find("/.vectra-guard/") != std::string_view::npos ||
         value.find("/.local/state/vectra-guard") != std::string_view::npos;
}

// Builtins that set variables for later commands: export, declare -x, typeset, readonly,
// and bare assignments (normalized as `export`).
void check_variables(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (p == "unset") {
    for (const Arg* a : cmd.operands())
      if (starts_with(a->text, "VG_")) rc.hit("self.guard-state", cmd);
    return;
  }
  bool later = p == "export" || p == "declare" || p == "typeset" || p == "readonly" || p == "local" || p == "setenv";
  if (!later && cmd.env.empty()) return;
  std::vector<const Arg*> assigns;
  if (later)
    for (const Arg& a : cmd.args) assigns.push_back(&a);
  else
    for (const Arg& a : cmd.env) assigns.push_back(&a);
  for (const Arg* a : assigns) {
    size_t eq = a->text.find('=');
    if (eq == std::string::npos || a->text[0] == '-') continue;
    std::string_view name = std::string_view(a->text).substr(0, eq);
    std::string_view value = std::string_view(a->text).substr(eq + 1);
    if (starts_with(name, "VG_")) rc.hit("self.guard-state", cmd);
    else if (poisons(name, value, later)) rc.hit("env.poison", cmd);
  }
}

void check_aliases(const Cmd& cmd, RuleContext& rc) {
  static const NameSet common(
      "ls|cd|cat|cp|mv|rm|git|ssh|sudo|su|grep|find|curl|wget|python|python3|pip|npm|node|make|vim|vi|nano|less|"
      "echo|ps|kill|top|docker|kubectl|apt|apt-get|brew|bash|sh|zsh|exit|clear|man|which|env|vg|vectra-guard");
  const std::string& p = cmd.program;
  if (p == "alias") {
    for (const Arg& a : cmd.args) {
      size_t eq = a.text.find('=');
      if (eq == std::string::npos) continue;
      std::string name = a.text.substr(0, eq);
      std::string value = a.text.substr(eq + 1);
      std::string first = std::string(basename_of(value.substr(0, value.find(' '))));
      if (common.contains(name) && first != name && first != "\\" + name && first != "command") rc.hit("env.alias-hijack", cmd);
    }
  } else if (p == "trap" && cmd.args.size() >= 2) {
    for (size_t i = 1; i < cmd.args.size(); ++i)
      if (one_of(cmd.args[i].text, "DEBUG|RETURN|ERR")) rc.hit("env.alias-hijack", cmd);
  }
}

// Files the command changes: writes, deletions, moves, permission changes.
std::vector<Arg> changed_paths(const Cmd& cmd) {
  std::vector<Arg> out;
  for (const Write& w : writes_of(cmd)) out.push_back(w.target);
  static const NameSet changers("rm|rmdir|unlink|shred|mv|chmod|chown|chattr|truncate|ln|install|cp|touch|sed|perl");
  if (changers.contains(cmd.program))
    for (const Arg* a : cmd.operands()) out.push_back(*a);
  return out;
}

void check_guard_state(const Cmd& cmd, RuleContext& rc) {
  if (cmd.program == "sed" || cmd.program == "perl") {
    if (!(cmd.has_short('i') || cmd.has_long("in-place"))) {
      for (const Write& w : writes_of(cmd))
        if (guard_path(w.target.text, w.target.value)) rc.hit("self.guard-state", cmd);
      return;
    }
  }
  for (const Arg& a : changed_paths(cmd))
    if (guard_path(a.text, a.value)) {
      rc.hit("self.guard-state", cmd);
      return;
    }
}

void check_trust_add(const Cmd& cmd, RuleContext& rc) {
  if (cmd.program != "vectra-guard" && cmd.program != "vg") return;
  auto ops = cmd.operands();
  if (ops.size() < 3 || ops[0]->text != "trust" || ops[1]->text != "add") return;
  std::string line;
  for (size_t i = 2; i < ops.size(); ++i) line += (i > 2 ? " " : "") + ops[i]->text;
  if (line.size() > 4096) return;
  Analysis inner = analyze(line, rc.ctx());
  if (inner.risk >= Severity::Medium) rc.hit("self.trust-risky", cmd);
}

void check_planted(const Cmd& cmd, RuleContext& rc) {
  const std::string& home = rc.ctx().home;
  if (home.empty()) return;
  std::vector<Arg> targets;
  for (const Write& w : writes_of(cmd)) targets.push_back(w.target);
  if (cmd.program == "ln" || cmd.program == "install") {
    auto ops = cmd.operands();
    if (ops.size() >= 2) targets.push_back(*ops.back());
  }
  for (const Arg& t : targets) {
    std::string abs = rc.path(t, cmd).abs;
    for (std::string_view dir : {"/.local/bin", "/bin"})
      if (starts_with(abs, home + std::string(dir)) &&
          (abs.size() == home.size() + dir.size() || abs[home.size() + dir.size()] == '/'))
        rc.hit("env.plant-program", cmd);
  }
}

}  // namespace

std::span<const Rule> environment_rules() { return kRules; }

// Cheap test first (this pack runs on every command): does any word or redirection
// mention `needle` at all?
bool mentions(const Cmd& cmd, std::string_view needle) {
  for (const Arg& a : cmd.args)
    if (a.text.find(needle) != std::string::npos) return true;
  for (const Redir& r : cmd.redirects)
    if (r.target.text.find(needle) != std::string::npos) return true;
  return false;
}

void environment_check(const Cmd& cmd, RuleContext& rc) {
  check_variables(cmd, rc);
  check_aliases(cmd, rc);
  if (mentions(cmd, "vectra-guard") || mentions(cmd, "VG_HOME")) check_guard_state(cmd, rc);
  check_trust_add(cmd, rc);
  if (mentions(cmd, "bin")) check_planted(cmd, rc);
}

}  // namespace vg
