// `vectra-guard explain`: show what the guard would decide for a command line, and why.
// It never runs anything.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/analyze.h"
#include "core/policy.h"

namespace vg::cli {

namespace {

struct ExplainOptions {
  bool json = false;
  bool batch = false;
  bool interactive = false;
  bool verbose = false;
  std::optional<Mode> mode;
  std::string config;
  bool have_line = false;
  std::vector<std::string> words;  // joined by spaces into line
  std::string line;
};

// Returns an exit code when parsing ends the command (help or error), else nullopt.
std::optional<int> parse_options(const Args& args, ExplainOptions& o) {
  auto usage_error = [](const std::string& sentence) {
    print_error(sentence + " Run 'vectra-guard help explain' for the options.");
    return kExitError;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (o.have_line) {
      o.words.push_back(a);
      continue;
    }
    auto value = [&](const char* name) -> std::optional<std::string> {
      std::string eq = std::string(name) + "=";
      if (a.rfind(eq, 0) == 0) return a.substr(eq.size());
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (a == "--") {
      o.have_line = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--batch") {
      o.batch = true;
    } else if (a == "--interactive") {
      o.interactive = true;
    } else if (a == "--verbose" || a == "-v") {
      o.verbose = true;
    } else if (a == "-h" || a == "--help") {
      print_help("explain");
      return kExitOk;
    } else if (a == "--mode" || a.rfind("--mode=", 0) == 0) {
      auto v = value("--mode");
      if (!v) return usage_error("--mode needs a value: always, auto, risky or never.");
      o.mode = parse_mode(*v);
      if (!o.mode) return usage_error("Unknown mode '" + *v + "'; use always, auto, risky or never.");
    } else if (a == "--config" || a.rfind("--config=", 0) == 0) {
      auto v = value("--config");
      if (!v) return usage_error("--config needs a file name.");
      o.config = *v;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("Unknown option '" + a + "' for explain; put the command after '--'.");
    } else {
      // The command starts at the first word that is not an option.
      o.have_line = true;
      o.words.push_back(a);
    }
  }
  for (const std::string& w : o.words) o.line += (o.line.empty() && &w == &o.words.front() ? "" : " ") + w;
  if (o.batch && o.have_line) return usage_error("Give either '-- LINE' or --batch, not both.");
  if (!o.batch && !o.have_line)
    return usage_error("explain needs a command line after '--', or --batch to read lines from stdin.");
  return std::nullopt;
}

std::string dump_line(const nlohmann::json& j) {
  // Commands may hold any bytes; never let invalid UTF-8 abort the output.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void print_text(const std::string& line, const Analysis& a, const Decision& d, const Config& cfg,
                const ExplainOptions& o) {
  bool c = color_enabled(stdout);
  std::string out;
  out += "Command:   " + line + "\n";
  out += "Decision:  " + paint(c, action_color(d.action), to_string(d.action)) + "\n";
  out += "Risk:      " + paint(c, severity_color(d.risk), to_string(d.risk)) + "\n";
  out += "Why:       " + d.why + "\n";
  if (!d.findings.empty()) {
    out += "Findings:\n";
    for (const Finding& f : d.findings) {
      out += "  " + paint(c, severity_color(f.severity), to_string(f.severity)) + "  " + f.rule +
             " (" + f.pack + ")\n";
      out += "      " + f.reason + "\n";
      if (!f.alternative.empty()) out += "      Instead: " + f.alternative + "\n";
    }
  }
  if (a.parse_error) out += "Parse:     " + (a.parse_message.empty() ? "incomplete" : a.parse_message) + "\n";
  if (o.verbose) {
    for (const std::string& n : a.normalized) out += "Normalized: " + n + "\n";
    if (!a.traits.empty()) {
      out += "Traits:   ";
      for (const std::string& t : a.traits) out += " " + t;
      out += "\n";
    }
    out += "Mode:      " + std::string(to_string(cfg.mode)) + ", guard level " +
           std::string(to_string(cfg.guard_level)) + (o.interactive ? ", interactive" : ", no terminal") + "\n";
    if (cfg.sources.empty()) out += "Config:    built-in defaults\n";
    for (const std::string& s : cfg.sources) out += "Config:    " + s + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

Decision evaluate(const std::string& line, const AnalyzeContext& ctx, const Config& cfg,
                  bool interactive, Analysis& a) {
  a = analyze(line, ctx);
  DecideContext dc;
  dc.interactive = interactive;
  dc.line = line;
  return decide(a, cfg, dc);
}

// One JSON object per input line, flushed per line so a caller can stream.
int run_batch(const AnalyzeContext& ctx, const Config& cfg, const ExplainOptions& o) {
  char* buf = nullptr;
  size_t cap = 0;
  ssize_t n;
  Analysis a;
  while ((n = getline(&buf, &cap, stdin)) >= 0) {
    std::string line(buf, static_cast<size_t>(n));
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Decision d = evaluate(line, ctx, cfg, o.interactive, a);
    std::string out = dump_line(decision_json(line, a, d));
    out += '\n';
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
      std::free(buf);
      print_error("Cannot write to standard output; stopping.");
      return kExitError;
    }
  }
  std::free(buf);
  return kExitOk;
}

}  // namespace

int cmd_explain(const Global& g, const Args& args) {
  ExplainOptions o;
  if (auto rc = parse_options(args, o)) return *rc;
  AnalyzeContext ctx = current_context();
  std::optional<Config> cfg = load_cli_config(o.config.empty() ? g.config_file : o.config, ctx);
  if (!cfg) return kExitError;
  if (o.mode) cfg->mode = *o.mode;

  if (o.batch) return run_batch(ctx, *cfg, o);

  Analysis a;
  Decision d = evaluate(o.line, ctx, *cfg, o.interactive, a);
  if (o.json) {
    std::string out = dump_line(decision_json(o.line, a, d)) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    print_text(o.line, a, d, *cfg, o);
  }
  return kExitOk;
}

}  // namespace vg::cli
