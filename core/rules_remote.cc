// Remote execution pack: code fetched from the network flowing into an interpreter,
// through a pipe (curl | sh), a substitution (bash -c "$(curl ..)") or a
// process substitution (sh <(curl ..), . <(curl ..)).
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"remote.pipe-to-shell", "remote-exec", Severity::High,
     "Runs code downloaded from the network without saving or reviewing it (curl | sh).",
     "Download the script, read it, then run the saved file.", "remote-exec"},
    {"remote.subst-to-shell", "remote-exec", Severity::High,
     "Runs code downloaded from the network through a command or process substitution.",
     "Download the script, read it, then run the saved file.", "remote-exec"},
    {"remote.download-exec", "remote-exec", Severity::High, "Downloads a file and executes it in the same command.",
     "Review the downloaded file before running it.", "remote-exec"},
    {"remote.pipe-unknown-to-shell", "remote-exec", Severity::Medium,
     "Feeds another program's output to a shell or interpreter as code.", "Save the script and run it by name.",
     "remote-exec"},
    {"remote.privileged-fetch-exec", "remote-exec", Severity::High,
     "Runs downloaded code as root.", "Download, review, then run without sudo where possible.", "remote-exec"},
};

// The interpreter takes its program from stdin (no -c, no script file).
bool reads_code_from_stdin(const Cmd& cmd) {
  const std::string& p = cmd.program;
  if (p == "source" || p == ".") {
    return !cmd.args.empty() && (cmd.args[0].value == "/dev/stdin" || cmd.args[0].text == "-");
  }
  if (!is_shell(p) && !is_interpreter(p)) return false;
  for (const Arg& a : cmd.args) {
    const std::string& t = a.text;
    if (t == "-" || a.value == "/dev/stdin") return true;
    if (t.size() > 1 && t[0] == '-' && t[1] != '-' && t.find('c') != std::string::npos && is_shell(p)) return false;
    if (t == "-c" || t == "-e" || t == "--eval" || t == "-m" || t == "-r") return false;
    if (!t.empty() && t[0] != '-' && t[0] != '+') return false;  // a script file
  }
  return true;
}

bool runs_code(const Cmd& cmd) {
  const std::string& p = cmd.program;
  return is_shell(p) || is_interpreter(p) || p == "eval" || p == "source" || p == "." || p == "exec";
}

}  // namespace

std::span<const Rule> remote_exec_rules() { return kRules; }

void remote_exec_check(const Cmd& cmd, RuleContext& rc) {
  if (!runs_code(cmd)) return;
  if (reads_code_from_stdin(cmd)) {
    if (cmd.stdin_source == Source::Network) {
      rc.hit(cmd.privileged ? "remote.privileged-fetch-exec" : "remote.pipe-to-shell", cmd);
    } else if (cmd.stdin_source == Source::Decoded) {
      rc.hit("obfuscation.decode-exec", cmd);
    } else if (cmd.stdin_source == Source::Unknown || cmd.stdin_source == Source::Secrets) {
      rc.hit("remote.pipe-unknown-to-shell", cmd);
    }
  }
  for (const Arg& a : cmd.args)
    if (a.code_from_network) rc.hit(cmd.privileged ? "remote.privileged-fetch-exec" : "remote.subst-to-shell", cmd);
  for (const Arg& a : cmd.args)
    if (a.code_decoded) rc.hit("obfuscation.decode-exec", cmd);
  for (const Redir& r : cmd.redirects)
    if (r.target.code_from_network) rc.hit("remote.subst-to-shell", cmd);
}

}  // namespace vg
