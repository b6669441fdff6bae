#include "sandbox/mounts.h"

#include <sys/stat.h>

#include <algorithm>

namespace vg::sandbox {

const std::vector<std::string>& home_secret_paths() {
  static const std::vector<std::string> list = {
      // Keys and cloud credentials.
      ".ssh", ".gnupg", ".aws", ".azure", ".config/gcloud", ".kube", ".docker",
      ".netrc", ".npmrc", ".pypirc", ".git-credentials", ".config/gh", ".config/hub",
      ".password-store", ".vault-token", ".terraform.d", ".cargo/credentials",
      ".cargo/credentials.toml", ".gem/credentials", ".m2/settings-security.xml",
      ".local/share/keyrings",
      // Shell and REPL history.
      ".bash_history", ".zsh_history", ".zhistory", ".histfile", ".sh_history",
      ".local/share/fish/fish_history", ".python_history", ".node_repl_history",
      ".psql_history", ".mysql_history", ".sqlite_history", ".lesshst", ".viminfo",
      // Browser profiles.
      ".mozilla", ".config/google-chrome", ".config/chromium", ".config/BraveSoftware",
      ".config/microsoft-edge", ".var/app/org.mozilla.firefox", "snap/firefox",
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

// 'd' directory, 'f' anything else that exists, 0 missing. lstat: a symlink is
// shown as-is, it cannot be used to hide or protect a different path.
char host_kind(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return 0;
  if (S_ISLNK(st.st_mode)) return 0;
  return S_ISDIR(st.st_mode) ? 'd' : 'f';
}

void add_hidden(std::vector<Mount>& out, const std::string& path) {
  char kind = host_kind(path);
  if (!kind) return;
  for (const Mount& m : out)
    if (m.kind == MountKind::Hide && m.target == path) return;
  out.push_back({MountKind::Hide, "", path, kind == 'd'});
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
  out.push_back({MountKind::RwBind, in.workspace, in.workspace});
  for (const BindMount& b : in.bind_mounts) {
    std::string target = b.target.empty() ? b.source : b.target;
    out.push_back({b.writable ? MountKind::RwBind : MountKind::RoBind, b.source, target});
  }
  for (const std::string& home : in.homes) {
    if (home.empty() || home == "/") continue;
    for (const std::string& rel : home_secret_paths()) add_hidden(out, home + "/" + rel);
  }
  if (!in.state_dir.empty()) add_hidden(out, in.state_dir);
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
  // .git bound onto itself becomes a mount point: it cannot be renamed or removed from
  // inside, so the read-only hooks/config below cannot be sidestepped by moving .git
  // away and putting a new one with other hooks in its place.
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
