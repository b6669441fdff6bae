// Small pieces every runner shares around starting a process and waiting for it.
#pragma once

#include <limits.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace vg::sandbox {

// The terminal and job-control signals a runner passes on to the sandbox.
inline constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1, SIGUSR2};

// Block the forwarded signals and SIGCHLD (saving the old mask in `old_mask`) and return
// a non-blocking signalfd that delivers them, or -1.
inline int forwarded_signals_fd(sigset_t* old_mask) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kForwarded) sigaddset(&set, s);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, old_mask);
  return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

// Ctrl-Z for a sandbox in a session of its own, which the terminal's SIGTSTP never
// reaches: the runner also takes SIGTSTP and SIGCONT on `sfd` (from forwarded_signals_fd)
// to pass them on (see stop_for_job_control). Not for a terminal session (sandbox shell).
inline void take_job_control_signals(int sfd) {
  sigset_t set, add;
  sigemptyset(&set);
  sigemptyset(&add);
  for (int s : kForwarded) sigaddset(&set, s);
  sigaddset(&set, SIGCHLD);
  for (int s : {SIGTSTP, SIGCONT}) {
    sigaddset(&set, s);
    sigaddset(&add, s);
  }
  sigprocmask(SIG_BLOCK, &add, nullptr);
  signalfd(sfd, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

// After passing SIGTSTP on: stop ourselves as the terminal meant to (with SIGTSTP, so the
// shell reports the job as stopped by the terminal); `fg`'s SIGCONT resumes us here and is
// passed on in turn.
inline void stop_for_job_control() {
  sigset_t tstp;
  sigemptyset(&tstp);
  sigaddset(&tstp, SIGTSTP);
  struct sigaction dfl{}, old{};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGTSTP, &dfl, &old);
  sigprocmask(SIG_UNBLOCK, &tstp, nullptr);
  kill(getpid(), SIGTSTP);  // delivered before kill returns: we stop here
  sigprocmask(SIG_BLOCK, &tstp, nullptr);
  sigaction(SIGTSTP, &old, nullptr);
}

// Where bwrap and container engines are looked up: $VG_TOOL_PATH when set (an agent
// session's broker sets it to the session's PATH, so the agent's own PATH cannot pick
// the program the broker starts outside its confinement), else $PATH.
inline const char* tool_search_path() {
  const char* tools = std::getenv("VG_TOOL_PATH");
  return tools && *tools ? tools : std::getenv("PATH");
}

// A helper program installed next to vectra-guard (bin/NAME, or libexec/vectra-guard/NAME
// beside bin/), or "" when there is none.
inline std::string helper_binary(const std::string& name) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  self[n] = 0;
  std::string dir(self);
  dir.erase(dir.rfind('/'));
  for (std::string candidate : {dir + "/" + name, dir + "/../libexec/vectra-guard/" + name})
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  return "";
}

// argv/envp for exec: pointers into `v`, NULL-terminated; `v` must outlive them.
inline std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// A wait status as a shell's `$?`: the exit code, or 128+N after signal N;
// `otherwise` for anything else (the runners use 125: the sandbox failed).
inline int shell_status(int wstatus, int otherwise = 125) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return otherwise;
}

}  // namespace vg::sandbox
