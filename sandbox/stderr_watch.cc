#include "sandbox/stderr_watch.h"
#include "core/fd_io.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace vg::sandbox {
namespace {

// Once the command has ended: copy until stderr is quiet this long, at most that many reads.
constexpr int kDrainQuietMs = 50;
constexpr int kDrainMaxRounds = 200;
constexpr size_t kLineCap = 8192;  // longer lines are looked at in pieces

bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

// A pty whose slave passes bytes through untouched and has the terminal's size.
bool open_raw_pty(int like, int& master, int& slave) {
  master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return false;
  const char* name = nullptr;
  if (grantpt(master) == 0 && unlockpt(master) == 0) name = ptsname(master);
  slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
  termios t{};
  if (slave < 0 || tcgetattr(slave, &t) != 0) {
    if (slave >= 0) close(slave);
    close(master);
    return false;
  }
  cfmakeraw(&t);
  tcsetattr(slave, TCSANOW, &t);
  winsize ws{};
  if (ioctl(like, TIOCGWINSZ, &ws) == 0) ioctl(slave, TIOCSWINSZ, &ws);
  return true;
}

}  // namespace

std::optional<HomePathProblem> find_home_path_problem(std::string_view text, const std::string& home) {
  if (home.empty() || home == "/") return std::nullopt;
  const std::string prefix = home + "/";
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() : nl + 1;
    size_t at = line.find(prefix);
    if (at == std::string_view::npos) continue;
    const bool read_only = contains(line, "Read-only file system") || contains(line, "EROFS");
    const bool missing = contains(line, "No such file or directory") || contains(line, "ENOENT");
    if (!read_only && !missing) continue;
    size_t end = at;
    // Up to a quote (also coreutils' ’ in a UTF-8 locale), a colon, a space or a bracket.
    while (end < line.size() && std::string_view("'\"`:, \t()[]").find(line[end]) == std::string_view::npos &&
           line.substr(end, 2) != "\xE2\x80")
      ++end;
    return HomePathProblem{std::string(line.substr(at, end - at)), read_only};
  }
  return std::nullopt;
}

std::string home_path_hint(const HomePathProblem& p, const std::string& home, const std::string& runtime) {
  // What to bind: the first directory under home on the way to the path (~/.local, ~/.npm).
  std::string rest = p.path.substr(home.size() + 1);
  std::string top = "~/" + rest.substr(0, rest.find('/'));
  return fmt::format(
      "vectra-guard: {} {} in the sandbox ({}: your home is read-only there); to let it write, add "
      "'bind_mounts = {}:rw' under [sandbox] in your config, use a venv in the project, or run it "
      "unguarded once with VG_DISABLE=1 cmd.",
      "~/" + rest, p.read_only ? "is read-only" : "does not exist", runtime, top);
}

bool StderrWatch::start() {
  if (home_.empty() || home_ == "/") return false;
  int ends[2] = {-1, -1};
  pty_ = isatty(STDERR_FILENO) == 1;
  if (pty_) {
    if (!open_raw_pty(STDERR_FILENO, ends[0], ends[1])) return false;
  } else if (pipe2(ends, O_CLOEXEC) != 0) {
    return false;
  }
  saved_ = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (saved_ < 0) {
    close(ends[0]);
    close(ends[1]);
    return false;
  }
  read_ = ends[0];
  // Signals meant for us (SIGTERM to forward) stay with the main thread.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  thread_ = std::thread([this] { pump(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  dup2(ends[1], STDERR_FILENO);  // children inherit it (dup2 clears close-on-exec)
  close(ends[1]);
  return true;
}

void StderrWatch::finish() {
  if (!thread_.joinable()) return;
  // The thread drains until quiet; then fd 2 goes back (for a pty, only then: a master
  // whose last slave closed may drop what it still held).
  stopping_ = true;
  thread_.join();
  dup2(saved_, STDERR_FILENO);
  close(saved_);
  if (read_ >= 0) close(read_);
  saved_ = read_ = -1;
}

std::optional<HomePathProblem> StderrWatch::problem() const {
  std::lock_guard lock(mu_);
  return problem_;
}

void StderrWatch::look(const char* data, size_t n) {
  std::lock_guard lock(mu_);
  if (problem_) return;
  for (size_t i = 0; i < n; ++i) {
    const char c = data[i];
    if (c == '\n' || c == '\r' || partial_.size() >= kLineCap) {
      if (partial_.find(home_) != std::string::npos) problem_ = find_home_path_problem(partial_, home_);
      partial_.clear();
      if (problem_) return;
      if (c == '\n' || c == '\r') continue;
    }
    partial_ += c;
  }
}

void StderrWatch::pump() {
  char chunk[16384];
  bool writer_gone = false;
  int drain_rounds = 0;  // once stopping: a process still writing is not waited for long
  for (;;) {
    pollfd fd{read_, POLLIN, 0};
    int n = poll(&fd, 1, stopping_ ? kDrainQuietMs : 50);
    if (n < 0 && errno == EINTR) continue;
    if (stopping_ && ++drain_rounds > kDrainMaxRounds) break;
    if (n == 0) {
      if (stopping_) break;
      continue;
    }
    ssize_t got = read(read_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // pipe: every writer closed; pty: EIO
    look(chunk, static_cast<size_t>(got));
    if (!writer_gone) writer_gone = !write_all(saved_, chunk, static_cast<size_t>(got));
  }
  std::lock_guard lock(mu_);
  if (!problem_ && partial_.find(home_) != std::string::npos) problem_ = find_home_path_problem(partial_, home_);
}

}  // namespace vg::sandbox
