#include "core/metrics.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace vg {
namespace {

std::string metrics_file(const std::string& state_dir) { return state_dir + "/metrics.json"; }

bool ran(const AuditEvent& ev) { return !ev.runtime.empty() && ev.runtime != "none"; }

}  // namespace

MetricsSummary summarize_events(std::vector<AuditEvent> events, const std::string& since,
                                size_t last_n) {
  MetricsSummary m;
  m.since = since;
  // ISO-8601 UTC times with fixed width sort as text.
  std::erase_if(events, [&](const AuditEvent& ev) { return !since.empty() && ev.time < since; });
  std::stable_sort(events.begin(), events.end(),
                   [](const AuditEvent& a, const AuditEvent& b) { return a.time < b.time; });
  std::vector<long long> durations;
  for (const AuditEvent& ev : events) {
    ++m.total;
    ++m.by_risk[std::string(to_string(ev.risk))];
    ++m.by_runtime[ev.runtime.empty() ? "none" : ev.runtime];
    ++m.by_agent[ev.agent.empty() ? "(none)" : ev.agent];
    if (!ev.answer.empty()) ++m.asked;
    if (ev.runtime == "host") {
      ++m.host;
      if (ev.why.starts_with("Host: trusted")) ++m.remembered;
    } else if (ran(ev)) {
      ++m.sandbox;
    } else if (ev.decision == "block" || ev.answer == "no") {
      ++m.blocked;
    } else {
      ++m.failed;
    }
    // Only runs whose end was seen have a duration: a hook's host line is recorded
    // before the shell runs it (exit not observed, 0 ms) and would drag the average down.
    if (ran(ev) && ev.exit_code >= 0) durations.push_back(ev.duration_ms);
  }
  m.timed = static_cast<long>(durations.size());
  if (!durations.empty()) {
    long long sum = 0;
    for (long long d : durations) sum += d;
    m.average_ms = static_cast<double>(sum) / static_cast<double>(durations.size());
    std::sort(durations.begin(), durations.end());
    // Nearest rank: the smallest value with at least 95% of the values at or below it.
    size_t rank = (durations.size() * 95 + 99) / 100;
    m.p95_ms = durations[std::max<size_t>(rank, 1) - 1];
  }
  size_t first = events.size() > last_n ? events.size() - last_n : 0;
  m.last.assign(events.begin() + static_cast<long>(first), events.end());
  return m;
}

std::vector<AuditEvent> read_all_events(const std::string& state_dir, long* skipped) {
  std::vector<AuditEvent> out;
  long bad = 0;
  for (const std::string& session : list_audit_sessions(state_dir)) {
    std::vector<AuditProblem> problems;
    for (AuditRecord& r : read_audit_session(state_dir, session, problems)) out.push_back(std::move(r.event));
    bad += static_cast<long>(problems.size());
  }
  if (skipped) *skipped = bad;
  return out;
}

std::string metrics_since(const std::string& state_dir) {
  std::ifstream in(metrics_file(state_dir));
  if (!in) return "";
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("since") || !j["since"].is_string()) return "";
  return j["since"].get<std::string>();
}

bool reset_metrics(const std::string& state_dir, const std::string& time, std::string* error) {
  if (!ensure_private_dir(state_dir, error)) return false;
  std::string path = metrics_file(state_dir);
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::string text = nlohmann::json{{"since", time}}.dump() + "\n";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int saved = errno;
  if (fd >= 0 && close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (ok && rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    unlink(tmp.c_str());
    *error = "cannot write " + path + ": " + std::strerror(saved);
  }
  return ok;
}

}  // namespace vg
