#include "sandbox/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "sandbox/seccomp_profile.h"
#include "sandbox/socket_policy.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace vg::sandbox {

const std::vector<std::string>& denied_syscalls() {
  static const std::vector<std::string> list = {
      // Inspecting or steering other processes.
      "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
      // Kernel attack surface a build never needs.
      "kexec_load", "kexec_file_load", "bpf", "perf_event_open", "userfaultfd",
      "io_uring_setup", "io_uring_enter", "io_uring_register",
      "init_module", "finit_module", "delete_module", "lookup_dcookie", "uselib",
      "iopl", "ioperm", "vm86", "vm86old", "nfsservctl", "quotactl", "acct", "syslog",
      "swapon", "swapoff", "reboot", "open_by_handle_at", "name_to_handle_at",
      // The kernel keyring holds other sessions' secrets.
      "keyctl", "add_key", "request_key",
      // Changing the filesystem view from inside.
      "mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
      "fsmount", "fsconfig", "fspick", "mount_setattr", "chroot",
      // Joining other namespaces.
      "setns",
  };
  return list;
}

namespace {

using FilterPtr = std::unique_ptr<void, void (*)(scmp_filter_ctx)>;

constexpr unsigned long kNewNamespaceFlags[] = {CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,
                                                CLONE_NEWNET, CLONE_NEWUTS,  CLONE_NEWIPC,
                                                CLONE_NEWCGROUP, CLONE_NEWTIME};

// libseccomp knows every name we list, but an older one may not: skip those.
int resolve(const char* name) { return seccomp_syscall_resolve_name(name); }

// Which sockets may be created: socket_policy.cc.
bool add_socket_rules(scmp_filter_ctx ctx, const SeccompPolicy& policy, std::string& error) {
  for (const DenyRule& r : socket_deny_rules({policy.allow_unix_sockets, policy.inet_datagrams})) {
    int nr = resolve(r.syscall.c_str());
    if (nr == __NR_SCMP_ERROR) continue;
    std::vector<scmp_arg_cmp> args;
    for (const ArgCondition& c : r.args)
      args.push_back(c.greater ? scmp_arg_cmp{c.index, SCMP_CMP_GT, c.value, 0}
                               : scmp_arg_cmp{c.index, SCMP_CMP_MASKED_EQ, c.mask, c.value});
    int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(static_cast<uint16_t>(r.err)), nr,
                                    static_cast<unsigned>(args.size()), args.data());
    if (rc < 0) {
      error = "cannot build the seccomp filter (" + r.syscall + ": " + strerror(-rc) + ")";
      return false;
    }
  }
  return true;
}

bool add_rules(scmp_filter_ctx ctx, const SeccompPolicy& policy, std::string& error) {
  auto fail = [&](const char* what, int rc) {
    error = std::string("cannot build the seccomp filter (") + what + ": " + strerror(-rc) + ")";
    return false;
  };
  const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
  for (const std::string& name : denied_syscalls()) {
    int nr = resolve(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;
    int rc = seccomp_rule_add(ctx, eperm, nr, 0);
    if (rc < 0) return fail(name.c_str(), rc);
  }
  // clone3 passes its flags in memory the filter cannot read: make libc use clone.
  if (int nr = resolve("clone3"); nr != __NR_SCMP_ERROR) {
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
    if (rc < 0) return fail("clone3", rc);
  }
  // No new namespaces: they would let a process remount or re-map what we set up.
  for (unsigned long flag : kNewNamespaceFlags) {
    for (const char* call : {"unshare", "clone"}) {
      int rc = seccomp_rule_add(ctx, eperm, resolve(call), 1,
                                SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
      if (rc < 0) return fail(call, rc);
    }
  }
  // Typing into the user's terminal from inside (TIOCSTI) or poking the console.
  for (unsigned long request : {static_cast<unsigned long>(TIOCSTI),
                                static_cast<unsigned long>(TIOCLINUX)}) {
    int rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
                              SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, request));
    if (rc < 0) return fail("ioctl", rc);
  }
  return add_socket_rules(ctx, policy, error);
}

}  // namespace

namespace {

// The built-in filter for `policy` (only its socket rules when `sockets_only`) as a
// libseccomp context, or null with `error` set.
scmp_filter_ctx builtin_filter(const SeccompPolicy& policy, std::string& error, bool sockets_only = false) {
  FilterPtr ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx) {
    error = "cannot build the seccomp filter (libseccomp could not start one)";
    return nullptr;
  }
  // 32-bit (i386) and x32 programs run on x86_64 kernels too: the same rules apply to
  // them, translated by libseccomp, instead of leaving those entry points open.
  if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
    for (uint32_t arch : {SCMP_ARCH_X86, SCMP_ARCH_X32}) {
      int rc = seccomp_arch_add(ctx.get(), arch);
      if (rc < 0 && rc != -EEXIST) {
        error = std::string("cannot build the seccomp filter (adding an architecture: ") +
                strerror(-rc) + ")";
        return nullptr;
      }
    }
  }
  bool ok = sockets_only ? add_socket_rules(ctx.get(), policy, error) : add_rules(ctx.get(), policy, error);
  if (!ok) return nullptr;
  return ctx.release();
}

int sealed_memfd(std::string& error) {
  int fd = memfd_create("vg-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    error = std::string("cannot build the seccomp filter (memfd_create: ") + strerror(errno) + ")";
  return fd;
}

int rewind_and_seal(int fd, std::string& error) {
  if (lseek(fd, 0, SEEK_SET) != 0) {
    error = std::string("cannot export the seccomp filter (") + strerror(errno) + ")";
    close(fd);
    return -1;
  }
  fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return fd;
}

}  // namespace

bool export_builtin_bpf(const SeccompPolicy& policy, int fd, std::string& error) {
  FilterPtr ctx(builtin_filter(policy, error), seccomp_release);
  if (!ctx) return false;
  int rc = seccomp_export_bpf(ctx.get(), fd);
  if (rc < 0) error = std::string("cannot export the seccomp filter (") + strerror(-rc) + ")";
  return rc >= 0;
}

int seccomp_bpf_memfd(const SeccompPolicy& policy, std::string& error) {
  int fd = -1;
  if (policy.profile_path.empty()) {
    // The built-in filter never changes between runs: use the copy made at build time
    // (compiling it costs a few ms on every sandbox start), when it is for this machine.
    std::string_view bpf = precompiled_builtin_bpf(policy, seccomp_arch_native());
    if ((fd = sealed_memfd(error)) < 0) return -1;
    bool ok = bpf.empty() ? export_builtin_bpf(policy, fd, error)
                          : write(fd, bpf.data(), bpf.size()) == static_cast<ssize_t>(bpf.size());
    if (!ok) {
      if (error.empty()) error = std::string("cannot write the seccomp filter (") + strerror(errno) + ")";
      close(fd);
      return -1;
    }
    return rewind_and_seal(fd, error);
  }
  FilterPtr ctx(load_docker_seccomp_profile(policy.profile_path, error), seccomp_release);
  if (!ctx) return -1;
  if ((fd = sealed_memfd(error)) < 0) return -1;
  int rc = seccomp_export_bpf(ctx.get(), fd);
  if (rc < 0) {
    error = std::string("cannot export the seccomp filter (") + strerror(-rc) + ")";
    close(fd);
    return -1;
  }
  return rewind_and_seal(fd, error);
}

int socket_filter_memfd(const SeccompPolicy& policy, std::string& error) {
  FilterPtr ctx(builtin_filter(policy, error, true), seccomp_release);
  if (!ctx) return -1;
  int fd = sealed_memfd(error);
  if (fd < 0) return -1;
  int rc = seccomp_export_bpf(ctx.get(), fd);
  if (rc < 0) {
    error = std::string("cannot export the seccomp filter (") + strerror(-rc) + ")";
    close(fd);
    return -1;
  }
  return rewind_and_seal(fd, error);
}

}  // namespace vg::sandbox
