// Metrics are computed from the audit log, the one record of what happened; nothing is
// counted on the hot path. `reset` stores a starting time, it never deletes events.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/audit_log.h"

namespace vg {

struct MetricsSummary {
  std::string since;             // events at or after this time count; "" = all
  long total = 0;
  long host = 0;                 // ran on the host
  long sandbox = 0;              // ran in a sandbox (any runtime)
  long remembered = 0;           // of those on the host: approved by the trust store
  long blocked = 0;              // refused by the policy, or "no" at a prompt
  long asked = 0;                // a person was asked (whatever the answer)
  long failed = 0;               // meant to run but did not start (sandbox set-up failed)
  std::map<std::string, long> by_risk, by_runtime, by_agent;
  long timed = 0;                // commands that ran with a measured duration (exit seen)
  double average_ms = 0;
  long long p95_ms = 0;          // nearest rank
  std::vector<AuditEvent> last;  // the newest events, oldest first
};

// Summarise `events` (any order) that are not older than `since`.
MetricsSummary summarize_events(std::vector<AuditEvent> events, const std::string& since,
                                size_t last_n = 100);

// Every readable event of every session under `state_dir`; malformed lines are skipped
// and counted in `skipped`.
std::vector<AuditEvent> read_all_events(const std::string& state_dir, long* skipped);

// <state_dir>/metrics.json holds the reset time; "" when there is none.
std::string metrics_since(const std::string& state_dir);
// Store `time` as the reset time (atomic replace); false with `error` set.
bool reset_metrics(const std::string& state_dir, const std::string& time, std::string* error);

}  // namespace vg
