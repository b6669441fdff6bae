#include "core/package_audit.h"

#include <nlohmann/json.hpp>

namespace vg {

namespace {

const char* const kSeverities[] = {"critical", "high", "moderate", "low", "info", "unknown"};

void zero(PackageAudit& out) {
  for (const char* s : kSeverities) out.by_severity[s] = 0;
}

nlohmann::json parse(const std::string& text, const char* tool, std::string& error) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) error = std::string(tool) + " did not print a JSON report";
  return j;
}

// npm's {"error": {code, summary, detail}}: the first field that says something (a 405
// from a registry comes back with an empty summary and the reason in detail or code).
std::string npm_error_reason(const nlohmann::json& e) {
  if (e.is_string() && !e.get<std::string>().empty()) return e.get<std::string>();
  if (!e.is_object()) return "npm gave no reason";
  std::string reason;
  for (const char* key : {"summary", "detail", "code"}) {
    auto it = e.find(key);
    if (it == e.end() || !it->is_string()) continue;
    std::string v = it->get<std::string>();
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ' || v.back() == '.')) v.pop_back();
    if (v.empty()) continue;
    if (reason.empty()) reason = v;
    else if (std::string(key) == "code") reason += " (" + v + ")";
  }
  return reason.empty() ? "npm gave no reason" : reason;
}

}  // namespace

long PackageAudit::total() const {
  long n = 0;
  for (const auto& [severity, count] : by_severity) n += count;
  return n;
}

bool parse_npm_audit(const std::string& json_text, PackageAudit& out, std::string& error) {
  nlohmann::json j = parse(json_text, "npm audit", error);
  if (!error.empty()) return false;
  zero(out);
  if (j.contains("error") && !j.contains("vulnerabilities")) {
    error = "npm audit failed: " + npm_error_reason(j["error"]);
    return false;
  }
  // npm 7 and later: "vulnerabilities" maps a package to its severity and advisories.
  if (!j.contains("vulnerabilities") || !j["vulnerabilities"].is_object()) {
    error = "npm audit printed JSON without a \"vulnerabilities\" object (npm 7 or later is needed)";
    return false;
  }
  for (const auto& [name, v] : j["vulnerabilities"].items()) {
    if (!v.is_object()) continue;
    std::string severity = v.value("severity", std::string("unknown"));
    if (!out.by_severity.count(severity)) severity = "unknown";
    std::string id;
    if (v.contains("via") && v["via"].is_array())
      for (const auto& via : v["via"])
        if (via.is_object()) {
          id = via.value("title", via.value("url", std::string()));
          break;
        }
    if (id.empty()) id = "through a dependency";
    out.by_severity[severity]++;
    out.findings.push_back({name, v.value("range", std::string()), severity, id});
  }
  return true;
}

bool parse_pip_audit(const std::string& json_text, PackageAudit& out, std::string& error) {
  nlohmann::json j = parse(json_text, "pip-audit", error);
  if (!error.empty()) return false;
  zero(out);
  if (!j.contains("dependencies") || !j["dependencies"].is_array()) {
    error = "pip-audit printed JSON without a \"dependencies\" list";
    return false;
  }
  for (const auto& dep : j["dependencies"]) {
    if (!dep.is_object() || !dep.contains("vulns") || !dep["vulns"].is_array()) continue;
    for (const auto& v : dep["vulns"]) {
      // pip-audit reports advisories without a severity.
      out.by_severity["unknown"]++;
      out.findings.push_back({dep.value("name", std::string()), dep.value("version", std::string()), "unknown",
                              v.is_object() ? v.value("id", std::string()) : std::string()});
    }
  }
  return true;
}

}  // namespace vg
