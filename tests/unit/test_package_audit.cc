// npm audit and pip-audit reports summarised by severity.
#include <criterion/criterion.h>

#include <string>

#include "core/package_audit.h"

using namespace vg;

Test(package_audit, npm_report_by_severity) {
  const std::string report = R"({"auditReportVersion": 2, "vulnerabilities": {
    "a": {"name": "a", "severity": "critical", "range": "<1.2.0", "via": [{"title": "RCE in a"}]},
    "b": {"name": "b", "severity": "moderate", "range": "*", "via": ["a"]},
    "c": {"name": "c", "severity": "weird", "via": []}},
    "metadata": {"vulnerabilities": {"critical": 1, "moderate": 1, "total": 2}}})";
  PackageAudit a;
  std::string error;
  cr_assert(parse_npm_audit(report, a, error), "%s", error.c_str());
  cr_expect_eq(a.total(), 3);
  cr_expect_eq(a.by_severity["critical"], 1);
  cr_expect_eq(a.by_severity["moderate"], 1);
  cr_expect_eq(a.by_severity["unknown"], 1, "an unheard-of severity is counted, not dropped");
  cr_expect_eq(a.by_severity["high"], 0);
  cr_expect(a.findings[0].package == "a" && a.findings[0].id == "RCE in a");
  cr_expect(a.findings[1].id == "through a dependency");
}

Test(package_audit, npm_clean_and_errors) {
  PackageAudit a;
  std::string error;
  cr_assert(parse_npm_audit(R"({"vulnerabilities": {}})", a, error));
  cr_expect_eq(a.total(), 0);
  PackageAudit b;
  cr_expect(!parse_npm_audit("npm ERR! network", b, error));
  cr_expect(error.find("did not print a JSON report") != std::string::npos);
  error.clear();
  cr_expect(!parse_npm_audit(R"({"error": {"code": "ENOLOCK", "summary": "no lockfile"}})", b, error));
  cr_expect(error.find("no lockfile") != std::string::npos, "%s", error.c_str());
  error.clear();
  cr_expect(!parse_npm_audit(R"({"advisories": {}})", b, error), "an npm 6 report is not taken as clean");
}

Test(package_audit, npm_error_with_an_empty_summary_gives_the_real_reason) {
  PackageAudit a;
  std::string error;
  cr_expect(!parse_npm_audit(R"({"error": {"code": "E405", "summary": "", "detail": "405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk"}})", a, error));
  cr_expect_str_eq(error.c_str(), "npm audit failed: 405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk (E405)");
  error.clear();
  cr_expect(!parse_npm_audit(R"({"error": {"summary": ""}})", a, error));
  cr_expect_str_eq(error.c_str(), "npm audit failed: npm gave no reason");
}

Test(package_audit, pip_audit_report) {
  const std::string report = R"({"dependencies": [
    {"name": "requests", "version": "2.0.0", "vulns": [{"id": "PYSEC-1"}, {"id": "GHSA-x"}]},
    {"name": "idna", "version": "3.7", "vulns": []},
    {"name": "local-pkg", "skip_reason": "not on the index"}], "fixes": []})";
  PackageAudit a;
  std::string error;
  cr_assert(parse_pip_audit(report, a, error), "%s", error.c_str());
  cr_expect_eq(a.total(), 2);
  cr_expect_eq(a.by_severity["unknown"], 2);
  cr_expect(a.findings[1].package == "requests" && a.findings[1].version == "2.0.0" && a.findings[1].id == "GHSA-x");
  PackageAudit b;
  cr_expect(!parse_pip_audit(R"({"results": []})", b, error));
}
