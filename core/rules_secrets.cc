// Credentials and secrets pack: reading private keys, cloud credentials, tokens,
// /etc/shadow and .env files.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"secrets.read-key", "secrets", Severity::High, "Reads a private key.",
     "Use ssh-agent or the tool's own key handling instead of printing keys.", "credentials"},
    {"secrets.read-cloud", "secrets", Severity::High, "Reads cloud or cluster credentials.",
     "Use the cloud CLI's own auth commands.", "credentials"},
    {"secrets.read-tokens", "secrets", Severity::High, "Reads a file holding access tokens or passwords.", "",
     "credentials"},
    {"secrets.read-system-auth", "secrets", Severity::High, "Reads the system's password hashes or sudo rules.", "",
     "credentials"},
    {"secrets.read-keyring", "secrets", Severity::High, "Reads a keyring, password store or browser profile.", "",
     "credentials"},
    {"secrets.read-env-file", "secrets", Severity::Medium, "Reads a .env file, which usually holds secrets.",
     "Print only the variable names you need.", "credentials"},
    {"secrets.read-env-file-outside", "secrets", Severity::High, "Reads a .env file outside the project.", "",
     "credentials"},
    {"secrets.export-keys", "secrets", Severity::High, "Exports secret keys or keychain passwords.", "",
     "credentials"},
};

constexpr CommandPattern kPatterns[] = {
    {"secrets.export-keys", "gpg|gpg2", "", "--export-secret-keys|--export-secret-subkeys"},
    {"secrets.export-keys", "security", "find-generic-password|find-internet-password|dump-keychain"},
};

bool reads_files(std::string_view p) {
  static const NameSet readers(
                "cat|less|more|head|tail|bat|batcat|strings|xxd|od|hexdump|base64|base32|grep|egrep|fgrep|rg|ag|"
                "awk|gawk|sed|cp|scp|rsync|tar|zip|7z|gpg|openssl|nl|tac|view|vim|vi|nvim|nano|emacs|code|"
                "jq|yq|python|python3|node|perl|ruby|curl|wget|nc|ncat|sort|uniq|cut|tr|xclip|pbcopy|"
                "install|dd|ssh-keygen|diff|cmp|md5sum|sha256sum|column|paste|tee|mail|sendmail");
  return readers.contains(p);
}

}  // namespace

std::span<const Rule> secrets_rules() { return kRules; }

void secrets_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  apply_patterns(kPatterns, cmd, rc);
  std::vector<Arg> sources;
  if (reads_files(p)) {
    if (p == "ssh-keygen" && !cmd.has_short('y')) return;  // -y prints the public key of a private one
    for (const Arg* a : cmd.operands()) sources.push_back(*a);
    for (const Arg& a : cmd.args) {
      // curl -d @file / -F x=@file / -T file, dd if=
      size_t at = a.text.find('@');
      if (at != std::string::npos && (p == "curl" || p == "wget")) sources.push_back(drop_prefix(a, at + 1));
      if (a.text.rfind("if=", 0) == 0) sources.push_back(drop_prefix(a, 3));
    }
  }
  for (const Redir& r : cmd.redirects)
    if (r.op == "<" || r.op == "<>") sources.push_back(r.target);
  for (const Arg& a : sources) {
    PathInfo pi = rc.path(a, cmd);
    switch (secret_kind(pi.abs, rc.ctx())) {
      case SecretKind::PrivateKey: rc.hit("secrets.read-key", cmd); break;
      case SecretKind::CloudCredentials: rc.hit("secrets.read-cloud", cmd); break;
      case SecretKind::Tokens: rc.hit("secrets.read-tokens", cmd); break;
      case SecretKind::SystemAuth: rc.hit("secrets.read-system-auth", cmd); break;
      case SecretKind::Keyring: rc.hit("secrets.read-keyring", cmd); break;
      case SecretKind::EnvFile:
        rc.hit(pi.cls == PathClass::Workspace || pi.cls == PathClass::WorkspaceRoot ? "secrets.read-env-file"
                                                                                      : "secrets.read-env-file-outside",
               cmd);
        break;
      case SecretKind::None: break;
    }
  }
}

}  // namespace vg
