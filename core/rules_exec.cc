// Exec pack: programs that run commands through their options, scripts or environment
// (git -c core.pager=.., tar --to-command, less +!, GIT_SSH_COMMAND=..), and inline code
// of interpreters that starts programs, runs code it decodes, or opens sockets.
// What such a command runs is also walked as a command of its own (normalize_options.cc),
// so its content decides when it is worse than this pack's floor.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"exec.option-command", "exec", Severity::Medium,
     "Runs a command given in an option, script or variable of another program (pager, hook, proxy, editor escape).",
     "Run the command directly, so it can be judged on its own.", "remote-exec"},
    {"exec.sed-write", "exec", Severity::Medium, "A sed script writes a file outside the project (w command).",
     "Write with a redirection inside the project.", ""},
    {"code.runs-commands", "exec", Severity::Medium, "Inline interpreter code starts programs or a shell.",
     "Run the program directly, so it can be judged on its own.", "remote-exec"},
    {"code.decode-exec", "exec", Severity::High,
     "Inline code runs code it decodes or assembles at run time (base64, hex, chr lists, getattr), hiding what runs.",
     "Run the decoded code as a plain file you can read.", "obfuscated"},
    {"code.socket", "exec", Severity::High,
     "Inline code opens a network connection or listener (a reverse or bind shell pattern).",
     "Use curl, ssh or a proper client for network access.", "remote-exec"},
};

void check_sed_writes(const Cmd& cmd, RuleContext& rc) {
  if (cmd.program != "sed" && cmd.program != "gsed") return;
  for (const Arg& a : cmd.args) {
    if (a.text.empty() || a.text[0] == '-') continue;
    for (const std::string& f : scan_sed(a.text).writes) {
      if (f.empty() || f == "/dev/stdout" || f == "/dev/stderr") continue;
      Arg target;
      target.text = target.value = f;
      PathClass c = rc.path(target, cmd).cls;
      if (c != PathClass::Workspace && c != PathClass::WorkspaceRoot && c != PathClass::Temp)
        rc.hit("exec.sed-write", cmd);
    }
    break;  // the script is the first operand
  }
}

}  // namespace

std::span<const Rule> exec_rules() { return kRules; }

void exec_check(const Cmd& cmd, RuleContext& rc) {
  if (!cmd.option_code.empty()) rc.hit("exec.option-command", cmd);
  check_sed_writes(cmd, rc);
}

}  // namespace vg
