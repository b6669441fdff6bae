// `vectra-guard validate`: analyse shell scripts statement by statement. Never runs them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/analyze.h"

namespace vg::cli {

namespace {

// Whole file, or "-" for stdin; false with errno-based `error` when it cannot be read.
bool read_script(const std::string& path, std::string& text, std::string& error) {
  int fd = path == "-" ? dup(0) : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat sb {};
  if (fd < 0 || fstat(fd, &sb) != 0) {
    error = std::strerror(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  if (S_ISDIR(sb.st_mode)) {
    close(fd);
    error = "it is a directory";
    return false;
  }
  char buf[16384];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  if (n < 0) error = std::strerror(errno);
  close(fd);
  return n == 0;
}

struct Totals {
  bool error = false;
  bool risky = false;  // a finding at or above medium
  Severity max = Severity::Low;
  bool any = false;
};

nlohmann::json validate_file(const std::string& path, const AnalyzeContext& ctx, bool json, bool color,
                             Totals& t) {
  nlohmann::json jf = {{"file", path}, {"findings", nlohmann::json::array()}};
  std::string text, error;
  if (!read_script(path, text, error)) {
    print_error("cannot read '" + path + "' (" + error + "); check the path and its permissions.");
    t.error = true;
    jf["error"] = error;
    return jf;
  }
  std::string parse_error;
  std::vector<StatementAnalysis> statements = analyze_script(text, ctx, &parse_error);
  if (!parse_error.empty()) jf["parse_error"] = parse_error;
  for (const StatementAnalysis& st : statements) {
    for (const Finding& f : st.analysis.findings) {
      // Finding lines are source lines; a finding about the whole statement uses its first line.
      int line = std::max(f.line, st.line);
      t.any = true;
      t.max = std::max(t.max, f.severity);
      if (f.severity >= Severity::Medium) t.risky = true;
      if (json) {
        nlohmann::json jfinding = finding_json(f);
        jfinding["line"] = line;
        jfinding["statement"] = st.text;
        jf["findings"].push_back(std::move(jfinding));
      } else {
        std::string out = path + ":" + std::to_string(line) + ": " +
                          paint(color, severity_color(f.severity), to_string(f.severity)) + " " + f.rule +
                          " " + f.reason + "\n";
        std::fwrite(out.data(), 1, out.size(), stdout);
      }
    }
  }
  // A script we could not parse is never "clean", even if no statement carried the error.
  bool reported = std::any_of(statements.begin(), statements.end(),
                              [](const StatementAnalysis& s) { return s.analysis.parse_error; });
  if (!parse_error.empty() && !reported) {
    t.risky = true;
    t.any = true;
    t.max = std::max(t.max, Severity::Medium);
    if (json) {
      jf["findings"].push_back({{"line", 1}, {"rule", "parse.incomplete"}, {"pack", "parser"},
                                {"severity", "medium"}, {"reason", "The script could not be parsed: " + parse_error}});
    } else {
      std::printf("%s:1: medium parse.incomplete The script could not be parsed: %s\n", path.c_str(),
                  parse_error.c_str());
    }
  }
  return jf;
}

}  // namespace

int cmd_validate(const Global&, const Args& args) {
  bool json = false;
  std::vector<std::string> files;
  bool only_files = false;
  for (const std::string& a : args) {
    if (only_files) {
      files.push_back(a);
    } else if (a == "--") {
      only_files = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help") {
      print_help("validate");
      return kExitOk;
    } else if (a.size() > 1 && a[0] == '-') {
      print_error("unknown option '" + a + "' for validate; run 'vectra-guard help validate'.");
      return kExitError;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    print_error("validate needs at least one script file, e.g. vectra-guard validate deploy.sh.");
    return kExitError;
  }

  AnalyzeContext ctx = current_context();
  bool color = !json && color_enabled(stdout);
  Totals t;
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& f : files) all.push_back(validate_file(f, ctx, json, color, t));

  if (json) {
    nlohmann::json out = {{"files", std::move(all)}};
    out["max_severity"] = t.any ? nlohmann::json(to_string(t.max)) : nlohmann::json(nullptr);
    std::string s = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(s.data(), 1, s.size(), stdout);
  }
  if (t.error) return kExitError;
  return t.risky ? kExitFindings : kExitOk;
}

}  // namespace vg::cli
