// What the interactive shell knows that a typed line does not say: its aliases and
// functions. The hooks judge what the shell will really run (issue 18), so the evaluator
// asks the shell, through this interface, what a command word names.
//
// Where the answers come from:
//   - the bash loadable builtin: bash's own alias and function tables (in the process);
//   - `vectra-guard hook SHELL --serve` (bash/zsh coprocess, fish FIFO server): lookup
//     rounds over the same pipes, see "Lookup rounds" below;
//   - the one-shot `vectra-guard hook SHELL` (questions on the terminal): the lookups the
//     server already made, handed over in $VG_HOOK_DEFS (JSON, see below).
//
// Lookup rounds (serve mode). After a request FINAL\0CWD\0LINE\0 (fish: ID\0 first) the
// server may, instead of the answer, send a lookup record:
//     "?" NAME1 "\n" NAME2 "\n" ... "\0"        (fish: "ID\n?" NAME1 "\n" ... "\0")
// and the shell replies, for each NAME in that order, two NUL-terminated fields:
//     ALIAS "\0" FUNCTION "\0"
// where each field is "-" when NAME has no such definition, else "=" followed by the
// text: the alias value as the shell stores it; the function's whole definition as the
// shell prints it (bash `declare -f NAME`, zsh `functions NAME`, fish `functions NAME`).
// fish has no aliases of its own (alias makes a function): its ALIAS field is always "-".
// One lookup record may name one or several names (ShellDefinitions::prefetch).
// Several rounds may follow one line (a function body that calls another function);
// then the answer comes as before. A shell that cannot answer sends "-\0-\0" per name.
//
// $VG_HOOK_DEFS (one-shot process): {"aliases": {NAME: VALUE|null, ...},
//                                    "functions": {NAME: TEXT|null, ...}}
// null = looked up and not defined. A name missing from both maps counts as not defined.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vg {

class ShellDefinitions {
 public:
  virtual ~ShellDefinitions() = default;
  // The alias NAME expands to, as stored by the shell; nullopt when none.
  virtual std::optional<std::string> alias(std::string_view name) const = 0;
  // The function's definition as the shell prints it; nullopt when NAME is no function.
  virtual std::optional<std::string> function(std::string_view name) const = 0;
  // A hint that these names will be asked next (all command words of one level), so a
  // transport can look them up in one round. The default does nothing.
  virtual void prefetch(const std::vector<std::string>& names) const { (void)names; }
};

}  // namespace vg
