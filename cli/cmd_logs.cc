// `vectra-guard logs list|show`: read the audit trail back, one line per event or one
// event in full, as text or JSON Lines.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/pty_record.h"
#include "core/audit_log.h"
#include "core/config.h"
#include "core/session.h"
#include "core/sha256.h"

namespace vg::cli {
namespace {

struct LogsOptions {
  std::string sub;        // summary (no sub-command) | list | show
  std::string id;         // show: SESSION or SESSION:LINE
  std::string session;    // list --session
  long limit = -1;        // list --limit; -1 = all
  bool json = false;
  bool all = false;       // verify --all
  double speed = 1.0;     // replay --speed
  double idle_limit = -1; // replay --idle-limit; -1 = none
};

bool parse_logs_args(const Args& args, LogsOptions& o, bool& help) {
  size_t i = 0;
  if (!args.empty() && args[0][0] != '-') o.sub = args[i++];
  if (o.sub.empty()) o.sub = "summary";
  if (o.sub != "list" && o.sub != "show" && o.sub != "summary" && o.sub != "verify" && o.sub != "replay") {
    print_error(fmt::format(
        "logs: unknown action '{}'; use 'logs list', 'logs show ID', 'logs verify' or 'logs replay SESSION'.", o.sub));
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
    } else if (o.sub == "replay" && (a == "--speed" || a == "--idle-limit")) {
      std::string v = i + 1 < args.size() ? args[++i] : "";
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(d > 0) || d > 1e6) {
        print_error(fmt::format("{} needs a positive number, not '{}'.", a, v));
        return false;
      }
      (a == "--speed" ? o.speed : o.idle_limit) = d;
    } else if (o.sub == "verify" && a == "--all") {
      o.all = true;
    } else if ((o.sub == "show" || o.sub == "verify" || o.sub == "replay") && o.id.empty() && !a.empty() && a[0] != '-') {
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
  if (o.sub == "replay" && o.id.empty()) {
    print_error("logs replay needs a session id or a recording name (ls $VG_HOME/recordings).");
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
  // A start record carries its end record's result (folded when read).
  if (r.event.phase == "start") {
    j["exit_code"] = r.event.exit_code < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.event.exit_code);
    j["duration_ms"] = r.event.duration_ms;
  }
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
  row("exit code", ev.exit_code >= 0          ? std::to_string(ev.exit_code)
                   : ev.phase == "start" ? "not finished (no status reported yet)"
                                         : "not observed (it ran outside vectra-guard)");
  row("duration", fmt::format("{} ms", ev.duration_ms));
  if (!ev.recording.empty())
    row("recording", fmt::format("{}.cast at {:.3f} s ('vectra-guard logs replay {}')", ev.recording,
                                 ev.recording_at, ev.recording));
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

// Sessions with a chain head but no log.
std::vector<std::string> list_orphan_heads(const std::string& state) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(sessions_dir(state), ec)) {
    std::string name = e.path().filename().string();
    if (!name.ends_with(".head")) continue;
    std::string id = name.substr(0, name.size() - 5);
    if (valid_session_id(id) && !std::filesystem::exists(sessions_dir(state) + "/" + id + ".jsonl", ec))
      out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The session's recordings against the digests its trail holds: what changed or went.
std::vector<std::string> check_recordings(const std::string& state, const std::string& session) {
  std::vector<std::string> out;
  for (const std::string& line : audit_records_of_kind(state, session, "recording")) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("file") || !j["file"].is_string()) continue;
    std::string file = j["file"].get<std::string>();
    if (file.find('/') != std::string::npos) {
      out.push_back(fmt::format("recording '{}' is not a file name", file));
      continue;
    }
    std::string path = recordings_dir(state) + "/" + file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      out.push_back(fmt::format("recording {} is missing", path));
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    if (sha256_hex(ss.str()) != j.value("sha256", ""))
      out.push_back(fmt::format("recording {} was changed (its SHA-256 is not the one in the trail)", path));
  }
  return out;
}

// `logs replay SESSION|RECORDING`: the recordings played back on stdout, timed.
std::vector<std::string> recordings_for(const std::string& state, const std::string& id) {
  std::vector<std::string> files;
  std::error_code ec;
  if (id.find('/') == std::string::npos && std::filesystem::exists(recordings_dir(state) + "/" + id + ".cast", ec))
    return {recordings_dir(state) + "/" + id + ".cast"};
  for (const std::string& line : audit_records_of_kind(state, sanitize_session_id(id), "recording")) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("file") && j["file"].is_string() &&
        j["file"].get<std::string>().find('/') == std::string::npos)
      files.push_back(recordings_dir(state) + "/" + j["file"].get<std::string>());
  }
  return files;
}

int logs_replay(const LogsOptions& o, const std::string& state) {
  std::vector<std::string> files = recordings_for(state, o.id);
  if (files.empty()) {
    print_error(fmt::format("no recording named '{}' and no recorded run in session '{}'; "
                            "ls {} shows the recordings.", o.id, o.id, recordings_dir(state)));
    return kExitError;
  }
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      print_error(fmt::format("cannot read {}; 'vectra-guard logs verify {}' says whether it was removed.", path, o.id));
      return kExitError;
    }
    std::string line;
    double last = 0;
    int number = 0;
    while (std::getline(in, line)) {
      if (++number == 1 || line.empty()) continue;  // the header
      nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
      if (!e.is_array() || e.size() < 3 || !e[0].is_number() || !e[2].is_string()) {
        std::fprintf(stderr, "vectra-guard: %s:%d: not an event; skipped.\n", path.c_str(), number);
        continue;
      }
      if (e[1] != "o") continue;
      double t = e[0].get<double>();
      double wait = std::max(0.0, t - last) / o.speed;
      if (o.idle_limit > 0) wait = std::min(wait, o.idle_limit);
      last = t;
      if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait));
      std::string data = e[2].get<std::string>();
      std::fwrite(data.data(), 1, data.size(), stdout);
      std::fflush(stdout);
    }
  }
  return kExitOk;
}

// `logs verify [SESSION|--all]`: the hash chain of each session checked (audit_chain.h).
int logs_verify(const LogsOptions& o, const std::string& state) {
  if (!o.id.empty() && o.all) {
    print_error("logs verify takes a session id or --all, not both.");
    return kExitError;
  }
  std::vector<std::string> sessions = o.id.empty() ? list_audit_sessions(state) : std::vector<std::string>{o.id};
  int records = 0, failed = 0, unchained = 0;
  for (const std::string& session : sessions) {
    SessionVerify v = verify_audit_session(state, session);
    if (!v.found) {
      print_error(fmt::format("no log for session '{}' in {}; 'vectra-guard logs list' shows them all.", session,
                              sessions_dir(state)));
      return kExitError;
    }
    const ChainReport& r = v.report;
    records += r.records;
    std::vector<std::string> bad_recordings = check_recordings(state, session);
    if (!r.problems.empty() || !bad_recordings.empty()) {
      ++failed;
      for (const std::string& m : bad_recordings) std::printf("%s: %s\n", v.path.c_str(), m.c_str());
      for (const ChainProblem& p : r.problems)
        std::printf("%s:%s %s\n", v.path.c_str(), p.line > 0 ? fmt::format("{}:", p.line).c_str() : "",
                    p.message.c_str());
      continue;
    }
    if (r.chained == 0) {
      ++unchained;
      std::printf("%s: not chained (%d records written before the chain existed)\n", session.c_str(), r.records);
    } else if (!o.all && !o.id.empty()) {
      std::printf("ok: %d records in %s (%d chained%s)\n", r.records, session.c_str(), r.chained,
                  r.hmac_checked ? ", hmac checked" : ", no session key: hash chain only");
    }
  }
  // A log removed with its head left behind.
  if (o.id.empty()) {
    for (const std::string& session : list_orphan_heads(state)) {
      ++failed;
      std::printf("%s/%s.head: the session's log was removed (its head is still there)\n",
                  sessions_dir(state).c_str(), session.c_str());
    }
  }
  if (failed > 0) {
    std::printf("FAILED: %d of %zu session(s) have records that were edited, removed, reordered or cut off\n",
                failed, sessions.size());
    return kExitFindings;
  }
  if (o.id.empty()) std::printf("ok: %d records in %zu session(s)%s\n", records, sessions.size(),
                                unchained ? fmt::format(", {} not chained", unchained).c_str() : "");
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
  if (o.sub == "verify") return logs_verify(o, state);
  if (o.sub == "replay") return logs_replay(o, state);
  if (o.sub == "summary") return logs_summary(o, state);
  return o.sub == "list" ? logs_list(o, state) : logs_show(o, state);
}

}  // namespace vg::cli
