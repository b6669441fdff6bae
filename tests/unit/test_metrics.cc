// Metrics from audit events: totals, groupings, durations, the window since a reset.
#include <criterion/criterion.h>

#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "core/metrics.h"

using namespace vg;

namespace {

AuditEvent event(const std::string& time, const std::string& runtime, const std::string& decision,
                 long long ms, Severity risk = Severity::Low, const std::string& agent = "") {
  AuditEvent ev;
  ev.time = time;
  ev.runtime = runtime;
  ev.decision = decision;
  ev.duration_ms = ms;
  ev.risk = risk;
  ev.agent = agent;
  ev.command = "cmd " + time;
  return ev;
}

}  // namespace

Test(metrics, totals_and_groups) {
  std::vector<AuditEvent> evs = {
      event("2026-01-01T00:00:03.000Z", "host", "host", 10),
      event("2026-01-01T00:00:01.000Z", "bubblewrap", "sandbox", 30, Severity::Medium, "claude"),
      event("2026-01-01T00:00:02.000Z", "none", "block", 0, Severity::Critical, "claude"),
      event("2026-01-01T00:00:04.000Z", "none", "sandbox", 0, Severity::Medium),  // failed start
  };
  evs[0].why = "Host: trusted (remembered) command";
  AuditEvent asked_no = event("2026-01-01T00:00:05.000Z", "none", "prompt", 0, Severity::High);
  asked_no.answer = "no";
  evs.push_back(asked_no);
  AuditEvent asked_host = event("2026-01-01T00:00:06.000Z", "host", "prompt", 20, Severity::High);
  asked_host.answer = "host";
  evs.push_back(asked_host);

  MetricsSummary m = summarize_events(evs, "");
  cr_assert_eq(m.total, 6);
  cr_assert_eq(m.host, 2);
  cr_assert_eq(m.remembered, 1);
  cr_assert_eq(m.sandbox, 1);
  cr_assert_eq(m.blocked, 2);
  cr_assert_eq(m.asked, 2);
  cr_assert_eq(m.failed, 1);
  cr_assert_eq(m.host + m.sandbox + m.blocked + m.failed, m.total);
  cr_assert_eq(m.by_risk["critical"], 1);
  cr_assert_eq(m.by_risk["high"], 2);
  cr_assert_eq(m.by_runtime["none"], 3);
  cr_assert_eq(m.by_agent["claude"], 2);
  cr_assert_eq(m.by_agent["(none)"], 4);
  cr_assert_eq(m.timed, 3);
  cr_assert_float_eq(m.average_ms, 20.0, 1e-9);
  cr_assert_eq(m.p95_ms, 30);
  // The last events come oldest first, whatever order the logs gave.
  cr_assert_eq(m.last.size(), 6u);
  cr_assert_str_eq(m.last.front().time.c_str(), "2026-01-01T00:00:01.000Z");
  cr_assert_str_eq(m.last.back().time.c_str(), "2026-01-01T00:00:06.000Z");
}

Test(metrics, p95_is_nearest_rank_and_last_is_capped) {
  std::vector<AuditEvent> evs;
  for (int i = 1; i <= 200; ++i) {
    char t[32];
    snprintf(t, sizeof t, "2026-01-01T00:%02d:%02d.000Z", i / 60, i % 60);
    evs.push_back(event(t, "host", "host", i));
  }
  MetricsSummary m = summarize_events(evs, "");
  cr_assert_eq(m.p95_ms, 190);
  cr_assert_eq(m.last.size(), 100u);
  cr_assert_eq(m.last.front().duration_ms, 101);
  cr_assert_eq(summarize_events(evs, "", 5).last.size(), 5u);
}

Test(metrics, since_drops_older_events) {
  std::vector<AuditEvent> evs = {event("2026-01-01T00:00:01.000Z", "host", "host", 1),
                                 event("2026-01-02T00:00:01.000Z", "host", "host", 2)};
  MetricsSummary m = summarize_events(evs, "2026-01-02T00:00:00.000Z");
  cr_assert_eq(m.total, 1);
  cr_assert_str_eq(m.since.c_str(), "2026-01-02T00:00:00.000Z");
  cr_assert_eq(summarize_events({}, "").p95_ms, 0);
}

Test(metrics, reset_round_trip) {
  char tmpl[] = "/tmp/vg-metrics-test.XXXXXX";
  std::string dir = mkdtemp(tmpl);
  cr_assert(metrics_since(dir).empty());
  std::string error;
  cr_assert(reset_metrics(dir, "2026-12-01T10:00:00.000Z", &error), "%s", error.c_str());
  std::string since = metrics_since(dir);
  cr_assert_str_eq(since.c_str(), "2026-12-01T10:00:00.000Z");
  cr_assert_eq(access((dir + "/metrics.json").c_str(), R_OK), 0);
}
