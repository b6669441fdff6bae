#include "sandbox/output_tee.h"
#include "core/fd_io.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vg::sandbox {
namespace {

// Once the command has ended, output still in flight is copied until the pipes have
// been quiet this long (a background process may hold them open forever).
constexpr int kDrainQuietMs = 100;

}  // namespace

bool OutputTee::start(std::string* error) {
  int pipes[2][2];
  for (int i = 0; i < 2; ++i) {
    if (pipe2(pipes[i], O_CLOEXEC) != 0) {
      *error = fmt::format("cannot capture output: pipe: {}", std::strerror(errno));
      if (i == 1) close(pipes[0][0]), close(pipes[0][1]);
      return false;
    }
  }
  for (int i = 0; i < 2; ++i) {
    saved_[i] = fcntl(1 + i, F_DUPFD_CLOEXEC, 3);
    read_[i] = pipes[i][0];
  }
  if (saved_[0] < 0 || saved_[1] < 0) {
    *error = fmt::format("cannot capture output: dup: {}", std::strerror(errno));
    for (int i = 0; i < 2; ++i) {
      if (saved_[i] >= 0) close(saved_[i]);
      close(pipes[i][0]);
      close(pipes[i][1]);
      saved_[i] = read_[i] = -1;
    }
    return false;
  }
  // The thread starts with every signal blocked: signals meant for us (SIGTERM to
  // forward, SIGPIPE from a closed reader) must go to the main thread or become EPIPE.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  thread_ = std::thread([this] { pump(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);

  for (int i = 0; i < 2; ++i) {
    dup2(pipes[i][1], 1 + i);  // dup2 clears close-on-exec: children inherit these
    close(pipes[i][1]);
  }
  return true;
}

void OutputTee::finish() {
  if (!thread_.joinable()) return;
  // Restoring fds 1 and 2 drops our write ends; the pipes end once the command's are gone.
  for (int i = 0; i < 2; ++i) dup2(saved_[i], 1 + i);
  stopping_ = true;
  thread_.join();
  for (int i = 0; i < 2; ++i) {
    close(saved_[i]);
    if (read_[i] >= 0) close(read_[i]);
    saved_[i] = read_[i] = -1;
  }
}

std::string OutputTee::captured() const {
  std::lock_guard lock(mu_);
  return buf_;
}

bool OutputTee::truncated() const {
  std::lock_guard lock(mu_);
  return truncated_;
}

void OutputTee::keep(const char* data, size_t n) {
  std::lock_guard lock(mu_);
  size_t room = cap_ - std::min(cap_, buf_.size());
  if (n > room) truncated_ = true;
  buf_.append(data, std::min(n, room));
}

void OutputTee::pump() {
  char chunk[65536];
  bool reader_gone[2] = {false, false};
  for (;;) {
    pollfd fds[2];
    int open_count = 0;
    for (int i = 0; i < 2; ++i) {
      fds[i] = {read_[i], POLLIN, 0};
      if (read_[i] >= 0) ++open_count;
    }
    if (open_count == 0) return;
    int timeout = stopping_ ? kDrainQuietMs : 50;
    int n = poll(fds, 2, timeout);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      if (stopping_) return;
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (read_[i] < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(read_[i], chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close(read_[i]);
        read_[i] = -1;
        continue;
      }
      keep(chunk, static_cast<size_t>(got));
      if (!reader_gone[i] && !write_all(saved_[i], chunk, static_cast<size_t>(got))) {
        // Our reader went away (`vg exec -- yes | head`): close the pipe so the
        // command gets SIGPIPE as it would have without us.
        reader_gone[i] = true;
        close(read_[i]);
        read_[i] = -1;
      }
    }
  }
}

}  // namespace vg::sandbox
