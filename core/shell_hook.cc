// Hook verdicts: decide() plus the rules that only make sense in an interactive shell
// (shell-state builtins, VG_DISABLE=1, unfinished lines).
#include "core/shell_hook.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>
#include <cerrno>

#include "core/fish_parse.h"
#include "core/hook_expand.h"
#include "core/rules.h"
#include "core/shell_parse.h"

extern char** environ;

namespace vg {
namespace {

std::string_view first_word(std::string_view cmd) {
  size_t start = cmd.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  cmd.remove_prefix(start);
  return cmd.substr(0, cmd.find_first_of(" \t"));
}

// Runs `bash -n -c line` and returns what it wrote on stderr.
std::string bash_syntax_check(const std::string& line) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  const char* argv[] = {"bash", "--norc", "--noprofile", "-n", "-c", line.c_str(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, "bash", &fa, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipefd[1]);
  std::string err;
  if (rc == 0) {
    char buf[512];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) err.append(buf, size_t(n));
    }
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ::close(pipefd[0]);
  return err;
}

bool ends_with_continuation(std::string_view line) {
  size_t backslashes = 0;
  for (size_t i = line.size(); i > 0 && line[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 1;
}

// Rule self.hook-state for what writes_hook_state() finds in the typed text.
void add_hook_state_finding(Analysis& a, const std::string& line) {
  const Rule* rule = find_rule("self.hook-state");
  for (const Finding& f : a.findings)
    if (f.rule == rule->id) return;
  Finding f;
  f.rule = std::string(rule->id);
  f.pack = std::string(rule->pack);
  f.severity = rule->severity;
  f.reason = std::string(rule->reason);
  f.alternative = std::string(rule->alternative);
  f.command = line;
  a.findings.insert(a.findings.begin(), std::move(f));
  a.risk = std::max(a.risk, rule->severity);
}

// The decision table for code a line defines for later (issue 18): judged like a typed
// line in mode auto; run -> allowed; block -> refused as such; sandbox or ask -> refused,
// since it would later run on the host unchecked. True when the line is refused.
bool refuse_definition(const HookCode& code, const Config& config, const HookInput& in, HookResult& r) {
  if (code.later.empty()) return false;
  Config auto_config = config;
  auto_config.mode = Mode::Auto;
  for (const LaterCode& later : code.later) {
    DecideContext dctx;
    dctx.interactive = in.interactive;
    dctx.line = later.code;
    Decision d = decide(later.analysis, auto_config, dctx);
    if (d.action == Action::Host) continue;
    if (d.action != Action::Block) {
      Finding f;
      f.rule = "hook.defines-unchecked";
      f.pack = "hook";
      f.severity = d.risk;
      std::string why = d.findings.empty() ? std::string(to_string(d.risk)) + " risk"
                                           : std::string(to_string(d.risk)) + " risk: " + d.findings.front().reason;
      while (!why.empty() && (why.back() == '.' || why.back() == ' ')) why.pop_back();
      f.reason = later.what + " would run later on the host, unchecked (" + why +
                 "); type the command itself when you need it, so it is judged then";
      f.command = later.what;
      for (Finding& g : d.findings) g.alternative.clear();  // the refusal is one line
      d.findings.insert(d.findings.begin(), std::move(f));
      d.why = "Blocked: " + later.what + " would run later on the host, unchecked";
    }
    d.action = Action::Block;
    r.decision = std::move(d);
    return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(HookAction a) {
  switch (a) {
    case HookAction::Run: return "run";
    case HookAction::Sandbox: return "sandbox";
    case HookAction::Ask: return "ask";
    case HookAction::Block: return "block";
    case HookAction::Incomplete: return "incomplete";
  }
  return "block";
}

bool is_shell_state_builtin(std::string_view p) {
  static constexpr std::string_view kBuiltins[] = {
      "cd",     "pushd",   "popd",     "dirs",    "export",   "unset",   "set",
      "source", ".",       "alias",    "unalias", "declare",  "typeset", "local",
      "readonly", "shopt", "setopt",   "unsetopt", "hash",    "rehash",  "umask",
      "ulimit", "history", "bind",     "complete", "compdef", "trap",    "exit",
      "logout", "jobs",    "fg",       "bg",      "disown",   "wait",    "enable",
      "functions", "abbr", "autoload", "zle",     "bindkey",  "unfunction", "shift",
      "builtin", "true",   "false",    ":",       "pwd",      "read",    "getopts",
  };
  for (std::string_view b : kBuiltins) {
    if (p == b) return true;
  }
  return false;
}

bool has_disable_prefix(std::string_view line) {
  ParseResult parsed = parse_shell(line);
  if (!parsed.ok || parsed.script.items.size() != 1) return false;
  const AndOr& item = parsed.script.items[0];
  if (item.background || item.pipelines.size() != 1) return false;
  const Pipeline& pipe = item.pipelines[0];
  if (pipe.negated || pipe.commands.size() != 1) return false;
  const Command& cmd = pipe.commands[0];
  if (cmd.kind != CommandKind::Simple || cmd.simple.words.empty()) return false;
  for (const Word& w : cmd.simple.assignments) {
    if (w.raw == "VG_DISABLE=1") return true;
  }
  return false;
}

namespace {

// The one simple command of a line, or nullptr.
const Command* single_simple_command(const ParseResult& parsed, bool allow_pipeline) {
  if (!parsed.ok || parsed.script.items.size() != 1) return nullptr;
  const AndOr& item = parsed.script.items[0];
  if (item.background || item.pipelines.size() != 1) return nullptr;
  const Pipeline& pipe = item.pipelines[0];
  if (pipe.negated || pipe.commands.empty() || (!allow_pipeline && pipe.commands.size() != 1)) return nullptr;
  const Command& cmd = pipe.commands[0];
  if (cmd.kind != CommandKind::Simple || cmd.simple.words.empty()) return nullptr;
  return &cmd;
}

std::string_view base_name(std::string_view p) {
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

}  // namespace

bool has_disable_pipeline_prefix(std::string_view line) {
  ParseResult parsed = parse_shell(line);
  const Command* cmd = single_simple_command(parsed, true);
  if (!cmd) return false;
  for (const Word& w : cmd->simple.assignments) {
    if (w.raw == "VG_DISABLE=1") return true;
  }
  return false;
}

bool runs_itself(std::string_view line) {
  ParseResult parsed = parse_shell(line);
  const Command* cmd = single_simple_command(parsed, false);
  if (!cmd || !cmd->simple.assignments.empty() || cmd->simple.redirects.size() != 0) return false;
  const std::vector<Word>& w = cmd->simple.words;
  std::string_view prog = base_name(w[0].raw);
  if (prog == "vectra-guard" || prog == "vg") return true;
  if (w[0].raw != "exec" || w.size() < 2) return false;
  static constexpr std::string_view kShells[] = {"bash", "zsh", "fish", "sh", "$SHELL", "\"$SHELL\"", "${SHELL}", "\"${SHELL}\""};
  std::string_view target = base_name(w[1].raw);
  bool shell = false;
  for (std::string_view s : kShells) shell = shell || target == s || w[1].raw == s;
  if (!shell) return false;
  for (size_t i = 2; i < w.size(); ++i)
    if (w[i].raw.empty() || w[i].raw[0] != '-') return false;  // only options: an interactive shell
  return true;
}

bool shell_line_incomplete(const std::string& line) {
  if (ends_with_continuation(line)) return true;
  std::string err = bash_syntax_check(line);
  return err.find("unexpected end of file") != std::string::npos ||
         err.find("unexpected EOF") != std::string::npos ||
         err.find("here-document") != std::string::npos;
}

// zsh closes `{ cmd }` without a separator before `}` (bash needs `{ cmd; }`): the same
// line with `;` put before each `}` word that follows a command word, for the parser.
static std::string zsh_close_braces(std::string_view line) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        out += c;
        out += line[++i];
        continue;
      }
      if (c == quote) quote = 0;
      out += c;
      continue;
    }
    if (c == '\\' && i + 1 < line.size()) {
      out += c;
      out += line[++i];
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    bool word_end = i + 1 == line.size() || std::string_view(" \t\n;)|&").find(line[i + 1]) != std::string_view::npos;
    if (c == '}' && word_end && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      size_t k = out.find_last_not_of(" \t");
      if (k != std::string::npos && std::string_view(";{\n&|").find(out[k]) == std::string_view::npos) out += "; ";
    }
    out += c;
  }
  return out;
}

HookResult evaluate_hook_line(const HookInput& in, const Config& config, const AnalyzeContext& ctx) {
  HookResult r;
  if (in.line.find_first_not_of(" \t\r\n") == std::string::npos) {
    r.action = HookAction::Run;
    return r;
  }
  // A final backslash continues the line in an interactive shell, whatever it parses to.
  if (!in.final && ends_with_continuation(in.line)) {
    r.action = HookAction::Incomplete;
    return r;
  }
  // fish: the bash text of the same line is what the parser and the rules read.
  std::string text = in.line;
  bool unfinished = false;
  if (in.fish) {
    std::string error;
    if (std::optional<std::string> sh = fish_to_sh(in.line, &error)) text = *sh;
    else unfinished = error.starts_with("unterminated") || error == "a block without 'end'";
  }
  ParseResult parsed = parse_shell(text);
  if (in.zsh && !parsed.ok) {
    std::string closed = zsh_close_braces(text);
    ParseResult again = parse_shell(closed);
    if (again.ok) {
      text = std::move(closed);
      parsed = std::move(again);
    }
  }
  r.analysis = analyze_parsed(parsed, text, ctx);
  if (writes_hook_state(in.line)) add_hook_state_finding(r.analysis, in.line);
  if (r.analysis.parse_error && !in.final && (in.fish ? unfinished : shell_line_incomplete(in.line))) {
    r.action = HookAction::Incomplete;
    return r;
  }
  // What the line runs through aliases, functions and sourced files is part of it; what
  // it defines for later is judged below, on its own.
  HookCode code = hook_code(parsed, text, in.fish, in.defs, ctx, {}, in.zsh);
  std::vector<std::string> own_commands = r.analysis.normalized;
  if (code.expanded) merge_analysis(r.analysis, code.now);
  if (code.hidden_hook_name) add_hook_state_finding(r.analysis, in.line);
  if (in.honor_disable && !in.agent && in.interactive && has_disable_pipeline_prefix(text)) {
    r.disabled = true;
    r.action = HookAction::Run;
    r.decision.action = Action::Host;
    r.decision.risk = r.analysis.risk;
    r.decision.findings = r.analysis.findings;
    r.decision.why = "Guard disabled for this command by VG_DISABLE=1.";
    return r;
  }

  r.disable_refused = in.honor_disable && !in.agent && in.line.find("VG_DISABLE=1") != std::string::npos;

  DecideContext dctx;
  dctx.interactive = in.interactive;
  dctx.trusted = in.trusted && r.analysis.risk != Severity::Critical;
  dctx.line = text;
  r.decision = decide(r.analysis, config, dctx);

  // A harmless sourced file keeps the line in the shell (its state is the point).
  bool harmless_parts = code.now.risk == Severity::Low;
  bool any_state = false, all_state = !own_commands.empty() && harmless_parts;
  for (const std::string& cmd : own_commands) {
    std::string_view prog = first_word(cmd);
    bool state = prog.empty() || prog.find('=') != std::string_view::npos ||
                 is_shell_state_builtin(prog);
    any_state = any_state || state;
    all_state = all_state && state;
  }
  r.shell_state_only = all_state && !r.analysis.parse_error;

  // Code defined now runs later on the host without passing the hook: judged now.
  if (r.decision.action != Action::Block && !in.in_sandbox && refuse_definition(code, config, in, r)) {
    r.action = HookAction::Block;
    return r;
  }

  // vectra-guard's own CLI and `exec SHELL` run in the shell unless something forbids
  // them outright (a deny pattern, a critical finding).
  if (r.decision.action != Action::Block && runs_itself(in.line)) {
    r.own_cli = true;
    r.action = HookAction::Run;
    return r;
  }
  // Already in a sandbox (`sandbox shell`): a second one inside it adds nothing.
  if (in.in_sandbox && (r.decision.action == Action::Sandbox || r.decision.action == Action::Prompt)) {
    r.action = HookAction::Run;
    return r;
  }

  switch (r.decision.action) {
    case Action::Host: r.action = HookAction::Run; break;
    case Action::Prompt: r.action = HookAction::Ask; break;
    case Action::Block: r.action = HookAction::Block; break;
    case Action::Sandbox:
      // cd/export in a sandbox would change nothing: they belong to the shell, unless
      // the line is risky enough that running it anywhere near the host is wrong.
      if (r.shell_state_only && r.decision.risk <= Severity::Medium) {
        r.action = HookAction::Run;
      } else {
        r.action = HookAction::Sandbox;
        r.loses_shell_state = any_state;
      }
      break;
  }
  return r;
}

}  // namespace vg
