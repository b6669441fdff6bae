#include "sandbox/meta_supervisor.h"
#include "core/fd_passing.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <system_error>

#include "sandbox/meta_filter.h"

namespace vg::sandbox {

namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;

// Linux 6.6: the caller and the supervisor hand over on the same CPU, which roughly
// halves a round trip (the caller waits anyway). Older kernels refuse it: no matter.
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
constexpr unsigned long kSyncWakeUp = 1;  // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP

struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

std::string proc_fd(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// One notification: the caller's thread, its arguments, and how to reach its state.
struct Call {
  const seccomp_notif& n;
  int listener;

  std::uint64_t arg(int i) const { return n.data.args[i]; }
  int arg_int(int i) const { return static_cast<int>(n.data.args[i]); }
  std::string proc(const std::string& rest) const { return "/proc/" + std::to_string(n.pid) + "/" + rest; }

  // Read the caller's memory once; what it changes afterwards is not looked at.
  int read(std::uint64_t addr, void* buf, size_t len) const {
    if (addr == 0) return EFAULT;
    struct iovec local = {buf, len};
    struct iovec remote = {reinterpret_cast<void*>(addr), len};
    ssize_t n = process_vm_readv(static_cast<pid_t>(this->n.pid), &local, 1, &remote, 1, 0);
    return n == static_cast<ssize_t>(len) ? 0 : EFAULT;
  }

  // A NUL-terminated string of at most `max` bytes, read page by page (a string may end
  // just before an unmapped page).
  int string(std::uint64_t addr, std::string& out, size_t max, int too_long) const {
    if (addr == 0) return EFAULT;
    out.clear();
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    char buf[4096];
    while (out.size() <= max) {
      size_t chunk = std::min(sizeof buf, page - (addr % page));
      if (int e = read(addr, buf, chunk)) return e;
      if (const void* nul = std::memchr(buf, 0, chunk)) {
        out.append(buf, static_cast<size_t>(static_cast<const char*>(nul) - buf));
        return out.size() <= max ? 0 : too_long;
      }
      out.append(buf, chunk);
      addr += chunk;
    }
    return too_long;
  }

  // The caller's descriptor `fd` (AT_FDCWD: its working directory), opened O_PATH.
  int open_fd(int fd, Fd& out) const {
    std::string link = fd == AT_FDCWD ? proc("cwd") : proc("fd/" + std::to_string(fd));
    out.fd = open(link.c_str(), O_PATH | O_CLOEXEC);
    if (out.fd >= 0) return 0;
    return errno == ENOENT ? EBADF : EPERM;
  }

  // `path` relative to `dirfd` as openat would resolve it for the caller. Names that
  // mean the caller itself (/proc/self, /dev/fd) are given its pid: here they would
  // mean us. Whatever it resolves to, only the inode is judged (WritableRoots).
  int open_path(int dirfd, std::string path, bool follow, bool empty_ok, Fd& out) const {
    if (path.empty()) return empty_ok ? open_fd(dirfd, out) : ENOENT;
    const std::string me = "/proc/" + std::to_string(n.pid);
    for (const char* self : {"/proc/self", "/proc/thread-self", "/dev/fd"}) {
      size_t len = std::strlen(self);
      if (path.compare(0, len, self) == 0 && (path.size() == len || path[len] == '/'))
        path = (std::strcmp(self, "/dev/fd") == 0 ? me + "/fd" : me) + path.substr(len);
    }
    const char* std_names[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    for (int i = 0; i < 3; ++i)
      if (path == std_names[i]) path = me + "/fd/" + std::to_string(i);
    Fd base;
    if (path[0] != '/')
      if (int e = open_fd(dirfd, base)) return e;
    out.fd = openat(path[0] == '/' ? AT_FDCWD : base.fd, path.c_str(), O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    return out.fd < 0 ? errno : 0;
  }

  // The pid we looked at is still the caller, waiting in this very call.
  bool still_valid() const { return seccomp_notify_id_valid(listener, n.id) == 0; }
};

// What a call changes, read from the caller before anything is done.
struct Change {
  enum Kind { Mode, Owner, Times, SetXattr, RemoveXattr } kind;
  mode_t mode = 0;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  bool times_now = true;  // null times: both "now"
  struct timespec times[2] = {};
  std::string name;
  std::string value;
  int xattr_flags = 0;
};

int read_timevals(const Call& c, std::uint64_t addr, Change& ch) {
  if (addr == 0) return 0;
  struct timeval tv[2];
  if (int e = c.read(addr, tv, sizeof tv)) return e;
  for (int i = 0; i < 2; ++i) {
    if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000) return EINVAL;
    ch.times[i] = {tv[i].tv_sec, tv[i].tv_usec * 1000};
  }
  ch.times_now = false;
  return 0;
}

int read_xattr(const Call& c, std::uint64_t name, std::uint64_t value, std::uint64_t size, int flags, Change& ch) {
  if (int e = c.string(name, ch.name, XATTR_NAME_MAX, ERANGE)) return e;
  if (ch.name.empty()) return ERANGE;
  if (size > XATTR_SIZE_MAX) return E2BIG;
  ch.value.resize(size);
  if (size > 0)
    if (int e = c.read(value, ch.value.data(), size)) return e;
  ch.xattr_flags = flags;
  return 0;
}

// Perform the change on the verified inode itself.
int apply(int fd, const Change& ch) {
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  int rc = 0;
  switch (ch.kind) {
    case Change::Mode:
      // fchmodat2 (Linux 6.6) skips a walk through /proc; a symlink gets EOPNOTSUPP either way.
      rc = -1;
      errno = ENOSYS;
#if defined(__x86_64__) || defined(__aarch64__)
      rc = static_cast<int>(syscall(kFchmodat2, fd, "", ch.mode, AT_EMPTY_PATH));
#endif
      if (rc != 0 && (errno == ENOSYS || errno == EINVAL)) rc = chmod(proc_fd(fd).c_str(), ch.mode);
      break;
    case Change::Owner: rc = fchownat(fd, "", ch.uid, ch.gid, AT_EMPTY_PATH); break;
    case Change::Times: rc = utimensat(fd, "", ch.times_now ? nullptr : ch.times, AT_EMPTY_PATH); break;
    case Change::SetXattr:
    case Change::RemoveXattr:
      // Through /proc/self/fd a symlink cannot be named without following it; user.*
      // xattrs are refused on symlinks anyway, the others need capabilities.
      if (S_ISLNK(st.st_mode)) return EPERM;
      rc = ch.kind == Change::SetXattr
               ? setxattr(proc_fd(fd).c_str(), ch.name.c_str(), ch.value.data(), ch.value.size(), ch.xattr_flags)
               : removexattr(proc_fd(fd).c_str(), ch.name.c_str());
      break;
  }
  return rc == 0 ? 0 : errno;
}

// The answer to one native call: 0 or an errno.
int answer(const Call& c, const char* name, const WritableRoots& roots) {
  const std::string call = name;
  Change ch{};
  int dirfd = AT_FDCWD;     // the *at calls' directory; the fd of the f* calls
  std::uint64_t path = 0;   // address of the path; 0: the fd itself
  bool follow = true, empty_ok = false;
  auto at_flags = [&](std::uint64_t flags) {
    if (flags & ~static_cast<std::uint64_t>(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return EINVAL;
    follow = !(flags & AT_SYMLINK_NOFOLLOW);
    empty_ok = flags & AT_EMPTY_PATH;
    return 0;
  };
  int e = 0;
  if (call == "chmod" || call == "fchmod" || call == "fchmodat" || call == "fchmodat2") {
    ch.kind = Change::Mode;
    if (call == "chmod") {
      path = c.arg(0);
      ch.mode = static_cast<mode_t>(c.arg(1));
    } else if (call == "fchmod") {
      dirfd = c.arg_int(0);
      ch.mode = static_cast<mode_t>(c.arg(1));
    } else {
      dirfd = c.arg_int(0);
      path = c.arg(1);
      ch.mode = static_cast<mode_t>(c.arg(2));
      if (call == "fchmodat2") e = at_flags(c.arg(3));
    }
  } else if (call == "chown" || call == "lchown" || call == "fchown" || call == "fchownat") {
    ch.kind = Change::Owner;
    int first = 0;
    if (call == "fchown") {
      dirfd = c.arg_int(0);
    } else if (call == "fchownat") {
      dirfd = c.arg_int(0);
      path = c.arg(1);
      first = 1;
      e = at_flags(c.arg(4));
    } else {
      path = c.arg(0);
      follow = call == "chown";
    }
    ch.uid = static_cast<uid_t>(c.arg(first + 1));
    ch.gid = static_cast<gid_t>(c.arg(first + 2));
  } else if (call == "utime" || call == "utimes" || call == "futimesat" || call == "utimensat") {
    ch.kind = Change::Times;
    if (call == "utime") {
      path = c.arg(0);
      if (c.arg(1)) {
        struct utimbuf ub;
        e = c.read(c.arg(1), &ub, sizeof ub);
        ch.times[0] = {ub.actime, 0};
        ch.times[1] = {ub.modtime, 0};
        ch.times_now = false;
      }
    } else if (call == "utimes") {
      path = c.arg(0);
      e = read_timevals(c, c.arg(1), ch);
    } else if (call == "futimesat") {
      dirfd = c.arg_int(0);
      path = c.arg(1);
      e = read_timevals(c, c.arg(2), ch);
    } else {
      dirfd = c.arg_int(0);
      path = c.arg(1);
      e = at_flags(c.arg(3));
      // A null path means dirfd itself (Linux), which must then be a descriptor.
      if (!e && !path && (!follow || dirfd == AT_FDCWD)) e = follow ? EFAULT : EINVAL;
      if (!e && c.arg(2)) {
        e = c.read(c.arg(2), ch.times, sizeof ch.times);
        ch.times_now = false;
      }
    }
  } else if (call == "setxattr" || call == "lsetxattr" || call == "fsetxattr") {
    ch.kind = Change::SetXattr;
    if (call == "fsetxattr") dirfd = c.arg_int(0);
    else path = c.arg(0);
    follow = call == "setxattr";
    e = read_xattr(c, c.arg(1), c.arg(2), c.arg(3), c.arg_int(4), ch);
  } else if (call == "removexattr" || call == "lremovexattr" || call == "fremovexattr") {
    ch.kind = Change::RemoveXattr;
    if (call == "fremovexattr") dirfd = c.arg_int(0);
    else path = c.arg(0);
    follow = call == "removexattr";
    e = c.string(c.arg(1), ch.name, XATTR_NAME_MAX, ERANGE);
  } else {
    return ENOSYS;
  }
  if (e) return e;
  // The f* calls name a descriptor; utimensat and futimesat do with a null path.
  const bool fd_call = call == "fchmod" || call == "fchown" || call == "fsetxattr" || call == "fremovexattr";
  bool by_fd = fd_call || (path == 0 && (call == "utimensat" || call == "futimesat"));
  if (path == 0 && !by_fd) return EFAULT;
  Fd target;
  if (by_fd) {
    e = c.open_fd(dirfd, target);
  } else {
    std::string p;
    if ((e = c.string(path, p, PATH_MAX - 1, ENAMETOOLONG)) == 0) e = c.open_path(dirfd, p, follow, empty_ok, target);
  }
  if (e) return e;
  if (!c.still_valid()) return ECANCELED;  // the caller is gone; the answer goes nowhere
  if (!roots.contains(target.fd)) return EPERM;
  return apply(target.fd, ch);
}

// This thread gives up every capability (only this thread: capset acts per thread), so
// the kernel judges what it does as it would judge the sandboxed caller.
void drop_thread_capabilities() {
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
  syscall(SYS_capset, &header, none);
}

}  // namespace

int meta_install_in_child(const std::vector<sock_filter>& program, int sock) {
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = const_cast<sock_filter*>(program.data());
  int listener = static_cast<int>(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
  if (listener < 0) return errno;
  char byte = 0;
  int e = send_with_fds(sock, &byte, 1, &listener, 1) ? 0 : errno;
  // The command must never hold its own listener: it could answer for itself.
  close(listener);
  return e;
}

int meta_receive_listener(int sock) {
  char byte;
  int fd = -1;
  size_t nfds = 0;
  return receive_with_fds(sock, &byte, 1, &fd, 1, &nfds) == 1 && nfds == 1 ? fd : -1;
}

bool MetaSupervisor::start(std::string& error) {
  wake_ = eventfd(0, EFD_CLOEXEC);
  if (wake_ >= 0) {
    try {
      thread_ = std::thread([this] { serve(); });
      return true;
    } catch (const std::system_error& e) {
      errno = e.code().value();
    }
  }
  error = std::string("cannot start the supervisor of chmod, chown and xattr calls (") + strerror(errno) + ")";
  return false;
}

void MetaSupervisor::stop() {
  if (thread_.joinable()) {
    std::uint64_t one = 1;
    ssize_t ignored = write(wake_, &one, sizeof one);
    (void)ignored;
    thread_.join();
  }
  if (wake_ >= 0) close(wake_);
  if (listener_ >= 0) close(listener_);
  wake_ = listener_ = -1;
}

void MetaSupervisor::serve() {
  drop_thread_capabilities();
  ioctl(listener_, SECCOMP_IOCTL_NOTIF_SET_FLAGS, kSyncWakeUp);
  seccomp_notif* req = nullptr;
  seccomp_notif_resp* resp = nullptr;
  if (seccomp_notify_alloc(&req, &resp) != 0) return;
  const std::uint32_t native = seccomp_arch_native();
  for (;;) {
    struct pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents) break;
    if (fds[0].revents & POLLIN) {
      std::memset(req, 0, sizeof *req);
      if (seccomp_notify_receive(listener_, req) != 0) continue;  // the caller died meanwhile
      std::memset(resp, 0, sizeof *resp);
      resp->id = req->id;
      std::uint32_t arch = req->data.arch;
      int nr = req->data.nr;
      if (arch == native && !(arch == SCMP_ARCH_X86_64 && (nr & kX32Bit))) {
        char* name = seccomp_syscall_resolve_num_arch(native, nr);
        resp->error = -(name ? answer(Call{*req, listener_}, name, roots_) : ENOSYS);
        std::free(name);
      } else {
        // i386 (int 0x80) or x32: refuse the metadata calls, let every other call go on.
        if (arch == SCMP_ARCH_X86_64) arch = SCMP_ARCH_X32;
        char* name = seccomp_syscall_resolve_num_arch(arch, nr);
        bool meta = false;
        for (const char* m : kMetaCalls) meta |= name && std::strcmp(name, m) == 0;
        for (const char* m : kCompatMetaCalls) meta |= name && std::strcmp(name, m) == 0;
        if (!name) resp->error = -ENOSYS;
        else if (meta) resp->error = -EPERM;
        else resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        std::free(name);
      }
      seccomp_notify_respond(listener_, resp);
    }
    if (fds[0].revents & (POLLHUP | POLLERR)) break;  // no process of the sandbox is left
  }
  seccomp_notify_free(req, resp);
}

}  // namespace vg::sandbox
