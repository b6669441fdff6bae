#include "sandbox/meta_filter.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace vg::sandbox {

bool compile_meta_filter(std::string& bytes, std::string& error) {
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  auto fail = [&](const char* what, int rc) {
    error = std::string("cannot build the metadata filter (") + what + ": " + strerror(-rc) + ")";
    return false;
  };
  if (!ctx) return fail("seccomp_init", -ENOMEM);
  // Other architectures' calls (int 0x80, x32) all reach the supervisor, which knows
  // their names: nothing is left unfiltered because a number differs there.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_NOTIFY); rc < 0)
    return fail("other architectures", rc);
  bool have_fchmodat2 = false;
  for (const char* name : kMetaCalls) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr < 0) continue;  // not on this architecture (aarch64 has no chmod)
    have_fchmodat2 |= std::strcmp(name, "fchmodat2") == 0;
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_NOTIFY, nr, 0); rc < 0) return fail(name, rc);
  }
#if defined(__x86_64__) || defined(__aarch64__)
  for (int nr : {kFchmodat2, kSetxattrat, kRemovexattrat, kFileSetattr}) {
    if (nr == kFchmodat2 && have_fchmodat2) continue;
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_NOTIFY, nr, 0); rc < 0) return fail("a newer call", rc);
  }
#endif
  int fd = memfd_create("vg-meta-seccomp", MFD_CLOEXEC);
  if (fd < 0) return fail("memfd_create", -errno);
  int rc = seccomp_export_bpf(ctx.get(), fd);
  bytes.clear();
  if (rc >= 0 && lseek(fd, 0, SEEK_SET) == 0) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (rc < 0) return fail("export", rc);
  if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0) return fail("reading it back", -EIO);
  return true;
}

}  // namespace vg::sandbox
