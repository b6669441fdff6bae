// The Landlock mode's metadata supervisor: which inodes lie beneath a writable root
// (judged by the inode found there, not by a name), the filter it needs, and the
// reaper that leaves no process of a run behind.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "sandbox/meta_roots.h"
#include "sandbox/meta_supervisor.h"
#include "sandbox/reaper.h"
#include "scratch_dir.h"

using namespace vg::sandbox;

namespace {

void touch(const std::string& p) { close(open(p.c_str(), O_CREAT | O_WRONLY, 0644)); }

bool inside(const WritableRoots& roots, const std::string& path, int flags = 0) {
  int fd = open(path.c_str(), O_PATH | O_CLOEXEC | flags);
  cr_assert_geq(fd, 0, "cannot open %s", path.c_str());
  bool in = roots.contains(fd);
  close(fd);
  return in;
}

}  // namespace

Test(meta_roots, files_beneath_a_root_are_inside_others_are_not) {
  std::string t = scratch_dir("meta");
  make_dirs(t + "/ws/sub");
  make_dirs(t + "/ws/.secret");
  make_dirs(t + "/out");
  touch(t + "/ws/sub/f");
  touch(t + "/ws/.secret/key");
  touch(t + "/out/f");
  symlink((t + "/out/f").c_str(), (t + "/ws/link-out").c_str());
  WritableRoots roots;
  roots.add_root(t + "/ws");
  roots.add_hidden(t + "/ws/.secret");
  cr_expect(inside(roots, t + "/ws/sub/f"));
  cr_expect(inside(roots, t + "/ws"), "the root itself");
  cr_expect(!inside(roots, t + "/out/f"));
  cr_expect(!inside(roots, t), "the root's parent");
  cr_expect(!inside(roots, t + "/ws/.secret/key"), "a hidden path below the root");
  cr_expect(!inside(roots, t + "/ws/link-out"), "a symlink is judged by its target");
  cr_expect(inside(roots, t + "/ws/link-out", O_NOFOLLOW), "the symlink itself lies in the root");
  cr_expect(!inside(roots, t + "/ws/sub/../../out/f"));
  std::filesystem::remove_all(t);
}

Test(meta_roots, the_inode_counts_not_the_name) {
  std::string t = scratch_dir("meta");
  make_dirs(t + "/ws");
  make_dirs(t + "/out");
  touch(t + "/ws/f");
  WritableRoots roots;
  roots.add_root(t + "/ws");
  int fd = open((t + "/ws/f").c_str(), O_PATH | O_CLOEXEC);
  // Moved out after it was opened: its name now lies outside.
  cr_assert_eq(rename((t + "/ws/f").c_str(), (t + "/out/f").c_str()), 0);
  cr_expect(!roots.contains(fd));
  close(fd);
  // A file nobody can reach any more (unlinked) changes nothing for anyone else.
  int tmp = open((t + "/out/g").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  unlink((t + "/out/g").c_str());
  cr_expect(roots.contains(tmp));
  close(tmp);
  int p[2];
  cr_assert_eq(pipe(p), 0);
  cr_expect(!roots.contains(p[0]), "a pipe has no place beneath a root");
  close(p[0]);
  close(p[1]);
  std::filesystem::remove_all(t);
}

Test(meta_filter, the_build_time_copy_equals_a_fresh_compile) {
  std::vector<sock_filter> program;
  std::string error, fresh;
  cr_assert(meta_filter(program, error), "%s", error.c_str());
  cr_expect_gt(program.size(), 10u);
  cr_assert(compile_meta_filter(fresh, error), "%s", error.c_str());
  std::string_view built = precompiled_meta_filter(seccomp_arch_native());
  cr_assert(!built.empty());
  cr_expect(built == fresh, "the precompiled metadata filter is stale: rebuild");
}

Test(reaper, a_setsid_grandchild_is_killed) {
  cr_assert(become_subreaper());
  int ready[2];
  cr_assert_eq(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    if (fork() == 0) {
      setsid();
      ssize_t ignored = write(ready[1], "x", 1);
      (void)ignored;
      pause();
      _exit(0);
    }
    _exit(0);  // the grandchild is orphaned: it comes to us
  }
  char c;
  cr_assert_eq(read(ready[0], &c, 1), 1);
  waitpid(child, nullptr, 0);
  cr_expect_geq(kill_descendants(), 1);
  cr_expect(children_of_self().empty());
}
