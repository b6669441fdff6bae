// The audit trail: one JSON object per evaluated command, appended to
// <state_dir>/sessions/<session>.jsonl (JSON Lines).
//
// Safety: the whole line is built first and written with one write(2) on an O_APPEND
// descriptor while holding flock(LOCK_EX), so concurrent writers (two shells, an
// agent's parallel tool calls) never interleave or lose events, whatever the event's
// size. Files are 0600 and directories 0700; looser modes on our own files are
// tightened, files or directories owned by someone else are refused.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit_chain.h"
#include "core/risk.h"

namespace vg {

// Captured output beyond this many bytes is dropped and `output_truncated` set.
inline constexpr size_t kAuditOutputCap = 64 * 1024;

struct AuditFinding {
  std::string rule;
  Severity severity = Severity::Low;
};

struct AuditEvent {
  std::string time;            // ISO-8601 UTC with ms; append fills it in when empty
  std::string id;              // unique per record (16 hex digits); "" in old records
  std::string phase;           // "" a whole record; "start": its "end" record follows; "end"
  std::string ref;             // end records: the id of their start record
  std::string session;         // see core/session.h
  std::string agent;           // $VG_AGENT, "" when none
  std::string source;          // entry point: "exec", "hook bash", "claude-code", ...
  std::string cwd;
  std::string command;         // the line that was evaluated
  Severity risk = Severity::Low;
  std::vector<AuditFinding> findings;
  std::string decision;        // the evaluator's verdict: host | sandbox | prompt | block
  std::string answer;          // after a prompt: sandbox | host | no; "" otherwise
  std::string why;             // the decision's one-line reason
  std::string runtime;         // where it ran: "host", "bubblewrap", ...; "none" when it did not
  std::string security_level;  // sandbox runs: "balanced", ...; "" otherwise
  std::string network;         // sandbox runs: "none", "full", ...; "" otherwise
  std::vector<std::string> caches;  // sandbox runs: package caches mounted ("npm /home/u/.npm")
  std::vector<std::string> network_blocked;  // restricted network: refused "host:port (reason)"
  std::vector<std::string> quarantined;  // sandbox runs: workspace paths moved away afterwards
  int change_set = 0;          // review runs: the change set kept ($VG_HOME/changes/<id>); 0: none
  int exit_code = 0;           // kExitNotObserved (-1): it ran elsewhere; written as null
  long long duration_ms = 0;   // wall time of the command itself
  bool has_output = false;     // output was captured (log_output = true)
  std::string output;          // stdout and stderr as they arrived, at most kAuditOutputCap
  bool output_truncated = false;
  // In a recorded session (cli/pty_record.h): the recording's name and how many seconds
  // into it the command started; filled from $VG_RECORDING when empty. -1: none.
  std::string recording;
  double recording_at = -1;
};

// "2026-12-01T13:30:30.123Z"
std::string iso8601_utc_now();

// One line of JSON (no trailing newline). Invalid UTF-8 in any string (binary
// output) is replaced by U+FFFD so the line always parses.
std::string audit_event_to_json(const AuditEvent& ev);

// Parse one line; false with `error` set when it is not an event.
bool audit_event_from_json(std::string_view line, AuditEvent& out, std::string* error);

// <state_dir>/sessions
std::string sessions_dir(const std::string& state_dir);

// mkdir -p with mode 0700 for every directory created; an existing `path` that we own
// gets its group/other bits removed; one owned by another user is refused.
bool ensure_private_dir(const std::string& path, std::string* error);

// Append `ev` (time filled in when empty) to <state_dir>/sessions/<ev.session>.jsonl.
bool append_audit_event(const std::string& state_dir, const AuditEvent& ev, std::string* error);

// Append one JSON object (no newline) to <state_dir>/sessions/<session>.jsonl with the
// chain fields (core/audit_chain.h), under the log's flock. Every record goes through
// here (start, end, whole), so every line is chained. Inside an agent session whose
// state is read-only to it, the line goes to the session's writer instead
// (core/audit_writer.h).
bool append_audit_line(const std::string& state_dir, const std::string& session, const std::string& json_line,
                       std::string* error);

// The same, always in this process (the writer itself, and tests).
bool append_audit_line_here(const std::string& state_dir, const std::string& session,
                            const std::string& json_line, std::string* error);

// The per-session HMAC key: <state_dir>/keys/<session>.key (hex). Created by
// `agent start` before the agent runs (kept if it exists); "" when there is none.
std::string audit_key_path(const std::string& state_dir, const std::string& session);
bool create_audit_key(const std::string& state_dir, const std::string& session, std::string* error);
std::string read_audit_key(const std::string& state_dir, const std::string& session);

// <state_dir>/sessions/<session>.head: "seq hash" of the last record, so a log cut
// off at its end shows.
std::string audit_head_path(const std::string& state_dir, const std::string& session);

// `logs verify` for one session: the log read under a shared lock, checked against
// its head and key.
struct SessionVerify {
  std::string path;
  bool found = false;
  ChainReport report;
};
SessionVerify verify_audit_session(const std::string& state_dir, const std::string& session);

// Append an "end" record for the start record `ref` (a host line the shell ran):
// {"time","session","phase":"end","ref","exit_code","duration_ms"}.
bool append_audit_end(const std::string& state_dir, const std::string& session,
                      const std::string& ref, int exit_code, long long duration_ms, std::string* error);

// One event read back, with where it came from.
struct AuditRecord {
  std::string session;
  int line = 0;        // 1-based line in the session file; "session:line" is its id
  std::string raw;     // the JSON text as stored
  AuditEvent event;
};

// A line that could not be read: "file:line: message".
struct AuditProblem {
  std::string file;
  int line = 0;
  std::string message;
};

// A non-event record of a session's log ({"event":"recording",...}): skipped by
// read_audit_session, checked by logs verify. `raw` lines of `session` in file order.
std::vector<std::string> audit_records_of_kind(const std::string& state_dir, const std::string& session,
                                               std::string_view kind);

// Session ids that have a log, sorted.
std::vector<std::string> list_audit_sessions(const std::string& state_dir);

// Every readable event of one session, in file order. Malformed lines are skipped and
// listed in `problems`. An "end" record is folded into its start record (exit code and
// duration), a start record without one keeps exit_code -1 ("not finished"). `found` is false when the session has no log file.
std::vector<AuditRecord> read_audit_session(const std::string& state_dir, const std::string& session,
                                            std::vector<AuditProblem>& problems, bool* found = nullptr);

}  // namespace vg
