// Rules: declarative tables grouped in packs, and the helpers the packs match with.
// A pack is a table of Rule (id, severity, reason, alternative) plus either
// CommandPatterns (program + subcommand words + flags) or a small check function
// for what a table cannot say (paths, data flow).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/analyze.h"
#include "core/normalize.h"
#include "core/paths.h"
#include "core/risk.h"

namespace vg {

struct Rule {
  std::string_view id;
  std::string_view pack;
  Severity severity;
  std::string_view reason;       // one sentence
  std::string_view alternative;  // may be empty
  std::string_view trait;        // coarse trait for the policy, may be empty
  // May lose data in the project (deletes, resets, cleans, history rewrites): a sandboxed
  // run then sees the workspace copy-on-write under `review = destructive`.
  bool data_loss = false;
};

// program + subcommand words + flags => rule. Matching:
//  - program: one name or several separated by '|'.
//  - words: space-separated patterns that must appear in order among the first operands;
//    each pattern may list alternatives with '|' and end in '*' for a prefix.
//  - any_flag: '|'-separated options of which one must be present ("-f|--force");
//    an entry starting with '=' matches an argument exactly ("=+main").
//  - no_flag: same syntax; none of them may be present.
struct CommandPattern {
  std::string_view rule;
  std::string_view program;
  std::string_view words;
  std::string_view any_flag = {};
  std::string_view no_flag = {};
};

class RuleContext {
 public:
  RuleContext(const AnalyzeContext& ctx, std::vector<Finding>& out, std::vector<std::string>& traits,
              std::vector<std::string>* data_loss = nullptr)
      : ctx_(ctx), out_(out), traits_(traits), data_loss_(data_loss) {}

  // Record that `rule_id` matched `cmd`; `at_least`/`override` adjust the table severity.
  void hit(std::string_view rule_id, const Cmd& cmd);
  void hit(std::string_view rule_id, const Cmd& cmd, Severity severity);
  void trait(std::string_view t);
  // Data loss in the project that is no risk to the machine (rm -r src, git commit
  // --amend): no finding, only Analysis.data_loss, which decides review mode.
  void data_loss(std::string_view what);

  PathInfo path(const Arg& a, const Cmd& cmd) const { return classify_path(a, cmd.cwd, ctx_); }
  const AnalyzeContext& ctx() const { return ctx_; }

 private:
  const AnalyzeContext& ctx_;
  std::vector<Finding>& out_;
  std::vector<std::string>& traits_;
  std::vector<std::string>* data_loss_;
};

const Rule* find_rule(std::string_view id);
bool matches(const CommandPattern& p, const Cmd& cmd);
// Apply a table of patterns: every pattern that matches records its rule.
void apply_patterns(std::span<const CommandPattern> patterns, const Cmd& cmd, RuleContext& rc);
// `name` is one of the '|'-separated alternatives in `set` ('*' suffix = prefix).
bool one_of(std::string_view name, std::string_view set);

// The same alternatives compiled once into a hash set (for hot paths): keep it in a
// function-local static.
class NameSet {
 public:
  explicit NameSet(std::string_view alternatives);
  bool contains(std::string_view name) const;

 private:
  std::vector<std::string_view> exact_;  // sorted
  std::vector<std::string_view> prefixes_;
};

// A file a command writes: redirections, tee, cp/mv/install destinations, dd of=, sed -i.
struct Write {
  Arg target;
  bool append;
};
std::vector<Write> writes_of(const Cmd& cmd);
// An argument with its first n characters removed ("of=/dev/sda" -> "/dev/sda").
Arg drop_prefix(const Arg& a, size_t n);

// The packs. Each exposes its rule table and a check run on every normalized command.
struct Pack {
  std::string_view name;
  std::span<const Rule> rules;
  void (*check)(const Cmd&, RuleContext&);
};
std::span<const Pack> all_packs();

#define VG_PACK_DECL(fn) \
  std::span<const Rule> fn##_rules(); \
  void fn##_check(const Cmd&, RuleContext&);
VG_PACK_DECL(filesystem)
VG_PACK_DECL(disk)
VG_PACK_DECL(git)
VG_PACK_DECL(install)
VG_PACK_DECL(remote_exec)
VG_PACK_DECL(privilege)
VG_PACK_DECL(persistence)
VG_PACK_DECL(secrets)
VG_PACK_DECL(network)
VG_PACK_DECL(system)
VG_PACK_DECL(database)
VG_PACK_DECL(infra)
VG_PACK_DECL(obfuscation)
VG_PACK_DECL(forensics)
VG_PACK_DECL(exec)
VG_PACK_DECL(environment)
VG_PACK_DECL(hook_state)
#undef VG_PACK_DECL

// A variable, function, alias or widget name that belongs to an interactive hook
// (_vg_*, __vg_*, _VG_SERVER*, VECTRA_GUARD_BIN, vg, vectra-guard...): rule self.hook-state.
bool hook_name(std::string_view name);

// A typed line that may write or call the hooks' internal state (_vg_*, __vg_*,
// _VG_SERVER*, VECTRA_GUARD_BIN, VECTRA_GUARD_BUILTIN, VG_HOOK_OFF) in any form the
// shell offers: ${_vg_x:=1}, (( _vg_x = 1 )), for _vg_x in, a[_vg_x=1], x=_vg_x (a name
// for a later `declare "$x=1"`), eval '_vg_x=1', calling _vg_restatus... Those names are
// only read by typed lines: $_vg_x, ${_vg_x}, or as words of a command that cannot
// assign shell variables (echo, type, declare -p, grep...). Rule self.hook-state.
bool writes_hook_state(std::string_view line);

// Rules not tied to one command (parse errors, fork bombs, eval of dynamic strings).
std::span<const Rule> structural_rules();

}  // namespace vg
