// `vectra-guard metrics show|reset`: totals computed from the audit log (the one
// source of truth), as text or JSON.
#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/config.h"
#include "core/metrics.h"

namespace vg::cli {
namespace {

std::string join_counts(const std::map<std::string, long>& counts) {
  std::string out;
  for (const auto& [name, n] : counts) out += (out.empty() ? "" : ", ") + fmt::format("{} {}", name, n);
  return out.empty() ? "-" : out;
}

nlohmann::json to_json(const MetricsSummary& m, long skipped) {
  nlohmann::json last = nlohmann::json::array();
  for (const AuditEvent& ev : m.last) last.push_back(nlohmann::json::parse(audit_event_to_json(ev)));
  return {
      {"since", m.since.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.since)},
      {"total", m.total},
      {"host", m.host},
      {"sandbox", m.sandbox},
      {"remembered", m.remembered},
      {"blocked", m.blocked},
      {"asked", m.asked},
      {"failed", m.failed},
      {"by_risk", m.by_risk},
      {"by_runtime", m.by_runtime},
      {"by_agent", m.by_agent},
      {"duration_ms", {{"commands", m.timed}, {"average", m.average_ms}, {"p95", m.p95_ms}}},
      {"unreadable_lines", skipped},
      {"last", last},
  };
}

void print_text(const MetricsSummary& m, long skipped) {
  std::printf("Commands %s: %ld\n", m.since.empty() ? "in the audit log" : ("since " + m.since).c_str(), m.total);
  std::printf("  host %ld (remembered %ld)  sandbox %ld  blocked %ld  asked %ld  failed to start %ld\n", m.host,
              m.remembered, m.sandbox, m.blocked, m.asked, m.failed);
  std::printf("By risk:    %s\n", join_counts(m.by_risk).c_str());
  std::printf("By runtime: %s\n", join_counts(m.by_runtime).c_str());
  std::printf("By agent:   %s\n", join_counts(m.by_agent).c_str());
  if (m.timed > 0)
    std::printf("Duration of the %ld with a measured time: average %.1f ms, p95 %lld ms\n", m.timed, m.average_ms, m.p95_ms);
  if (skipped > 0) std::printf("Unreadable log lines skipped: %ld (see 'vectra-guard logs list')\n", skipped);
  if (m.last.empty()) return;
  // A summary: the last few; `logs list` has them all.
  size_t first = m.last.size() > 5 ? m.last.size() - 5 : 0;
  std::printf("Last %zu (all of them: vectra-guard logs list):\n", m.last.size() - first);
  for (size_t i = first; i < m.last.size(); ++i) {
    const AuditEvent& ev = m.last[i];
    std::string exit = ev.runtime == "none" || ev.exit_code < 0 ? "-" : std::to_string(ev.exit_code);
    std::printf("  %s  %-10s %-8s exit=%-3s %s\n", ev.time.c_str(), ev.runtime.c_str(),
                std::string(to_string(ev.risk)).c_str(), exit.c_str(), list_command(ev.command).c_str());
  }
}

}  // namespace

int cmd_metrics(const Global&, const Args& args) {
  std::string sub = "show";
  bool json = false;
  size_t i = 0;
  if (!args.empty() && args[0][0] != '-') sub = args[i++];
  for (; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      print_help("metrics");
      return kExitOk;
    }
    if (args[i] == "--json" && sub == "show") {
      json = true;
      continue;
    }
    print_error(fmt::format("metrics: unexpected '{}'; use 'metrics show [--json]' or 'metrics reset'.", args[i]));
    return kExitError;
  }
  const std::string state = state_dir();
  if (sub == "reset") {
    std::string now = iso8601_utc_now(), error;
    if (!reset_metrics(state, now, &error)) {
      print_error(fmt::format("metrics were not reset: {}.", error));
      return kExitError;
    }
    std::fprintf(stderr, "vectra-guard: metrics now count from %s; the audit log itself is kept.\n", now.c_str());
    return kExitOk;
  }
  if (sub != "show") {
    print_error(fmt::format("metrics: unknown action '{}'; use 'metrics show [--json]' or 'metrics reset'.", sub));
    return kExitError;
  }
  long skipped = 0;
  MetricsSummary m = summarize_events(read_all_events(state, &skipped), metrics_since(state));
  if (json)
    std::printf("%s\n", to_json(m, skipped).dump().c_str());
  else
    print_text(m, skipped);
  return kExitOk;
}

}  // namespace vg::cli
