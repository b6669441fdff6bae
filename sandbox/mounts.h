// The filesystem view inside the sandbox: which host paths are visible, writable or
// hidden. Produces the ordered mount list of a SandboxSpec; runners only translate it.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "sandbox/spec.h"

namespace vg::sandbox {

// Paths under a home directory that hold credentials or private history.
const std::vector<std::string>& home_secret_paths();

// Files under a home directory that the shell runs at start-up (or that tools run on
// the host later, like git's global config): never writable from a sandbox.
const std::vector<std::string>& shell_startup_paths();

// Paths inside the workspace that stay read-only (a command must not plant hooks).
const std::vector<std::string>& workspace_protected_paths();

struct FsInputs {
  std::string workspace;               // absolute, canonical
  bool workspace_writable = true;      // false outside a project: visible read-only
  std::vector<std::string> homes;      // home directories whose secrets are hidden
  std::string state_dir;               // vectra-guard's state: hidden
  std::vector<BindMount> bind_mounts;  // from the config
  std::vector<std::string> extra_hidden;  // e.g. the ssh-agent socket
  std::vector<std::string> hidden;     // the config's `hide` list
};

// Ordered mounts after the root: /dev, /proc, private /tmp, the workspace, the
// config's binds, then everything hidden or protected (later mounts win).
// Only paths that exist on the host are hidden or protected.
std::vector<Mount> filesystem_view(const FsInputs& in);

// A workspace that must never be mounted read-write ("/", /usr, /etc, ...).
bool is_forbidden_workspace(const std::string& path);

}  // namespace vg::sandbox
