// SandboxSpec: everything a runner needs, built once from the request, the config and
// the security level. Runtime-neutral: bubblewrap, namespace and docker runners all
// consume it unchanged and only translate it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "sandbox/net_policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/workspace.h"

namespace vg::sandbox {

enum class MountKind {
  RoBind,  // source visible read-only at target
  RwBind,  // source visible read-write at target
  Tmpfs,   // empty private tmpfs at target
  Proc,    // fresh /proc of the sandbox's PID namespace
  Dev,     // minimal /dev (null, zero, full, random, urandom, tty, pts, shm)
  Hide,    // target made unreadable: empty tmpfs over a directory, /dev/null over a file
};
std::string_view to_string(MountKind k);

struct Mount {
  MountKind kind;
  std::string source;      // bind sources only
  std::string target;
  bool directory = true;   // Hide: whether target is a directory on the host
};

enum class RootFs {
  ReadOnly,           // the host root, read-only
  WritableDiscarded,  // writable, changes thrown away at exit (overlay on tmpfs)
};
std::string_view to_string(RootFs r);

struct Limits {
  std::uint64_t memory_bytes = 0;  // 0 = no limit
  double cpus = 0;                 // CPU share, 1.0 = one core; 0 = no limit
  int pids = 0;                    // max tasks; 0 = no limit
};

struct SeccompPolicy {
  bool allow_unix_sockets = false;
  std::string profile_path;        // Docker-format JSON; empty = built-in filter
  // UDP/ICMP sockets; the Landlock runner turns them off where it holds only TCP.
  bool inet_datagrams = true;
};

struct SandboxSpec {
  std::vector<std::string> argv;
  std::string cwd;
  std::string workspace;
  // Outside a project (the home directory, /tmp, a system directory...) the workspace
  // is visible read-only; `workspace_reason` says why ("your home directory").
  bool workspace_writable = true;
  std::string workspace_reason;
  std::vector<std::string> env;    // NAME=VALUE, already filtered
  RootFs root = RootFs::ReadOnly;
  // keep_changes: the writable root's upper layers go to <changes_dir>/upper/<dir> (with
  // <changes_dir>/work) instead of a tmpfs, for later review. Empty: discarded.
  std::string changes_dir;
  // Review mode: the workspace is an overlay with <review_dir>/upper and /work as its
  // upper layer and workdir (change_set.h); nothing reaches the project. Empty: off.
  std::string review_dir;
  std::vector<Mount> mounts;       // applied in order, after the root
  SecurityLevel level = SecurityLevel::Balanced;
  NetworkMode network = NetworkMode::None;      // what the runner must build
  NetworkMode network_requested = NetworkMode::None;
  NetPolicy net_policy;            // restricted: what vg-proxy admits
  Limits limits;
  SeccompPolicy seccomp;
  int timeout_seconds = 0;         // 0 = none
  uid_t uid = 0;                   // the invoking user: files written land as theirs
  gid_t gid = 0;
  bool interactive = false;        // keep the terminal session (sandbox shell)
  std::vector<std::string> caches; // package caches mounted read-write ("npm /home/u/.npm")
};

// "workspace /p read-write", or "workspace /p read-only (your home directory)": the
// line every runner reports as enforced.
std::string workspace_line(const SandboxSpec& spec);

// "20261201-203512-4242": sortable, unique per run (keep_changes, quarantine).
std::string run_id();

// What the spec builder reads from the host, gathered once (tests fill it by hand).
struct HostView {
  std::vector<std::string> environ;  // NAME=VALUE of the calling process
  std::vector<std::string> homes;    // $HOME and the passwd home, deduplicated
  std::string state_dir;             // $VG_HOME: hidden inside
  std::vector<std::string> config_dirs;  // the guard's config directories: never writable
  std::vector<std::string> program_files;  // the guard's installed binaries and hooks
  uid_t uid = 0;
  gid_t gid = 0;
};
HostView current_host();

// What no sandbox may write, resolved through symlinks: the shell's startup files,
// $PATH directories, the guard's config and installed programs.
std::vector<ProtectedPath> protected_paths(const HostView& host);

// Build the spec. On a request that cannot be honoured (no argv, cwd outside the
// workspace, workspace "/"), returns false and sets `error` to one sentence.
bool build_spec(const Request& req, const Config& config, const HostView& host,
                SandboxSpec& spec, std::string& error);

}  // namespace vg::sandbox
