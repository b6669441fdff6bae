// Package audits: the JSON reports of `npm audit --json` and `pip-audit -f json`,
// summarised by severity (pure: unit-tested without either tool).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vg {

struct AuditFinding {
  std::string package;
  std::string version;   // "" when the report does not say
  std::string severity;  // critical, high, moderate, low, info; "unknown" (pip-audit has none)
  std::string id;        // advisory id or title
};

struct PackageAudit {
  std::map<std::string, long> by_severity;  // every severity above, zero when none
  std::vector<AuditFinding> findings;
  long total() const;
};

// Parse one tool's report. False with `error` (one sentence) on text that is not such a report.
bool parse_npm_audit(const std::string& json_text, PackageAudit& out, std::string& error);
bool parse_pip_audit(const std::string& json_text, PackageAudit& out, std::string& error);

}  // namespace vg
