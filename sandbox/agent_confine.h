// `agent start`'s confinement of the agent's process tree (issue 17 item 2): with
// Landlock, the guard's own state is read-only to the agent while everything else it
// could write stays writable.
//
// Landlock only adds rights along a path, so "everything but these" is said by
// splitting: "/" wants full rights, each protected path wants read (the session keys'
// directory: nothing), and landlock_rules() grants full rights to every entry beside
// the path down to a protected one, and only the listing right to the directories on
// that path. The cost: nothing new can be created directly in those directories
// ("/", /home, $HOME, ~/.config, ...); existing entries there stay writable.
#pragma once

#include <string>
#include <vector>

#include "sandbox/landlock.h"

namespace vg::sandbox {

struct AgentProtect {
  std::vector<std::string> read_only;  // config dirs, $VG_HOME, our binaries and hooks
  std::vector<std::string> no_read;    // $VG_HOME/keys: the audit HMAC keys
};

// What `agent start` protects for this user and installation (existing paths only,
// resolved; nested ones folded into their parent).
AgentProtect agent_protected_paths(const std::string& state_dir, const std::string& self_binary);

// When a protected path lies below /tmp (a test's $HOME), /tmp is split and nothing
// new could be created in it: a private directory there, made before confinement,
// becomes the session's TMPDIR (sandboxed runs put their own TMPDIR below it). ""
// when /tmp stays whole; `error` set when the directory cannot be made.
std::string agent_tmpdir_if_needed(const AgentProtect& p, std::string& error);

// The wanted rights for Landlock (see above).
std::vector<LandlockRule> agent_confine_wanted(const AgentProtect& p, int abi);

// Confine this process and what it will exec (sets no_new_privs). On success
// `enforced` says what holds; on failure (no Landlock) `missing` says in one
// sentence which protections do not hold and false is returned.
bool confine_agent(const AgentProtect& p, std::string& enforced, std::string& missing);

}  // namespace vg::sandbox
