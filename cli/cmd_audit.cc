// `vectra-guard audit npm|python [--path DIR] [--no-install] [--json]`: the package
// manager's own audit, run inside the sandbox with the restricted network (the project's
// install scripts and the audit tool never run on the host), summarised by severity.
// Exit 0 clean, 2 findings, 1 error.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/analyze.h"
#include "core/config.h"
#include "core/package_audit.h"
#include "sandbox/sandbox.h"

namespace vg::cli {
namespace {

struct AuditOptions {
  std::string ecosystem;  // npm | python
  std::string path = ".";
  bool no_install = false;
  bool json = false;
};

bool exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    if (colon == std::string::npos) return "";
    start = colon + 1;
  }
}

// Run argv in the sandbox (restricted network, workspace = dir) with its stdout captured.
int run_captured(const std::vector<std::string>& argv, const std::string& dir, const Config& config,
                 std::string& out, std::string& error) {
  char tmpl[] = "/tmp/vg-audit.XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    error = "cannot create a temporary file for the audit report";
    return -1;
  }
  unlink(tmpl);
  sandbox::Request req;
  req.argv = argv;
  req.cwd = dir;
  req.workspace = dir;
  req.network = NetworkMode::Restricted;
  req.before_start = [](const sandbox::Report& r) { std::fprintf(stderr, "%s\n", sandbox::notice_line(r).c_str()); };
  std::fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  dup2(fd, STDOUT_FILENO);
  sandbox::Report report;
  int status = sandbox::run(req, config, report);
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  if (!report.error.empty()) {
    close(fd);
    error = report.error;
    return -1;
  }
  lseek(fd, 0, SEEK_SET);
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return status;
}

void print_summary(const AuditOptions& o, const std::string& dir, const PackageAudit& a) {
  if (o.json) {
    nlohmann::json findings = nlohmann::json::array();
    for (const AuditFinding& f : a.findings)
      findings.push_back({{"package", f.package}, {"version", f.version}, {"severity", f.severity}, {"id", f.id}});
    nlohmann::json j = {{"ecosystem", o.ecosystem}, {"path", dir},   {"total", a.total()},
                        {"by_severity", a.by_severity}, {"findings", findings}};
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  if (a.total() == 0) {
    std::printf("%s audit of %s: no known vulnerabilities\n", o.ecosystem.c_str(), dir.c_str());
    return;
  }
  std::string counts;
  for (const char* s : {"critical", "high", "moderate", "low", "info", "unknown"}) {
    auto it = a.by_severity.find(s);
    if (it != a.by_severity.end() && it->second > 0) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", s, it->second);
  }
  std::printf("%s audit of %s: %ld vulnerabilities (%s)\n", o.ecosystem.c_str(), dir.c_str(), a.total(), counts.c_str());
  for (const AuditFinding& f : a.findings)
    std::printf("  %-9s %s%s  %s\n", f.severity.c_str(), f.package.c_str(),
                f.version.empty() ? "" : (" " + f.version).c_str(), f.id.c_str());
}

// pip-audit: on PATH, else (unless --no-install) installed into a virtualenv in the user's
// cache, from inside the sandbox. "" with `error` set when neither works.
std::string pip_audit_tool(const AuditOptions& o, const std::string& dir, Config& config, std::string& error) {
  std::string found = on_path("pip-audit");
  if (!found.empty()) return found;
  if (o.no_install) {
    error = "pip-audit is not installed; install it, or run without --no-install to let vectra-guard install it "
            "into its own cache";
    return "";
  }
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  std::string cache = xdg && *xdg ? xdg : std::string(home ? home : "/tmp") + "/.cache";
  std::string venv = cache + "/vectra-guard/tools/pip-audit";
  std::string tool = venv + "/bin/pip-audit";
  if (access(tool.c_str(), X_OK) == 0) return tool;
  for (std::string p : {cache, cache + "/vectra-guard", cache + "/vectra-guard/tools", venv}) mkdir(p.c_str(), 0700);
  config.cache_dirs.push_back({venv, venv, true});
  std::fprintf(stderr, "vectra-guard: installing pip-audit into %s (in the sandbox)\n", venv.c_str());
  std::string out;
  int status = run_captured({"sh", "-c", "python3 -m venv \"$0\" && \"$0/bin/pip\" install --quiet pip-audit >&2", venv},
                            dir, config, out, error);
  if (status != 0 || access(tool.c_str(), X_OK) != 0) {
    if (error.empty())
      error = "pip-audit could not be installed (its output is above); install it yourself and retry, or "
              "check network_allow";
    return "";
  }
  return tool;
}

}  // namespace

int cmd_audit(const Global& g, const Args& args) {
  AuditOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      print_help("audit");
      return kExitOk;
    }
    if (a == "--json") {
      o.json = true;
    } else if (a == "--no-install") {
      o.no_install = true;
    } else if (a == "--path" && i + 1 < args.size()) {
      o.path = args[++i];
    } else if (o.ecosystem.empty() && (a == "npm" || a == "python")) {
      o.ecosystem = a;
    } else {
      print_error(fmt::format("audit: unexpected '{}'; use 'audit npm|python [--path DIR] [--no-install] [--json]'.", a));
      return kExitError;
    }
  }
  if (o.ecosystem.empty()) {
    print_error("audit: say which packages to audit: 'audit npm' or 'audit python'.");
    return kExitError;
  }
  char real[PATH_MAX];
  struct stat st;
  if (!realpath(o.path.c_str(), real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    print_error(fmt::format("audit: {} is not a directory; pass the project's directory with --path.", o.path));
    return kExitError;
  }
  const std::string dir = real;
  AnalyzeContext ctx = current_context();
  ctx.cwd = ctx.workspace = dir;
  std::optional<Config> config = load_cli_config(g.config_file, ctx);
  if (!config) return kExitError;

  std::vector<std::string> argv;
  if (o.ecosystem == "npm") {
    if (!exists(dir + "/package-lock.json") && !exists(dir + "/npm-shrinkwrap.json")) {
      print_error(fmt::format("audit: {} has no package-lock.json; create one with 'npm install --package-lock-only'.", dir));
      return kExitError;
    }
    if (on_path("npm").empty()) {
      print_error("audit: npm is not installed; install Node.js and npm to audit npm packages.");
      return kExitError;
    }
    argv = {"npm", "audit", "--json"};
  } else {
    std::string error;
    std::vector<std::string> target;
    if (exists(dir + "/requirements.txt"))
      target = {"-r", "requirements.txt"};
    else if (exists(dir + "/pyproject.toml"))
      target = {"."};
    else {
      print_error(fmt::format("audit: {} has neither requirements.txt nor pyproject.toml.", dir));
      return kExitError;
    }
    std::string tool = pip_audit_tool(o, dir, *config, error);
    if (tool.empty()) {
      print_error("audit: " + error + ".");
      return kExitError;
    }
    argv = {tool, "-f", "json", "--progress-spinner", "off"};
    argv.insert(argv.end(), target.begin(), target.end());
  }

  std::string out, error;
  int status = run_captured(argv, dir, *config, out, error);
  if (status < 0) {
    print_error("audit: " + error + ".");
    return kExitError;
  }
  PackageAudit result;
  bool ok = o.ecosystem == "npm" ? parse_npm_audit(out, result, error) : parse_pip_audit(out, result, error);
  if (!ok) {
    print_error(fmt::format("audit: {} (exit {}); its messages are above.", error, status));
    return kExitError;
  }
  print_summary(o, dir, result);
  return result.total() > 0 ? kExitFindings : kExitOk;
}

}  // namespace vg::cli
