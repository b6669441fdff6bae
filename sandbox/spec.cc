#include "sandbox/spec.h"

#include <limits.h>
#include "core/passwd.h"
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "sandbox/caches.h"
#include "sandbox/env.h"
#include "sandbox/mounts.h"
#include "sandbox/network.h"
#include "sandbox/profile.h"
#include "sandbox/workspace.h"

extern char** environ;

namespace vg::sandbox {

std::string run_id() {
  char buf[32];
  time_t now = time(nullptr);
  struct tm tm;
  localtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string(buf) + "-" + std::to_string(getpid());
}

std::string_view to_string(MountKind k) {
  switch (k) {
    case MountKind::RoBind: return "ro-bind";
    case MountKind::RwBind: return "rw-bind";
    case MountKind::Tmpfs: return "tmpfs";
    case MountKind::Proc: return "proc";
    case MountKind::Dev: return "dev";
    case MountKind::Hide: return "hide";
  }
  return "?";
}

std::string_view to_string(RootFs r) {
  return r == RootFs::ReadOnly ? "read-only" : "writable, changes discarded";
}

namespace {

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

bool inside(const std::string& path, const std::string& dir) {
  return path == dir || (dir == "/" ? true : path.compare(0, dir.size() + 1, dir + "/") == 0);
}

std::string home_of(const char* user) {
  if (!user || !*user) return "";
  return vg::passwd_home(std::string(user));
}

}  // namespace

std::vector<ProtectedPath> protected_paths(const HostView& host) {
  std::vector<std::string> paths, whats;
  auto add = [&](const std::string& path, const std::string& what) {
    if (!path.empty() && path[0] == '/') {
      paths.push_back(path);
      whats.push_back(what);
    }
  };
  for (const std::string& home : host.homes) {
    if (home.empty() || home == "/") continue;
    for (const std::string& rel : shell_startup_paths()) add(home + "/" + rel, "your shell's startup file ~/" + rel);
  }
  for (const std::string& e : host.environ) {
    if (e.rfind("ZDOTDIR=", 0) == 0 && e.size() > 8)
      for (const char* f : {".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout"})
        add(e.substr(8) + "/" + f, "your shell's startup file $ZDOTDIR/" + std::string(f));
    if (e.rfind("PATH=", 0) == 0)
      for (size_t start = 5, colon; start <= e.size(); start = colon + 1) {
        colon = e.find(':', start);
        if (colon == std::string::npos) colon = e.size();
        std::string dir = e.substr(start, colon - start);
        add(dir, "a directory on $PATH (" + dir + ")");
      }
  }
  for (const std::string& d : host.config_dirs) add(d, "vectra-guard's config (" + d + ")");
  for (const std::string& f : host.program_files) add(f, "vectra-guard's own program " + f);
  std::vector<std::string> resolved = resolve_paths(paths);
  std::vector<ProtectedPath> out;
  for (size_t i = 0; i < paths.size(); ++i) out.push_back({resolved[i], whats[i]});
  return out;
}

std::string workspace_line(const SandboxSpec& spec) {
  if (!spec.review_dir.empty())
    return "workspace " + spec.workspace + " copy-on-write, changes kept in " + spec.review_dir + "/upper for review";
  return "workspace " + spec.workspace +
         (spec.workspace_writable ? " read-write" : " read-only (not a project: " + spec.workspace_reason + ")");
}

HostView current_host() {
  HostView h;
  for (char** e = environ; e && *e; ++e) h.environ.emplace_back(*e);
  auto add_home = [&](const std::string& home) {
    if (home.empty()) return;
    std::string c = canonical(home);
    if (c.empty()) c = home;
    if (std::find(h.homes.begin(), h.homes.end(), c) == h.homes.end()) h.homes.push_back(c);
  };
  if (const char* home = getenv("HOME")) add_home(home);
  add_home(vg::passwd_home(getuid()));
  // Under sudo the secrets worth hiding are the invoking user's too.
  add_home(home_of(getenv("SUDO_USER")));
  std::string state = vg::state_dir();
  h.state_dir = state.empty() ? state : (canonical(state).empty() ? state : canonical(state));
  std::string user_config = vg::default_config_paths("").user;
  h.config_dirs = {user_config.substr(0, user_config.rfind('/')), "/etc/vectra-guard"};
  for (const std::string& home : h.homes) {
    for (const char* f : {"vectra-guard", "vg", "vg-init", "vg-proxy"})
      h.program_files.push_back(home + "/.local/bin/" + f);
    h.program_files.push_back(home + "/.local/lib/vectra-guard");
    h.program_files.push_back(home + "/.local/libexec/vectra-guard");
    h.program_files.push_back(home + "/.local/share/vectra-guard");
  }
  h.uid = getuid();
  h.gid = getgid();
  return h;
}

bool build_spec(const Request& req, const Config& config, const HostView& host,
                SandboxSpec& spec, std::string& error) {
  if (req.argv.empty()) {
    error = "nothing to run: give the command after --";
    return false;
  }
  spec.argv = req.argv;
  spec.level = req.level.value_or(config.security_level);
  const LevelProfile profile = level_profile(spec.level);

  std::string cwd = req.cwd;
  if (cwd.empty()) {
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) {
      error = "cannot find the current directory; cd to an existing directory and retry";
      return false;
    }
    cwd = buf;
  }
  spec.cwd = canonical(cwd);
  spec.workspace = canonical(req.workspace.empty() ? cwd : req.workspace);
  if (spec.cwd.empty() || spec.workspace.empty()) {
    error = "the working directory or workspace does not exist; cd to an existing project directory";
    return false;
  }
  WorkspaceInputs wi;
  wi.homes = host.homes;
  wi.guard_dirs = host.config_dirs;
  if (!host.state_dir.empty()) wi.guard_dirs.push_back(host.state_dir);
  wi.protected_paths = protected_paths(host);
  spec.workspace_reason = unwritable_workspace_reason(spec.workspace, wi);
  spec.workspace_writable = spec.workspace_reason.empty();
  if (!inside(spec.cwd, spec.workspace)) {
    error = "the working directory " + spec.cwd + " is outside the workspace " + spec.workspace +
            "; run from inside the workspace";
    return false;
  }

  spec.env = req.pass_exported ? filter_exported_env(host.environ, config.env_whitelist)
                               : filter_env(host.environ, config.env_whitelist);
  std::erase_if(spec.env, [](const std::string& e) { return e.rfind("PWD=", 0) == 0; });
  spec.env.push_back("PWD=" + spec.cwd);
  spec.env.push_back("VG_SANDBOX=1");  // hooks inside know they are already guarded

  FsInputs fs;
  fs.workspace = spec.workspace;
  fs.workspace_writable = spec.workspace_writable;
  fs.hidden = config.hide;
  fs.homes = host.homes;
  fs.state_dir = host.state_dir;
  for (const BindMount& b : config.bind_mounts) {
    BindMount m = b;
    m.source = canonical(b.source);
    if (m.source.empty()) {
      error = "the bind mount source " + b.source + " does not exist; fix bind_mounts in the config";
      return false;
    }
    if (m.target.empty()) m.target = m.source;
    // A read-write bind must not hand the sandbox what the host runs later.
    if (m.writable) {
      std::string holds;
      for (const std::string& home : host.homes)
        if (!home.empty() && path_within(home, m.source)) holds = "your home directory";
      if (const ProtectedPath* p = protected_within(m.source, wi.protected_paths); p && holds.empty())
        holds = p->what;
      if (!holds.empty()) {
        error = "the read-write bind mount " + b.source + " holds " + holds +
                ", which a sandbox could rewrite; bind a project directory, or add :ro";
        return false;
      }
    }
    // The root is read-only: a mount point can only be made on the private /tmp.
    if (access(m.target.c_str(), F_OK) != 0 && !inside(m.target, "/tmp")) {
      error = "the bind mount target " + m.target +
              " does not exist on this machine; create it or choose an existing path in bind_mounts";
      return false;
    }
    fs.bind_mounts.push_back(m);
  }
  // Package caches, read-write at the same path (or at the container path of a
  // host:container entry). They go in before the hidden paths, so a credential file
  // inside or next to a cache (~/.gem/credentials, ~/.m2/settings.xml) stays hidden.
  // A tool's first run: its cache does not exist yet, so there would be nothing to mount.
  if (caches_enabled(config, spec.level) && !host.homes.empty())
    create_missing_caches(host.environ, host.homes.front(), req.argv);
  for (const CacheDir& c : select_caches(config, spec.level, host.environ, host.homes, host.state_dir)) {
    if (protected_within(c.path, wi.protected_paths)) continue;  // e.g. a cache_dirs entry of ~/.config
    if (access(c.target.c_str(), F_OK) != 0 && !inside(c.target, "/tmp")) {
      error = "the cache directory target " + c.target +
              " does not exist on this machine; create it or choose an existing path in cache_dirs";
      return false;
    }
    fs.bind_mounts.push_back({c.path, c.target, true});
    spec.caches.push_back(c.tool + " " + c.path + (c.target == c.path ? "" : " -> " + c.target));
    // The variable that pointed the tool at this cache, so it finds it inside too.
    for (const std::string& e : c.env) {
      std::string name = e.substr(0, e.find('=') + 1);
      if (std::none_of(spec.env.begin(), spec.env.end(),
                       [&](const std::string& x) { return x.rfind(name, 0) == 0; }))
        spec.env.push_back(e);
    }
  }
  for (const std::string& home : host.homes)
    for (const std::string& p : cache_secret_paths(host.environ, home)) fs.extra_hidden.push_back(p);
  // The ssh agent would sign for the sandbox as if it were the user.
  for (const std::string& e : host.environ)
    if (e.rfind("SSH_AUTH_SOCK=", 0) == 0 && e.size() > 14) fs.extra_hidden.push_back(e.substr(14));
  spec.root = profile.root;
  spec.mounts = filesystem_view(fs);
  if (config.keep_changes && spec.root == RootFs::WritableDiscarded && !host.state_dir.empty())
    spec.changes_dir = host.state_dir + "/changes/" + run_id();

  spec.network_requested = requested_network(req.network, config.network_mode, spec.level);
  spec.network = effective_network(spec.network_requested);
  spec.limits = profile.limits;
  spec.seccomp = {config.allow_unix_sockets, config.seccomp_profile};
  spec.timeout_seconds = req.timeout_seconds >= 0 ? req.timeout_seconds : config.timeout_seconds;
  if (spec.timeout_seconds < 0) spec.timeout_seconds = 0;
  spec.uid = host.uid;
  spec.gid = host.gid;
  spec.interactive = req.interactive;
  return true;
}

}  // namespace vg::sandbox
