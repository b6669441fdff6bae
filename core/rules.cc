#include "core/rules.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace vg {

namespace {

constexpr Rule kStructural[] = {
    {"parse.incomplete", "parser", Severity::Medium,
     "The line could not be fully parsed, so what it runs is not certain.",
     "Fix the quoting or split the line into simpler commands.", "parse-error"},
    {"process.fork-bomb", "process", Severity::Critical,
     "A function that starts copies of itself in the background exhausts the machine (fork bomb).", "", "destructive"},
    {"obfuscation.eval-dynamic", "obfuscation", Severity::Medium,
     "Code built at run time is evaluated (eval or sh -c of a variable), so what runs is not visible.",
     "Run the command directly instead of evaluating a string.", "obfuscated"},
    {"obfuscation.ifs", "obfuscation", Severity::Medium,
     "$IFS is used as a word separator, a common trick to hide a command from filters.",
     "Write the command with plain spaces.", "obfuscated"},
    {"obfuscation.escaped-program", "obfuscation", Severity::Medium,
     "The program name is written with escape codes, hiding what runs.", "Write the program name plainly.",
     "obfuscated"},
    {"analysis.unknown-code", "parser", Severity::Medium,
     "Part of what this line runs cannot be read (code only known at run time, a sourced FIFO or very large "
     "file, or aliases and functions nested past the limits), so it does not run on the host.",
     "Run the commands themselves, or source a regular file.", "obfuscated"},
    {"analysis.too-deep", "parser", Severity::Medium,
     "Commands are nested too deeply (sh -c inside eval inside ...) to analyse completely.",
     "Flatten the nesting.", "obfuscated"},
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Split on '|' without allocating.
template <typename F>
bool any_alternative(std::string_view set, F&& f) {
  size_t i = 0;
  while (i <= set.size()) {
    size_t j = set.find('|', i);
    if (j == std::string_view::npos) j = set.size();
    if (f(set.substr(i, j - i))) return true;
    i = j + 1;
  }
  return false;
}

bool flag_present(const Cmd& cmd, std::string_view f) {
  if (f.empty()) return false;
  if (f[0] == '=') return cmd.has_arg(f.substr(1));
  if (starts_with(f, "--")) return cmd.has_long(f.substr(2));
  if (f.size() == 2 && f[0] == '-') return cmd.has_short(f[1]);
  return cmd.has_arg(f);
}

}  // namespace

bool one_of(std::string_view name, std::string_view set) {
  return any_alternative(set, [&](std::string_view alt) {
    if (!alt.empty() && alt.back() == '*') return starts_with(name, alt.substr(0, alt.size() - 1));
    return name == alt;
  });
}

bool matches(const CommandPattern& p, const Cmd& cmd) {
  if (cmd.program.empty() || !one_of(cmd.program, p.program)) return false;
  if (!p.words.empty()) {
    std::vector<const Arg*> ops = cmd.operands();
    size_t need = 0, at = 0;
    std::string_view words = p.words;
    size_t nwords = std::count(words.begin(), words.end(), ' ') + 1;
    size_t limit = std::min(ops.size(), nwords + 2);
    size_t i = 0;
    while (i <= words.size()) {
      size_t j = words.find(' ', i);
      if (j == std::string_view::npos) j = words.size();
      std::string_view w = words.substr(i, j - i);
      bool found = false;
      while (at < limit) {
        std::string op = lower(ops[at]->text);
        ++at;
        if (one_of(op, w)) {
          found = true;
          break;
        }
        if (need == 0 && at >= 2) break;  // the first word must be among the first two operands
      }
      if (!found) return false;
      ++need;
      i = j + 1;
    }
  }
  if (!p.any_flag.empty() && !any_alternative(p.any_flag, [&](std::string_view f) { return flag_present(cmd, f); }))
    return false;
  if (!p.no_flag.empty() && any_alternative(p.no_flag, [&](std::string_view f) { return flag_present(cmd, f); }))
    return false;
  return true;
}

NameSet::NameSet(std::string_view alternatives) {
  any_alternative(alternatives, [&](std::string_view alt) {
    if (!alt.empty() && alt.back() == '*') prefixes_.push_back(alt.substr(0, alt.size() - 1));
    else exact_.push_back(alt);
    return false;
  });
  std::sort(exact_.begin(), exact_.end());
}

bool NameSet::contains(std::string_view name) const {
  if (std::binary_search(exact_.begin(), exact_.end(), name)) return true;
  for (std::string_view p : prefixes_)
    if (starts_with(name, p)) return true;
  return false;
}

namespace {

// Patterns of one table grouped by program name, built on first use of the table.
struct PatternIndex {
  std::unordered_map<std::string_view, std::vector<const CommandPattern*>> by_program;
  std::vector<const CommandPattern*> by_prefix;  // program alternatives ending in '*'
};

const PatternIndex& index_of(std::span<const CommandPattern> patterns) {
  static std::unordered_map<const CommandPattern*, PatternIndex> cache;
  auto it = cache.find(patterns.data());
  if (it != cache.end()) return it->second;
  PatternIndex idx;
  for (const CommandPattern& p : patterns) {
    bool prefix = false;
    any_alternative(p.program, [&](std::string_view alt) {
      if (!alt.empty() && alt.back() == '*') prefix = true;
      else idx.by_program[alt].push_back(&p);
      return false;
    });
    if (prefix) idx.by_prefix.push_back(&p);
  }
  return cache.emplace(patterns.data(), std::move(idx)).first->second;
}

}  // namespace

void apply_patterns(std::span<const CommandPattern> patterns, const Cmd& cmd, RuleContext& rc) {
  if (cmd.program.empty()) return;
  const PatternIndex& idx = index_of(patterns);
  auto it = idx.by_program.find(cmd.program);
  if (it != idx.by_program.end())
    for (const CommandPattern* p : it->second)
      if (matches(*p, cmd)) rc.hit(p->rule, cmd);
  for (const CommandPattern* p : idx.by_prefix)
    if (matches(*p, cmd)) rc.hit(p->rule, cmd);
}

Arg drop_prefix(const Arg& a, size_t n) {
  Arg out = a;
  out.text = a.text.substr(std::min(n, a.text.size()));
  out.value = a.value.substr(std::min(n, a.value.size()));
  return out;
}

std::vector<Write> writes_of(const Cmd& cmd) {
  std::vector<Write> out;
  for (const Redir& r : cmd.redirects) {
    bool write = r.op == ">" || r.op == ">>" || r.op == ">|" || r.op == "&>" || r.op == "&>>" || r.op == "<>" ||
                 (r.op == ">&" && !r.target.text.empty() && !std::isdigit(static_cast<unsigned char>(r.target.text[0])) &&
                  r.target.text != "-");
    if (write && r.fd != 0) out.push_back({r.target, r.op == ">>" || r.op == "&>>"});
  }
  const std::string& p = cmd.program;
  std::vector<const Arg*> ops = cmd.operands();
  if (p == "tee" || p == "sponge") {
    bool append = cmd.has_flag('a', "append");
    for (const Arg* a : ops) out.push_back({*a, append});
  } else if (p == "cp" || p == "mv" || p == "install" || p == "rsync" || p == "scp" || (p == "ln" && cmd.has_short('f'))) {
    const Arg* t = cmd.option_value("-t");
    if (!t) t = cmd.option_value("--target-directory");
    if (t && starts_with(t->text, "--")) out.push_back({drop_prefix(*t, t->text.find('=') + 1), false});
    else if (t) out.push_back({*t, false});
    else if (ops.size() >= 2) out.push_back({*ops.back(), false});
  } else if (p == "dd") {
    for (const Arg& a : cmd.args)
      if (starts_with(a.text, "of=")) out.push_back({drop_prefix(a, 3), false});
  } else if ((p == "sed" || p == "perl") && (cmd.has_short('i') || cmd.has_long("in-place"))) {
    for (size_t i = 1; i < ops.size(); ++i) out.push_back({*ops[i], false});
  } else if (p == "truncate") {
    for (const Arg* a : ops) out.push_back({*a, false});
  } else if (p == "curl" || p == "wget") {
    const Arg* o = cmd.option_value(p == "curl" ? "-o" : "-O");
    if (!o) o = cmd.option_value(p == "curl" ? "--output" : "--output-document");
    if (o && starts_with(o->text, "--")) out.push_back({drop_prefix(*o, o->text.find('=') + 1), false});
    else if (o && o->text != "-") out.push_back({*o, false});
  }
  return out;
}

std::span<const Pack> all_packs() {
  static const Pack packs[] = {
      {"filesystem", filesystem_rules(), filesystem_check},
      {"disk", disk_rules(), disk_check},
      {"git", git_rules(), git_check},
      {"network-install", install_rules(), install_check},
      {"remote-exec", remote_exec_rules(), remote_exec_check},
      {"privilege", privilege_rules(), privilege_check},
      {"persistence", persistence_rules(), persistence_check},
      {"secrets", secrets_rules(), secrets_check},
      {"network", network_rules(), network_check},
      {"process", system_rules(), system_check},
      {"database", database_rules(), database_check},
      {"infra", infra_rules(), infra_check},
      {"obfuscation", obfuscation_rules(), obfuscation_check},
      {"anti-forensics", forensics_rules(), forensics_check},
      {"exec", exec_rules(), exec_check},
      {"environment", environment_rules(), environment_check},
      {"hook-state", hook_state_rules(), hook_state_check},
  };
  return packs;
}

std::span<const Rule> structural_rules() { return kStructural; }

const Rule* find_rule(std::string_view id) {
  static const auto index = [] {
    std::unordered_map<std::string_view, const Rule*> m;
    for (const Rule& r : structural_rules()) m.emplace(r.id, &r);
    for (const Pack& p : all_packs())
      for (const Rule& r : p.rules) m.emplace(r.id, &r);
    return m;
  }();
  auto it = index.find(id);
  return it == index.end() ? nullptr : it->second;
}

void RuleContext::data_loss(std::string_view what) {
  if (data_loss_ && std::find(data_loss_->begin(), data_loss_->end(), what) == data_loss_->end())
    data_loss_->emplace_back(what);
}

void RuleContext::trait(std::string_view t) {
  if (t.empty()) return;
  if (std::find(traits_.begin(), traits_.end(), t) == traits_.end()) traits_.emplace_back(t);
}

void RuleContext::hit(std::string_view rule_id, const Cmd& cmd) {
  const Rule* r = find_rule(rule_id);
  hit(rule_id, cmd, r ? r->severity : Severity::Medium);
}

void RuleContext::hit(std::string_view rule_id, const Cmd& cmd, Severity severity) {
  const Rule* r = find_rule(rule_id);
  std::string normalized = cmd.normalized();
  for (Finding& f : out_) {
    if (f.rule == rule_id && f.command == normalized) {
      f.severity = std::max(f.severity, severity);
      return;
    }
  }
  Finding f;
  f.rule = std::string(rule_id);
  if (r) {
    f.pack = std::string(r->pack);
    f.reason = std::string(r->reason);
    f.alternative = std::string(r->alternative);
    f.data_loss = r->data_loss;
    if (r->data_loss) data_loss(r->reason);
    trait(r->trait);
  } else {
    f.pack = "unknown";
    f.reason = "Matched rule " + f.rule + ".";
  }
  f.severity = severity;
  f.command = std::move(normalized);
  f.line = cmd.line;
  out_.push_back(std::move(f));
}

}  // namespace vg
