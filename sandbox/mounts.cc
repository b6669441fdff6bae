#include "sandbox/mounts.h"

#include "sandbox/workspace.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

namespace vg::sandbox {

const std::vector<std::string>& home_secret_paths() {
  static const std::vector<std::string> list = {
      // Keys, signing and password stores.
      ".ssh", ".gnupg", ".password-store", ".local/share/keyrings", ".config/sops",
      ".config/age", ".config/op", ".config/Bitwarden CLI", ".vault-token", ".ansible/vault",
      // Cloud and infrastructure credentials.
      ".aws", ".azure", ".config/gcloud", ".kube", ".docker", ".oci", ".config/doctl",
      ".config/hcloud", ".aliyun", ".bluemix", ".config/openstack", ".s3cfg", ".boto",
      ".config/rclone", ".fly", ".config/netlify", ".config/.wrangler", ".wrangler",
      ".local/share/com.vercel.cli", ".config/heroku", ".terraform.d", ".terraformrc",
      ".config/ngrok", ".ngrok2", ".config/helm/repositories.yaml",
      // Git forges and git's credential stores.
      ".netrc", ".git-credentials", ".config/git/credentials", ".gitcookies", ".config/gh",
      ".config/hub", ".config/glab-cli", ".config/tea",
      // Package registries.
      ".npmrc", ".yarnrc", ".pypirc", ".config/pypoetry/auth.toml", ".config/pip/pip.conf",
      ".pip/pip.conf", ".cargo/credentials", ".cargo/credentials.toml", ".gem/credentials",
      ".m2/settings-security.xml", ".m2/settings.xml", ".gradle/gradle.properties",
      ".nuget/NuGet/NuGet.Config", ".composer/auth.json", ".config/composer/auth.json",
      ".config/jfrog",
      // AI agents and model hubs.
      ".claude/.credentials.json", ".claude.json", ".config/claude", ".codex/auth.json",
      ".config/github-copilot", ".gemini", ".config/openai", ".aider", ".cursor/mcp.json",
      ".config/anthropic", ".cache/huggingface/token", ".cache/huggingface/stored_tokens",
      ".huggingface/token", ".kaggle/kaggle.json", ".config/wandb", ".netrc-wandb",
      ".replicate", ".ollama/id_ed25519",
      // Database password files.
      ".pgpass", ".my.cnf", ".mylogin.cnf", ".cassandra/cqlshrc", ".rediscli_auth",
      ".mongoshrc.js", ".dbshell", ".config/pgcli", ".config/redis",
      // Shell and REPL history.
      ".bash_history", ".zsh_history", ".zhistory", ".histfile", ".sh_history",
      ".local/share/fish/fish_history", ".python_history", ".node_repl_history",
      ".psql_history", ".mysql_history", ".sqlite_history", ".lesshst", ".viminfo",
      ".irb_history", ".local/share/atuin",
      // Browser profiles and mail.
      ".mozilla", ".config/google-chrome", ".config/chromium", ".config/BraveSoftware",
      ".config/microsoft-edge", ".var/app/org.mozilla.firefox", "snap/firefox", ".thunderbird",
  };
  return list;
}

const std::vector<std::string>& shell_startup_paths() {
  static const std::vector<std::string> list = {
      ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".bash_aliases", ".bashrc.d",
      ".profile", ".inputrc", ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout",
      ".oh-my-zsh", ".config/fish", ".config/zsh", ".config/environment.d", ".pam_environment",
      ".xprofile", ".xsessionrc", ".config/autostart", ".config/systemd/user", ".gitconfig",
      ".config/git/config", ".ssh/rc", ".config/direnv",
  };
  return list;
}

const std::vector<std::string>& workspace_protected_paths() {
  // What git reads as config or code, and our own config. `.git` itself when it is a
  // gitfile (a linked worktree or submodule): it names the directory git reads. New
  // files cannot be protected by a mount; run.cc quarantines them after the run.
  static const std::vector<std::string> list = {".git/hooks", ".git/config", ".git/config.worktree",
                                                ".git/commondir", "vectra-guard.ini"};
  return list;
}

namespace {

// 'd' directory, 'f' anything else that exists, 0 missing. lstat: the caller has
// resolved symlinks already.
char host_kind(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return 0;
  if (S_ISLNK(st.st_mode)) return 0;
  return S_ISDIR(st.st_mode) ? 'd' : 'f';
}

// Where a path really is: a secret kept in a dotfiles repository and linked into the
// home (~/.ssh -> ~/dotfiles/ssh) must be hidden at the link's target, since that is
// what a mount over the path covers and what the sandbox could read the secret through.
// Empty when it does not exist, or resolves to "/" or a system directory (a link
// cannot be used to hide the system away).
std::string resolved(const std::string& path) {
  char buf[PATH_MAX];
  struct stat st;
  // Most listed secrets do not exist: one stat says so (realpath would readlink each
  // component first).
  if (stat(path.c_str(), &st) != 0 || !realpath(path.c_str(), buf)) return "";
  std::string r = buf;
  return is_forbidden_workspace(r) ? "" : r;
}

constexpr const char* kPrivateMounts[] = {"/dev", "/proc", "/tmp"};

// The names in a directory (empty when it cannot be read).
std::set<std::string> entry_names(const std::string& dir) {
  std::set<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) names.emplace(e->d_name);
    closedir(d);
  }
  return names;
}

// A `hide` entry from the config that would break every run (a system directory, the
// workspace or a home) is ignored: a planted vectra-guard.ini must not brick the project.
std::string unsafe_hide_reason(const std::string& path, const FsInputs& in) {
  if (path.empty()) return "it does not exist";
  for (const char* sys : {"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                          "/boot", "/proc", "/sys", "/dev", "/run", "/var/lib", "/opt"})
    if (path_within(path, sys)) return "it is a system path";
  if (path_within(in.workspace, path)) return "it holds the workspace";
  for (const std::string& home : in.homes)
    if (path_within(home, path)) return "it holds a home directory";
  return "";
}

void add_hidden(std::vector<Mount>& out, const std::string& path) {
  std::string real = resolved(path);
  char kind = real.empty() ? 0 : host_kind(real);
  if (!kind) return;
  for (const Mount& m : out)
    if (m.kind == MountKind::Hide && m.target == real) return;
  out.push_back({MountKind::Hide, "", real, kind == 'd'});
}

}  // namespace

bool is_forbidden_workspace(const std::string& path) {
  static const char* const kSystem[] = {"/",     "/usr", "/etc",  "/bin",  "/sbin", "/lib",
                                        "/lib32", "/lib64", "/libx32", "/boot", "/proc", "/sys",
                                        "/dev",  "/var", "/run",  "/opt", "/srv", "/home"};
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return std::any_of(std::begin(kSystem), std::end(kSystem),
                     [&](const char* s) { return p == s; });
}

std::vector<Mount> filesystem_view(const FsInputs& in) {
  std::vector<Mount> out;
  out.push_back({MountKind::Dev, "", "/dev"});
  out.push_back({MountKind::Proc, "", "/proc"});
  // /tmp first so that a workspace or bind under /tmp stays visible on top of it.
  out.push_back({MountKind::Tmpfs, "", "/tmp"});
  // Outside a project the directory is still visible (ls in ~ works), read-only. Not
  // bound when it is /, /tmp, or holds or lies in /dev or /proc: the private mounts above
  // would be covered by the host's, and the root shows it read-only anyway.
  bool covers_private = std::any_of(std::begin(kPrivateMounts), std::end(kPrivateMounts), [&](const char* m) {
    return path_within(m, in.workspace) || (std::string_view(m) != "/tmp" && path_within(in.workspace, m));
  });
  if (in.workspace_writable)
    out.push_back({MountKind::RwBind, in.workspace, in.workspace});
  else if (!covers_private)
    out.push_back({MountKind::RoBind, in.workspace, in.workspace});
  for (const BindMount& b : in.bind_mounts) {
    std::string target = b.target.empty() ? b.source : b.target;
    out.push_back({b.writable ? MountKind::RwBind : MountKind::RoBind, b.source, target});
  }
  for (const std::string& home : in.homes) {
    if (home.empty() || home == "/") continue;
    // One read of the home's entries instead of a failing stat for each of the hundred
    // listed secrets a home does not have.
    const std::set<std::string> present = entry_names(home);
    for (const std::string& rel : home_secret_paths())
      if (present.count(rel.substr(0, rel.find('/')))) add_hidden(out, home + "/" + rel);
  }
  if (!in.state_dir.empty()) add_hidden(out, in.state_dir);
  for (const std::string& p : in.hidden)
    if (unsafe_hide_reason(resolved(p), in).empty()) add_hidden(out, p);
  for (const std::string& p : in.extra_hidden) add_hidden(out, p);
  // Sockets that hand out the host's privileges.
  for (const char* sock : {"/run/docker.sock", "/var/run/docker.sock", "/run/podman/podman.sock",
                           "/run/containerd/containerd.sock", "/run/user"})
    add_hidden(out, sock);
  // A hidden directory already covers whatever lies under it (and is read-only, so a
  // mount point for the inner path could not even be made).
  auto under_hidden_dir = [&](const Mount& m) {
    for (const Mount& d : out)
      if (d.kind == MountKind::Hide && d.directory && &d != &m &&
          m.target.compare(0, d.target.size() + 1, d.target + "/") == 0)
        return true;
    return false;
  };
  std::vector<Mount> kept;
  for (const Mount& m : out)
    if (m.kind != MountKind::Hide || !under_hidden_dir(m)) kept.push_back(m);
  out = std::move(kept);
  // A hidden path below something writable (a secret kept in a dotfiles repository): its
  // mount would move with a renamed parent (`mv private p2` un-hides it for the next run).
  // Each directory between the writable mount and the hidden path is bound onto itself
  // first, and a mount point cannot be renamed or removed.
  std::vector<Mount> pinned;
  for (const Mount& h : out) {
    if (h.kind != MountKind::Hide) continue;
    for (const Mount& w : out) {
      if (w.kind != MountKind::RwBind || w.target == h.target || !path_within(h.target, w.target)) continue;
      for (size_t slash = h.target.find('/', w.target.size() + 1); slash != std::string::npos;
           slash = h.target.find('/', slash + 1)) {
        std::string dir = h.target.substr(0, slash);
        if (std::none_of(pinned.begin(), pinned.end(), [&](const Mount& p) { return p.target == dir; }))
          pinned.push_back({MountKind::RwBind, dir, dir});
      }
    }
  }
  auto first_hide = std::find_if(out.begin(), out.end(), [](const Mount& m) { return m.kind == MountKind::Hide; });
  out.insert(first_hide, pinned.begin(), pinned.end());
  // .git bound onto itself becomes a mount point: it cannot be renamed or removed from
  // inside, so the read-only hooks/config below cannot be sidestepped by moving .git
  // away and putting a new one with other hooks in its place.
  if (!in.workspace_writable) return out;
  if (std::string git = in.workspace + "/.git"; host_kind(git) == 'd')
    out.push_back({MountKind::RwBind, git, git});
  else if (host_kind(git) == 'f')
    out.push_back({MountKind::RoBind, git, git});
  for (const std::string& rel : workspace_protected_paths()) {
    std::string p = in.workspace + "/" + rel;
    if (host_kind(p)) out.push_back({MountKind::RoBind, p, p});
  }
  return out;
}

}  // namespace vg::sandbox
