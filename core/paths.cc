#include "core/paths.h"

#include <array>
#include <cstdlib>

namespace vg {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// `path` is `dir` or below it.
bool under(std::string_view path, std::string_view dir) {
  if (dir.empty()) return false;
  if (dir == "/") return true;
  return path == dir || (starts_with(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

// Directories whose destruction breaks the machine (Linux and macOS).
constexpr std::array kSystemDirs = {
    "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/opt",
    "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/usr", "/var", "/snap", "/nix",
    "/System", "/Library", "/Applications", "/private", "/Users", "/Volumes", "/cores",
    "/efi", "/initrd.img", "/vmlinuz", "/lost+found", "/selinux"};

constexpr std::array kSpecialDevices = {"/dev/null",  "/dev/zero",   "/dev/stdout", "/dev/stderr",
                                        "/dev/stdin", "/dev/tty",    "/dev/random", "/dev/urandom",
                                        "/dev/full",  "/dev/ptmx"};

const std::string& tmpdir_env() {
  static const std::string value = [] {
    const char* t = std::getenv("TMPDIR");
    return t && t[0] == '/' ? normalize_abs(t) : std::string();
  }();
  return value;
}

// The workspace counts only when it is a real project folder, not home or a system dir.
bool usable_workspace(const AnalyzeContext& ctx) {
  const std::string& ws = ctx.workspace;
  if (ws.empty() || ws == "/" || ws == ctx.home) return false;
  for (const char* d : kSystemDirs)
    if (ws == d) return false;
  return true;
}

}  // namespace

std::string_view to_string(PathClass c) {
  switch (c) {
    case PathClass::Unknown: return "unknown";
    case PathClass::Special: return "special";
    case PathClass::NetSocket: return "net-socket";
    case PathClass::Device: return "device";
    case PathClass::Root: return "root";
    case PathClass::System: return "system";
    case PathClass::HomeRoot: return "home-root";
    case PathClass::HomeTop: return "home-top";
    case PathClass::Home: return "home";
    case PathClass::WorkspaceRoot: return "workspace-root";
    case PathClass::Workspace: return "workspace";
    case PathClass::TempRoot: return "temp-root";
    case PathClass::Temp: return "temp";
    case PathClass::Other: return "other";
  }
  return "unknown";
}

std::string normalize_abs(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
    } else if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

bool outside_project(PathClass c) {
  switch (c) {
    case PathClass::Root:
    case PathClass::System:
    case PathClass::Device:
    case PathClass::HomeRoot:
    case PathClass::HomeTop:
    case PathClass::Home:
    case PathClass::Other: return true;
    default: return false;
  }
}

PathClass classify_abs(std::string_view abs, const AnalyzeContext& ctx) {
  if (abs == "/") return PathClass::Root;
  if (starts_with(abs, "/dev/")) {
    for (const char* d : kSpecialDevices)
      if (abs == d) return PathClass::Special;
    if (starts_with(abs, "/dev/fd/")) return PathClass::Special;
    if (starts_with(abs, "/dev/tcp/") || starts_with(abs, "/dev/udp/")) return PathClass::NetSocket;
    if (starts_with(abs, "/dev/shm")) return abs == "/dev/shm" ? PathClass::TempRoot : PathClass::Temp;
    return PathClass::Device;
  }
  if (!ctx.home.empty() && ctx.home != "/" && abs == ctx.home) return PathClass::HomeRoot;
  // ~/.cache holds regenerable data: treat it like a temp dir.
  if (!ctx.home.empty() && ctx.home != "/" && under(abs, ctx.home + "/.cache"))
    return abs.size() == ctx.home.size() + 7 ? PathClass::TempRoot : PathClass::Temp;
  if (usable_workspace(ctx) && under(abs, ctx.workspace))
    return abs == ctx.workspace ? PathClass::WorkspaceRoot : PathClass::Workspace;
  if (!ctx.home.empty() && ctx.home != "/" && under(abs, ctx.home)) {
    std::string_view rest = abs.substr(ctx.home.size() + 1);
    return rest.find('/') == std::string_view::npos ? PathClass::HomeTop : PathClass::Home;
  }
  for (std::string_view t : {std::string_view("/tmp"), std::string_view("/var/tmp"),
                             std::string_view(tmpdir_env())}) {
    if (!t.empty() && t != "/" && under(abs, t)) return abs == t ? PathClass::TempRoot : PathClass::Temp;
  }
  for (const char* d : kSystemDirs)
    if (under(abs, d)) return PathClass::System;
  return PathClass::Other;
}

PathInfo classify_path(const Arg& arg, const std::string& cwd, const AnalyzeContext& ctx) {
  PathInfo info;
  std::string v = arg.value;
  info.dynamic = arg.dynamic;
  // A leading ~ is the home even when quoted: a folder literally named "~" is never meant.
  if (v == "~" || starts_with(v, "~/")) v = ctx.home + v.substr(1);
  if (v.empty()) {
    info.cls = PathClass::Unknown;
    info.fully_unknown = true;
    return info;
  }
  if (v[0] == kUnknown) {
    info.cls = PathClass::Unknown;
    // "$X", "$X/", "$X/*": nothing but the unknown part (an empty $X makes it /).
    info.fully_unknown = v.find_first_not_of(std::string(1, kUnknown) + "/*.") == std::string::npos;
    return info;
  }
  if (v[0] != '/') {
    if (cwd.empty()) {
      info.cls = PathClass::Unknown;
      return info;
    }
    v = cwd + "/" + v;
  }
  // Cut at the first component that is only known at run time or globbed: the path
  // names that directory or something below it.
  size_t cut = std::string::npos;
  size_t unk = v.find(kUnknown);
  size_t glob = arg.glob ? v.find_first_of("*?[") : std::string::npos;
  cut = std::min(unk, glob);
  bool partial = false;
  if (cut != std::string::npos) {
    size_t slash = v.rfind('/', cut);
    v = v.substr(0, slash == std::string::npos ? 0 : slash + 1);
    partial = true;
    info.dynamic = true;
  }
  info.abs = normalize_abs(v);
  info.cls = classify_abs(info.abs, ctx);
  if (partial) {
    // Something below a temp dir is temp; below the workspace root is in the workspace
    // only when a literal name follows, so `rm -rf *` stays a whole-workspace delete.
    if (info.cls == PathClass::TempRoot) info.cls = PathClass::Temp;
  }
  return info;
}

SecretKind secret_kind(std::string_view abs, const AnalyzeContext& ctx) {
  std::string_view base = abs.substr(abs.rfind('/') + 1);
  bool pub = ends_with(base, ".pub");
  if (!pub && (starts_with(base, "id_rsa") || starts_with(base, "id_dsa") || starts_with(base, "id_ecdsa") ||
               starts_with(base, "id_ed25519")))
    return SecretKind::PrivateKey;
  if (starts_with(abs, "/etc/ssh/ssh_host_") && !pub) return SecretKind::PrivateKey;
  if (abs == "/etc/shadow" || abs == "/etc/gshadow" || abs == "/etc/shadow-" || abs == "/etc/security/opasswd" ||
      starts_with(abs, "/etc/sudoers"))
    return SecretKind::SystemAuth;
  if (starts_with(abs, "/proc/") && ends_with(abs, "/environ")) return SecretKind::Tokens;
  if (starts_with(abs, "/var/run/secrets/") || starts_with(abs, "/run/secrets/")) return SecretKind::Tokens;
  if (base == ".env" || (starts_with(base, ".env.") && !ends_with(base, ".example") && !ends_with(base, ".sample") &&
                         !ends_with(base, ".template") && !ends_with(base, ".dist")))
    return SecretKind::EnvFile;
  const std::string& home = ctx.home;
  std::string_view rel;
  if (!home.empty() && under(abs, home)) rel = abs.substr(std::min(abs.size(), home.size() + 1));
  else if (under(abs, "/root")) rel = abs.substr(std::min(abs.size(), size_t(6)));
  else return SecretKind::None;
  if (starts_with(rel, ".ssh/")) {
    if (pub || ends_with(rel, "/config") || ends_with(rel, "known_hosts") || ends_with(rel, "authorized_keys"))
      return SecretKind::None;
    return SecretKind::PrivateKey;
  }
  constexpr std::array kCloud = {".aws/credentials", ".aws/config", ".azure/", ".config/gcloud/",
                                 ".kube/config", ".docker/config.json", ".terraform.d/credentials",
                                 ".config/doctl/", ".oci/"};
  for (std::string_view c : kCloud)
    if (starts_with(rel, c) || rel == c.substr(0, c.size() - (ends_with(c, "/") ? 1 : 0)))
      return SecretKind::CloudCredentials;
  constexpr std::array kTokens = {".netrc", ".npmrc", ".pypirc", ".git-credentials", ".vault-token",
                                  ".config/gh/hosts.yml", ".cargo/credentials", ".gem/credentials",
                                  ".config/hub", ".pgpass", ".my.cnf",
                                  // coding agents' and their tools' logins
                                  ".claude/.credentials.json", ".codex/auth.json", ".config/github-copilot",
                                  ".gemini/oauth_creds.json", ".config/anthropic", ".config/openai",
                                  ".aws/sso/cache", ".config/op", ".config/gcloud",
                                  // histories hold pasted tokens and passwords
                                  ".bash_history", ".zsh_history", ".python_history", ".psql_history",
                                  ".mysql_history", ".node_repl_history", ".local/share/fish/fish_history"};
  for (std::string_view t : kTokens)
    if (starts_with(rel, t)) return SecretKind::Tokens;
  constexpr std::array kKeyrings = {".gnupg", ".password-store", "Library/Keychains", ".local/share/keyrings",
                                    ".mozilla/firefox", ".config/google-chrome", ".config/chromium",
                                    "Library/Application Support/Google/Chrome"};
  for (std::string_view k : kKeyrings)
    if (starts_with(rel, k)) return SecretKind::Keyring;
  return SecretKind::None;
}

bool is_auth_or_boot_file(std::string_view abs) {
  constexpr std::array kFiles = {"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers",
                                 "/etc/fstab", "/etc/crypttab", "/etc/pam.conf", "/etc/ld.so.preload",
                                 "/etc/hosts", "/etc/resolv.conf", "/etc/inittab", "/etc/login.defs",
                                 "/etc/nsswitch.conf", "/etc/ssh/sshd_config", "/etc/default/grub",
                                 "/etc/security/opasswd"};
  for (std::string_view f : kFiles)
    if (abs == f) return true;
  constexpr std::array kDirs = {"/boot", "/etc/pam.d", "/etc/sudoers.d", "/etc/grub.d", "/efi"};
  for (std::string_view d : kDirs)
    if (under(abs, d)) return true;
  return false;
}

bool is_shell_startup_file(std::string_view abs, const AnalyzeContext& ctx) {
  constexpr std::array kHomeFiles = {".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc",
                                     ".zprofile", ".zshenv", ".zlogin", ".kshrc", ".cshrc", ".tcshrc",
                                     ".config/fish/config.fish", ".xinitrc", ".xprofile", ".inputrc",
                                     ".bash_logout", ".zlogout", ".logout"};
  if (!ctx.home.empty() && under(abs, ctx.home) && abs.size() > ctx.home.size()) {
    std::string_view rel = abs.substr(ctx.home.size() + 1);
    for (std::string_view f : kHomeFiles)
      if (rel == f) return true;
    if (starts_with(rel, ".config/fish/conf.d/")) return true;
  }
  constexpr std::array kSystem = {"/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/zshrc",
                                  "/etc/zsh/zshrc", "/etc/zsh/zshenv", "/etc/environment"};
  for (std::string_view f : kSystem)
    if (abs == f) return true;
  return under(abs, "/etc/profile.d");
}

bool is_persistence_path(std::string_view abs, const AnalyzeContext& ctx) {
  constexpr std::array kSystem = {"/etc/cron.d", "/etc/cron.daily", "/etc/cron.hourly", "/etc/cron.weekly",
                                  "/etc/cron.monthly", "/etc/crontab", "/var/spool/cron", "/etc/systemd",
                                  "/lib/systemd/system", "/usr/lib/systemd/system", "/etc/init.d",
                                  "/etc/rc.local", "/etc/xdg/autostart", "/Library/LaunchAgents",
                                  "/Library/LaunchDaemons", "/etc/ld.so.preload", "/etc/udev/rules.d"};
  for (std::string_view d : kSystem)
    if (under(abs, d)) return true;
  if (abs.find("/.git/hooks/") != std::string_view::npos) return true;
  if (!ctx.home.empty() && under(abs, ctx.home) && abs.size() > ctx.home.size()) {
    std::string_view rel = abs.substr(ctx.home.size() + 1);
    constexpr std::array kHome = {".ssh/authorized_keys", ".config/systemd/user", ".config/autostart",
                                  "Library/LaunchAgents", ".local/share/systemd", ".ssh/rc",
                                  ".ssh/environment"};
    for (std::string_view d : kHome)
      if (starts_with(rel, d)) return true;
  }
  return under(abs, "/root/.ssh");
}

bool is_log_or_history(std::string_view abs, const AnalyzeContext& ctx) {
  if (under(abs, "/var/log") || abs == "/var/run/utmp" || abs == "/run/utmp") return true;
  std::string_view base = abs.substr(abs.rfind('/') + 1);
  constexpr std::array kHistory = {".bash_history", ".zsh_history", ".history", ".python_history",
                                   ".mysql_history", ".psql_history", ".node_repl_history", ".lesshst",
                                   ".sh_history", ".viminfo"};
  for (std::string_view h : kHistory)
    if (base == h) return true;
  (void)ctx;
  return abs.find("/.local/share/fish/fish_history") != std::string_view::npos;
}

}  // namespace vg
