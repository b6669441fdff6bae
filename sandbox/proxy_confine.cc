#include "sandbox/proxy_confine.h"
#include "sandbox/landlock_abi.h"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace vg::sandbox {

namespace {

// What resolving a name can read: glibc's resolver files and the NSS modules it loads.
// Files that are absent are skipped (a rule needs an open file).
constexpr const char* kReadable[] = {
    "/etc/resolv.conf", "/etc/hosts",   "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf",
    "/etc/services",    "/etc/protocols", "/etc/ld.so.cache", "/usr/lib",      "/lib",
    "/lib64",           "/usr/lib64",
};

bool apply_landlock(bool& applied) {
  applied = false;
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi <= 0) return true;  // no Landlock here: nothing to apply
  ll::RulesetAttr attr{ll::all_fs_rights(static_cast<int>(abi)), abi >= 4 ? ll::kNetBindTcp : 0, 0};
  const size_t size = abi >= 4 ? 2 * sizeof(std::uint64_t) : sizeof(std::uint64_t);  // fs (+ net)
  int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset < 0) return false;
  for (const char* path : kReadable) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st;
    const bool dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    landlock_path_beneath_attr rule{};
    rule.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE |
                          (dir ? LANDLOCK_ACCESS_FS_READ_DIR : 0);
    rule.parent_fd = fd;
    long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    close(fd);
    if (rc != 0) {
      close(ruleset);
      return false;
    }
  }
  long rc = syscall(SYS_landlock_restrict_self, ruleset, 0);
  close(ruleset);
  if (rc != 0) return false;
  applied = true;
  return true;
}

bool apply_seccomp() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) return false;
  // By name: a name this libseccomp does not know resolves to a negative number and is
  // skipped (it cannot be called through this library's headers either).
  static const char* const kDenied[] = {
      "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2",
      "pivot_root", "chroot", "unshare", "setns", "bpf", "keyctl", "add_key", "request_key",
      "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
      "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
      "fsopen", "fsmount", "open_tree", "move_mount", "personality",
  };
  bool ok = true;
  for (const char* name : kDenied) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) != 0) ok = false;
  }
  // No other architecture's syscalls (an x32 or i386 entry around the list above).
  ok = ok && seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) == 0;
  ok = ok && seccomp_load(ctx) == 0;
  seccomp_release(ctx);
  return ok;
}

}  // namespace

bool confine_proxy(ProxyConfinement& applied, std::string& error) {
  applied = {};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    error = std::string("cannot set no_new_privs (") + strerror(errno) + ")";
    return false;
  }
  if (!apply_landlock(applied.landlock)) {
    error = std::string("cannot apply its Landlock rules (") + strerror(errno) + ")";
    return false;
  }
  if (!apply_seccomp()) {
    error = "cannot load its seccomp filter";
    return false;
  }
  applied.seccomp = true;
  return true;
}

}  // namespace vg::sandbox
