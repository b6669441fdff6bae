// What a sandboxed run left in the workspace that host git, or a later vectra-guard line
// in that project, would read as config or code: git config, commondir, hooks, gitfiles
// and nested repositories, and vectra-guard.ini. Found after the run from the host, by
// ctime (user space cannot set it) and one walk of the workspace.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <string>
#include <vector>

namespace vg::sandbox {

// Taken before the command starts. A ctime in or after the tick of `since` means
// "changed by the run", except for the entries seen here unchanged.
struct ScanStart {
  timespec since{};    // coarse realtime: the clock the kernel stamps ctime with (on a
                       // network filesystem, the server's clock when that is behind)
  dev_t git_dev = 0;   // the workspace's .git directory as it was (ino 0: none)
  ino_t git_ino = 0;
  std::vector<std::string> skip;  // workspace-relative paths the run could not reach (hidden)
  struct Seen {
    std::string rel;
    dev_t dev;
    ino_t ino;
    timespec ctime;
  };
  std::vector<Seen> seen;  // vectra-guard.ini, .git/config, hooks...: as they were
  bool wait_for_tick = false;  // one of them was written in the start's tick
};
ScanStart scan_start(const std::string& workspace);

// When a seen entry was written in the start's tick, a change by the command in that
// same tick would leave its ctime as it was (kernels before 6.13 stamp with the coarse
// clock only): wait for the next tick before the command starts (at most one tick, 4 ms
// at HZ=250; only right after the host wrote one of them).
void wait_for_tick(const ScanStart& start);

// Paths relative to the workspace, each listed once: entries created or changed since
// `start` that git or vectra-guard would read as config or code. One readdir per
// directory; no symlink is followed; ordinary files are never stat'ed. Inside a git
// directory: config and config.worktree unless they hold only harmless keys
// (git_config_check.h), commondir, hooks other than *.sample, a rebase todo list with
// `exec` lines, the same again for
// modules/* and worktrees/*; anywhere: a `.git` that is not a directory (a symlink, or a
// gitfile unless it names one of the git directories checked here, as `git submodule`
// and `git worktree add` write them), a directory git would take for a bare repository
// (checked as a git directory), and vectra-guard.ini.
// A git directory that is itself new or changed (moved into place with old files
// inside) has all of these checked regardless of their own ctime; a directory made
// unlistable during the run is listed whole. `error` is set when the workspace itself
// cannot be read (then nothing was checked).
std::vector<std::string> find_planted(const std::string& workspace, const ScanStart& start,
                                      std::string* error = nullptr);

}  // namespace vg::sandbox
