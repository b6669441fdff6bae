#include "core/audit_log.h"
#include "core/fd_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/audit_chain.h"
#include "core/audit_writer.h"
#include "core/session.h"

namespace vg {
namespace {

using nlohmann::json;

std::string errno_text() { return std::strerror(errno); }

// Close on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

bool ensure_one_dir(const std::string& path, bool tighten, std::string* error) {
  if (mkdir(path.c_str(), 0700) == 0) return true;
  if (errno != EEXIST) {
    *error = fmt::format("cannot create directory {}: {}", path, errno_text());
    return false;
  }
  struct stat st{};
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = fmt::format("{} exists but is not a directory; move it away or set VG_HOME", path);
    return false;
  }
  if (!tighten) return true;
  // A shared directory such as /tmp (sticky bit): made private, it would lock every other
  // user out of it. State never lives directly in one.
  if (st.st_mode & S_ISVTX) {
    *error = fmt::format("{} is a shared directory (like /tmp), not a private one; set VG_HOME to a "
                         "directory of your own", path);
    return false;
  }
  if (st.st_uid != geteuid()) {
    *error = fmt::format("{} is owned by uid {}, not by you (uid {}); fix its owner or set VG_HOME",
                         path, st.st_uid, geteuid());
    return false;
  }
  if ((st.st_mode & 077) != 0 && chmod(path.c_str(), st.st_mode & 07700) != 0) {
    *error = fmt::format("{} is readable by others and chmod 0700 failed: {}", path, errno_text());
    return false;
  }
  return true;
}

// A small file's text, "" when it cannot be read.
std::string read_small(const std::string& path) {
  Fd f{open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (f.fd < 0) return "";
  std::string text;
  char buf[512];
  ssize_t n;
  while ((n = read(f.fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0 && text.size() < 4096) text.append(buf, static_cast<size_t>(n));
  return text;
}

// The last non-empty line of the file open at `fd`, read backwards from its end.
std::string last_line(int fd) {
  off_t end = lseek(fd, 0, SEEK_END);
  std::string tail;
  char buf[4096];
  for (off_t pos = end; pos > 0;) {
    size_t want = static_cast<size_t>(std::min<off_t>(pos, sizeof buf));
    pos -= static_cast<off_t>(want);
    ssize_t n = pread(fd, buf, want, pos);
    if (n != static_cast<ssize_t>(want)) return "";
    tail.insert(0, buf, want);
    while (!tail.empty() && tail.back() == '\n') tail.pop_back();
    if (size_t nl = tail.rfind('\n'); nl != std::string::npos) return tail.substr(nl + 1);
  }
  return tail;
}

bool write_all(int fd, const std::string& data, const std::string& path, std::string* error) {
  if (vg::write_all(fd, data)) return true;
  *error = fmt::format("cannot write {}: {}", path, errno != 0 ? errno_text() : "nothing written");
  return false;
}

// The head is rewritten in place (we hold the log's lock): one short write at offset 0
// of a fixed-width text, never a truncation (see format_chain_head).
bool write_head(const std::string& path, const std::string& text, std::string* error) {
  Fd f{open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (f.fd < 0 || pwrite(f.fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    *error = fmt::format("cannot write the chain head {}: {}", path, errno_text());
    return false;
  }
  return true;
}

json finding_to_json(const AuditFinding& f) {
  return json{{"rule", f.rule}, {"severity", std::string(to_string(f.severity))}};
}

std::string text_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->get<std::string>();  // throws type_error on a non-string
}

Severity severity_field(const json& j, const char* key) {
  std::string s = text_field(j, key);
  if (s.empty()) return Severity::Low;
  auto sev = parse_severity(s);
  if (!sev) throw std::invalid_argument(fmt::format("unknown {} '{}'", key, s));
  return *sev;
}

}  // namespace

std::string iso8601_utc_now() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t secs = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", buf, ms);
}

std::string audit_event_to_json(const AuditEvent& ev) {
  json findings = json::array();
  for (const AuditFinding& f : ev.findings) findings.push_back(finding_to_json(f));
  json j = {
      {"time", ev.time.empty() ? iso8601_utc_now() : ev.time},
      {"session", ev.session},
      {"agent", ev.agent},
      {"source", ev.source},
      {"cwd", ev.cwd},
      {"command", ev.command},
      {"risk", std::string(to_string(ev.risk))},
      {"findings", findings},
      {"decision", ev.decision},
      {"why", ev.why},
      {"runtime", ev.runtime},
      {"exit_code", ev.exit_code < 0 ? json(nullptr) : json(ev.exit_code)},
      {"duration_ms", ev.duration_ms},
  };
  if (!ev.id.empty()) j["id"] = ev.id;
  if (!ev.phase.empty()) j["phase"] = ev.phase;
  if (!ev.ref.empty()) j["ref"] = ev.ref;
  if (!ev.answer.empty()) j["answer"] = ev.answer;
  if (!ev.security_level.empty()) j["security_level"] = ev.security_level;
  if (!ev.network.empty()) j["network"] = ev.network;
  if (!ev.caches.empty()) j["caches"] = ev.caches;
  if (!ev.network_blocked.empty()) j["network_blocked"] = ev.network_blocked;
  if (!ev.quarantined.empty()) j["quarantined"] = ev.quarantined;
  if (ev.change_set > 0) j["change_set"] = ev.change_set;
  if (ev.has_output) {
    j["output"] = ev.output;
    j["output_truncated"] = ev.output_truncated;
  }
  if (!ev.recording.empty()) {
    j["recording"] = ev.recording;
    j["recording_at"] = std::round(ev.recording_at * 1000) / 1000;
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool audit_event_from_json(std::string_view line, AuditEvent& out, std::string* error) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) {
    *error = "not valid JSON";
    return false;
  }
  if (!j.is_object()) {
    *error = "not a JSON object";
    return false;
  }
  try {
    AuditEvent ev;
    ev.time = text_field(j, "time");
    ev.command = text_field(j, "command");
    ev.id = text_field(j, "id");
    ev.phase = text_field(j, "phase");
    ev.ref = text_field(j, "ref");
    if (ev.time.empty() || (!j.contains("command") && ev.phase != "end")) {
      *error = "missing \"time\" or \"command\"";
      return false;
    }
    ev.session = text_field(j, "session");
    ev.agent = text_field(j, "agent");
    ev.source = text_field(j, "source");
    ev.cwd = text_field(j, "cwd");
    ev.risk = severity_field(j, "risk");
    if (auto it = j.find("findings"); it != j.end() && !it->is_null()) {
      for (const json& f : it->get<std::vector<json>>()) {
        ev.findings.push_back({text_field(f, "rule"), severity_field(f, "severity")});
      }
    }
    ev.decision = text_field(j, "decision");
    ev.answer = text_field(j, "answer");
    ev.why = text_field(j, "why");
    ev.runtime = text_field(j, "runtime");
    ev.security_level = text_field(j, "security_level");
    ev.network = text_field(j, "network");
    if (auto it = j.find("caches"); it != j.end() && it->is_array())
      for (const json& c : *it)
        if (c.is_string()) ev.caches.push_back(c.get<std::string>());
    if (auto it = j.find("network_blocked"); it != j.end() && it->is_array())
      for (const json& c : *it)
        if (c.is_string()) ev.network_blocked.push_back(c.get<std::string>());
    if (auto it = j.find("quarantined"); it != j.end() && it->is_array())
      for (const json& c : *it)
        if (c.is_string()) ev.quarantined.push_back(c.get<std::string>());
    if (auto it = j.find("change_set"); it != j.end() && it->is_number_integer()) ev.change_set = it->get<int>();
    if (auto it = j.find("exit_code"); it != j.end() && it->is_null())
      ev.exit_code = -1;  // not observed
    else
      ev.exit_code = j.value("exit_code", 0);
    ev.duration_ms = j.value("duration_ms", 0LL);
    if (auto it = j.find("output"); it != j.end() && !it->is_null()) {
      ev.has_output = true;
      ev.output = it->get<std::string>();
      ev.output_truncated = j.value("output_truncated", false);
    }
    ev.recording = text_field(j, "recording");
    if (auto it = j.find("recording_at"); it != j.end() && it->is_number()) ev.recording_at = it->get<double>();
    out = std::move(ev);
    return true;
  } catch (const std::exception& e) {
    *error = fmt::format("bad field: {}", e.what());
    return false;
  }
}

std::string sessions_dir(const std::string& state_dir) { return state_dir + "/sessions"; }

bool ensure_private_dir(const std::string& path, std::string* error) {
  if (path.empty()) {
    *error = "no state directory; set VG_HOME or HOME";
    return false;
  }
  // Parents are created 0700 when missing but left as they are when they exist
  // (they may be shared, like $HOME's parent); only `path` itself is tightened.
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    if (!ensure_one_dir(path.substr(0, slash), false, error)) return false;
  }
  return ensure_one_dir(path, true, error);
}

bool append_audit_event(const std::string& state_dir, const AuditEvent& ev, std::string* error) {
  if (!valid_session_id(ev.session)) {
    *error = fmt::format("session id '{}' is not a safe file name", ev.session);
    return false;
  }
  const char* rec = std::getenv("VG_RECORDING");
  const char* start = std::getenv("VG_RECORDING_START");
  if (ev.recording.empty() && rec && *rec && start && *start) {
    // The command started duration_ms before now.
    double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    AuditEvent with = ev;
    with.recording = rec;
    with.recording_at = std::max(0.0, now - std::atof(start) - ev.duration_ms / 1000.0);
    return append_audit_line(state_dir, ev.session, audit_event_to_json(with), error);
  }
  return append_audit_line(state_dir, ev.session, audit_event_to_json(ev), error);
}

bool append_audit_end(const std::string& state_dir, const std::string& session,
                      const std::string& ref, int exit_code, long long duration_ms, std::string* error) {
  json j = {{"time", iso8601_utc_now()}, {"session", session}, {"phase", "end"},
            {"ref", ref}, {"exit_code", exit_code}, {"duration_ms", duration_ms}};
  return append_audit_line(state_dir, session, j.dump(-1, ' ', false, json::error_handler_t::replace), error);
}

std::string audit_key_path(const std::string& state_dir, const std::string& session) {
  return state_dir + "/keys/" + session + ".key";
}

std::string audit_head_path(const std::string& state_dir, const std::string& session) {
  return sessions_dir(state_dir) + "/" + session + ".head";
}

bool create_audit_key(const std::string& state_dir, const std::string& session, std::string* error) {
  if (!ensure_private_dir(state_dir + "/keys", error)) return false;
  std::string path = audit_key_path(state_dir, session);
  std::array<unsigned char, 32> raw{};
  if (getrandom(raw.data(), raw.size(), 0) != static_cast<ssize_t>(raw.size())) {
    *error = fmt::format("cannot get random bytes for {}: {}", path, errno_text());
    return false;
  }
  std::string hex;
  for (unsigned char b : raw) hex += fmt::format("{:02x}", b);
  Fd f{open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (f.fd < 0) {
    if (errno == EEXIST) return true;  // the session has one already
    *error = fmt::format("cannot create {}: {}", path, errno_text());
    return false;
  }
  if (write(f.fd, hex.data(), hex.size()) != static_cast<ssize_t>(hex.size())) {
    *error = fmt::format("cannot write {}: {}", path, errno_text());
    return false;
  }
  return true;
}

std::string read_audit_key(const std::string& state_dir, const std::string& session) {
  std::string key = read_small(audit_key_path(state_dir, session));
  while (!key.empty() && key.back() == '\n') key.pop_back();
  return key;
}

bool append_audit_line(const std::string& state_dir, const std::string& session, const std::string& json_line,
                       std::string* error) {
  // Inside an agent session the log is read-only to us: the session's writer appends.
  if (agent_audit_writer_present()) return agent_audit_append(json_line, error);
  return append_audit_line_here(state_dir, session, json_line, error);
}

bool append_audit_line_here(const std::string& state_dir, const std::string& session,
                            const std::string& json_line, std::string* error) {
  if (!valid_session_id(session)) {
    *error = fmt::format("session id '{}' is not a safe file name", session);
    return false;
  }
  // A hook's server appends twice per typed line: the directories are checked (and made)
  // once per process and state dir, and again only when the log cannot be opened.
  static std::mutex checked_mutex;
  static std::string checked_dir;
  std::string dir = sessions_dir(state_dir);
  std::string path = dir + "/" + session + ".jsonl";
  const int flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  Fd f{-1};
  {
    std::lock_guard<std::mutex> lock(checked_mutex);
    if (checked_dir == dir) f.fd = open(path.c_str(), flags, 0600);
    if (f.fd < 0) {
      checked_dir.clear();
      if (!ensure_private_dir(state_dir, error) || !ensure_private_dir(dir, error)) return false;
      checked_dir = dir;
      f.fd = open(path.c_str(), flags, 0600);
    }
  }
  if (f.fd < 0) {
    *error = fmt::format("cannot open {}: {}", path, errno_text());
    return false;
  }
  struct stat st{};
  if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = fmt::format("{} is not a regular file; move it away", path);
    return false;
  }
  if (st.st_uid != geteuid()) {
    *error = fmt::format("{} is owned by uid {}, not by you; fix its owner or set VG_HOME", path,
                         st.st_uid);
    return false;
  }
  if ((st.st_mode & 077) != 0 && fchmod(f.fd, 0600) != 0) {
    *error = fmt::format("{} is readable by others and chmod 0600 failed: {}", path, errno_text());
    return false;
  }
  // O_APPEND alone keeps small writes whole; the lock also covers events larger than
  // PIPE_BUF and file systems where a single write may be split, and makes reading the
  // chain's head, appending and moving the head one step.
  while (flock(f.fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      *error = fmt::format("cannot lock {}: {}", path, errno_text());
      return false;
    }
  }
  std::string head_path = audit_head_path(state_dir, session);
  ChainHead head;
  if (!parse_chain_head(read_small(head_path), head)) {
    head = {};
    chain_head_of_line(last_line(f.fd), head);  // no head yet: continue what the log holds
  }
  std::string line = seal_audit_line(json_line, head, read_audit_key(state_dir, session));
  line += '\n';
  bool ok = write_all(f.fd, line, path, error);
  if (ok) ok = write_head(head_path, format_chain_head(head), error);
  flock(f.fd, LOCK_UN);
  return ok;
}

std::vector<std::string> list_audit_sessions(const std::string& state_dir) {
  std::vector<std::string> out;
  DIR* d = opendir(sessions_dir(state_dir).c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    constexpr std::string_view ext = ".jsonl";
    if (name.size() <= ext.size() || !name.ends_with(ext)) continue;
    std::string id = name.substr(0, name.size() - ext.size());
    if (valid_session_id(id)) out.push_back(id);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<AuditRecord> read_audit_session(const std::string& state_dir, const std::string& session,
                                            std::vector<AuditProblem>& problems, bool* found) {
  std::vector<AuditRecord> out;
  if (found) *found = false;
  if (!valid_session_id(session)) return out;
  std::string path = sessions_dir(state_dir) + "/" + session + ".jsonl";
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  if (found) *found = true;
  std::string line;
  int number = 0;
  std::map<std::string, size_t> started;  // id -> index in out, for end records
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line.starts_with("{\"event\":")) continue;  // not a command (audit_records_of_kind)
    AuditRecord rec;
    std::string error;
    if (!audit_event_from_json(line, rec.event, &error)) {
      problems.push_back({path, number, error});
      continue;
    }
    if (rec.event.phase == "end") {
      // Folded into its start record; an end without one is dropped.
      if (auto it = started.find(rec.event.ref); it != started.end()) {
        out[it->second].event.exit_code = rec.event.exit_code;
        out[it->second].event.duration_ms = rec.event.duration_ms;
      }
      continue;
    }
    rec.session = session;
    rec.line = number;
    rec.raw = line;
    if (!rec.event.id.empty()) started[rec.event.id] = out.size();
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<std::string> audit_records_of_kind(const std::string& state_dir, const std::string& session,
                                               std::string_view kind) {
  std::vector<std::string> out;
  if (!valid_session_id(session)) return out;
  std::ifstream in(sessions_dir(state_dir) + "/" + session + ".jsonl", std::ios::binary);
  std::string prefix = fmt::format("{{\"event\":\"{}\"", kind);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(prefix)) out.push_back(line);
  return out;
}

SessionVerify verify_audit_session(const std::string& state_dir, const std::string& session) {
  SessionVerify v;
  v.path = sessions_dir(state_dir) + "/" + session + ".jsonl";
  if (!valid_session_id(session)) return v;
  Fd f{open(v.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (f.fd < 0) return v;
  v.found = true;
  while (flock(f.fd, LOCK_SH) != 0 && errno == EINTR) {
  }
  std::string text;
  char buf[65536];
  ssize_t n;
  while ((n = read(f.fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) text.append(buf, static_cast<size_t>(n));
  ChainHead head;
  bool has_head = parse_chain_head(read_small(audit_head_path(state_dir, session)), head);
  flock(f.fd, LOCK_UN);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  v.report = verify_audit_lines(lines, has_head ? &head : nullptr, read_audit_key(state_dir, session));
  return v;
}

}  // namespace vg
