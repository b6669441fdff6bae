// Package cache detection (env overrides, XDG, only cache data), the safety filter, and
// how build_spec mounts caches and keeps the credentials next to them hidden.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/scratch_dir.h"
#include "sandbox/caches.h"
#include "sandbox/sandbox.h"
#include "sandbox/spec.h"

using namespace vg;
using namespace vg::sandbox;

namespace {


void touch(const std::string& p) { close(open(p.c_str(), O_CREAT | O_WRONLY, 0644)); }

std::vector<std::string> paths_of(const std::vector<CacheDir>& v, const std::string& tool = "") {
  std::vector<std::string> out;
  for (const CacheDir& c : v)
    if (tool.empty() || c.tool == tool) out.push_back(c.path);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const CacheDir* find_cache(const std::vector<CacheDir>& v, const std::string& path) {
  for (const CacheDir& c : v)
    if (c.path == path) return &c;
  return nullptr;
}

const Mount* find_mount(const SandboxSpec& s, MountKind k, const std::string& target) {
  for (const Mount& m : s.mounts)
    if (m.kind == k && m.target == target) return &m;
  return nullptr;
}

size_t index_of(const SandboxSpec& s, MountKind k, const std::string& target) {
  for (size_t i = 0; i < s.mounts.size(); ++i)
    if (s.mounts[i].kind == k && s.mounts[i].target == target) return i;
  return s.mounts.size();
}

}  // namespace

// ---- candidates: pure -----------------------------------------------------------------

Test(candidates, defaults_under_home) {
  auto c = cache_candidates({}, "/h");
  auto p = paths_of(c);
  for (const char* want :
       {"/h/.npm", "/h/.cache/yarn", "/h/.yarn/berry/cache", "/h/.local/share/pnpm/store", "/h/.cache/pnpm",
        "/h/.cache/pip", "/h/.cache/pypoetry", "/h/.cargo/registry", "/h/.cargo/git", "/h/go/pkg/mod",
        "/h/.cache/go-build", "/h/.gem", "/h/.local/share/gem", "/h/.m2/repository", "/h/.gradle/caches",
        "/h/.gradle/wrapper/dists"})
    cr_assert(has(p, want), "missing default cache %s", want);
  for (const CacheDir& d : c) {
    cr_assert_eq(d.path, d.target);
    cr_assert(d.env.empty(), "%s: defaults need no variable inside", d.path.c_str());
  }
}

Test(candidates, only_cache_data_never_credentials_or_config) {
  auto p = paths_of(cache_candidates({}, "/h"));
  for (const char* never : {"/h", "/h/.cargo", "/h/.m2", "/h/.gradle", "/h/.npmrc", "/h/.cache",
                            "/h/.local/share", "/h/.gradle/wrapper", "/h/.config"})
    cr_assert_not(has(p, never), "%s must not be a cache mount", never);
}

Test(candidates, env_overrides_win_and_are_passed_inside) {
  std::vector<std::string> env = {"npm_config_cache=/c/npm",   "YARN_CACHE_FOLDER=/c/yarn",
                                  "PIP_CACHE_DIR=/c/pip/",     "POETRY_CACHE_DIR=/c/poetry",
                                  "CARGO_HOME=/c/cargo",       "GOMODCACHE=/c/gomod",
                                  "GOCACHE=/c/gobuild",        "GEM_HOME=/c/gems",
                                  "GRADLE_USER_HOME=/c/gradle", "npm_config_store_dir=/c/pnpm"};
  auto c = cache_candidates(env, "/h");
  auto p = paths_of(c);
  for (const char* want : {"/c/npm", "/c/yarn", "/c/pip", "/c/poetry", "/c/cargo/registry", "/c/cargo/git",
                           "/c/gomod", "/c/gobuild", "/c/gems", "/c/gradle/caches",
                           "/c/gradle/wrapper/dists", "/c/pnpm"})
    cr_assert(has(p, want), "missing %s", want);
  for (const char* gone : {"/h/.npm", "/h/.cache/yarn", "/h/.cache/pip", "/h/.cargo/registry", "/h/go/pkg/mod",
                           "/h/.cache/go-build", "/h/.gradle/caches"})
    cr_assert_not(has(p, gone), "%s is overridden", gone);
  cr_assert_not(has(p, "/c/cargo"), "never the whole CARGO_HOME");
  cr_assert_not(has(p, "/c/gradle"), "never the whole GRADLE_USER_HOME");
  cr_assert(has(find_cache(c, "/c/npm")->env, "npm_config_cache=/c/npm"));
  cr_assert(has(find_cache(c, "/c/pip")->env, "PIP_CACHE_DIR=/c/pip/"));
  cr_assert(has(find_cache(c, "/c/cargo/registry")->env, "CARGO_HOME=/c/cargo"));
  cr_assert(has(find_cache(c, "/c/gradle/caches")->env, "GRADLE_USER_HOME=/c/gradle"));
  cr_assert(has(find_cache(c, "/c/gomod")->env, "GOMODCACHE=/c/gomod"));
}

Test(candidates, npm_variable_is_case_insensitive) {
  auto c = cache_candidates({"NPM_CONFIG_CACHE=/c/npm2"}, "/h");
  const CacheDir* d = find_cache(c, "/c/npm2");
  cr_assert_not_null(d);
  cr_assert_eq(d->tool, "npm");
  cr_assert(has(d->env, "NPM_CONFIG_CACHE=/c/npm2"));
}

Test(candidates, xdg_cache_home_honoured) {
  auto c = cache_candidates({"XDG_CACHE_HOME=/x/cache", "XDG_DATA_HOME=/x/data"}, "/h");
  auto p = paths_of(c);
  for (const char* want : {"/x/cache/pip", "/x/cache/yarn", "/x/cache/pypoetry", "/x/cache/go-build",
                           "/x/cache/pnpm", "/x/data/pnpm/store", "/x/data/gem"})
    cr_assert(has(p, want), "missing %s", want);
  cr_assert_not(has(p, "/h/.cache/pip"));
  cr_assert(has(find_cache(c, "/x/cache/pip")->env, "XDG_CACHE_HOME=/x/cache"));
  // A relative XDG value is invalid and ignored.
  cr_assert(has(paths_of(cache_candidates({"XDG_CACHE_HOME=rel"}, "/h")), "/h/.cache/pip"));
}

Test(candidates, gopath_first_entry_and_gocache_off) {
  auto p = paths_of(cache_candidates({"GOPATH=/g1:/g2", "GOCACHE=off"}, "/h"));
  cr_assert(has(p, "/g1/pkg/mod"));
  cr_assert_not(has(p, "/g2/pkg/mod"));
  cr_assert_not(has(p, "/h/.cache/go-build"));
  cr_assert_not(has(p, "off"));
}

Test(candidates, relative_overrides_ignored_and_no_home) {
  auto p = paths_of(cache_candidates({"PIP_CACHE_DIR=relative/pip"}, "/h"));
  cr_assert(has(p, "/h/.cache/pip"));
  cr_assert_not(has(p, "relative/pip"));
  // No usable home: only absolute overrides.
  auto none = cache_candidates({"PIP_CACHE_DIR=/c/pip"}, "/");
  cr_assert_eq(paths_of(none), std::vector<std::string>{"/c/pip"});
}

// ---- credentials next to caches -------------------------------------------------------

Test(secrets, next_to_caches) {
  auto s = cache_secret_paths({"CARGO_HOME=/c/cargo", "GRADLE_USER_HOME=/c/gradle", "GEM_HOME=/c/gems",
                               "npm_config_userconfig=/c/npmrc"},
                              "/h");
  for (const char* want :
       {"/h/.npmrc", "/h/.yarnrc.yml", "/h/.pypirc", "/h/.cargo/credentials", "/h/.cargo/credentials.toml",
        "/h/.gem/credentials", "/h/.m2/settings.xml", "/h/.m2/settings-security.xml",
        "/h/.gradle/gradle.properties", "/c/cargo/credentials.toml", "/c/cargo/credentials",
        "/c/gradle/gradle.properties", "/c/gems/credentials", "/c/npmrc"})
    cr_assert(has(s, want), "missing secret %s", want);
}

// ---- enable / safety / selection ------------------------------------------------------

Test(enabled, default_on_except_paranoid) {
  Config c;
  cr_assert(caches_enabled(c, SecurityLevel::Balanced));
  cr_assert(caches_enabled(c, SecurityLevel::Strict));
  cr_assert_not(caches_enabled(c, SecurityLevel::Paranoid));
  c.enable_cache = false;
  cr_assert_not(caches_enabled(c, SecurityLevel::Permissive));
  c.enable_cache = true;
  cr_assert(caches_enabled(c, SecurityLevel::Paranoid));
}

Test(safety, refuses_root_system_home_and_state) {
  std::vector<std::string> homes = {"/home/u"};
  cr_assert_neq(unsafe_cache_reason("/", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/usr", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/usr/lib/node_modules", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/etc/x", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/home/u", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/home", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/s", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/s/sub", homes, "/s"), "");
  cr_assert_neq(unsafe_cache_reason("/home/u/.local/state", homes, "/home/u/.local/state/vg"), "");
  cr_assert_eq(unsafe_cache_reason("/home/u/.npm", homes, "/s"), "");
  cr_assert_eq(unsafe_cache_reason("/opt/shared-cache", homes, "/s"), "");
  cr_assert_eq(unsafe_cache_reason("/var/cache/pip", homes, "/s"), "");
}

Test(select, only_existing_directories_canonical) {
  std::string root = scratch_dir("cache");
  std::string home = root + "/home";
  make_dirs(home + "/.npm");
  make_dirs(home + "/.cache/pip");
  make_dirs(root + "/real-m2-repo");
  make_dirs(home + "/.m2");
  cr_assert_eq(symlink((root + "/real-m2-repo").c_str(), (home + "/.m2/repository").c_str()), 0);
  touch(home + "/.cargo");  // a file, not a directory: not a cache
  Config cfg;
  auto c = select_caches(cfg, SecurityLevel::Balanced, {}, {home}, root + "/state");
  auto p = paths_of(c);
  cr_assert(has(p, home + "/.npm"));
  cr_assert(has(p, home + "/.cache/pip"));
  cr_assert(has(p, root + "/real-m2-repo"), "symlinked cache mounted at its real path");
  cr_assert_eq(p.size(), 3u, "only what exists (got %zu)", p.size());
}

Test(select, off_and_paranoid_mount_nothing) {
  std::string root = scratch_dir("cache");
  make_dirs(root + "/home/.npm");
  Config cfg;
  cfg.cache_dirs.push_back({root + "/home/.npm", root + "/home/.npm", true});
  cr_assert(select_caches(cfg, SecurityLevel::Paranoid, {}, {root + "/home"}, "").empty());
  cfg.enable_cache = false;
  cr_assert(select_caches(cfg, SecurityLevel::Balanced, {}, {root + "/home"}, "").empty());
  cfg.enable_cache = true;
  cr_assert_eq(select_caches(cfg, SecurityLevel::Paranoid, {}, {root + "/home"}, "").size(), 1u);
}

Test(select, cache_dirs_entries_and_unsafe_ones_dropped) {
  std::string root = scratch_dir("cache");
  std::string home = root + "/home";
  make_dirs(home);
  make_dirs(root + "/shared");
  make_dirs(root + "/plain");
  make_dirs(root + "/other");
  Config cfg;
  cfg.cache_dirs.push_back({root + "/shared", "/tmp/cache", true});
  cfg.cache_dirs.push_back({root + "/plain", root + "/plain", true});
  cfg.cache_dirs.push_back({root + "/missing", root + "/missing", true});
  cfg.cache_dirs.push_back({home, home, true});                     // a home: refused
  cfg.cache_dirs.push_back({root + "/other", "/usr/local", true});   // system target: refused
  // An environment pointing a cache at the home directory is refused too.
  auto c = select_caches(cfg, SecurityLevel::Balanced, {"PIP_CACHE_DIR=" + home}, {home}, "");
  cr_assert_eq(c.size(), 2u, "got %zu", c.size());
  const CacheDir* shared = find_cache(c, root + "/shared");
  cr_assert_not_null(shared);
  cr_assert_eq(shared->target, "/tmp/cache");
  cr_assert_eq(shared->tool, "config");
  cr_assert_not_null(find_cache(c, root + "/plain"));
}

// ---- build_spec ----------------------------------------------------------------------

namespace {

struct Fixture {
  std::string root = scratch_dir("cache");
  std::string home = root + "/home";
  std::string ws = home + "/proj";
  HostView host;
  Request req;
  Config cfg;
  Fixture() {
    make_dirs(ws);
    make_dirs(root + "/state");
    host.homes = {home};
    host.state_dir = root + "/state";
    host.environ = {"HOME=" + home, "PATH=/usr/bin"};
    req.argv = {"npm", "install"};
    req.cwd = ws;
    req.workspace = ws;
  }
  SandboxSpec build() {
    SandboxSpec s;
    std::string err;
    cr_assert(build_spec(req, cfg, host, s, err), "build_spec failed: %s", err.c_str());
    return s;
  }
};

}  // namespace

Test(spec_caches, mounted_read_write_and_listed) {
  Fixture f;
  make_dirs(f.home + "/.npm");
  make_dirs(f.home + "/.cargo/registry");
  SandboxSpec s = f.build();
  const Mount* npm = find_mount(s, MountKind::RwBind, f.home + "/.npm");
  cr_assert_not_null(npm);
  cr_assert_eq(npm->source, f.home + "/.npm");
  cr_assert_not_null(find_mount(s, MountKind::RwBind, f.home + "/.cargo/registry"));
  cr_assert_null(find_mount(s, MountKind::RwBind, f.home + "/.cargo"));
  cr_assert(has(s.caches, "npm " + f.home + "/.npm"));
  cr_assert(has(s.caches, "cargo " + f.home + "/.cargo/registry"));
  cr_assert_eq(s.caches.size(), 2u);
}

Test(spec_caches, credentials_next_to_caches_hidden_after_the_cache_mounts) {
  Fixture f;
  make_dirs(f.home + "/.gem");
  touch(f.home + "/.gem/credentials");  // inside a mounted cache
  make_dirs(f.home + "/.m2/repository");
  touch(f.home + "/.m2/settings.xml");
  make_dirs(f.home + "/.gradle/caches");
  touch(f.home + "/.gradle/gradle.properties");
  make_dirs(f.root + "/cargo/registry");
  touch(f.root + "/cargo/credentials.toml");
  touch(f.home + "/.yarnrc.yml");
  f.host.environ.push_back("CARGO_HOME=" + f.root + "/cargo");
  SandboxSpec s = f.build();
  size_t gem = index_of(s, MountKind::RwBind, f.home + "/.gem");
  size_t cred = index_of(s, MountKind::Hide, f.home + "/.gem/credentials");
  cr_assert_lt(gem, s.mounts.size());
  cr_assert_lt(cred, s.mounts.size(), "~/.gem/credentials hidden");
  cr_assert_gt(cred, gem, "the hide comes after the cache mount, so it wins");
  for (const std::string& p : {f.home + "/.m2/settings.xml", f.home + "/.gradle/gradle.properties",
                               f.root + "/cargo/credentials.toml", f.home + "/.yarnrc.yml"}) {
    const Mount* m = find_mount(s, MountKind::Hide, p);
    cr_assert_not_null(m, "%s hidden", p.c_str());
    cr_assert_not(m->directory);
  }
  // CARGO_HOME is passed inside so cargo finds its registry cache there.
  cr_assert(has(s.env, "CARGO_HOME=" + f.root + "/cargo"));
}

Test(spec_caches, secrets_hidden_even_with_caches_off) {
  Fixture f;
  make_dirs(f.home + "/.m2/repository");
  touch(f.home + "/.m2/settings.xml");
  f.cfg.enable_cache = false;
  SandboxSpec s = f.build();
  cr_assert(s.caches.empty());
  cr_assert_null(find_mount(s, MountKind::RwBind, f.home + "/.m2/repository"));
  cr_assert_not_null(find_mount(s, MountKind::Hide, f.home + "/.m2/settings.xml"));
}

Test(spec_caches, paranoid_level_mounts_none) {
  Fixture f;
  make_dirs(f.home + "/.npm");
  f.req.level = SecurityLevel::Paranoid;
  SandboxSpec s = f.build();
  cr_assert(s.caches.empty());
  cr_assert_null(find_mount(s, MountKind::RwBind, f.home + "/.npm"));
}

Test(spec_caches, host_container_entry_binds_at_container_path) {
  Fixture f;
  make_dirs(f.root + "/shared");
  f.cfg.cache_dirs.push_back({f.root + "/shared", "/tmp/shared-cache", true});
  SandboxSpec s = f.build();
  const Mount* m = find_mount(s, MountKind::RwBind, "/tmp/shared-cache");
  cr_assert_not_null(m);
  cr_assert_eq(m->source, f.root + "/shared");
  cr_assert(has(s.caches, "config " + f.root + "/shared -> /tmp/shared-cache"));
  // After the private /tmp, or it would be covered by it.
  cr_assert_gt(index_of(s, MountKind::RwBind, "/tmp/shared-cache"), index_of(s, MountKind::Tmpfs, "/tmp"));
}

Test(spec_caches, container_target_that_cannot_be_made_is_an_error) {
  Fixture f;
  make_dirs(f.root + "/shared");
  f.cfg.cache_dirs.push_back({f.root + "/shared", "/vg-no-such-dir/cache", true});
  SandboxSpec s;
  std::string err;
  cr_assert_not(build_spec(f.req, f.cfg, f.host, s, err));
  cr_assert(err.find("cache_dirs") != std::string::npos, "%s", err.c_str());
}

Test(spec_caches, override_variable_passed_inside) {
  Fixture f;
  make_dirs(f.root + "/pipcache");
  f.host.environ.push_back("PIP_CACHE_DIR=" + f.root + "/pipcache");
  SandboxSpec s = f.build();
  cr_assert(has(s.env, "PIP_CACHE_DIR=" + f.root + "/pipcache"));
  cr_assert_not_null(find_mount(s, MountKind::RwBind, f.root + "/pipcache"));
}

// ---- notice --------------------------------------------------------------------------

Test(notice, says_cached_and_verbose_lists) {
  Report r;
  r.runtime = "bubblewrap";
  r.level = "balanced";
  r.network = "none";
  cr_assert_eq(notice_line(r), "📦 Running in sandbox (bubblewrap, balanced).");
  r.caches = {"npm /h/.npm"};
  cr_assert_eq(notice_line(r), "📦 Running in sandbox (bubblewrap, balanced, cached).");
  cr_assert(details_text(r).find("   Cache: npm /h/.npm (read-write)\n") != std::string::npos);
}

// A tool's first run: its caches are made before mounting, only for the tools the
// command names, only under home, and not through a symlink.
Test(create, tools_named_in_argv_and_shell_strings) {
  auto t = tools_named({"bash", "-c", "cd web && npx vite; /usr/bin/pip3 install x"});
  cr_assert_eq(t.size(), 2u);
  cr_assert_eq(t[0], std::string("npm"));
  cr_assert_eq(t[1], std::string("pip"));
  cr_assert(tools_named({"ls", "-la", "npm-debug.log"}).empty(), "a word that only starts with npm");
  cr_assert(tools_named({"make", "test"}).empty());
}

Test(create, missing_caches_of_the_named_tool_only) {
  std::string root = scratch_dir("cache");
  std::string home = root + "/home";
  make_dirs(home);
  create_missing_caches({}, home, {"bash", "-c", "npm install left-pad"});
  struct stat st;
  cr_assert_eq(stat((home + "/.npm").c_str(), &st), 0, "~/.npm made");
  cr_assert(S_ISDIR(st.st_mode));
  cr_assert_eq(st.st_uid, getuid());
  cr_assert_neq(access((home + "/.cache").c_str(), F_OK), 0, "no cache of another tool");
  create_missing_caches({}, home, {"pip", "install", "--user", "x.whl"});
  cr_assert_eq(stat((home + "/.cache").c_str(), &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0700u, "~/.cache 0700 (XDG)");
  cr_assert_eq(access((home + "/.cache/pip").c_str(), F_OK), 0);
  // Found by select_caches now, so it is mounted.
  auto c = select_caches(Config{}, SecurityLevel::Balanced, {}, {home}, root + "/state");
  cr_assert(has(paths_of(c), home + "/.npm"));
  // Outside home (PIP_CACHE_DIR elsewhere) nothing is made; nor through a symlink.
  create_missing_caches({"PIP_CACHE_DIR=" + root + "/elsewhere"}, home, {"pip", "download", "x"});
  cr_assert_neq(access((root + "/elsewhere").c_str(), F_OK), 0);
  make_dirs(root + "/target");
  cr_assert_eq(symlink((root + "/target").c_str(), (home + "/.m2").c_str()), 0);
  create_missing_caches({}, home, {"mvn", "package"});
  cr_assert_neq(access((root + "/target/repository").c_str(), F_OK), 0, "not made through a symlink");
}
