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
    {"secrets.read-tree", "secrets", Severity::High,
     "Reads, copies or archives a whole directory that holds credentials (~/.ssh, ~/.aws, ~/.config...).",
     "Name the specific non-secret files you need.", "credentials"},
    {"secrets.write-key", "secrets", Severity::High, "Creates, overwrites or re-keys an SSH key in ~/.ssh.",
     "Create new keys under a new name and review before replacing one.", "credentials"},
};

// Directories of the home that hold credentials as a whole.
bool credential_tree(std::string_view abs, const AnalyzeContext& ctx) {
  if (ctx.home.empty() || abs.substr(0, ctx.home.size()) != ctx.home) return false;
  std::string_view rel = abs.substr(ctx.home.size());
  if (rel.empty() || rel == "/") return true;
  return one_of(rel.substr(1), ".ssh|.aws|.config|.gnupg|.docker|.kube|.azure|.password-store|.mozilla|"
                               ".local/share/keyrings|.claude|.codex|.config/gh|.config/gcloud|.local|.local/share");
}

// Readers that take whole directory trees.
bool reads_tree(const Cmd& cmd) {
  const std::string& p = cmd.program;
  if (p == "tar" || p == "rsync" || p == "rg" || p == "ag" || p == "7z" || p == "restic" || p == "borg") return true;
  if (p == "zip" || p == "grep" || p == "egrep" || p == "fgrep")
    return cmd.has_short('r') || cmd.has_short('R') || cmd.has_long("recursive");
  if (p == "cp" || p == "scp") return cmd.has_short('r') || cmd.has_short('R') || cmd.has_short('a') || cmd.has_long("recursive");
  return false;
}

constexpr CommandPattern kPatterns[] = {
    {"secrets.export-keys", "gpg|gpg2", "", "--export-secret-keys|--export-secret-subkeys"},
    {"secrets.export-keys", "security", "find-generic-password|find-internet-password|dump-keychain"},
    {"secrets.export-keys", "secret-tool", "lookup|search"},
    {"secrets.export-keys", "kwallet-query", "", "-r|--read-password"},
    {"secrets.read-system-auth", "getent", "shadow|gshadow"},
};

bool reads_files(std::string_view p) {
  static const NameSet readers(
                "cat|less|more|head|tail|bat|batcat|strings|xxd|od|hexdump|base64|base32|grep|egrep|fgrep|rg|ag|"
                "awk|gawk|sed|cp|scp|rsync|tar|zip|7z|gpg|openssl|nl|tac|view|vim|vi|nvim|nano|emacs|code|"
                "jq|yq|python|python3|node|perl|ruby|curl|wget|nc|ncat|sort|uniq|cut|tr|xclip|pbcopy|"
                "install|dd|ssh-keygen|diff|cmp|md5sum|sha256sum|column|paste|tee|mail|sendmail|sqlite3|"
                "duckdb|zcat|gzip|xz|zstd|bzip2|7z|rclone|aws|gsutil");
  return readers.contains(p);
}

}  // namespace

std::span<const Rule> secrets_rules() { return kRules; }

void secrets_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  apply_patterns(kPatterns, cmd, rc);
  std::vector<Arg> sources;
  if (p == "ssh-keygen" && !cmd.has_short('l') && !cmd.has_short('y') && !cmd.has_short('F') && !cmd.has_short('R')) {
    if (const Arg* f = cmd.option_value("-f")) {
      PathInfo pi = rc.path(*f, cmd);
      if (pi.abs.find("/.ssh/") != std::string::npos) rc.hit("secrets.write-key", cmd);
    }
  }
  if (reads_tree(cmd))
    for (const Arg* a : cmd.operands())
      if (credential_tree(rc.path(*a, cmd).abs, rc.ctx()) && !a->dynamic) rc.hit("secrets.read-tree", cmd);
  // /proc/*/environ: a glob over every process's environment.
  for (const Arg& a : cmd.args)
    if (a.value.rfind("/proc/", 0) == 0 && a.value.size() > 8 && a.value.compare(a.value.size() - 8, 8, "/environ") == 0)
      rc.hit("secrets.read-tokens", cmd);
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
