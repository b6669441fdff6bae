// Path classification: what a path argument points at once ~, $HOME, .. and the cwd
// are resolved. Rules care about the class (root, system, home, workspace, temp...),
// not the spelling.
#pragma once

#include <string>
#include <string_view>

#include "core/analyze.h"
#include "core/normalize.h"

namespace vg {

enum class PathClass {
  Unknown,        // only known at run time: the worst value a rule cares about
  Special,        // /dev/null, /dev/zero, /dev/stdout, /dev/fd/N ...: harmless sinks/sources
  NetSocket,      // bash's /dev/tcp/HOST/PORT and /dev/udp/...
  Device,         // other /dev entries: disks, partitions, memory
  Root,           // / itself (or everything in it: /*)
  System,         // /etc /usr /bin /var /boot /opt /root /home (other users) ... and below
  HomeRoot,       // the user's home itself (or everything in it: ~/*)
  HomeTop,        // a top folder or file of the home: ~/Documents, ~/.ssh, ~/.bashrc
  Home,           // deeper below the home, outside the workspace
  WorkspaceRoot,  // the workspace itself (., *, when cwd is the workspace)
  Workspace,      // below the workspace
  TempRoot,       // /tmp, /var/tmp, $TMPDIR themselves
  Temp,           // below a temp dir
  Other,          // any other absolute path (/mnt/data, /srv2...)
};

std::string_view to_string(PathClass c);

struct PathInfo {
  PathClass cls = PathClass::Unknown;
  std::string abs;          // resolved absolute path (prefix before an unknown part)
  bool dynamic = false;     // a part is only known at run time
  bool fully_unknown = false;  // nothing of it is known ("$X", "$(cmd)")
};

// Classify an argument as a path relative to `cwd` (empty cwd = unknown).
PathInfo classify_path(const Arg& arg, const std::string& cwd, const AnalyzeContext& ctx);
// Classify an already absolute, normalized path.
PathClass classify_abs(std::string_view abs, const AnalyzeContext& ctx);

// Resolve `.`/`..`/`//` of an absolute path lexically.
std::string normalize_abs(std::string_view path);

// True for the severe classes: destroying them destroys data outside the project.
bool outside_project(PathClass c);

// What kind of secret a path holds, if any.
enum class SecretKind { None, PrivateKey, CloudCredentials, Tokens, EnvFile, SystemAuth, Keyring };
SecretKind secret_kind(std::string_view abs, const AnalyzeContext& ctx);

// Files that control authentication or boot: overwriting them breaks the machine.
bool is_auth_or_boot_file(std::string_view abs);
// Shell start-up files (~/.bashrc, /etc/profile.d/...): appending to them persists code.
bool is_shell_startup_file(std::string_view abs, const AnalyzeContext& ctx);
// Places whose content is run later: cron, systemd units, autostart, git hooks, ssh keys.
bool is_persistence_path(std::string_view abs, const AnalyzeContext& ctx);
// Logs and shell history.
bool is_log_or_history(std::string_view abs, const AnalyzeContext& ctx);

}  // namespace vg
