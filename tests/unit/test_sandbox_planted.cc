// What a run planted for host git or vectra-guard: the git config allowlist, the
// workspace scan by ctime, and the quarantine, on real temporary directories.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "sandbox/git_config_check.h"
#include "sandbox/planted.h"
#include "sandbox/quarantine.h"
#include "tests/unit/scratch_dir.h"

using namespace vg::sandbox;

namespace {

void write(const std::string& p, const std::string& text) { std::ofstream(p) << text; }

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

bool listed(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A scan start after everything made so far: the coarse clock ticks every few ms.
ScanStart start_now(const std::string& ws) {
  usleep(20 * 1000);
  ScanStart s = scan_start(ws);
  usleep(20 * 1000);
  return s;
}

// A repository as `git init` leaves it: config, HEAD, objects/, refs/, sample hooks.
void fake_repo(const std::string& gitdir) {
  make_dirs(gitdir + "/objects");
  make_dirs(gitdir + "/refs/heads");
  make_dirs(gitdir + "/hooks");
  write(gitdir + "/HEAD", "ref: refs/heads/main\n");
  write(gitdir + "/config", "[core]\n\trepositoryformatversion = 0\n\tbare = false\n");
  write(gitdir + "/hooks/pre-commit.sample", "#!/bin/sh\n");
}

}  // namespace

Test(git_config_check, what_init_and_clone_write_is_harmless) {
  cr_assert(harmless_git_config(""));
  cr_assert(harmless_git_config(
      "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
      "\tlogallrefupdates = true\n[remote \"origin\"]\n\turl = https://example.invalid/x.git\n"
      "\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"main\"]\n\tremote = origin\n"
      "\tmerge = refs/heads/main\n# comment\n; comment\n[submodule \"lib\"]\n\turl = ../lib\n"
      "\tactive = true\n[user]\n\tname = A\n\temail = a@b\n"));
  cr_assert(harmless_git_config("[CORE]\r\n\tBare = false\r\n"));
  cr_assert(harmless_git_config("[pull]\n\trebase = false\n[push]\n\tautoSetupRemote = true\n"));
}

Test(git_config_check, keys_that_run_programs_or_read_other_files_are_not) {
  cr_assert_not(harmless_git_config("[core]\n\tfsmonitor = /x/canary\n"));
  cr_assert_not(harmless_git_config("[core]\n\thooksPath = /x\n"));
  cr_assert_not(harmless_git_config("[include]\n\tpath = ../evil\n"));
  cr_assert_not(harmless_git_config("[includeIf \"gitdir:/\"]\n\tpath = ../evil\n"));
  cr_assert_not(harmless_git_config("[diff \"x\"]\n\ttextconv = sh\n"));
  cr_assert_not(harmless_git_config("[alias]\n\tst = !sh\n"));
  cr_assert_not(harmless_git_config("[submodule \"a\"]\n\tupdate = !sh\n"));
  cr_assert_not(harmless_git_config("[remote \"o\"]\n\tuploadpack = sh\n"));
  cr_assert_not(harmless_git_config("[core.x]\n\tfsmonitor = y\n"));
  cr_assert_not(harmless_git_config("[merge \"x\"]\n\tdriver = sh\n"));
  cr_assert_not(harmless_git_config("[filter \"lfs\"]\n\tprocess = git-lfs filter-process\n"));
}

Test(git_config_check, unusual_syntax_is_not) {
  cr_assert_not(harmless_git_config("[core] fsmonitor = /x\n"));              // key on the header line
  cr_assert_not(harmless_git_config("[user]\n\tname = a \\\n\tfsmonitor = b\n"));  // continuation
  cr_assert_not(harmless_git_config("[remote \"a\\\"]\"]\n\turl = x\n"));     // escaped subsection
  cr_assert_not(harmless_git_config("\tbare = false\n"));                    // key before any section
  cr_assert_not(harmless_git_config(std::string("[core]\n\tbare = false\n\0[core]", 24)));
  cr_assert_not(harmless_git_config("[core\n"));
}

Test(planted, what_was_written_just_before_the_start_is_not_found) {
  // No pause between the last write and the start (what a script or test does).
  for (int i = 0; i < 50; ++i) {
    std::string ws = scratch_dir("planted");
    write(ws + "/vectra-guard.ini", "[sandbox]\n");
    ScanStart s = scan_start(ws);
    wait_for_tick(s);
    cr_assert(find_planted(ws, s).empty(), "round %d", i);
    write(ws + "/vectra-guard.ini", "[sandbox]\n");  // and right after the start it is
    cr_assert_eq(find_planted(ws, s).size(), 1, "round %d", i);
  }
}

Test(planted, nothing_changed_nothing_found) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  write(ws + "/.git/commondir", "../elsewhere\n");
  write(ws + "/.git/hooks/pre-commit", "#!/bin/sh\n");
  make_dirs(ws + "/sub");
  write(ws + "/sub/.git", "gitdir: ../.git/modules/sub\n");
  write(ws + "/vectra-guard.ini", "[sandbox]\n");
  ScanStart s = start_now(ws);
  write(ws + "/file.txt", "ordinary\n");
  write(ws + "/.git/index", "index\n");
  cr_assert(find_planted(ws, s).empty());
}

Test(planted, new_config_entries_of_the_workspace_git_are_found) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  ScanStart s = start_now(ws);
  write(ws + "/.git/commondir", "/var/tmp/evil\n");
  write(ws + "/.git/config.worktree", "[core]\n\tfsmonitor = /x\n");
  write(ws + "/.git/hooks/post-checkout", "#!/bin/sh\n");
  write(ws + "/.git/hooks/new.sample", "#!/bin/sh\n");
  write(ws + "/.git/config", "[core]\n\tbare = false\n\tfsmonitor = /x\n");
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, ".git/commondir"));
  cr_assert(listed(f, ".git/config.worktree"));
  cr_assert(listed(f, ".git/hooks/post-checkout"));
  cr_assert(listed(f, ".git/config"));
  cr_assert_not(listed(f, ".git/hooks/new.sample"));
  cr_assert_eq(f.size(), 4);
}

Test(planted, a_rebase_todo_with_exec_lines_is_found) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  make_dirs(ws + "/.git/rebase-merge");
  make_dirs(ws + "/n/.git/rebase-merge");
  ScanStart s = start_now(ws);
  write(ws + "/.git/rebase-merge/git-rebase-todo", "pick 1234 a\n  exec /x/canary\n");
  write(ws + "/n/.git/rebase-merge/git-rebase-todo", "pick 1234 a\n# x nothing\n");
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, ".git/rebase-merge/git-rebase-todo"));
  cr_assert_eq(f.size(), 1);
}

Test(planted, fifos_under_config_names_do_not_stop_the_scan) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  ScanStart s = start_now(ws);
  unlink((ws + "/.git/config").c_str());
  mkfifo((ws + "/.git/config").c_str(), 0644);
  make_dirs(ws + "/sub");
  mkfifo((ws + "/sub/.git").c_str(), 0644);
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, ".git/config"));
  cr_assert(listed(f, "sub/.git"));
}

Test(planted, symlinks_left_in_place_count_when_their_target_changed) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  make_dirs(ws + "/scripts");
  write(ws + "/scripts/hook.sh", "#!/bin/sh\n");
  write(ws + "/scripts/vg.ini", "[sandbox]\n");
  write(ws + "/scripts/untouched.sh", "#!/bin/sh\n");
  symlink("../../scripts/hook.sh", (ws + "/.git/hooks/pre-commit").c_str());
  symlink("../../scripts/untouched.sh", (ws + "/.git/hooks/post-merge").c_str());
  symlink("scripts/vg.ini", (ws + "/vectra-guard.ini").c_str());
  ScanStart s = start_now(ws);
  write(ws + "/scripts/hook.sh", "#!/bin/sh\necho changed\n");
  write(ws + "/scripts/vg.ini", "[[[\n");
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, ".git/hooks/pre-commit"));
  cr_assert(listed(f, "vectra-guard.ini"));
  cr_assert_eq(f.size(), 2);
}

Test(planted, hidden_directories_are_not_walked) {
  std::string ws = scratch_dir("planted");
  make_dirs(ws + "/.ssh/deep");
  ScanStart s = start_now(ws);
  s.skip = {".ssh"};
  write(ws + "/.ssh/deep/vectra-guard.ini", "");  // stands for what the run could not have written
  write(ws + "/vectra-guard.ini", "");
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, "vectra-guard.ini"));
  cr_assert_eq(f.size(), 1);
}

Test(planted, a_rewritten_harmless_config_is_kept) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  ScanStart s = start_now(ws);
  write(ws + "/.git/config", "[core]\n\tbare = false\n[remote \"o\"]\n\turl = x\n");
  cr_assert(find_planted(ws, s).empty());
}

Test(planted, nested_repositories_gitfiles_and_ini_files_are_found) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  ScanStart s = start_now(ws);
  make_dirs(ws + "/a/b");
  fake_repo(ws + "/a/b/.git");
  write(ws + "/a/b/.git/config", "[core]\n\tfsmonitor = /x\n");
  make_dirs(ws + "/c");
  write(ws + "/c/.git", "gitdir: /var/tmp/evil\n");
  make_dirs(ws + "/d");
  symlink("/var/tmp/evil", (ws + "/d/.git").c_str());
  make_dirs(ws + "/e/bare/objects");
  make_dirs(ws + "/e/bare/refs");
  write(ws + "/e/bare/HEAD", "ref: refs/heads/main\n");
  write(ws + "/e/bare/config", "[core]\n\tpager = /x\n");
  write(ws + "/vectra-guard.ini", "[[[\n");
  write(ws + "/e/vectra-guard.ini", "[[[\n");
  make_dirs(ws + "/.git/modules/lib/objects");
  write(ws + "/.git/modules/lib/HEAD", "x\n");
  write(ws + "/.git/modules/lib/config", "[core]\n\tsshCommand = /x\n");
  make_dirs(ws + "/.git/worktrees/w");
  write(ws + "/.git/worktrees/w/HEAD", "x\n");
  write(ws + "/.git/worktrees/w/commondir", "../..\n");
  make_dirs(ws + "/.git/worktrees/v");
  write(ws + "/.git/worktrees/v/HEAD", "x\n");
  write(ws + "/.git/worktrees/v/commondir", "/var/tmp/evil\n");
  std::vector<std::string> f = find_planted(ws, s);
  for (const char* want : {"a/b/.git/config", "c/.git", "d/.git", "e/bare/config", "vectra-guard.ini",
                           "e/vectra-guard.ini", ".git/modules/lib/config", ".git/worktrees/v/commondir"})
    cr_assert(listed(f, want), "%s not found", want);
  cr_assert_not(listed(f, ".git/worktrees/w/commondir"));
  cr_assert_eq(f.size(), 8);
}

Test(planted, gitfiles_of_submodules_and_worktrees_inside_are_kept) {
  std::string ws = scratch_dir("planted");
  fake_repo(ws + "/.git");
  ScanStart s = start_now(ws);
  fake_repo(ws + "/.git/modules/lib");
  make_dirs(ws + "/.git/worktrees/wt");
  write(ws + "/.git/worktrees/wt/HEAD", "x\n");
  write(ws + "/.git/worktrees/wt/commondir", "../..\n");
  make_dirs(ws + "/lib");
  write(ws + "/lib/.git", "gitdir: ../.git/modules/lib\n");
  make_dirs(ws + "/wt");
  write(ws + "/wt/.git", "gitdir: " + ws + "/.git/worktrees/wt\n");
  make_dirs(ws + "/x");
  write(ws + "/x/.git", "gitdir: ../.git/modules/nothing-here\n");
  make_dirs(ws + "/y");
  write(ws + "/y/.git", "gitdir: ../../elsewhere\n");
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, "x/.git"));
  cr_assert(listed(f, "y/.git"));
  cr_assert_eq(f.size(), 2);
}

Test(planted, a_worktree_commondir_into_an_unchecked_directory_is_found) {
  std::string ws = scratch_dir("planted");
  ScanStart s = start_now(ws);
  // evil/ has no HEAD, so it is not a repository of its own; its worktree names it.
  make_dirs(ws + "/evil/objects");
  make_dirs(ws + "/evil/refs");
  write(ws + "/evil/config", "[core]\n\tbare = false\n\tworktree = /x\n\tfsmonitor = /x\n");
  make_dirs(ws + "/evil/worktrees/x");
  write(ws + "/evil/worktrees/x/HEAD", "x\n");
  write(ws + "/evil/worktrees/x/commondir", "../..\n");
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, "evil/worktrees/x/commondir"));
}

Test(planted, a_git_dir_moved_into_place_counts_as_new) {
  std::string ws = scratch_dir("planted");
  make_dirs(ws + "/stash");
  fake_repo(ws + "/stash/x");
  write(ws + "/stash/x/config", "[core]\n\tfsmonitor = /x\n");
  write(ws + "/stash/x/hooks/pre-commit", "#!/bin/sh\n");
  rename((ws + "/stash/x/HEAD").c_str(), (ws + "/stash/x/HEAD.off").c_str());
  ScanStart s = start_now(ws);
  make_dirs(ws + "/sub");
  rename((ws + "/stash/x").c_str(), (ws + "/sub/.git").c_str());
  std::vector<std::string> f = find_planted(ws, s);
  cr_assert(listed(f, "sub/.git/config"));
  cr_assert(listed(f, "sub/.git/hooks/pre-commit"));
}

Test(planted, a_directory_made_unlistable_goes_whole) {
  std::string ws = scratch_dir("planted");
  chmod(ws.c_str(), 0755);
  make_dirs(ws + "/a/b");
  fake_repo(ws + "/a/b/.git");
  ScanStart s = start_now(ws);
  chmod((ws + "/a").c_str(), 0111);
  // Root lists any directory: scan as an ordinary user (nobody) in a child.
  pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0 && (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)) _exit(2);
    std::vector<std::string> f = find_planted(ws, s);
    _exit(f.size() == 1 && f[0] == "a" ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  chmod((ws + "/a").c_str(), 0755);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
}

Test(quarantine, moves_keeping_the_relative_path_and_says_how_to_restore) {
  std::string ws = scratch_dir("quarantine");
  std::string home = scratch_dir("quarantine-home");
  make_dirs(ws + "/.git");
  make_dirs(ws + "/sub");
  write(ws + "/.git/commondir", "x\n");
  write(ws + "/sub/.git", "gitdir: y\n");
  Quarantine q = quarantine(ws, {".git/commondir", "sub/.git"}, home, "r1");
  cr_assert_eq(q.moved.size(), 2);
  cr_assert(q.failed.empty());
  cr_assert_not(exists(ws + "/.git/commondir"));
  cr_assert_not(exists(ws + "/sub/.git"));
  cr_assert(exists(home + "/quarantine/r1/.git/commondir"));
  cr_assert(exists(home + "/quarantine/r1/sub/.git"));
  std::string line = quarantine_notice(q);
  cr_assert(line.find("quarantined .git/commondir, sub/.git") != std::string::npos, "%s", line.c_str());
  cr_assert_eq(system(q.restore.c_str()), 0);
  cr_assert(exists(ws + "/.git/commondir"));
  cr_assert(exists(ws + "/sub/.git"));
  cr_assert(quarantine_notice(Quarantine{}).empty());
}

Test(quarantine, beside_itself_when_the_quarantine_cannot_take_it) {
  std::string ws = scratch_dir("quarantine");
  std::string home = scratch_dir("quarantine-home");
  write(home + "/not-a-dir", "");  // stands for $VG_HOME on another filesystem (EXDEV)
  write(ws + "/vectra-guard.ini", "[[[\n");
  Quarantine q = quarantine(ws, {"vectra-guard.ini"}, home + "/not-a-dir", "r2");
  cr_assert_eq(q.moved.size(), 1);
  cr_assert(q.dir.empty());
  cr_assert_not(exists(ws + "/vectra-guard.ini"));
  cr_assert(exists(ws + "/vectra-guard.ini.vg-quarantined-r2"));
  cr_assert_eq(system(q.restore.c_str()), 0);
  cr_assert(exists(ws + "/vectra-guard.ini"));
}
