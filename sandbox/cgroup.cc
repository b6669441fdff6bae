#include "sandbox/cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

namespace vg::sandbox {

std::string format_bytes(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = 1024ull * 1024, kGiB = kMiB * 1024;
  if (bytes % kGiB == 0) return fmt::format("{} GiB", bytes / kGiB);
  return fmt::format("{} MiB", bytes / kMiB);
}

std::string format_cpus(double cpus) {
  std::string s = fmt::format("{:.2f}", cpus);
  if (s.back() == '0') s.pop_back();  // 1.00 -> 1.0, 0.25 stays
  return s;
}

namespace {

// Where each controller's hierarchy is, for this process.
struct Hierarchies {
  std::map<std::string, std::string> v1;  // controller -> our cgroup dir in its v1 hierarchy
  std::string v2;                         // our cgroup dir in the v2 hierarchy, "" if none
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

Hierarchies find_hierarchies() {
  // /proc/self/cgroup: "ID:CONTROLLERS:PATH"; the v2 line is "0::PATH".
  std::map<std::string, std::string> path_of;  // controller list (or "") -> path
  std::ifstream cg("/proc/self/cgroup");
  for (std::string line; std::getline(cg, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    path_of[line.substr(a + 1, b - a - 1)] = line.substr(b + 1);
  }
  // /proc/self/mountinfo: "... MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPEROPTS".
  Hierarchies h;
  std::ifstream mi("/proc/self/mountinfo");
  for (std::string line; std::getline(mi, line);) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::vector<std::string> pre = split(line.substr(0, dash), ' ');
    std::vector<std::string> post = split(line.substr(dash + 3), ' ');
    if (pre.size() < 5 || post.size() < 3) continue;
    const std::string& root = pre[3];
    const std::string& mountpoint = pre[4];
    // Only mounts of the hierarchy's root (or our own cgroupns root) map paths simply.
    if (root != "/") continue;
    if (post[0] == "cgroup2") {
      auto it = path_of.find("");
      if (it != path_of.end() && h.v2.empty()) h.v2 = mountpoint + it->second;
    } else if (post[0] == "cgroup") {
      for (const auto& [controllers, path] : path_of) {
        if (controllers.empty()) continue;
        std::vector<std::string> names = split(controllers, ',');
        std::vector<std::string> opts = split(post[2], ',');
        bool same = true;
        for (const std::string& n : names)
          same = same && std::find(opts.begin(), opts.end(), n) != opts.end();
        if (!same) continue;
        for (const std::string& n : names)
          if (!h.v1.count(n)) h.v1[n] = mountpoint + path;
      }
    }
  }
  return h;
}

bool write_file(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One limit as each cgroup version spells it.
struct LimitFiles {
  std::string controller;
  std::vector<std::pair<std::string, std::string>> v1, v2;  // file, value (first is required)
  std::string what;                                          // "memory 1 GiB"
};

// Groups left behind by runs that were killed (SIGKILL skips our destructor): remove
// the empty ones whose owner is gone. Cheap: one readdir of a directory we write anyway.
void remove_stale_groups(const std::string& parent) {
  DIR* d = opendir(parent.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind("vectra-guard-", 0) != 0) continue;
    pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + 13));
    if (owner <= 0 || owner == getpid() || kill(owner, 0) == 0 || errno != ESRCH) continue;
    rmdir((parent + "/" + name).c_str());  // fails harmlessly while processes remain
  }
  closedir(d);
}

}  // namespace

CgroupLimits::~CgroupLimits() {
  close_fds();
  // The sandbox's processes are gone once its init exited, but the kernel may still be
  // tearing them down: retry briefly, then leave the empty cgroup behind.
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      if (rmdir(it->c_str()) == 0 || errno != EBUSY) break;
      usleep(2000);
    }
  }
}

void CgroupLimits::close_fds() {
  for (int fd : procs_fds_) close(fd);
  procs_fds_.clear();
}

bool CgroupLimits::join_in_child() const {
  for (int fd : procs_fds_)
    if (write(fd, "0\n", 2) != 2) return false;
  return true;
}

bool CgroupLimits::add_process(pid_t pid) const {
  std::string s = std::to_string(pid) + "\n";
  for (int fd : procs_fds_)
    if (write(fd, s.data(), s.size()) != static_cast<ssize_t>(s.size())) return false;
  return true;
}

std::vector<std::string> CgroupLimits::events() const {
  // "KEY N" lines: v1 memory.oom_control and v2 memory.events have "oom_kill N";
  // pids.events has "max N" in both versions.
  auto count = [](const std::string& text, const std::string& key) -> long {
    std::istringstream in(text);
    for (std::string k; in >> k;) {
      long n = 0;
      if (!(in >> n)) break;
      if (k == key) return n;
    }
    return 0;
  };
  long oom = 0, pids = 0;
  for (const std::string& dir : dirs_) {
    oom += count(read_file(dir + "/memory.oom_control"), "oom_kill");
    oom += count(read_file(dir + "/memory.events"), "oom_kill");
    pids += count(read_file(dir + "/pids.events"), "max");
  }
  std::vector<std::string> out;
  if (oom) out.push_back(fmt::format("out of memory: the memory limit was reached and the kernel killed {} process{}", oom, oom == 1 ? "" : "es"));
  if (pids) out.push_back(fmt::format("pids limit reached: {} fork{} refused", pids, pids == 1 ? " was" : "s were"));
  return out;
}

void CgroupLimits::setup(const Limits& limits, std::vector<std::string>& enforced,
                         std::vector<std::string>& not_enforced) {
  std::vector<LimitFiles> wanted;
  if (limits.memory_bytes) {
    std::string b = std::to_string(limits.memory_bytes);
    wanted.push_back({"memory",
                      {{"memory.limit_in_bytes", b}, {"memory.memsw.limit_in_bytes", b}},
                      {{"memory.max", b}, {"memory.swap.max", "0"}},
                      "memory " + format_bytes(limits.memory_bytes) + " for the whole sandbox"});
  }
  if (limits.cpus > 0) {
    long quota = std::lround(limits.cpus * 100000);
    wanted.push_back({"cpu",
                      {{"cpu.cfs_quota_us", std::to_string(quota)}},
                      {{"cpu.max", std::to_string(quota) + " 100000"}},
                      "cpu " + format_cpus(limits.cpus)});
  }
  if (limits.pids) {
    std::string n = std::to_string(limits.pids);
    wanted.push_back({"pids", {{"pids.max", n}}, {{"pids.max", n}},
                      "pids " + std::to_string(limits.pids)});
  }
  if (wanted.empty()) return;

  Hierarchies h = find_hierarchies();
  const std::string leaf = "vectra-guard-" + std::to_string(getpid());
  std::map<std::string, std::string> made;  // parent dir -> our child dir

  auto make_child = [&](const std::string& parent) -> std::string {
    if (auto it = made.find(parent); it != made.end()) return it->second;
    remove_stale_groups(parent);
    std::string dir = parent + "/" + leaf;
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return "";
    dirs_.push_back(dir);
    made[parent] = dir;
    return dir;
  };

  for (const LimitFiles& lf : wanted) {
    std::string reason = "no cgroup with the " + lf.controller + " controller that we may write";
    bool done = false;
    if (auto it = h.v1.find(lf.controller); it != h.v1.end() && access(it->second.c_str(), W_OK) == 0) {
      std::string dir = make_child(it->second);
      if (!dir.empty() && write_file(dir + "/" + lf.v1[0].first, lf.v1[0].second)) {
        if (lf.controller == "cpu") write_file(dir + "/cpu.cfs_period_us", "100000");
        for (size_t i = 1; i < lf.v1.size(); ++i) write_file(dir + "/" + lf.v1[i].first, lf.v1[i].second);
        enforced.push_back(lf.what + " (cgroup v1)");
        done = true;
      } else {
        reason = "cgroup v1 refused the limit (" + std::string(strerror(errno)) + ")";
      }
    }
    if (!done && !h.v2.empty() && access(h.v2.c_str(), W_OK) == 0) {
      std::string avail = read_file(h.v2 + "/cgroup.controllers");
      if (avail.find(lf.controller) == std::string::npos) {
        reason = "cgroup v2 here does not delegate the " + lf.controller + " controller";
      } else if (std::string dir = make_child(h.v2); dir.empty()) {
        reason = "cannot create a cgroup v2 group (" + std::string(strerror(errno)) + ")";
      } else {
        if (!exists(dir + "/" + lf.v2[0].first))
          write_file(h.v2 + "/cgroup.subtree_control", "+" + lf.controller);
        if (write_file(dir + "/" + lf.v2[0].first, lf.v2[0].second)) {
          for (size_t i = 1; i < lf.v2.size(); ++i) write_file(dir + "/" + lf.v2[i].first, lf.v2[i].second);
          enforced.push_back(lf.what + " (cgroup v2)");
          done = true;
        } else {
          reason = "cgroup v2 would not enable the " + lf.controller +
                   " controller for a child group (our group holds processes)";
        }
      }
    }
    if (!done) not_enforced.push_back(lf.what + ": " + reason);
  }

  // Keep only the groups that got a limit; open their cgroup.procs for the child.
  for (const auto& [parent, dir] : made) {
    int fd = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) procs_fds_.push_back(fd);
  }
}

}  // namespace vg::sandbox
