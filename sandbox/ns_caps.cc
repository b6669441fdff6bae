// Privileges: the sandbox's first process owns its user namespace and so holds every
// capability inside it while it builds the mounts; before our init runs, all of them go
// (ambient, bounding set, then effective/permitted/inheritable), no_new_privs is set,
// and the seccomp filter is installed last.
//
// Raw prctl/capset rather than libcap-ng, as vg-init does: libcap-ng reads
// /proc/PID/status (fopen, malloc) for the bounding set, which the child cloned from a
// possibly threaded parent must not do, and its archive drags getpwuid/initgroups into
// the static vectra-guard (a link warning, and NSS a static binary lacks).
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/ns_setup.h"

namespace vg::sandbox::ns {

const char* drop_privileges() {
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct have[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, have) != 0) return "read capabilities";
  // The bounding set needs CAP_SETPCAP, so it goes first. Without it (an ordinary user
  // in the Landlock mode) there is nothing to drop: no capability is held, and
  // no_new_privs keeps exec from gaining any.
  if (have[CAP_TO_INDEX(CAP_SETPCAP)].effective & CAP_TO_MASK(CAP_SETPCAP))
    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap)
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return "drop the capability bounding set";
  __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, none) != 0) return "drop capabilities";
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return "set no_new_privs";
  return nullptr;
}

int load_seccomp(const std::vector<sock_filter>& program) {
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = const_cast<sock_filter*>(program.data());
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) return errno;
  return 0;
}

bool read_bpf(int memfd, std::vector<sock_filter>& program, std::string& error) {
  std::string bytes;
  char buf[4096];
  ssize_t n;
  while ((n = read(memfd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) bytes.append(buf, static_cast<size_t>(n));
  if (n < 0 || bytes.empty() || bytes.size() % sizeof(sock_filter) != 0 ||
      bytes.size() / sizeof(sock_filter) > BPF_MAXINSNS) {
    error = "cannot read the seccomp filter back (" + std::string(n < 0 ? strerror(errno) : "bad size") +
            "); this is a bug in vectra-guard";
    return false;
  }
  program.resize(bytes.size() / sizeof(sock_filter));
  std::memcpy(program.data(), bytes.data(), bytes.size());
  return true;
}

}  // namespace vg::sandbox::ns
