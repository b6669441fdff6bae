// What an interactive shell hook does with one typed line: run it in the shell, send it
// to the sandbox, ask, block it, or wait for more lines. Pure evaluation on top of
// analyze() and decide(); the terminal (asking) is the caller's job.
#pragma once

#include <string>
#include <string_view>

#include "core/analyze.h"
#include "core/config.h"
#include "core/policy.h"
#include "core/shell_defs.h"

namespace vg {

enum class HookAction {
  Run,         // let the shell run the line as typed
  Sandbox,     // replace the line by `vectra-guard exec --sandbox ...`
  Ask,         // ask the user on the terminal, then Run / Sandbox / Block
  Block,       // cancel the line: exit status 126, reason on stderr
  Incomplete,  // the line continues on the next line (open quote, `do` without `done`)
};
std::string_view to_string(HookAction a);

struct HookInput {
  std::string line;           // the whole command text, continuation lines joined by '\n'
  bool final = false;         // the shell is running it now: it cannot be incomplete
  bool interactive = false;   // a terminal is there to ask on
  bool agent = false;         // an agent session ($VG_AGENT): VG_DISABLE=1 is not honoured
  bool honor_disable = true;  // VG_DISABLE=1 prefix allowed at all
  bool trusted = false;       // the trust store holds this line (see trust_store.h)
  bool in_sandbox = false;    // the shell itself runs in a sandbox ($VG_SANDBOX=1)
  bool fish = false;          // fish syntax: judged as its bash equivalent (fish_parse.h)
  bool zsh = false;           // zsh: `{ cmd }` closes without a `;` before `}`
  // The shell's aliases and functions (shell_defs.h); nullptr: the line alone is judged.
  const ShellDefinitions* defs = nullptr;
};

struct HookResult {
  HookAction action = HookAction::Block;
  Analysis analysis;
  Decision decision;
  bool disabled = false;           // `VG_DISABLE=1 cmd`: the user turned the guard off for it
  bool shell_state_only = false;   // only cd/export/source...: always runs in the shell
  bool loses_shell_state = false;  // sandboxed, but it also has cd/export...: those won't persist
  bool own_cli = false;            // `vectra-guard ...` / `vg ...`: it judges itself
  bool disable_refused = false;    // VG_DISABLE=1 in a line it cannot cover (a list)
};

// Evaluate one line for a shell hook.
HookResult evaluate_hook_line(const HookInput& in, const Config& config, const AnalyzeContext& ctx);

// Whether `program` is a builtin that changes the shell's own state (cd, export,
// source, alias, set...): such a command is meaningless anywhere but in the shell.
bool is_shell_state_builtin(std::string_view program);

// True when the line is a single simple command prefixed by VG_DISABLE=1.
bool has_disable_prefix(std::string_view line);

// The interactive form: one pipeline whose first command is prefixed by VG_DISABLE=1
// (`VG_DISABLE=1 cmd | tail` bypasses the whole line).
bool has_disable_pipeline_prefix(std::string_view line);

// A single simple command the hooks leave to the shell whatever the mode:
// vectra-guard's own CLI (`vectra-guard ...`, `vg ...`), which judges itself, and
// `exec SHELL` (a new hooked shell; in a sandbox it would lose job control).
bool runs_itself(std::string_view line);

// Whether a line that our parser rejects is only unfinished (bash would show PS2 and
// read more): asks `bash -n` once, which parses without running anything.
bool shell_line_incomplete(const std::string& line);

}  // namespace vg
