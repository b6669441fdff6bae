// Output helpers: colour policy, error lines, config loading messages, decision JSON.
#include "cli/output.h"

#include <unistd.h>

#include <cstdlib>

namespace vg::cli {

bool color_enabled(std::FILE* stream) {
  if (std::getenv("NO_COLOR") != nullptr) return false;
  return isatty(fileno(stream)) == 1;
}

std::string paint(bool on, std::string_view code, std::string_view text) {
  if (!on) return std::string(text);
  std::string s;
  s.reserve(code.size() + text.size() + 4);
  s.append(code).append(text).append("\033[0m");
  return s;
}

std::string_view action_color(Action a) {
  switch (a) {
    case Action::Host: return kGreen;
    case Action::Sandbox: return kBlue;
    case Action::Prompt: return kYellow;
    case Action::Block: return kRed;
  }
  return kBold;
}

std::string_view severity_color(Severity s) {
  switch (s) {
    case Severity::Low: return kDim;
    case Severity::Medium: return kYellow;
    case Severity::High: return kRed;
    case Severity::Critical: return kRed;
  }
  return kBold;
}

void print_error(const std::string& sentence) {
  std::fprintf(stderr, "vectra-guard: %s\n", sentence.c_str());
}

std::optional<Config> load_cli_config(const std::string& extra, const AnalyzeContext& ctx) {
  try {
    Config cfg = load_config_for(extra, ctx);
    for (const std::string& w : cfg.warnings) std::fprintf(stderr, "vectra-guard: warning: %s\n", w.c_str());
    return cfg;
  } catch (const ConfigError& e) {
    print_error(e.what());
    return std::nullopt;
  }
}

// Built key by key: nlohmann's initializer lists copy every value, and this runs per line.
nlohmann::json finding_json(const Finding& f) {
  nlohmann::json j(nlohmann::json::value_t::object);
  j["rule"] = f.rule;
  j["pack"] = f.pack;
  j["severity"] = to_string(f.severity);
  j["reason"] = f.reason;
  if (!f.alternative.empty()) j["alternative"] = f.alternative;
  if (!f.command.empty()) j["command"] = f.command;
  return j;
}

nlohmann::json decision_json(std::string_view command, const Analysis& a, const Decision& d) {
  nlohmann::json j(nlohmann::json::value_t::object);
  j["command"] = command;
  j["decision"] = to_string(d.action);
  j["risk"] = to_string(d.risk);
  nlohmann::json& findings = j["findings"] = nlohmann::json::array();
  for (const Finding& f : d.findings) findings.push_back(finding_json(f));
  j["why"] = d.why;
  if (!a.normalized.empty()) j["normalized"] = a.normalized;
  if (!a.traits.empty()) j["traits"] = a.traits;
  if (a.parse_error) j["parse_error"] = a.parse_message.empty() ? "incomplete command" : a.parse_message;
  if (d.allowlisted) j["allowlisted"] = true;
  if (d.denylisted) j["denylisted"] = true;
  return j;
}

std::string list_command(const std::string& command, size_t width) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < command.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(command[i]);
    if ((c & 0xC0) != 0x80 && chars++ == width) {  // count characters, not UTF-8 bytes
      out += "…";
      break;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += char(c);
  }
  return out;
}

}  // namespace vg::cli
