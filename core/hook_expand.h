// What a typed line really runs in an interactive shell, beyond its own words (issue 18):
// the aliases and functions its command words name (ShellDefinitions), the files it
// `source`s, `mapfile -C` and `eval` callbacks — code it RUNS NOW, judged as part of the
// line — and the code it DEFINES to run later (alias values, function bodies, traps,
// PROMPT_COMMAND, $(..) in prompt variables, `complete -C`, `bind -x`, zsh `sched`,
// fish `bind` / `complete -a '(..)'`), judged on its own when it is defined.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/analyze.h"
#include "core/shell_defs.h"
#include "core/shell_parse.h"

namespace vg {

// Past any bound the rest is judged as unknown code (rule analysis.unknown-code).
struct ExpandLimits {
  int depth = 8;                     // alias in function in sourced file ...
  int expansions = 64;               // aliases, functions and files expanded per line
  size_t bytes = 256 * 1024;         // text of all of them together
  size_t source_max = 1024 * 1024;   // one sourced file
};

// Code a line defines to run later, with its own analysis (aliases and functions it
// calls expanded as they are now).
struct LaterCode {
  std::string what;   // "alias ll", "function f", "trap (EXIT)", "PROMPT_COMMAND"...
  std::string code;   // bash text; empty for a function (its body was parsed)
  Analysis analysis;
};

struct HookCode {
  // Everything the line runs now through aliases, functions, sourced files and
  // callbacks, merged into one analysis (no findings, no commands: nothing more runs).
  Analysis now;
  bool expanded = false;  // any alias, function or file was judged (or found unreadable)
  std::vector<LaterCode> later;
  // A word whose value names the hooks' own state (_vg_x) though the typed text hides
  // it (`x=_v''g_off=1`): rule self.hook-state.
  bool hidden_hook_name = false;
};

// `line`: the bash text of the typed line (fish already translated) and its parse.
// fish: definitions and sourced files are fish text (translated with fish_to_sh).
// defs may be nullptr: then only sourced files and definitions are looked at.
// zsh: the zsh hook watches `r`/`fc` inside aliases and functions itself (its backstop);
// for bash an `fc` reached through them is unknown code (the hook traces only typed fc).
HookCode hook_code(const ParseResult& line, std::string_view text, bool fish, const ShellDefinitions* defs,
                   const AnalyzeContext& ctx, const ExpandLimits& limits = {}, bool zsh = false);

// Merge a part's analysis into the line's: findings, normalized commands, traits, data
// loss; risk is the worst of both.
void merge_analysis(Analysis& into, const Analysis& part);

// A function definition as the shell prints it, with the literal arguments of one call
// bound to "$@" "$*" $1.. $# (fish: $argv): the text whose body is judged.
std::string bind_function_args(std::string_view definition, const std::vector<std::string>& args, bool fish);

}  // namespace vg
