// The seccomp filter: builds and exports, what it denies (checked in a forked child
// that loads it), and Docker-format profiles.
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sandbox/seccomp.h"
#include "sandbox/seccomp_profile.h"

using namespace vg::sandbox;

namespace {

// Load the filter from `fd` in a child, run `probe` there; returns its exit code.
int in_filtered_child(int fd, int (*probe)()) {
  struct stat st;
  cr_assert_eq(fstat(fd, &st), 0);
  std::vector<sock_filter> prog(static_cast<size_t>(st.st_size) / sizeof(sock_filter));
  cr_assert_eq(pread(fd, prog.data(), static_cast<size_t>(st.st_size), 0), st.st_size);
  pid_t pid = fork();
  if (pid == 0) {
    sock_fprog fprog = {static_cast<unsigned short>(prog.size()), prog.data()};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(90);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) _exit(91);
    _exit(probe());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status), "the child was killed: a denial must be an error, not a kill");
  return WEXITSTATUS(status);
}

int filter_fd(bool allow_unix, bool datagrams = true) {
  std::string err;
  int fd = seccomp_bpf_memfd({allow_unix, "", datagrams}, err);
  cr_assert_geq(fd, 0, "%s", err.c_str());
  return fd;
}

}  // namespace

Test(seccomp, required_calls_on_the_deny_list) {
  const auto& d = denied_syscalls();
  for (const char* n : {"ptrace", "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load",
                        "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
                        "io_uring_setup", "io_uring_enter", "io_uring_register", "mount", "umount2",
                        "pivot_root", "move_mount", "open_tree", "fsopen", "fsmount", "setns"})
    cr_assert(std::find(d.begin(), d.end(), n) != d.end(), "%s not denied", n);
}

Test(seccomp, exports_a_sealed_rewound_program) {
  int fd = filter_fd(false);
  struct stat st;
  cr_assert_eq(fstat(fd, &st), 0);
  cr_assert_gt(st.st_size, 0);
  cr_assert_eq(st.st_size % static_cast<off_t>(sizeof(sock_filter)), 0);
  cr_assert_eq(lseek(fd, 0, SEEK_CUR), 0);
  cr_assert_lt(write(fd, "x", 1), 0, "sealed against writes");
  close(fd);
}

Test(seccomp, ptrace_denied_with_eperm) {
  int fd = filter_fd(false);
  int rc = in_filtered_child(fd, [] {
    return ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) == -1 && errno == EPERM ? 0 : 1;
  });
  cr_assert_eq(rc, 0);
  close(fd);
}

Test(seccomp, unix_sockets_denied_by_default) {
  int fd = filter_fd(false);
  cr_assert_eq(in_filtered_child(fd, [] { return socket(AF_UNIX, SOCK_STREAM, 0) < 0 && errno == EPERM ? 0 : 1; }), 0);
  close(fd);
}

Test(seccomp, unix_sockets_allowed_when_configured) {
  int fd = filter_fd(true);
  cr_assert_eq(in_filtered_child(fd, [] { return socket(AF_UNIX, SOCK_STREAM, 0) >= 0 ? 0 : 1; }), 0);
  close(fd);
}

Test(seccomp, vsock_always_denied) {
  int fd = filter_fd(true);
  cr_assert_eq(in_filtered_child(fd, [] { return socket(AF_VSOCK, SOCK_STREAM, 0) < 0 && errno == EPERM ? 0 : 1; }), 0);
  close(fd);
}

Test(seccomp, inet_sockets_still_work) {
  int fd = filter_fd(false);
  cr_assert_eq(in_filtered_child(fd, [] { return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1; }), 0);
  close(fd);
}

// The kernel reads family, type, protocol and the ioctl request as 32-bit ints: garbage in
// the upper half of the register must not slip a call past a rule.
constexpr long kHigh = 1L << 32;

// socket(2) straight through syscall(2), so the upper halves reach the kernel as given;
// 0 when it failed with `err` (any error for 0), 1 when it failed otherwise, 2 when it
// made a socket.
int raw_socket_fails_with(long family, long type, long protocol, int err) {
  long fd = syscall(SYS_socket, family, type, protocol);
  if (fd >= 0) return 2;
  return err == 0 || errno == err ? 0 : 1;
}

Test(seccomp, unix_socket_with_high_bits_in_the_family_denied) {
  int fd = filter_fd(false);
  cr_assert_eq(in_filtered_child(fd, [] {
                 long s = syscall(SYS_socket, kHigh | AF_UNIX, SOCK_STREAM, 0);
                 return s < 0 ? 0 : 1;
               }),
               0, "socket(1<<32 | AF_UNIX) made a unix socket");
  close(fd);
}

Test(seccomp, high_bits_do_not_open_other_families_types_or_protocols) {
  int fd = filter_fd(true);
  cr_assert_eq(in_filtered_child(fd, [] {
                 if (syscall(SYS_socket, kHigh | AF_VSOCK, SOCK_STREAM, 0) >= 0) return 1;
                 if (syscall(SYS_socket, AF_INET, kHigh | SOCK_SEQPACKET, 0) >= 0) return 2;
                 if (syscall(SYS_socket, AF_INET, SOCK_STREAM, kHigh | IPPROTO_MPTCP) >= 0) return 3;
                 if (syscall(SYS_socket, kHigh | AF_INET, SOCK_STREAM, IPPROTO_MPTCP) >= 0) return 4;
                 if (syscall(SYS_socket, AF_NETLINK, SOCK_RAW, kHigh | NETLINK_KOBJECT_UEVENT) >= 0) return 5;
                 return 0;
               }),
               0);
  close(fd);
}

Test(seccomp, tiocsti_with_high_bits_in_the_request_denied) {
  int fd = filter_fd(false);
  cr_assert_eq(in_filtered_child(fd, [] {
                 // On /dev/null: should the filter let it through, the kernel says ENOTTY.
                 int null = open("/dev/null", O_RDWR);
                 char c = 'x';
                 long rc = syscall(SYS_ioctl, null, kHigh | TIOCSTI, &c);
                 return rc == -1 && errno == EPERM ? 0 : 1;
               }),
               0);
  close(fd);
}

Test(seccomp, mptcp_sctp_udplite_raw_and_packet_sockets_refused) {
  int fd = filter_fd(true);
  cr_assert_eq(in_filtered_child(fd, [] {
                 if (raw_socket_fails_with(AF_INET, SOCK_STREAM, IPPROTO_MPTCP, EPROTONOSUPPORT)) return 1;
                 if (raw_socket_fails_with(AF_INET6, SOCK_STREAM, IPPROTO_MPTCP, EPROTONOSUPPORT)) return 2;
                 if (raw_socket_fails_with(AF_INET, SOCK_STREAM, IPPROTO_SCTP, EPROTONOSUPPORT)) return 3;
                 if (raw_socket_fails_with(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE, EPROTONOSUPPORT)) return 4;
                 if (raw_socket_fails_with(AF_INET, SOCK_SEQPACKET, 0, ESOCKTNOSUPPORT)) return 5;
                 if (raw_socket_fails_with(AF_INET, SOCK_RAW, IPPROTO_ICMP, ESOCKTNOSUPPORT)) return 6;
                 if (raw_socket_fails_with(AF_PACKET, SOCK_DGRAM, 0, EAFNOSUPPORT)) return 7;
                 if (raw_socket_fails_with(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT, EPROTONOSUPPORT)) return 8;
                 if (raw_socket_fails_with(AF_MAX + 7, SOCK_STREAM, 0, EAFNOSUPPORT)) return 9;
                 return 0;
               }),
               0);
  close(fd);
}

Test(seccomp, tcp_udp_and_netlink_route_sockets_work) {
  int fd = filter_fd(false);
  cr_assert_eq(in_filtered_child(fd, [] {
                 if (socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP) < 0) return 1;
                 if (socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP) < 0) return 2;
                 if (socket(AF_INET, SOCK_DGRAM, 0) < 0) return 3;
                 if (socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) < 0) return 4;
                 // IPv6 may be off on the machine; only the filter's answer counts.
                 if (socket(AF_INET6, SOCK_STREAM, 0) < 0 && errno != EAFNOSUPPORT) return 5;
                 return 0;
               }),
               0);
  close(fd);
}

Test(seccomp, tcp_only_variant_refuses_udp_and_icmp) {
  int fd = filter_fd(false, false);
  cr_assert_eq(in_filtered_child(fd, [] {
                 if (raw_socket_fails_with(AF_INET, SOCK_DGRAM, 0, ESOCKTNOSUPPORT)) return 1;
                 // Both the type and the protocol are refused here: either errno will do.
                 if (raw_socket_fails_with(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP, 0)) return 2;
                 if (raw_socket_fails_with(AF_INET, SOCK_DGRAM, IPPROTO_ICMP, 0)) return 3;
                 if (raw_socket_fails_with(AF_INET, SOCK_STREAM, IPPROTO_UDP, EPROTONOSUPPORT)) return 4;
                 if (raw_socket_fails_with(AF_INET, kHigh | SOCK_DGRAM, 0, ESOCKTNOSUPPORT)) return 5;
                 if (socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) < 0) return 6;
                 return 0;
               }),
               0);
  close(fd);
}

Test(seccomp, new_user_namespace_denied_plain_fork_works) {
  int fd = filter_fd(false);
  cr_assert_eq(in_filtered_child(fd, [] {
                 if (unshare(CLONE_NEWUSER) == 0 || errno != EPERM) return 1;
                 pid_t p = fork();
                 if (p == 0) _exit(0);
                 int st;
                 return p > 0 && waitpid(p, &st, 0) == p ? 0 : 2;
               }),
               0);
  close(fd);
}

Test(seccomp, mount_denied) {
  int fd = filter_fd(false);
  cr_assert_eq(in_filtered_child(fd, [] {
                 return syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, nullptr) == -1 && errno == EPERM ? 0 : 1;
               }),
               0);
  close(fd);
}

Test(docker_profile, allowlist_profile_builds) {
  std::string err;
  scmp_filter_ctx ctx = parse_docker_seccomp_profile(R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
    "syscalls": [
      {"names": ["read", "write", "exit_group", "no_such_call"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
      {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_PTRACE"]}}
    ]})", "t.json", err);
  cr_assert_not_null(ctx, "%s", err.c_str());
  seccomp_release(ctx);
}

Test(docker_profile, bad_action_is_a_clear_error) {
  std::string err;
  cr_assert_null(parse_docker_seccomp_profile(R"({"defaultAction": "SCMP_ACT_BOGUS"})", "p.json", err));
  cr_assert(err.find("p.json") != std::string::npos, "%s", err.c_str());
}

Test(docker_profile, invalid_json_is_a_clear_error) {
  std::string err;
  cr_assert_null(parse_docker_seccomp_profile("{not json", "q.json", err));
  cr_assert(err.find("q.json") != std::string::npos);
}

Test(docker_profile, missing_file_is_a_clear_error) {
  std::string err;
  cr_assert_null(load_docker_seccomp_profile("/nonexistent/profile.json", err));
  cr_assert(err.find("/nonexistent/profile.json") != std::string::npos);
}

Test(docker_profile, profile_replaces_builtin_and_is_enforced) {
  char path[] = "/tmp/vg-seccomp-profile.XXXXXX";
  int pfd = mkstemp(path);
  std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})";
  cr_assert_eq(write(pfd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(pfd);
  std::string err;
  int fd = seccomp_bpf_memfd({false, path}, err);
  cr_assert_geq(fd, 0, "%s", err.c_str());
  cr_assert_eq(in_filtered_child(fd, [] { return syscall(SYS_getppid) == -1 && errno == EACCES ? 0 : 1; }), 0);
  unlink(path);
  close(fd);
}

// The copy compiled at build time must be exactly what libseccomp compiles now: a rule
// added to seccomp.cc without a rebuild of the copy would otherwise be silently missing.
Test(seccomp, precompiled_builtin_matches_a_fresh_compile) {
  for (SeccompPolicy policy : {SeccompPolicy{false, "", true}, SeccompPolicy{true, "", true},
                               SeccompPolicy{false, "", false}, SeccompPolicy{true, "", false}}) {
    std::string_view pre = vg::sandbox::precompiled_builtin_bpf(policy, seccomp_arch_native());
    cr_assert(!pre.empty(), "the build made no precompiled filter for this architecture");
    int fd = memfd_create("t", 0);
    std::string error;
    cr_assert(vg::sandbox::export_builtin_bpf(policy, fd, error), "%s", error.c_str());
    lseek(fd, 0, SEEK_SET);
    std::string fresh;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) fresh.append(buf, static_cast<size_t>(n));
    close(fd);
    cr_assert(fresh == pre, "precompiled filter (%zu bytes) differs from a fresh compile (%zu bytes)",
              pre.size(), fresh.size());
  }
  cr_assert(vg::sandbox::precompiled_builtin_bpf({}, seccomp_arch_native() + 1).empty());
}

// Stacked by the Landlock runtime on a user's profile: the socket rules, nothing else.
Test(seccomp, socket_only_filter_refuses_udp_and_mptcp) {
  std::string err;
  int fd = socket_filter_memfd({false, "/some/profile.json", false}, err);
  cr_assert_geq(fd, 0, "%s", err.c_str());
  cr_assert_eq(in_filtered_child(fd, [] {
                 if (raw_socket_fails_with(AF_INET, SOCK_DGRAM, 0, 0)) return 1;
                 if (raw_socket_fails_with(AF_INET, SOCK_STREAM, IPPROTO_MPTCP, EPROTONOSUPPORT)) return 2;
                 if (raw_socket_fails_with(AF_UNIX, SOCK_STREAM, 0, EPERM)) return 3;
                 if (socket(AF_INET, SOCK_STREAM, 0) < 0) return 4;
                 return syscall(SYS_getppid) > 0 ? 0 : 5;
               }),
               0);
  close(fd);
}
