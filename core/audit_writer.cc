#include "core/audit_writer.h"
#include "core/fd_io.h"
#include "core/fd_passing.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/audit_log.h"

namespace vg {
namespace {

constexpr size_t kMaxRecord = 16u << 20;

int writer_fd() {
  const char* v = std::getenv("VG_AUDIT_FD");
  if (!v || !*v) return -1;
  char* end = nullptr;
  long fd = std::strtol(v, &end, 10);
  if (*end != '\0' || fd < 3 || fd > 65535) return -1;
  // The writer's socket is a SEQPACKET one: a number the agent reused for something else
  // is not it.
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET) return -1;
  return static_cast<int>(fd);
}

bool send_fd(int sock, int fd) {
  char byte = 'R';
  return send_with_fds(sock, &byte, 1, &fd, 1);
}

// -1 at EOF (every client gone), -2 for a message without a descriptor.
int receive_fd(int sock) {
  char byte;
  int fd = -1;
  size_t nfds = 0;  // one record per message: a second descriptor is closed
  if (receive_with_fds(sock, &byte, 1, &fd, 1, &nfds) <= 0) return -1;
  return nfds == 1 ? fd : -2;
}

// Read until EOF; false on error, timeout or more than `cap` bytes.
bool read_all(int fd, std::string& out, size_t cap) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > cap) return false;
  }
}

// One client's record: read it (a stalled client is dropped after 5 s), append, answer.
void serve_one(int fd, const std::string& state_dir, const std::string& session) {
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string line, answer;
  if (!read_all(fd, line, kMaxRecord)) {
    answer = "the record did not arrive whole";
  } else {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    std::string error;
    if (!j.is_discarded() && j.is_object())
      for (const char* k : {"seq", "prev_hash", "hash", "hmac"}) j.erase(k);  // only we chain
    if (j.is_discarded() || !j.is_object())
      answer = "the record is not one JSON object";
    else if (!append_audit_line_here(state_dir, session, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), &error))
      answer = error;
    else
      answer = "ok";
  }
  write_all(fd, answer);
  close(fd);
}

[[noreturn]] void writer_main(int sock, const std::string& state_dir, const std::string& session,
                              const std::string& remove_at_exit) {
  setsid();
  signal(SIGPIPE, SIG_IGN);
  for (int s : {SIGINT, SIGQUIT, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU}) signal(s, SIG_IGN);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }
  for (int fd = 3; fd < 1024; ++fd)
    if (fd != sock) close(fd);
  for (;;) {
    int fd = receive_fd(sock);
    if (fd == -1) {
      std::error_code ec;
      if (!remove_at_exit.empty()) std::filesystem::remove_all(remove_at_exit, ec);
      _exit(0);
    }
    if (fd >= 0) serve_one(fd, state_dir, session);
  }
}

}  // namespace

bool agent_audit_writer_present() { return writer_fd() >= 0; }

bool agent_audit_append(const std::string& json_line, std::string* error) {
  int sock = writer_fd();
  int pair[2];
  if (sock < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    *error = "the session's audit writer cannot be reached ($VG_AUDIT_FD)";
    return false;
  }
  struct timeval tv = {10, 0};  // a writer that stopped answering must not hang the guard
  setsockopt(pair[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(pair[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  bool sent = send_fd(sock, pair[1]);
  close(pair[1]);
  std::string answer;
  bool ok = sent && write_all(pair[0], json_line) && shutdown(pair[0], SHUT_WR) == 0 &&
            read_all(pair[0], answer, 4096);
  close(pair[0]);
  if (ok && answer == "ok") return true;
  *error = ok && !answer.empty() ? "the session's audit writer: " + answer
                                 : "the session's audit writer did not answer (it has exited)";
  return false;
}

bool start_agent_audit_writer(const std::string& state_dir, const std::string& session,
                              const std::string& remove_at_exit, std::string* error) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    *error = fmt::format("cannot create the audit writer's socket: {}", std::strerror(errno));
    return false;
  }
  pid_t child = fork();
  if (child < 0) {
    *error = fmt::format("cannot start the audit writer: {}", std::strerror(errno));
    close(sv[0]);
    close(sv[1]);
    return false;
  }
  if (child == 0) {
    // Fork again so the writer is nobody's child in the agent's tree.
    close(sv[1]);
    if (fork() == 0) writer_main(sv[0], state_dir, session, remove_at_exit);
    _exit(0);
  }
  close(sv[0]);
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  // The agent's end stays open across exec.
  fcntl(sv[1], F_SETFD, 0);
  setenv("VG_AUDIT_FD", std::to_string(sv[1]).c_str(), 1);
  return true;
}

}  // namespace vg
