// Watching a sandboxed command's stderr for the one failure a new user cannot place: a
// path under $HOME that is read-only (or missing) in the sandbox. The bytes reach the
// user unchanged; a copying thread only looks at lines that name the home.
//
// How stderr is observed: our fd 2 is swapped for a pipe, or, when it is a terminal, for
// a pseudo-terminal in raw mode with the terminal's size, so the command still sees a
// terminal on stderr (colours, progress) and the bytes pass through as written. stdout
// is never touched. Limits: the pty's size is copied once at the start (a resize during
// the run is not passed on), and the command cannot make stderr its controlling terminal.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace vg::sandbox {

struct HomePathProblem {
  std::string path;        // as the command printed it, under home
  bool read_only = false;  // else: missing
};

// The first line of `text` that calls a path under `home` read-only (EROFS) or missing
// (ENOENT), if any (pure).
std::optional<HomePathProblem> find_home_path_problem(std::string_view text, const std::string& home);

// The one line vectra-guard adds after the command's own output.
std::string home_path_hint(const HomePathProblem& p, const std::string& home, const std::string& runtime);

class StderrWatch {
 public:
  explicit StderrWatch(std::string home) : home_(std::move(home)) {}
  ~StderrWatch() { finish(); }
  StderrWatch(const StderrWatch&) = delete;
  StderrWatch& operator=(const StderrWatch&) = delete;

  // Swap fd 2 and start copying; false leaves fd 2 as it was (then nothing is watched).
  bool start();
  // Put fd 2 back after copying what is still in flight.
  void finish();
  std::optional<HomePathProblem> problem() const;

 private:
  void pump();
  void look(const char* data, size_t n);

  std::string home_;
  int saved_ = -1;  // the original stderr
  int read_ = -1;   // pipe read end or pty master
  bool pty_ = false;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::string partial_;  // the current line, when it may name the home (capped)
  std::optional<HomePathProblem> problem_;
};

}  // namespace vg::sandbox
