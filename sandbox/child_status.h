// Small pieces every runner shares around starting a process and waiting for it.
#pragma once

#include <sys/wait.h>

#include <string>
#include <vector>

namespace vg::sandbox {

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
