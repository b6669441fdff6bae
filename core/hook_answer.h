// One typed line, answered the way every interactive hook needs it: the CLI's
// `vectra-guard hook SHELL`, its `--serve` mode (bash and zsh coprocesses, the fish FIFO
// server) and the bash loadable builtin all call these, so they cannot drift apart.
//
// The answer text is "VERDICT\n" (run | sandbox | block | incomplete | ask), for sandbox
// and ask then "defs:JSON\n" when the evaluation looked up aliases or functions (the
// $VG_HOOK_DEFS the hook hands to the one-shot hook and `exec --from-hook`), followed by
// notice lines the hook prints on stderr. Asking on the terminal is the caller's job
// (only the one-shot CLI does it); everything else, including the audit record, is here.
#pragma once

#include <string>

#include "core/analyze.h"
#include "core/shell_defs_json.h"
#include "core/shell_hook.h"

namespace vg {

// A line evaluated up to the point where a question might be asked.
struct HookEvaluation {
  AnalyzeContext ctx;
  HookResult result;
  std::string notice;  // notices gathered so far (config fallback, trust store problems)
  bool disable_honoured = false;  // a VG_DISABLE=1 prefix would be obeyed (escape_hint.h)
  DefsRecord looked_up;  // every alias/function lookup made while judging (the `defs:` line)
};

// Evaluate `line` in the current directory and environment. extra_config: --config FILE
// ("" for none). A config error keeps guarding with the built-in defaults (noted once
// per shell session and version of the file: core/config_notice.h).
// shell: "bash", "zsh" or "fish" (fish lines are parsed as fish).
// defs: the shell's aliases and functions (shell_defs.h), nullptr when unknown.
HookEvaluation hook_evaluate(const std::string& extra_config, const std::string& line, bool final,
                             const std::string& shell = "", const ShellDefinitions* defs = nullptr);

// How a question was answered: "" (none asked), "host", "sandbox" or "no". The caller
// sets ev.result.action to what the answer means before calling hook_finish.
// Returns the answer text and writes the audit record for lines that run on the host
// or are refused (`exec --sandbox` records sandboxed runs itself).
std::string hook_finish(const std::string& shell, const std::string& line, HookEvaluation& ev,
                        const std::string& reply);

// A line refused before or instead of judging it (the shell's definitions could not be
// read, the binary was replaced): "block" and "⛔ Blocked by vectra-guard: WHY.", recorded.
std::string hook_answer_refused(const std::string& shell, const std::string& line, const std::string& why);

// The whole answer for a caller that cannot ask (a background process, the builtin):
// a line that needs a question is answered "ask\n" and nothing is recorded.
std::string hook_answer_line(const std::string& extra_config, const std::string& shell,
                             const std::string& line, bool final, const ShellDefinitions* defs = nullptr);

// The shell's report at its next prompt for a host line: appends the "end" record
// (status, duration) for the start record `ref`. False when nothing was written.
bool hook_record_end(const std::string& ref, int status, long long duration_ms);

// `vectra-guard off` / `on` typed in a hooked shell: one audit record. In an agent
// session ($VG_AGENT) `off` is refused (recorded as a block, the reason in *refusal,
// false returned) unless the config has [agent] allow_disable = true.
bool hook_record_toggle(const std::string& extra_config, const std::string& shell, bool off,
                        std::string* refusal);

// "⛔ Blocked by vectra-guard: REASON." plus the safer alternative when there is one.
std::string hook_block_message(const HookResult& r);

// A reason without its trailing period and spaces (so it can be embedded).
std::string hook_strip_period(std::string s);

}  // namespace vg
