// What the session broker reads of a process that asked to exec: its memory (argv,
// path), its /proc entries, and the freeze that keeps other writers of that memory
// still while the broker reads and answers (the seccomp-notify TOCTOU race).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vg::cli {

// A NUL-ended string at `addr` in `tid`'s memory (at most `max` bytes); nullopt when
// unreadable or longer.
std::optional<std::string> read_tracee_string(pid_t tid, std::uint64_t addr, size_t max);

// The strings of a NULL-ended pointer array (argv, envp) in `tid`'s memory; `where`
// (if given) gets the array's address and each string's.
std::optional<std::vector<std::string>> read_tracee_strings(pid_t tid, std::uint64_t addr,
                                                            std::vector<std::uint64_t>* where = nullptr);

// True when any of these addresses lies in a shared mapping of `tid` (MAP_SHARED: a
// process that does not share its memory may still write there, unfrozen).
bool in_shared_mapping(pid_t tid, const std::vector<std::uint64_t>& addrs);

// Thread group id and parent of a task; 0 when it is gone.
pid_t tgid_of(pid_t tid);
pid_t parent_of(pid_t pid);

// Start time (clock ticks since boot), to tell a pid from a later one with the same number.
std::uint64_t start_time_of(pid_t pid);

// Every other process (thread group) of the session whose memory is `tid`'s; `broker`
// is the session's subreaper.
std::vector<pid_t> processes_sharing_mm(pid_t tid, pid_t broker);

// Freezes every task other than the caller that could rewrite the caller's memory while
// the broker reads the exec's arguments and the kernel re-reads them after "continue":
// other threads of the caller and every process sharing its mm (CLONE_VM, vfork
// parents). SIGSTOP on their thread groups; the caller itself waits in the seccomp
// notification, which SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV keeps from being
// interrupted. A vfork parent's waiting thread cannot run and counts as frozen.
class WriterFreeze {
 public:
  // false: the writers could not be frozen (the exec must be refused).
  bool freeze(pid_t caller, pid_t broker, bool own_group_ok);
  // After a "continue": wait (bounded) until the exec has copied its arguments, then
  // let the writers go. After a refusal: let them go at once.
  void release(pid_t caller, bool continued);
  ~WriterFreeze();

 private:
  struct Group {
    pid_t tgid;
    pid_t witness;  // a task of the group sharing the caller's mm (kcmp)
  };
  std::vector<Group> stopped_;
};

}  // namespace vg::cli
