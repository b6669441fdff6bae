// Copying a command's output into the audit log (log_output = true) while it still
// reaches the user byte for byte: our stdout and stderr are swapped for pipes, and a
// thread copies each pipe to the original descriptor and into a size-capped buffer.
// Anything we start meanwhile (host_run, bwrap) inherits the pipes.
//
// Side effects a user may notice, only when capturing is configured: the command sees
// pipes instead of a terminal on stdout/stderr, and a background process that keeps
// writing after the command ended is cut off (it gets EPIPE) once we exit.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace vg::sandbox {

class OutputTee {
 public:
  explicit OutputTee(size_t cap) : cap_(cap) {}
  ~OutputTee() { finish(); }
  OutputTee(const OutputTee&) = delete;
  OutputTee& operator=(const OutputTee&) = delete;

  // Redirect fds 1 and 2 into the pipes and start copying. False (with `error`) leaves
  // the descriptors untouched.
  bool start(std::string* error);
  // Put the original fds back, copy what is still buffered, stop the thread.
  void finish();

  // stdout and stderr interleaved as they arrived, at most `cap` bytes.
  std::string captured() const;
  bool truncated() const;
  // Where our own notices go meanwhile, so they stay out of the capture: the
  // original stderr while capturing, else 2.
  int notice_fd() const { return saved_[1] >= 0 ? saved_[1] : 2; }

 private:
  void pump();
  void keep(const char* data, size_t n);

  size_t cap_;
  int saved_[2] = {-1, -1};  // the original stdout, stderr
  int read_[2] = {-1, -1};   // our ends of the pipes
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::string buf_;
  bool truncated_ = false;
};

}  // namespace vg::sandbox
