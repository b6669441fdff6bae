// `vectra-guard explain`: show what the guard would decide for a command line, and why.
// It never runs anything.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/analyze.h"
#include "core/fish_parse.h"
#include "core/trust_store.h"
#include "core/policy.h"

namespace vg::cli {

namespace {

struct ExplainOptions {
  bool json = false;
  bool batch = false;
  bool interactive = false;
  bool verbose = false;
  std::optional<Mode> mode;
  std::string shell = "bash";      // --shell: fish lines are parsed as fish
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
      if (!o.mode) return usage_error("unknown mode '" + *v + "'; use always, auto, risky or never.");
    } else if (a == "--shell" || a.rfind("--shell=", 0) == 0) {
      auto v = value("--shell");
      if (!v || (*v != "bash" && *v != "zsh" && *v != "fish" && *v != "sh"))
        return usage_error("--shell needs bash, zsh, fish or sh.");
      o.shell = *v;
    } else if (a == "--config" || a.rfind("--config=", 0) == 0) {
      auto v = value("--config");
      if (!v) return usage_error("--config needs a file name.");
      o.config = *v;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option '" + a + "' for explain; put the command after '--'.");
    } else {
      // The command starts at the first word that is not an option.
      o.have_line = true;
      o.words.push_back(a);
    }
  }
  for (const std::string& w : o.words) o.line += (o.line.empty() && &w == &o.words.front() ? "" : " ") + w;
  if (o.batch && o.have_line) return usage_error("give either '-- LINE' or --batch, not both.");
  if (!o.batch && !o.have_line)
    return usage_error("explain needs a command line after '--', or --batch to read lines from stdin.");
  return std::nullopt;
}

std::string dump_line(const nlohmann::json& j) {
  // Commands may hold any bytes; never let invalid UTF-8 abort the output.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}



// What explain adds to a decision: how the trust store was consulted, and for fish the
// bash text that was judged.
struct Extra {
  bool trusted = false;
  std::string trust_error;  // the store could not be read
  std::string judged;       // fish: the bash equivalent that was analysed
};

Decision evaluate(const std::string& line, const AnalyzeContext& ctx, const Config& cfg,
                  const ExplainOptions& o, Analysis& a, Extra& x) {
  std::string text = line;
  if (o.shell == "fish") {
    if (std::optional<std::string> sh = fish_to_sh(line)) text = x.judged = *sh;
  }
  a = analyze(text, ctx);
  DecideContext dc;
  dc.interactive = o.interactive;
  dc.line = text;
  // The trust store, as the hooks and exec read it: a trusted line runs on the host.
  std::string key_text = trust_text(a);
  if (!key_text.empty()) {
    try {
      dc.trusted = TrustStore(TrustStore::default_path())
                       .find(trust_key(key_text), ctx.workspace, std::time(nullptr))
                       .has_value();
    } catch (const TrustError& e) {
      x.trust_error = e.what();
    }
  }
  Decision d = decide(a, cfg, dc);
  x.trusted = dc.trusted && d.why.find("trusted") != std::string::npos;
  return d;
}

nlohmann::json explain_json(const std::string& line, const Analysis& a, const Decision& d, const Extra& x) {
  nlohmann::json j = decision_json(line, a, d);
  j["trusted"] = x.trusted;
  if (!x.trust_error.empty()) j["trust_error"] = x.trust_error;
  if (!x.judged.empty()) j["judged_as"] = x.judged;
  return j;
}

void print_text(const std::string& line, const Analysis& a, const Decision& d, const Config& cfg,
                const ExplainOptions& o, const Extra& x) {
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
  if (x.trusted) {
    out += "Trust:     trusted for this workspace (vectra-guard trust list); the hooks and exec run it on the host\n";
  } else if (!x.trust_error.empty()) {
    out += "Trust:     the trust store was not read: " + x.trust_error + "\n";
  }
  if (!x.judged.empty() && o.verbose) {
    std::string shown = x.judged;
    for (size_t p = shown.find('\n'); p != std::string::npos; p = shown.find('\n', p + 12)) shown.replace(p, 1, "\n           ");
    out += "As bash:   " + shown + "\n";
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
    Extra x;
    Decision d = evaluate(line, ctx, cfg, o, a, x);
    std::string out = dump_line(explain_json(line, a, d, x));
    out += '\n';
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
      std::free(buf);
      print_error("cannot write to standard output; stopping.");
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
  Extra x;
  Decision d = evaluate(o.line, ctx, *cfg, o, a, x);
  if (o.json) {
    std::string out = dump_line(explain_json(o.line, a, d, x)) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    print_text(o.line, a, d, *cfg, o, x);
  }
  return kExitOk;
}

}  // namespace vg::cli
