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
    const auto& e = j["error"];
    error = "npm audit failed: " + (e.is_object() ? e.value("summary", e.value("code", std::string("unknown error")))
                                                  : e.dump());
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
