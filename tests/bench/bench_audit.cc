// The audit chain's cost per appended record (driver for bench_audit.sh).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/audit_chain.h"
#include "core/audit_log.h"
#include "core/audit_writer.h"

using namespace vg;
using Clock = std::chrono::steady_clock;

namespace {

double us_per(Clock::time_point start, int n) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n;
}

// What every append cost before the chain: the directories checked, open, lock, one
// write, close (append_audit_event as it was).
void plain_append(const std::string& state, const std::string& path, const std::string& line) {
  std::string error;
  ensure_private_dir(state, &error);
  ensure_private_dir(state + "/sessions", &error);
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  flock(fd, LOCK_EX);
  std::string l = line + "\n";
  if (write(fd, l.data(), l.size()) < 0) std::abort();
  flock(fd, LOCK_UN);
  close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::string dir = argc > 2 ? argv[2] : "/var/tmp";
  AuditEvent ev;
  ev.session = "bench";
  ev.source = "exec";
  ev.cwd = "/home/user/project";
  ev.command = "npm install --save-dev typescript@5 eslint prettier";
  ev.decision = "sandbox";
  ev.why = "Sandbox chosen: package installation (medium risk)";
  ev.runtime = "bubblewrap";
  std::string line = audit_event_to_json(ev);
  std::string error;

  auto start = Clock::now();
  ChainHead head;
  for (int i = 0; i < n; ++i) seal_audit_line(line, head, "");
  double seal = us_per(start, n);
  start = Clock::now();
  head = {};
  std::string key(64, 'k');
  for (int i = 0; i < n; ++i) seal_audit_line(line, head, key);
  double seal_hmac = us_per(start, n);

  std::string plain_path = dir + "/plain/sessions/plain.jsonl";
  start = Clock::now();
  for (int i = 0; i < n; ++i) plain_append(dir + "/plain", plain_path, line);
  double plain = us_per(start, n);

  start = Clock::now();
  for (int i = 0; i < n; ++i)
    if (!append_audit_line_here(dir + "/state", "bench", line, &error)) return std::fprintf(stderr, "%s\n", error.c_str()), 1;
  double chained = us_per(start, n);

  if (!create_audit_key(dir + "/state", "keyed", &error)) return 1;
  start = Clock::now();
  for (int i = 0; i < n; ++i)
    if (!append_audit_line_here(dir + "/state", "keyed", line, &error)) return 1;
  double chained_hmac = us_per(start, n);

  if (!start_agent_audit_writer(dir + "/state", "writer", "", &error)) return 1;
  start = Clock::now();
  for (int i = 0; i < n; ++i)
    if (!agent_audit_append(line, &error)) return std::fprintf(stderr, "%s\n", error.c_str()), 1;
  double via_writer = us_per(start, n);

  std::printf("record of %zu bytes, %d appends per row\n", line.size(), n);
  std::printf("%-48s %8.1f us\n", "seal only (SHA-256)", seal);
  std::printf("%-48s %8.1f us\n", "seal only (SHA-256 + HMAC)", seal_hmac);
  std::printf("%-48s %8.1f us\n", "append, unchained (as before the chain)", plain);
  std::printf("%-48s %8.1f us  (+%.1f)\n", "append, chained (head read + written)", chained, chained - plain);
  std::printf("%-48s %8.1f us  (+%.1f)\n", "append, chained with the session key", chained_hmac, chained_hmac - plain);
  std::printf("%-48s %8.1f us  (+%.1f)\n", "append through the agent's writer (socket)", via_writer, via_writer - plain);
  return 0;
}
