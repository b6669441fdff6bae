#include "sandbox/reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace vg::sandbox {

namespace {

std::vector<pid_t> numeric_entries(const char* dir) {
  std::vector<pid_t> out;
  if (DIR* d = opendir(dir)) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9') out.push_back(static_cast<pid_t>(std::atoi(e->d_name)));
    closedir(d);
  }
  return out;
}

// Without /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN): every process's parent.
std::vector<pid_t> children_by_scan() {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  for (pid_t pid : numeric_entries("/proc")) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    size_t close = line.rfind(')');  // the name may hold spaces and parentheses
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    char state;
    pid_t ppid = 0;
    if (rest >> state >> ppid && ppid == self) out.push_back(pid);
  }
  return out;
}

}  // namespace

bool become_subreaper() { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; }

std::vector<pid_t> children_of_self() {
  std::vector<pid_t> out;
  bool listed = false;
  for (pid_t tid : numeric_entries("/proc/self/task")) {
    std::string path = "/proc/self/task/" + std::to_string(tid) + "/children";
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    listed = true;
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(fd);
    for (const char* p = text.c_str(); *p;) {
      char* end;
      long pid = std::strtol(p, &end, 10);
      if (end == p) break;
      out.push_back(static_cast<pid_t>(pid));
      p = end;
    }
  }
  return listed ? out : children_by_scan();
}

int kill_descendants(pid_t spare) {
  int killed = 0;
  for (;;) {
    std::vector<pid_t> kids = children_of_self();
    std::erase(kids, spare);
    if (kids.empty()) return killed;
    for (pid_t pid : kids) killed += kill(pid, SIGKILL) == 0;
    // Each one's own children come to us as it dies: the next round takes them.
    for (pid_t pid : kids) waitpid(pid, nullptr, 0);
  }
}

}  // namespace vg::sandbox
