#include "cli/pty_record.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/asciicast.h"
#include "core/audit_log.h"
#include "core/session.h"
#include "core/sha256.h"
#include "sandbox/env.h"

extern char** environ;

namespace vg::cli {
namespace {

volatile sig_atomic_t g_winch = 0;
volatile sig_atomic_t g_forward = 0;  // SIGTERM or SIGHUP to pass on to the command

void on_signal(int sig) {
  if (sig == SIGWINCH) g_winch = 1;
  else g_forward = sig;
}

void catch_signal(int sig, void (*handler)(int)) {
  struct sigaction sa{};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, nullptr);  // no SA_RESTART: poll returns EINTR and we look
}

void write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the reader is gone (EPIPE): the command's output is dropped, as it would be
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// Values of secret-looking environment variables (the sandbox's env filter decides
// what looks secret); short ones would mask ordinary words.
std::vector<std::string> secret_values() {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string_view kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos || kv.size() - eq - 1 < 6) continue;
    if (sandbox::looks_secret(kv.substr(0, eq))) out.emplace_back(kv.substr(eq + 1));
  }
  return out;
}

double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The .cast file: whole lines, one write(2) each, so a killed session leaves a file
// that is valid up to its last event; the size cap; the running digest.
class CastWriter {
 public:
  CastWriter(int fd, long long cap, bool raw_terminal)
      : fd_(fd), cap_(cap), raw_(raw_terminal), out_(secret_values()), in_(secret_values()) {}

  void header(const CastHeader& h) { put(asciicast_header(h)); }
  void output(std::string_view data) {
    if (!capped_) event("o", out_.feed(data));
  }
  void input(std::string_view data) {
    if (!capped_) event("i", in_.feed(data));
  }
  // Quiet for a moment: what the maskers kept back is written too.
  void idle() {
    if (capped_) return;
    if (out_.holding()) event("o", out_.flush());
    if (in_.holding()) event("i", in_.flush());
  }
  long long bytes() const { return bytes_; }
  bool capped() const { return capped_; }
  std::string close() {
    idle();
    ::close(fd_);
    fd_ = -1;
    auto d = sha_.digest();
    std::string hex;
    for (unsigned char b : d) hex += fmt::format("{:02x}", b);
    return hex;
  }

 private:
  double now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  }
  void event(const char* code, const std::string& data) {
    if (data.empty() || capped_) return;
    std::string line = asciicast_event(now(), code, data);
    constexpr long long kNoteRoom = 256;
    if (bytes_ + static_cast<long long>(line.size()) + kNoteRoom > cap_) {
      std::string note = fmt::format(
          "\r\n[vectra-guard: recording stopped here: it reached its size cap of {} bytes "
          "([audit] record_max_bytes); the session went on unrecorded]\r\n", cap_);
      put(asciicast_event(now(), "o", note));
      capped_ = true;
      std::string msg = fmt::format(
          "vectra-guard: the recording reached its size cap of {} bytes ([audit] record_max_bytes); "
          "the rest of the session is not recorded.", cap_);
      msg = raw_ ? "\r\n" + msg + "\r\n" : msg + "\n";
      write_all(2, msg.data(), msg.size());
      return;
    }
    put(line);
  }
  void put(const std::string& line) {
    if (fd_ < 0) return;
    if (write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return;
    sha_.update(line);
    bytes_ += static_cast<long long>(line.size());
  }

  int fd_;
  long long cap_;
  bool raw_;
  SecretMasker out_, in_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  long long bytes_ = 0;
  bool capped_ = false;
  Sha256 sha_;
};

struct Channel {
  int from;  // what we read
  int to;    // where it goes
  bool record_as_output;
  bool record_as_input;
};

// Relay until the command's side is closed, or it exited and its descriptors stayed
// quiet for a moment (a background job may hold them open). Returns its wait status.
int relay(pid_t child, std::vector<Channel> ch, CastWriter& w, bool terminal, int master) {
  int status = 0;
  bool reaped = false;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    if (g_winch && terminal) {
      g_winch = 0;
      struct winsize ws{};
      if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
    }
    if (g_forward) {
      kill(terminal ? -child : child, g_forward);
      g_forward = 0;
    }
    if (!reaped && waitpid(child, &status, WNOHANG) == child) reaped = true;
    std::vector<pollfd> fds;
    bool any_output = false;
    for (const Channel& c : ch) {
      if (c.from < 0) continue;
      fds.push_back({c.from, POLLIN, 0});
      any_output |= c.record_as_output;
    }
    if (!any_output) break;
    int n = poll(fds.data(), fds.size(), reaped ? 100 : 200);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      w.idle();
      if (reaped) break;
      continue;
    }
    for (size_t i = 0, k = 0; i < ch.size(); ++i) {
      Channel& c = ch[i];
      if (c.from < 0) continue;
      short re = fds[k++].revents;
      if (!re) continue;
      ssize_t r = read(c.from, buf.data(), buf.size());
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (r <= 0) {  // EOF, or EIO once the terminal's last slave is closed
        if (c.record_as_output) ::close(c.from);
        c.from = -1;
        continue;
      }
      write_all(c.to, buf.data(), static_cast<size_t>(r));
      if (c.record_as_output) w.output({buf.data(), static_cast<size_t>(r)});
      if (c.record_as_input) w.input({buf.data(), static_cast<size_t>(r)});
    }
  }
  if (!reaped) {
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
      if (g_forward) {
        kill(terminal ? -child : child, g_forward);
        g_forward = 0;
      }
    }
  }
  return status;
}

bool open_pty(int& master, int& slave, std::string* error) {
  master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
    *error = fmt::format("cannot open a pseudo-terminal: {}", std::strerror(errno));
    return false;
  }
  char name[128];
  if (ptsname_r(master, name, sizeof name) != 0 || (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
    *error = fmt::format("cannot open the pseudo-terminal's slave: {}", std::strerror(errno));
    ::close(master);
    return false;
  }
  return true;
}

}  // namespace

std::string recordings_dir(const std::string& state_dir) { return state_dir + "/recordings"; }

std::string new_recording_name(const std::string& session) {
  return fmt::format("{}-{}-{}", session, std::time(nullptr), getpid());
}

bool inside_recording() {
  const char* v = std::getenv("VG_RECORDING");
  return v && *v;
}

bool start_recording(const RecordOptions& o, std::string* error) {
  std::string dir = recordings_dir(o.state_dir);
  if (!ensure_private_dir(dir, error)) return false;
  std::string file = o.name + ".cast";
  std::string path = dir + "/" + file;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    *error = fmt::format("cannot create {}: {}", path, std::strerror(errno));
    return false;
  }
  const bool terminal = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  struct winsize ws{};
  ws.ws_col = 80;
  ws.ws_row = 24;
  int tty_fd = terminal ? STDIN_FILENO : isatty(STDOUT_FILENO) ? STDOUT_FILENO : isatty(STDERR_FILENO) ? 2 : -1;
  if (tty_fd >= 0) {
    struct winsize real{};
    if (ioctl(tty_fd, TIOCGWINSZ, &real) == 0 && real.ws_col > 0 && real.ws_row > 0) ws = real;
  }
  int master = -1, slave = -1, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  struct termios saved{};
  if (terminal) {
    if (tcgetattr(STDIN_FILENO, &saved) != 0 || !open_pty(master, slave, error)) {
      if (error->empty()) *error = fmt::format("cannot read the terminal's settings: {}", std::strerror(errno));
      ::close(fd);
      unlink(path.c_str());
      return false;
    }
    tcsetattr(slave, TCSANOW, &saved);
    ioctl(slave, TIOCSWINSZ, &ws);
  } else if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    *error = fmt::format("cannot create a pipe: {}", std::strerror(errno));
    ::close(fd);
    unlink(path.c_str());
    return false;
  }

  CastWriter w(fd, o.max_bytes, terminal);
  CastHeader h;
  h.width = ws.ws_col;
  h.height = ws.ws_row;
  h.timestamp = std::time(nullptr);
  const char* shell = std::getenv("SHELL");
  const char* term = std::getenv("TERM");
  h.shell = shell ? shell : "";
  h.term = term ? term : "";
  h.title = mask_secrets(o.title, secret_values());
  w.header(h);
  // What the run's own audit events point at (append_audit_event).
  setenv("VG_RECORDING", o.name.c_str(), 1);
  setenv("VG_RECORDING_START", fmt::format("{:.6f}", epoch_seconds()).c_str(), 1);

  std::fflush(nullptr);
  pid_t child = fork();
  if (child < 0) {
    *error = fmt::format("cannot fork: {}", std::strerror(errno));
    unsetenv("VG_RECORDING");
    unsetenv("VG_RECORDING_START");
    return false;
  }
  if (child == 0) {
    ::close(fd);
    if (terminal) {
      ::close(master);
      setsid();
      ioctl(slave, TIOCSCTTY, 0);
      for (int d = 0; d < 3; ++d) dup2(slave, d);
      if (slave > 2) ::close(slave);
    } else {
      dup2(out_pipe[1], STDOUT_FILENO);
      dup2(err_pipe[1], STDERR_FILENO);
      for (int p : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(p);
    }
    return true;
  }

  // The parent: relay and record.
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, SIG_IGN);   // a ^C meant for the command (pipe mode) must not end the relay
  signal(SIGQUIT, SIG_IGN);
  if (terminal) signal(SIGTSTP, SIG_IGN);  // raw mode: ^Z goes to the command's terminal
  signal(SIGTTOU, SIG_IGN);
  catch_signal(SIGWINCH, on_signal);
  g_winch = 1;  // a resize before the handler was there is not lost
  catch_signal(SIGTERM, on_signal);
  catch_signal(SIGHUP, on_signal);
  std::vector<Channel> ch;
  if (terminal) {
    ::close(slave);
    struct termios raw = saved;
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    ch.push_back({master, STDOUT_FILENO, true, false});
    ch.push_back({STDIN_FILENO, master, false, o.input});
  } else {
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ch.push_back({out_pipe[0], STDOUT_FILENO, true, false});
    ch.push_back({err_pipe[0], STDERR_FILENO, true, false});
  }
  int status = relay(child, ch, w, terminal, master);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
    ::close(master);
  }
  bool capped = w.capped();
  std::string sha = w.close();
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
  nlohmann::json rec = {{"time", iso8601_utc_now()}, {"session", o.session}, {"file", file},
                        {"sha256", sha},              {"bytes", w.bytes()},  {"capped", capped},
                        {"input", terminal && o.input}, {"exit_code", code}};
  std::string body = rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string line = "{\"event\":\"recording\"," + body.substr(1);
  std::string err;
  if (!append_audit_line(o.state_dir, o.session, line, &err))
    std::fprintf(stderr, "vectra-guard: the recording %s was not entered in the audit trail: %s.\n", path.c_str(),
                 err.c_str());
  std::fflush(nullptr);
  _exit(code);
}

void record_this_run(const Config& cfg, const std::string& title, bool input, const std::string& name) {
  if (inside_recording()) return;
  RecordOptions o;
  o.state_dir = state_dir();
  o.session = current_session_id();
  o.name = name.empty() ? new_recording_name(o.session) : name;
  o.title = title;
  o.input = input || cfg.record_input;
  o.max_bytes = cfg.record_max_bytes;
  std::string error;
  if (!start_recording(o, &error))
    std::fprintf(stderr, "vectra-guard: this run is not recorded: %s.\n", error.c_str());
}

}  // namespace vg::cli
