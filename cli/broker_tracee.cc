#include "cli/broker_tracee.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace vg::cli {
namespace {

constexpr size_t kMaxArgs = 1 << 16;
constexpr size_t kMaxArgBytes = 4 << 20;  // more than the kernel's own limit

bool read_mem(pid_t tid, std::uint64_t addr, void* out, size_t n) {
  struct iovec local = {out, n};
  struct iovec remote = {reinterpret_cast<void*>(addr), n};
  return process_vm_readv(tid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(n);
}

// A /proc file's text. Plain read(2): this runs several times per exec, and a stream
// costs more than the read itself.
std::string read_small(const std::string& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

// Field `n` (1-based, as in proc(5)) of /proc/PID/stat; the name in parentheses may hold spaces.
std::string stat_field(const std::string& stat, int n) {
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream in(stat.substr(close + 2));
  std::string f;
  for (int i = 3; i <= n && (in >> f); ++i) {
  }
  return f;
}

bool same_mm(pid_t a, pid_t b) { return syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0) == 0; }

std::vector<pid_t> tasks_of(pid_t tgid) {
  std::vector<pid_t> out;
  DIR* d = opendir(("/proc/" + std::to_string(tgid) + "/task").c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9') out.push_back(std::atoi(e->d_name));
  }
  closedir(d);
  return out;
}

// A thread that cannot touch memory until we let it: stopped, or a vfork parent
// waiting for its child (clone/vfork/clone3 in progress, not running).
bool is_still(pid_t tgid, pid_t tid) {
  std::string base = "/proc/" + std::to_string(tgid) + "/task/" + std::to_string(tid);
  std::string st = read_small(base + "/stat");
  if (st.empty()) return true;  // gone
  std::string state = stat_field(st, 3);
  if (state == "T" || state == "t" || state == "Z" || state == "X") return true;
  if (state != "D") return false;
  std::string sc = read_small(base + "/syscall");
  long nr = std::strtol(sc.c_str(), nullptr, 10);
  return sc.rfind("running", 0) != 0 && (nr == SYS_clone || nr == SYS_vfork || nr == SYS_clone3);
}

void sleep_us(long us) {
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, nullptr);
}

}  // namespace

std::optional<std::string> read_tracee_string(pid_t tid, std::uint64_t addr, size_t max) {
  std::string out;
  char buf[4096];
  while (out.size() < max) {
    // Never read across a page boundary in one go: the next page may be unmapped.
    size_t n = 4096 - (addr % 4096);
    if (!read_mem(tid, addr, buf, n)) return std::nullopt;
    const char* nul = static_cast<const char*>(std::memchr(buf, '\0', n));
    if (nul) return out.append(buf, static_cast<size_t>(nul - buf));
    out.append(buf, n);
    addr += n;
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_tracee_strings(pid_t tid, std::uint64_t addr,
                                                            std::vector<std::uint64_t>* where) {
  std::vector<std::string> out;
  size_t bytes = 0;
  if (addr == 0) return out;
  if (where) where->push_back(addr);
  for (size_t i = 0; i < kMaxArgs; ++i) {
    std::uint64_t p = 0;
    if (!read_mem(tid, addr + i * sizeof p, &p, sizeof p)) return std::nullopt;
    if (p == 0) return out;
    if (where) where->push_back(p);
    std::optional<std::string> s = read_tracee_string(tid, p, kMaxArgBytes - bytes);
    if (!s) return std::nullopt;
    bytes += s->size() + 1;
    out.push_back(std::move(*s));
  }
  return std::nullopt;
}

bool in_shared_mapping(pid_t tid, const std::vector<std::uint64_t>& addrs) {
  std::string maps = read_small("/proc/" + std::to_string(tid) + "/maps");
  if (maps.empty()) return true;  // cannot tell: as if shared
  for (size_t pos = 0; pos < maps.size();) {
    size_t eol = maps.find('\n', pos);
    if (eol == std::string::npos) eol = maps.size();
    // "start-end perms ...": perms[3] is 's' for a shared mapping.
    size_t space = maps.find(' ', pos);
    if (space != std::string::npos && space + 4 < eol && maps[space + 4] == 's') {
      char* end = nullptr;
      std::uint64_t lo = std::strtoull(maps.c_str() + pos, &end, 16);
      std::uint64_t hi = std::strtoull(end + 1, nullptr, 16);
      for (std::uint64_t a : addrs) {
        if (a >= lo && a < hi) return true;
      }
    }
    pos = eol + 1;
  }
  return false;
}

pid_t tgid_of(pid_t tid) {
  std::istringstream in(read_small("/proc/" + std::to_string(tid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Tgid:", 0) == 0) return std::atoi(line.c_str() + 5);
  }
  return 0;
}

pid_t parent_of(pid_t pid) {
  return std::atoi(stat_field(read_small("/proc/" + std::to_string(pid) + "/stat"), 4).c_str());
}

std::uint64_t start_time_of(pid_t pid) {
  return std::strtoull(stat_field(read_small("/proc/" + std::to_string(pid) + "/stat"), 22).c_str(), nullptr, 10);
}

std::vector<pid_t> children_of(pid_t tgid) {
  std::vector<pid_t> out;
  for (pid_t t : tasks_of(tgid)) {
    std::istringstream in(read_small("/proc/" + std::to_string(tgid) + "/task/" + std::to_string(t) + "/children"));
    pid_t c;
    while (in >> c) out.push_back(c);
  }
  return out;
}

std::vector<pid_t> processes_sharing_mm(pid_t tid, pid_t broker) {
  // The session's filter lets memory be shared only by threads and vfork (a CLONE_VM
  // child without CLONE_THREAD or CLONE_VFORK, CLONE_PARENT and clone3 are refused), so
  // sharers are linked by parent/child edges through other sharers, or were orphaned
  // to the broker (the subreaper): walk those edges, keep what kcmp says shares.
  pid_t tgid = tgid_of(tid);
  std::vector<pid_t> out;
  std::set<pid_t> seen = {tgid, broker};
  std::vector<pid_t> todo = {tgid};
  for (pid_t c : children_of(broker)) todo.push_back(c);
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    if (p != tgid) {
      if (!seen.insert(p).second || !same_mm(tid, p)) continue;
      out.push_back(p);
    }
    std::vector<pid_t> next = children_of(p);
    next.push_back(parent_of(p));
    for (pid_t n : next) {
      if (n > 1 && !seen.contains(n)) todo.push_back(n);
    }
  }
  return out;
}

bool WriterFreeze::freeze(pid_t caller, pid_t broker, bool own_group_ok) {
  pid_t tgid = tgid_of(caller);
  if (tgid == 0) return false;
  // Other threads of the caller's own process.
  for (pid_t t : tasks_of(tgid)) {
    if (t == caller) continue;
    if (!own_group_ok) return false;
    stopped_.push_back({tgid, t});
    break;
  }
  // Processes sharing the caller's memory (CLONE_VM without CLONE_THREAD: vfork).
  for (pid_t p : processes_sharing_mm(caller, broker)) stopped_.push_back({p, p});
  // A single-threaded vfork parent is still already (it waits for the caller): no
  // signal needed, which is the common posix_spawn case (make, Python).
  std::erase_if(stopped_, [&](const Group& g) {
    std::vector<pid_t> ts = tasks_of(g.tgid);
    return g.tgid != tgid && ts.size() == 1 && is_still(g.tgid, ts[0]);
  });
  // To each thread, not to the process: a process-directed SIGSTOP may be handed to
  // the caller, whose killable wait never takes it, and the others would run on.
  for (const Group& g : stopped_) {
    for (pid_t t : tasks_of(g.tgid)) {
      if (t != caller && syscall(SYS_tgkill, g.tgid, t, SIGSTOP) != 0 && errno != ESRCH) return false;
    }
  }
  // Wait until each of their threads is still (bounded: 200 ms).
  for (int round = 0; round < 4000; ++round) {
    bool all = true;
    for (const Group& g : stopped_) {
      for (pid_t t : tasks_of(g.tgid)) {
        if (t != caller && !is_still(g.tgid, t)) all = false;
      }
    }
    if (all) return true;
    sleep_us(50);
  }
  return false;
}

void WriterFreeze::release(pid_t caller, bool continued) {
  if (stopped_.empty()) return;
  if (continued) {
    // The exec has copied its arguments once the caller no longer shares the
    // witnesses' memory (a new mm, or they died in de_thread), or the caller is gone.
    // A failed exec leaves both as they were: the bound lets them go.
    for (int round = 0; round < 4000; ++round) {
      bool done = true;
      for (const Group& g : stopped_) {
        if (same_mm(caller, g.witness)) done = false;
      }
      if (done) break;
      sleep_us(50);
    }
  }
  for (const Group& g : stopped_) kill(g.tgid, SIGCONT);
  stopped_.clear();
}

WriterFreeze::~WriterFreeze() {
  for (const Group& g : stopped_) kill(g.tgid, SIGCONT);
}

}  // namespace vg::cli
