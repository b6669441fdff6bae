// Audit log: event <-> JSON, file and directory modes, malformed lines, and
// 8 concurrent writers x 500 events with nothing lost or interleaved.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/audit_log.h"

using namespace vg;

namespace {

std::string scratch_dir() {
  char tmpl[] = "/tmp/vg-audit-test.XXXXXX";
  char* dir = mkdtemp(tmpl);
  cr_assert_not_null(dir);
  return dir;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mode_t mode_of(const std::string& path) {
  struct stat st{};
  cr_assert_eq(stat(path.c_str(), &st), 0, "stat %s", path.c_str());
  return st.st_mode & 07777;
}

AuditEvent sample_event() {
  AuditEvent ev;
  ev.time = "2026-12-01T13:30:30.123Z";
  ev.session = "pts3-100-200";
  ev.agent = "claude-code";
  ev.source = "exec";
  ev.cwd = "/work/project";
  ev.command = "npm install left-pad";
  ev.risk = Severity::Medium;
  ev.findings = {{"net.package-install", Severity::Medium}, {"fs.write-home", Severity::Low}};
  ev.decision = "prompt";
  ev.answer = "sandbox";
  ev.why = "Sandbox chosen: medium risk + networked install";
  ev.runtime = "bubblewrap";
  ev.security_level = "balanced";
  ev.network = "none";
  ev.exit_code = 42;
  ev.duration_ms = 1234;
  return ev;
}

size_t count_lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

Test(audit_json, round_trip_keeps_every_field) {
  AuditEvent ev = sample_event();
  ev.has_output = true;
  ev.output = "hello\nworld\n";
  ev.output_truncated = true;
  ev.quarantined = {".git/commondir", "sub/.git"};
  AuditEvent back;
  std::string error;
  cr_assert(audit_event_from_json(audit_event_to_json(ev), back, &error), "%s", error.c_str());
  cr_assert_eq(back.time, ev.time);
  cr_assert_eq(back.session, ev.session);
  cr_assert_eq(back.agent, ev.agent);
  cr_assert_eq(back.source, ev.source);
  cr_assert_eq(back.cwd, ev.cwd);
  cr_assert_eq(back.command, ev.command);
  cr_assert_eq(back.risk, Severity::Medium);
  cr_assert_eq(back.findings.size(), 2u);
  cr_assert_eq(back.findings[0].rule, "net.package-install");
  cr_assert_eq(back.findings[1].severity, Severity::Low);
  cr_assert_eq(back.decision, "prompt");
  cr_assert_eq(back.answer, "sandbox");
  cr_assert_eq(back.why, ev.why);
  cr_assert_eq(back.runtime, "bubblewrap");
  cr_assert_eq(back.security_level, "balanced");
  cr_assert_eq(back.network, "none");
  cr_assert_eq(back.exit_code, 42);
  cr_assert_eq(back.duration_ms, 1234);
  cr_assert(back.has_output);
  cr_assert_eq(back.output, ev.output);
  cr_assert(back.output_truncated);
  cr_assert(back.quarantined == ev.quarantined);
}

Test(audit_json, field_names_are_the_documented_ones) {
  auto j = nlohmann::json::parse(audit_event_to_json(sample_event()));
  for (const char* key : {"time", "session", "agent", "cwd", "command", "risk", "findings", "decision",
                          "runtime", "security_level", "exit_code", "duration_ms"}) {
    cr_assert(j.contains(key), "missing key %s", key);
  }
  cr_assert_eq(j["findings"][0]["rule"], "net.package-install");
  cr_assert_eq(j["findings"][0]["severity"], "medium");
  cr_assert_not(j.contains("output"), "output is only stored when captured");
}

Test(audit_json, one_line_even_with_newlines_in_the_command) {
  AuditEvent ev = sample_event();
  ev.command = "for f in *; do\n  echo \"$f\"\ndone";
  std::string line = audit_event_to_json(ev);
  cr_assert_eq(line.find('\n'), std::string::npos);
  AuditEvent back;
  std::string error;
  cr_assert(audit_event_from_json(line, back, &error));
  cr_assert_eq(back.command, ev.command);
}

Test(audit_json, binary_output_still_gives_valid_json) {
  AuditEvent ev = sample_event();
  ev.has_output = true;
  ev.output = std::string("ok \xff\xfe\x00 \xc3\x28 end", 13);
  std::string line = audit_event_to_json(ev);
  auto j = nlohmann::json::parse(line, nullptr, false);
  cr_assert_not(j.is_discarded());
  std::string out = j["output"];
  cr_assert(out.rfind("ok ", 0) == 0);
  cr_assert(out.ends_with(" end"));
}

Test(audit_json, time_is_iso8601_utc_with_milliseconds) {
  std::string t = iso8601_utc_now();
  cr_assert(std::regex_match(t, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")), "%s", t.c_str());
  AuditEvent ev = sample_event();
  ev.time.clear();
  auto j = nlohmann::json::parse(audit_event_to_json(ev));
  cr_assert(std::regex_match(std::string(j["time"]), std::regex(R"(\d{4}-.*\.\d{3}Z)")));
}

Test(audit_json, rejects_what_is_not_an_event) {
  AuditEvent ev;
  std::string error;
  cr_assert_not(audit_event_from_json("{\"time\": \"x\"", ev, &error));
  cr_assert_eq(error, "not valid JSON");
  cr_assert_not(audit_event_from_json("[1,2]", ev, &error));
  cr_assert_not(audit_event_from_json("{\"command\":\"ls\"}", ev, &error));
  cr_assert_not(audit_event_from_json("{\"time\":\"t\",\"command\":\"ls\",\"exit_code\":\"zero\"}", ev, &error));
  cr_assert_not(audit_event_from_json("{\"time\":\"t\",\"command\":\"ls\",\"risk\":\"extreme\"}", ev, &error));
  cr_assert(audit_event_from_json("{\"time\":\"t\",\"command\":\"ls\"}", ev, &error), "%s", error.c_str());
}

Test(audit_file, created_with_private_modes) {
  std::string state = scratch_dir() + "/state";
  std::string error;
  cr_assert(append_audit_event(state, sample_event(), &error), "%s", error.c_str());
  cr_assert_eq(mode_of(state), 0700u);
  cr_assert_eq(mode_of(state + "/sessions"), 0700u);
  cr_assert_eq(mode_of(state + "/sessions/pts3-100-200.jsonl"), 0600u);
  std::string text = read_file(state + "/sessions/pts3-100-200.jsonl");
  cr_assert_eq(count_lines(text), 1u);
  cr_assert_eq(text.back(), '\n');
}

Test(audit_file, looser_modes_are_tightened) {
  std::string state = scratch_dir();
  cr_assert_eq(mkdir((state + "/sessions").c_str(), 0755), 0);
  chmod(state.c_str(), 0755);
  int fd = open((state + "/sessions/pts3-100-200.jsonl").c_str(), O_WRONLY | O_CREAT, 0644);
  cr_assert(fd >= 0);
  fchmod(fd, 0644);
  close(fd);
  std::string error;
  cr_assert(append_audit_event(state, sample_event(), &error), "%s", error.c_str());
  cr_assert_eq(mode_of(state), 0700u);
  cr_assert_eq(mode_of(state + "/sessions"), 0700u);
  cr_assert_eq(mode_of(state + "/sessions/pts3-100-200.jsonl"), 0600u);
}

// A state directory that is a shared temp dir (VG_HOME=/tmp by mistake) must not be
// made 0700: that locked every other user out of /tmp once.
Test(audit_file, shared_sticky_directory_is_never_tightened) {
  std::string shared = scratch_dir();
  cr_assert_eq(chmod(shared.c_str(), 01777), 0);
  std::string error;
  cr_assert_not(ensure_private_dir(shared, &error));
  cr_assert(error.find("shared directory") != std::string::npos, "%s", error.c_str());
  cr_assert_eq(mode_of(shared), 01777u);
  cr_assert_not(append_audit_event(shared, sample_event(), &error));
  cr_assert_eq(mode_of(shared), 01777u);
}

// The directories are checked once per process (a hook's server appends on every line):
// a state dir removed in between is made again, not an error.
Test(audit_file, state_dir_removed_between_appends_is_made_again) {
  std::string state = scratch_dir() + "/vg";
  std::string error;
  cr_assert(append_audit_event(state, sample_event(), &error), "%s", error.c_str());
  std::string log = state + "/sessions/pts3-100-200.jsonl";
  cr_assert_eq(unlink(log.c_str()), 0);
  unlink((state + "/sessions/pts3-100-200.head").c_str());
  cr_assert_eq(rmdir((state + "/sessions").c_str()), 0);
  cr_assert_eq(rmdir(state.c_str()), 0);
  cr_assert(append_audit_event(state, sample_event(), &error), "%s", error.c_str());
  cr_assert_eq(count_lines(read_file(log)), 1u);
  cr_assert_eq(mode_of(state), 0700u);
}

Test(audit_file, appends_and_never_truncates) {
  std::string state = scratch_dir();
  std::string error;
  for (int i = 0; i < 3; ++i) cr_assert(append_audit_event(state, sample_event(), &error));
  cr_assert_eq(count_lines(read_file(state + "/sessions/pts3-100-200.jsonl")), 3u);
}

Test(audit_file, symlinked_log_is_refused) {
  std::string state = scratch_dir();
  cr_assert_eq(mkdir((state + "/sessions").c_str(), 0700), 0);
  std::string target = state + "/elsewhere";
  cr_assert_eq(symlink(target.c_str(), (state + "/sessions/pts3-100-200.jsonl").c_str()), 0);
  std::string error;
  cr_assert_not(append_audit_event(state, sample_event(), &error));
  cr_assert_neq(error.find("cannot open"), std::string::npos, "%s", error.c_str());
  cr_assert_neq(access(target.c_str(), F_OK), 0, "nothing was written through the link");
}

Test(audit_file, unsafe_session_id_is_refused) {
  std::string state = scratch_dir();
  AuditEvent ev = sample_event();
  ev.session = "../escape";
  std::string error;
  cr_assert_not(append_audit_event(state, ev, &error));
  cr_assert_neq(access((state + "/escape.jsonl").c_str(), F_OK), 0);
}

Test(audit_file, state_dir_that_is_a_file_is_an_error) {
  std::string state = scratch_dir() + "/file";
  int fd = open(state.c_str(), O_WRONLY | O_CREAT, 0600);
  close(fd);
  std::string error;
  cr_assert_not(append_audit_event(state, sample_event(), &error));
  cr_assert_neq(error.find("not a directory"), std::string::npos, "%s", error.c_str());
}

Test(audit_file, foreign_owned_directory_is_refused) {
  // As root, hand the directory to another user; as non-root, a root-owned directory.
  std::string state;
  if (geteuid() == 0) {
    state = scratch_dir();
    cr_assert_eq(mkdir((state + "/sessions").c_str(), 0700), 0);
    cr_assert_eq(chown((state + "/sessions").c_str(), 65534, 65534), 0);
  } else {
    state = "/";  // "/sessions" does not exist and cannot be created, or is not ours
  }
  std::string error;
  cr_assert_not(append_audit_event(state, sample_event(), &error));
  cr_assert_not(error.empty());
}

Test(audit_read, malformed_lines_are_reported_and_skipped) {
  std::string state = scratch_dir();
  std::string error;
  cr_assert(append_audit_event(state, sample_event(), &error));
  std::string path = state + "/sessions/pts3-100-200.jsonl";
  {
    std::ofstream out(path, std::ios::app);
    out << "{not json\n\n[]\n";
  }
  cr_assert(append_audit_event(state, sample_event(), &error));
  std::vector<AuditProblem> problems;
  bool found = false;
  auto recs = read_audit_session(state, "pts3-100-200", problems, &found);
  cr_assert(found);
  cr_assert_eq(recs.size(), 2u);
  cr_assert_eq(recs[0].line, 1);
  cr_assert_eq(recs[1].line, 5);
  cr_assert_eq(problems.size(), 2u);
  cr_assert_eq(problems[0].line, 2);
  cr_assert_eq(problems[1].line, 4);
  cr_assert_eq(problems[0].file, path);
}

Test(audit_read, missing_session_is_not_found) {
  std::vector<AuditProblem> problems;
  bool found = true;
  auto recs = read_audit_session(scratch_dir(), "nobody-here", problems, &found);
  cr_assert_not(found);
  cr_assert(recs.empty());
  read_audit_session(scratch_dir(), "../etc/passwd", problems, &found);
  cr_assert_not(found);
}

Test(audit_read, sessions_are_listed_sorted) {
  std::string state = scratch_dir();
  std::string error;
  for (const char* s : {"zeta", "alpha", "mid-1"}) {
    AuditEvent ev = sample_event();
    ev.session = s;
    cr_assert(append_audit_event(state, ev, &error));
  }
  std::ofstream(state + "/sessions/notes.txt") << "x";
  auto sessions = list_audit_sessions(state);
  cr_assert_eq(sessions.size(), 3u);
  cr_assert_eq(sessions[0], "alpha");
  cr_assert_eq(sessions[1], "mid-1");
  cr_assert_eq(sessions[2], "zeta");
}

// 8 processes append 500 events each, some far larger than PIPE_BUF, at the same time.
Test(audit_concurrency, eight_writers_lose_nothing) {
  std::string state = scratch_dir();
  constexpr int kWriters = 8;
  constexpr int kEvents = 500;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
      for (int i = 0; i < kEvents; ++i) {
        AuditEvent ev = sample_event();
        ev.session = "shared";
        ev.command = "writer " + std::to_string(w) + " event " + std::to_string(i);
        ev.exit_code = w * 1000 + i;
        ev.has_output = true;
        ev.output = std::string(i % 7 == 0 ? 20000 : 100, static_cast<char>('a' + w));
        std::string error;
        if (!append_audit_event(state, ev, &error)) _exit(1);
      }
      _exit(0);
    }
  }
  for (int w = 0; w < kWriters; ++w) {
    int status = 0;
    wait(&status);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a writer failed");
  }
  std::vector<AuditProblem> problems;
  auto recs = read_audit_session(state, "shared", problems);
  cr_assert_eq(problems.size(), 0u, "interleaved or broken lines: first at line %d",
               problems.empty() ? 0 : problems[0].line);
  cr_assert_eq(recs.size(), size_t(kWriters * kEvents));
  std::set<int> seen;
  for (const AuditRecord& r : recs) {
    int w = r.event.exit_code / 1000;
    cr_assert_eq(r.event.command, "writer " + std::to_string(w) + " event " + std::to_string(r.event.exit_code % 1000));
    cr_assert(r.event.output.find_first_not_of(static_cast<char>('a' + w)) == std::string::npos);
    seen.insert(r.event.exit_code);
  }
  cr_assert_eq(seen.size(), size_t(kWriters * kEvents), "every event exactly once");
}

Test(audit_event, unobserved_exit_code_is_null_and_reads_back) {
  AuditEvent ev;
  ev.time = "t";
  ev.command = "ls";
  ev.exit_code = -1;
  std::string line = audit_event_to_json(ev);
  cr_assert(line.find("\"exit_code\":null") != std::string::npos, "%s", line.c_str());
  AuditEvent back;
  std::string error;
  cr_assert(audit_event_from_json(line, back, &error), "%s", error.c_str());
  cr_assert_eq(back.exit_code, -1);
}

// Issue 16: a hook's host line is a "start" record; the shell's status arrives later as
// an "end" record, folded into its start record when read back.
Test(audit_end, folded_into_its_start_record) {
  std::string dir = scratch_dir();
  AuditEvent start;
  start.session = "s-end";
  start.command = "make test";
  start.source = "hook bash";
  start.decision = "host";
  start.runtime = "host";
  start.id = "0123456789abcdef";
  start.phase = "start";
  start.exit_code = -1;
  std::string error;
  cr_assert(append_audit_event(dir, start, &error), "%s", error.c_str());
  AuditEvent open = start;
  open.id = "fedcba9876543210";
  open.command = "sleep 100";
  cr_assert(append_audit_event(dir, open, &error), "%s", error.c_str());
  cr_assert(append_audit_end(dir, "s-end", start.id, 3, 1234, &error), "%s", error.c_str());

  std::string text = read_file(dir + "/sessions/s-end.jsonl");
  auto last = nlohmann::json::parse(text.substr(text.rfind('\n', text.size() - 2) + 1));
  cr_assert_eq(last["phase"], "end");
  cr_assert_eq(last["ref"], start.id);
  cr_assert_eq(last["exit_code"], 3);
  cr_assert(!last.contains("command"));

  std::vector<AuditProblem> problems;
  auto records = read_audit_session(dir, "s-end", problems);
  cr_assert(problems.empty());
  cr_assert_eq(records.size(), 2u);
  cr_assert_eq(records[0].event.exit_code, 3);
  cr_assert_eq(records[0].event.duration_ms, 1234);
  cr_assert_eq(records[0].event.phase, "start");
  cr_assert_eq(records[1].event.exit_code, -1, "a start without an end is not finished");
}
