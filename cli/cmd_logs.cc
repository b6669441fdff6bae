// `vectra-guard logs list|show`: read the audit trail back, one line per event or one
// event in full, as text or JSON Lines.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/audit_log.h"
#include "core/config.h"
#include "core/session.h"

namespace vg::cli {
namespace {

struct LogsOptions {
  std::string sub;        // summary (no sub-command) | list | show
  std::string id;         // show: SESSION or SESSION:LINE
  std::string session;    // list --session
  long limit = -1;        // list --limit; -1 = all
  bool json = false;
};

bool parse_logs_args(const Args& args, LogsOptions& o, bool& help) {
  size_t i = 0;
  if (!args.empty() && args[0][0] != '-') o.sub = args[i++];
  if (o.sub.empty()) o.sub = "summary";
  if (o.sub != "list" && o.sub != "show" && o.sub != "summary") {
    print_error(fmt::format("logs: unknown action '{}'; use 'logs list' or 'logs show ID'.", o.sub));
    return false;
  }
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      help = true;
      return true;
    } else if (a == "--json") {
      o.json = true;
    } else if (o.sub != "show" && (a == "--session" || a == "--limit")) {
      if (i + 1 >= args.size()) {
        print_error(fmt::format("{} needs a value; see 'vectra-guard help logs'.", a));
        return false;
      }
      std::string v = args[++i];
      if (a == "--session") {
        o.session = v;
      } else {
        char* end = nullptr;
        o.limit = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || o.limit < 0) {
          print_error(fmt::format("--limit needs a number of events, not '{}'.", v));
          return false;
        }
      }
    } else if (o.sub == "show" && o.id.empty() && !a.empty() && a[0] != '-') {
      o.id = a;
    } else {
      print_error(fmt::format("logs {}: unexpected argument '{}'; see 'vectra-guard help logs'.", o.sub, a));
      return false;
    }
  }
  if (o.sub == "show" && o.id.empty()) {
    print_error("logs show needs an id: a session id, or SESSION:LINE as 'logs list' prints.");
    return false;
  }
  return true;
}

void report_problems(const std::vector<AuditProblem>& problems) {
  for (const AuditProblem& p : problems) {
    std::fprintf(stderr, "vectra-guard: %s:%d: malformed event skipped (%s).\n", p.file.c_str(), p.line,
                 p.message.c_str());
  }
}

// Newlines and tabs shown as \n and \t so every event stays on one greppable line.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

std::string record_id(const AuditRecord& r) { return fmt::format("{}:{}", r.session, r.line); }

std::string decision_text(const AuditEvent& ev) {
  return ev.answer.empty() ? ev.decision : fmt::format("{}:{}", ev.decision, ev.answer);
}

// The stored object plus its "id", as one line.
void print_json(const AuditRecord& r) {
  nlohmann::json j = nlohmann::json::parse(r.raw, nullptr, false);
  j["id"] = record_id(r);
  std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

void print_line(const AuditRecord& r) {
  const AuditEvent& ev = r.event;
  std::string exit = ev.exit_code < 0 ? "-" : std::to_string(ev.exit_code);
  std::printf("%s  %s  %-8s %-8s exit=%-3s %s\n", ev.time.c_str(), record_id(r).c_str(),
              decision_text(ev).c_str(), std::string(to_string(ev.risk)).c_str(), exit.c_str(),
              list_command(ev.command).c_str());
}

void print_full(const AuditRecord& r) {
  const AuditEvent& ev = r.event;
  auto row = [](const char* key, const std::string& value) {
    if (!value.empty()) std::printf("  %-15s %s\n", key, value.c_str());
  };
  std::printf("event %s\n", record_id(r).c_str());
  row("time", ev.time);
  row("session", ev.session);
  row("agent", ev.agent);
  row("source", ev.source);
  row("cwd", ev.cwd);
  row("command", one_line(ev.command));
  row("risk", std::string(to_string(ev.risk)));
  for (const AuditFinding& f : ev.findings) {
    row("finding", fmt::format("{} ({})", f.rule, to_string(f.severity)));
  }
  row("decision", ev.decision);
  row("answer", ev.answer);
  row("why", ev.why);
  row("runtime", ev.runtime);
  row("security level", ev.security_level);
  row("network", ev.network);
  row("exit code", ev.exit_code < 0 ? "not observed (it ran outside vectra-guard)" : std::to_string(ev.exit_code));
  row("duration", fmt::format("{} ms", ev.duration_ms));
  if (ev.has_output) {
    std::printf("  %-15s %zu bytes%s\n", "output", ev.output.size(), ev.output_truncated ? " (truncated)" : "");
    std::string text = ev.output;
    if (!text.empty() && text.back() == '\n') text.pop_back();
    size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      size_t nl = text.find('\n', start);
      std::string piece = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      std::printf("    | %s\n", piece.c_str());
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
}

// The records to list, oldest first; nullopt (error printed) for an unknown --session.
std::optional<std::vector<AuditRecord>> gather(const LogsOptions& o, const std::string& state) {
  std::vector<std::string> sessions;
  if (!o.session.empty()) {
    sessions.push_back(o.session);
  } else {
    sessions = list_audit_sessions(state);
  }
  std::vector<AuditRecord> all;
  std::vector<AuditProblem> problems;
  for (const std::string& s : sessions) {
    bool found = false;
    std::vector<AuditRecord> recs = read_audit_session(state, s, problems, &found);
    if (!found && !o.session.empty()) {
      print_error(fmt::format("no log for session '{}' in {}; 'vectra-guard logs list' shows them all.", s,
                              sessions_dir(state)));
      return std::nullopt;
    }
    all.insert(all.end(), std::make_move_iterator(recs.begin()), std::make_move_iterator(recs.end()));
  }
  report_problems(problems);
  std::stable_sort(all.begin(), all.end(),
                   [](const AuditRecord& a, const AuditRecord& b) { return a.event.time < b.event.time; });
  return all;
}

// The first record of the last `limit` (-1: all).
size_t first_shown(size_t count, long limit) {
  return limit >= 0 && count > static_cast<size_t>(limit) ? count - static_cast<size_t>(limit) : 0;
}

int logs_list(const LogsOptions& o, const std::string& state) {
  std::optional<std::vector<AuditRecord>> all = gather(o, state);
  if (!all) return kExitError;
  for (size_t i = first_shown(all->size(), o.limit); i < all->size(); ++i) {
    if (o.json) print_json((*all)[i]);
    else print_line((*all)[i]);
  }
  return kExitOk;
}

// `logs` alone: counts by what was done, the last few commands, and where to see more.
int logs_summary(const LogsOptions& o, const std::string& state) {
  std::optional<std::vector<AuditRecord>> all = gather(o, state);
  if (!all) return kExitError;
  std::map<std::string, long> by_decision;
  for (const AuditRecord& r : *all) ++by_decision[r.event.decision.empty() ? "-" : r.event.decision];
  if (o.json) {
    nlohmann::json j{{"events", all->size()}, {"by_decision", by_decision}, {"last", nlohmann::json::array()}};
    for (size_t i = first_shown(all->size(), o.limit < 0 ? 10 : o.limit); i < all->size(); ++i)
      j["last"].push_back({{"id", record_id((*all)[i])}, {"command", (*all)[i].event.command}});
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  if (all->empty()) {
    std::printf("No events in the audit log yet (%s).\n", sessions_dir(state).c_str());
    return kExitOk;
  }
  std::string counts;
  for (const auto& [decision, n] : by_decision) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", decision, n);
  std::printf("%zu events: %s\n", all->size(), counts.c_str());
  size_t first = first_shown(all->size(), o.limit < 0 ? 10 : o.limit);
  std::printf("Last %zu:\n", all->size() - first);
  for (size_t i = first; i < all->size(); ++i) print_line((*all)[i]);
  std::printf("More: 'vectra-guard logs list [--limit N] [--session ID]', one event in full: "
              "'vectra-guard logs show ID'.\n");
  return kExitOk;
}

int logs_show(const LogsOptions& o, const std::string& state) {
  std::string session = o.id;
  int line = 0;
  if (size_t colon = o.id.rfind(':'); colon != std::string::npos) {
    session = o.id.substr(0, colon);
    std::string n = o.id.substr(colon + 1);
    char* end = nullptr;
    line = static_cast<int>(std::strtol(n.c_str(), &end, 10));
    if (n.empty() || *end != '\0' || line <= 0) {
      print_error(fmt::format("'{}' is not an event id; use SESSION or SESSION:LINE as 'logs list' prints.", o.id));
      return kExitError;
    }
  }
  std::vector<AuditProblem> problems;
  bool found = false;
  std::vector<AuditRecord> recs = read_audit_session(state, session, problems, &found);
  if (!found) {
    print_error(fmt::format("no log for session '{}' in {}; 'vectra-guard logs list' shows them all.", session,
                            sessions_dir(state)));
    return kExitError;
  }
  report_problems(problems);
  if (line > 0) {
    auto it = std::find_if(recs.begin(), recs.end(), [&](const AuditRecord& r) { return r.line == line; });
    if (it == recs.end()) {
      print_error(fmt::format("session '{}' has no event on line {}; 'vectra-guard logs list --session {}' "
                              "shows its events.", session, line, session));
      return kExitError;
    }
    recs = {*it};
  }
  for (size_t i = 0; i < recs.size(); ++i) {
    if (o.json) {
      print_json(recs[i]);
    } else {
      if (i > 0) std::printf("\n");
      print_full(recs[i]);
    }
  }
  return kExitOk;
}

}  // namespace

int cmd_logs(const Global&, const Args& args) {
  LogsOptions o;
  bool help = false;
  if (!parse_logs_args(args, o, help)) return kExitError;
  if (help) {
    print_help("logs");
    return kExitOk;
  }
  std::string state = state_dir();
  if (state.empty()) {
    print_error("no state directory: set VG_HOME or HOME.");
    return kExitError;
  }
  if (o.sub == "summary") return logs_summary(o, state);
  return o.sub == "list" ? logs_list(o, state) : logs_show(o, state);
}

}  // namespace vg::cli
