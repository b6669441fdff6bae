// Mount namespace: the same filesystem view the bubblewrap runner builds from the same
// SandboxSpec (bwrap.cc), assembled by hand. The child makes its mounts private, stages
// a tmpfs as its root with the host's root at /oldroot, builds the sandbox's root at
// /newroot (host root bound read-only, nosuid, nodev; tmpfs-backed overlays for a
// "writable, changes discarded" root; then spec.mounts in order), pivots into it and
// detaches everything else.
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sandbox/ns_setup.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

namespace vg::sandbox::ns {

namespace {

constexpr const char* kNew = "/newroot";
constexpr const char* kOld = "/oldroot";
constexpr unsigned long kReadOnly = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
constexpr unsigned long kHarden = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

struct MountAttr {  // struct mount_attr, spelled out for older headers
  unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

bool host_is_dir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Overlay options separate paths with ',' and ':'; a directory named with them is left
// read-only rather than escaped.
bool overlay_safe(const std::string& path) { return path.find_first_of(",:\\") == std::string::npos; }

void add(MountPlan& p, MountStep s) { p.steps.push_back(std::move(s)); }

// Whether spec.mounts[index], a hidden path, lies under a fresh tmpfs mounted before it
// (the private /tmp) with no bind on top that shows the host's files there again: then
// nothing of the host is visible at that path, and there is no mount point to hide it on.
bool hidden_by_tmpfs(const SandboxSpec& spec, size_t index) {
  const std::string& path = spec.mounts[index].target;
  for (size_t i = index; i-- > 0;) {
    const Mount& m = spec.mounts[i];
    if (path == m.target || path.compare(0, m.target.size() + 1, m.target + "/") == 0)
      return m.kind == MountKind::Tmpfs;  // the last mount over the path is what shows there
  }
  return false;
}

void mount_point(MountPlan& p, const std::string& target, bool directory) {
  add(p, {directory ? MountStep::MakeDir : MountStep::MakeFile, target, "", "", "", 0, 0755, false,
          "create the mount point " + target.substr(8)});
}

void plan_dev(MountPlan& p, const std::string& dev) {
  add(p, {MountStep::Mount, "", dev, "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV, 0, false, "mount /dev"});
  for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
    mount_point(p, dev + "/" + node, false);
    add(p, {MountStep::Bind, std::string(kOld) + "/dev/" + node, dev + "/" + node, "", "", 0, 0, false,
            std::string("bind /dev/") + node});
  }
  const std::pair<const char*, const char*> links[] = {
      {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
      {"/proc/self/fd", "fd"},      {"/proc/kcore", "core"},       {"pts/ptmx", "ptmx"}};
  for (const auto& [to, name] : links)
    add(p, {MountStep::Symlink, to, dev + "/" + name, "", "", 0, 0, false, "create /dev links"});
  add(p, {MountStep::MakeDir, dev + "/shm", "", "", "", 0, 01777, false, "create /dev/shm"});
  add(p, {MountStep::Chmod, dev + "/shm", "", "", "", 0, 01777, false, "create /dev/shm"});
  add(p, {MountStep::MakeDir, dev + "/pts", "", "", "", 0, 0755, false, "create /dev/pts"});
  add(p, {MountStep::Mount, "", dev + "/pts", "devpts", "newinstance,ptmxmode=0666,mode=620",
          MS_NOSUID | MS_NOEXEC, 0, false, "mount /dev/pts"});
}

void plan_proc(MountPlan& p, const std::string& proc) {
  add(p, {MountStep::Mount, "", proc, "proc", "", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, false,
          "mount a fresh /proc"});
  // Host-wide knobs under /proc stay read-only, as bubblewrap does.
  for (const char* sub : {"sys", "sysrq-trigger", "irq", "bus"}) {
    add(p, {MountStep::Bind, proc + "/" + sub, proc + "/" + sub, "", "", 0, 0, true, ""});
    add(p, {MountStep::SetAttr, proc + "/" + sub, "", "", "", kReadOnly, 0, true, ""});
  }
}

// mkdir -p without allocating. Returns 0 or errno.
int make_dirs(const char* path, mode_t mode) {
  char buf[PATH_MAX];
  size_t n = std::strlen(path);
  if (n >= sizeof buf) return ENAMETOOLONG;
  std::memcpy(buf, path, n + 1);
  for (char* c = buf + 1; *c; ++c) {
    if (*c != '/') continue;
    *c = 0;
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return errno;
    *c = '/';
  }
  if (mkdir(buf, mode) != 0 && errno != EEXIST) return errno;
  return 0;
}

int make_file(const char* path) {
  struct stat st;
  if (lstat(path, &st) == 0) return 0;
  char buf[PATH_MAX];
  size_t n = std::strlen(path);
  if (n >= sizeof buf) return ENAMETOOLONG;
  std::memcpy(buf, path, n + 1);
  if (char* slash = std::strrchr(buf, '/'); slash && slash != buf) {
    *slash = 0;
    if (int e = make_dirs(buf, 0755)) return e;
  }
  int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0444);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

int set_attr(const char* path, unsigned long attrs) {
  MountAttr attr = {attrs, 0, 0, 0};
  if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE | AT_SYMLINK_NOFOLLOW, &attr, sizeof attr) != 0)
    return errno;
  return 0;
}

int run_step(const MountStep& s) {
  switch (s.op) {
    case MountStep::MakeDir: return make_dirs(s.a.c_str(), s.mode);
    case MountStep::MakeFile: return make_file(s.a.c_str());
    case MountStep::Bind:
      return mount(s.a.c_str(), s.b.c_str(), nullptr, MS_BIND | MS_REC, nullptr) == 0 ? 0 : errno;
    case MountStep::SetAttr: return set_attr(s.a.c_str(), s.flags);
    case MountStep::Mount:
      return mount(s.c.c_str(), s.b.c_str(), s.c.c_str(), s.flags, s.d.empty() ? nullptr : s.d.c_str()) == 0
                 ? 0
                 : errno;
    case MountStep::Symlink: return symlink(s.a.c_str(), s.b.c_str()) == 0 || errno == EEXIST ? 0 : errno;
    case MountStep::Chmod: return chmod(s.a.c_str(), s.mode) == 0 ? 0 : errno;
  }
  return EINVAL;
}

}  // namespace

std::vector<std::string> dirs_with_submounts(const std::vector<std::string>& dirs) {
  std::vector<std::string> mountpoints;
  if (FILE* f = std::fopen("/proc/self/mountinfo", "re")) {
    char line[4096];
    while (std::fgets(line, sizeof line, f)) {
      // "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..."
      char mp[4096];
      if (std::sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1) mountpoints.emplace_back(mp);
    }
    std::fclose(f);
  }
  std::vector<std::string> out;
  for (const std::string& d : dirs)
    for (const std::string& m : mountpoints)
      if (m.size() > d.size() + 1 && m.compare(0, d.size() + 1, d + "/") == 0) {
        out.push_back(d);
        break;
      }
  return out;
}

MountPlan plan_mounts(const SandboxSpec& spec, const std::vector<std::string>& overlay_dirs,
                      const std::vector<std::string>& kept) {
  MountPlan p;
  p.cwd = spec.cwd;
  const std::string R = kNew, H = kOld;
  // The host's root, read-only (every submount too), as `--ro-bind / /`.
  add(p, {MountStep::Bind, H, R, "", "", 0, 0, false, "bind the host root"});
  add(p, {MountStep::SetAttr, R, "", "", "", kReadOnly, 0, false, "make the root read-only"});
  if (spec.root == RootFs::WritableDiscarded) {
    // One overlay per top-level directory; the upper layers live in the staging tmpfs,
    // private to this sandbox and gone with it.
    for (const std::string& dir : overlay_dirs) {
      if (!overlay_safe(dir)) continue;
      std::string upper = "/overlay/upper" + dir, work = "/overlay/work" + dir;
      if (std::find(kept.begin(), kept.end(), dir) != kept.end()) {
        // keep_changes: the layer is on the host's disk (made by the runner), reached
        // through the host's root.
        upper = H + spec.changes_dir + "/upper" + dir;
        work = H + spec.changes_dir + "/work" + dir;
      } else {
        add(p, {MountStep::MakeDir, upper, "", "", "", 0, 0755, false, "create an overlay layer"});
        add(p, {MountStep::MakeDir, work, "", "", "", 0, 0755, false, "create an overlay layer"});
      }
      add(p, {MountStep::Mount, "", R + dir, "overlay",
              "lowerdir=" + H + dir + ",upperdir=" + upper + ",workdir=" + work + ",userxattr",
              MS_NOSUID | MS_NODEV, 0, false, "mount the writable overlay on " + dir});
    }
  }
  const bool review = !spec.review_dir.empty();
  auto in_workspace = [&](const std::string& path) {
    return path == spec.workspace || path.compare(0, spec.workspace.size() + 1, spec.workspace + "/") == 0;
  };
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    const Mount& m = spec.mounts[i];
    const std::string t = R + m.target;
    if (review && m.kind == MountKind::RwBind && m.source == spec.workspace && m.target == spec.workspace) {
      // Review: the workspace copy-on-write; its upper layer is the change set on the
      // host's disk (made by run.cc), reached through the host's root.
      mount_point(p, t, true);  // under the private /tmp it does not exist yet
      add(p, {MountStep::Mount, "", t, "overlay",
              "lowerdir=" + H + m.source + ",upperdir=" + H + spec.review_dir + "/upper,workdir=" + H +
                  spec.review_dir + "/work,userxattr",
              MS_NOSUID | MS_NODEV, 0, false, "mount the workspace copy-on-write"});
      continue;
    }
    switch (m.kind) {
      case MountKind::RoBind:
      case MountKind::RwBind:
        mount_point(p, t, host_is_dir(m.source));
        // Review: what lies in the workspace (.git, its protected files, pinned
        // directories) is taken from the overlay, so writes there stay in the change set.
        add(p, {MountStep::Bind, (review && in_workspace(m.source) ? R : H) + m.source, t, "", "", 0, 0, false,
                "bind " + m.source});
        add(p, {MountStep::SetAttr, t, "", "", "", m.kind == MountKind::RoBind ? kReadOnly : kHarden, 0, false,
                "restrict " + m.target});
        break;
      case MountKind::Tmpfs:
        mount_point(p, t, true);
        add(p, {MountStep::Mount, "", t, "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV, 0, false,
                "mount a tmpfs on " + m.target});
        break;
      case MountKind::Proc: mount_point(p, t, true); plan_proc(p, t); break;
      case MountKind::Dev: mount_point(p, t, true); plan_dev(p, t); break;
      case MountKind::Hide:
        if (hidden_by_tmpfs(spec, i)) break;
        if (m.directory) {
          add(p, {MountStep::Mount, "", t, "tmpfs", "mode=0000", MS_NOSUID | MS_NODEV, 0, false,
                  "hide " + m.target});
        } else {
          add(p, {MountStep::Bind, H + "/dev/null", t, "", "", 0, 0, false, "hide " + m.target});
        }
        add(p, {MountStep::SetAttr, t, "", "", "", kReadOnly, 0, false, "hide " + m.target});
        break;
    }
  }
  return p;
}

bool apply_mount_plan(const MountPlan& plan, const char** failed, int* err) {
  auto fail = [&](const char* what, int e) {
    *failed = what;
    *err = e;
    return false;
  };
  // Nothing we mount may propagate back to the host.
  if (mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) return fail("make the mounts private", errno);
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
    return fail("mount the staging tmpfs", errno);
  if (chdir("/tmp") != 0 || mkdir("newroot", 0755) != 0 || mkdir("oldroot", 0755) != 0)
    return fail("prepare the staging tmpfs", errno);
  if (syscall(SYS_pivot_root, "/tmp", "oldroot") != 0) return fail("pivot into the staging tmpfs", errno);
  if (chdir("/") != 0) return fail("enter the staging tmpfs", errno);

  for (const MountStep& s : plan.steps) {
    int e = run_step(s);
    if (e && !s.optional) return fail(s.what.c_str(), e);
  }

  // The sandbox's root becomes "/"; the staging tmpfs and the host's root under it are
  // stacked on top by pivot_root(".", ".") and detached.
  if (chdir(kNew) != 0) return fail("enter the new root", errno);
  if (syscall(SYS_pivot_root, ".", ".") != 0) return fail("pivot into the new root", errno);
  if (umount2(".", MNT_DETACH) != 0) return fail("detach the host's root", errno);
  if (chdir("/") != 0 || chdir(plan.cwd.c_str()) != 0) return fail("enter the working directory", errno);
  return true;
}

}  // namespace vg::sandbox::ns
