#include "cli/broker_filter.h"
#include "core/fd_passing.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vg::cli {
namespace {

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

// The BPF program libseccomp compiles, as bytes (it can only export to a descriptor).
bool compile(std::string& bpf) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) return false;
  bool ok = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS)) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(process_vm_writev), 0) == 0;
  // Memory is shared only the common ways - threads (CLONE_THREAD) and vfork - so the
  // broker finds every task sharing an exec caller's memory among its relatives. clone3
  // hides its flags from the filter: ENOSYS, and libc falls back to clone.
  ok = ok &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                        SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_VM | CLONE_THREAD | CLONE_VFORK, CLONE_VM)) == 0 &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                        SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_PARENT, CLONE_PARENT)) == 0 &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) == 0;
  // SIGCONT would thaw a process the broker froze while it reads an exec's arguments.
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1, SCMP_A1(SCMP_CMP_EQ, SIGCONT)) == 0 &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tkill), 1, SCMP_A1(SCMP_CMP_EQ, SIGCONT)) == 0 &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tgkill), 1, SCMP_A2(SCMP_CMP_EQ, SIGCONT)) == 0 &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(rt_sigqueueinfo), 1, SCMP_A1(SCMP_CMP_EQ, SIGCONT)) == 0 &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(rt_tgsigqueueinfo), 1, SCMP_A2(SCMP_CMP_EQ, SIGCONT)) == 0 &&
       seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pidfd_send_signal), 1, SCMP_A1(SCMP_CMP_EQ, SIGCONT)) == 0;
  int fd = ok ? memfd_create("vg-exec-filter", MFD_CLOEXEC) : -1;
  ok = fd >= 0 && seccomp_export_bpf(ctx, fd) == 0;
  seccomp_release(ctx);
  if (ok) {
    off_t size = lseek(fd, 0, SEEK_END);
    bpf.resize(static_cast<size_t>(size > 0 ? size : 0));
    ok = size > 0 && pread(fd, bpf.data(), bpf.size(), 0) == size;
  }
  if (fd >= 0) close(fd);
  return ok;
}

}  // namespace

bool send_fd(int sock, int fd, const void* data, size_t size) { return send_with_fds(sock, data, size, &fd, 1); }

int receive_fd(int sock, void* data, size_t size, size_t* got) {
  int fd = -1;
  size_t nfds = 0;
  ssize_t n = receive_with_fds(sock, data, size, &fd, 1, &nfds);
  if (n < 0) return -1;
  if (got) *got = static_cast<size_t>(n);
  return nfds == 1 ? fd : -1;
}

int install_exec_filter(int sock) {
  std::string bpf;
  if (!compile(bpf)) return EINVAL;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(bpf.size() / sizeof(sock_filter));
  prog.filter = reinterpret_cast<sock_filter*>(bpf.data());
  char killable = '1';
  long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                          SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
  if (listener < 0 && errno == EINVAL) {
    killable = '0';
    listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  }
  if (listener < 0) return errno;
  int e = send_fd(sock, static_cast<int>(listener), &killable, 1) ? 0 : errno;
  close(static_cast<int>(listener));
  return e;
}

int receive_exec_listener(int sock, bool* killable) {
  char byte = 0;
  size_t got = 0;
  int fd = receive_fd(sock, &byte, 1, &got);
  *killable = byte == '1';
  return fd;
}

}  // namespace vg::cli
