// Obfuscation pack: program names only known at run time, decoded payloads fed to
// interpreters, and names hidden by quoting or escapes.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"obfuscation.dynamic-program", "obfuscation", Severity::Medium,
     "The program to run is only known at run time (a variable or command substitution).",
     "Name the program directly.", "obfuscated"},
    {"obfuscation.dynamic-destructive", "obfuscation", Severity::High,
     "A program only known at run time is called with destructive-looking arguments.",
     "Name the program directly.", "obfuscated"},
    {"obfuscation.variable-program", "obfuscation", Severity::Medium,
     "The program name is assembled from variables, hiding what runs.", "Name the program directly.", "obfuscated"},
    {"obfuscation.decode-exec", "obfuscation", Severity::High,
     "Decodes a hidden payload (base64, hex, compression) and runs it as code.",
     "Decode to a file, read it, then run it.", "obfuscated"},
};

bool destructive_flags(const Cmd& cmd) {
  return cmd.has_short('r') || cmd.has_short('R') || cmd.has_short('f') || cmd.has_long("recursive") ||
         cmd.has_long("force") || cmd.has_long("no-preserve-root");
}

}  // namespace

std::span<const Rule> obfuscation_rules() { return kRules; }

void obfuscation_check(const Cmd& cmd, RuleContext& rc) {
  if (cmd.obfuscated) rc.trait("obfuscated");
  if (cmd.program_dynamic) {
    bool wide_target = false;
    for (const Arg* a : cmd.operands()) {
      PathInfo pi = rc.path(*a, cmd);
      if (pi.cls == PathClass::Root || pi.cls == PathClass::System || pi.cls == PathClass::HomeRoot ||
          pi.cls == PathClass::HomeTop || pi.cls == PathClass::Device)
        wide_target = true;
    }
    bool flags = destructive_flags(cmd);
    if (flags && wide_target) rc.hit("obfuscation.dynamic-destructive", cmd, Severity::Critical);
    else if (flags || wide_target) rc.hit("obfuscation.dynamic-destructive", cmd);
    else rc.hit("obfuscation.dynamic-program", cmd);
    return;
  }
  if (cmd.obfuscated && cmd.program_text.find('$') != std::string::npos) rc.hit("obfuscation.variable-program", cmd);
}

}  // namespace vg
