// Anti-forensics pack: clearing shell history, disabling it, wiping logs.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"forensics.history-clear", "anti-forensics", Severity::Medium, "Clears or disables the shell history.",
     "Delete the specific history entry with history -d N if it holds a secret.", "anti-forensics"},
    {"forensics.log-wipe", "anti-forensics", Severity::High, "Deletes, truncates or overwrites logs or shell history.",
     "Rotate logs with logrotate instead.", "anti-forensics"},
    {"forensics.journal-vacuum", "anti-forensics", Severity::Medium, "Deletes system journal entries.", "",
     "anti-forensics"},
};

bool history_var(std::string_view text) {
  return text.rfind("HISTFILE", 0) == 0 || text.rfind("HISTSIZE", 0) == 0 || text.rfind("HISTFILESIZE", 0) == 0 ||
         text.rfind("SAVEHIST", 0) == 0;
}

}  // namespace

std::span<const Rule> forensics_rules() { return kRules; }

void forensics_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (p == "history" && (cmd.has_short('c') || cmd.has_short('w') || cmd.has_short('d'))) {
    rc.hit("forensics.history-clear", cmd);
  }
  if (p == "unset" || p == "export" || p == "declare" || p == "typeset" || p == "readonly") {
    for (const Arg& a : cmd.args) {
      if (!history_var(a.text)) continue;
      size_t eq = a.value.find('=');
      std::string v = eq == std::string::npos ? "" : a.value.substr(eq + 1);
      if (p == "unset" || v == "/dev/null" || v == "0" || (eq != std::string::npos && v.empty()))
        rc.hit("forensics.history-clear", cmd);
    }
  }
  if (p == "set" && cmd.has_arg("+o") && cmd.has_arg("history")) rc.hit("forensics.history-clear", cmd);
  if (p == "journalctl" && (cmd.has_long("vacuum-time") || cmd.has_long("vacuum-size") ||
                            cmd.has_long("vacuum-files") || cmd.has_long("rotate")))
    rc.hit("forensics.journal-vacuum", cmd);
  bool deletes = p == "rm" || p == "shred" || p == "unlink" || p == "truncate" || p == "srm" || p == "wipe";
  if (deletes || (p == "ln" && cmd.has_short('f'))) {
    for (const Arg* a : cmd.operands()) {
      PathInfo pi = rc.path(*a, cmd);
      if (pi.cls != PathClass::Workspace && is_log_or_history(pi.abs, rc.ctx())) rc.hit("forensics.log-wipe", cmd);
    }
  }
  for (const Write& w : writes_of(cmd)) {
    if (w.append) continue;
    PathInfo pi = rc.path(w.target, cmd);
    if (pi.cls != PathClass::Workspace && is_log_or_history(pi.abs, rc.ctx())) rc.hit("forensics.log-wipe", cmd);
  }
}

}  // namespace vg
