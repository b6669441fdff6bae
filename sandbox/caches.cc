#include "sandbox/caches.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "sandbox/mounts.h"

namespace vg::sandbox {

namespace {

// The value of NAME in a NAME=VALUE list ("" when unset or empty); the first wins,
// as getenv does.
std::string env_value(const std::vector<std::string>& environ, std::string_view name) {
  for (const std::string& e : environ)
    if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0)
      return e.substr(name.size() + 1);
  return "";
}

// npm reads its npm_config_* variables case-insensitively.
std::string npm_env(const std::vector<std::string>& environ, std::string_view key, std::string* used) {
  for (const std::string& e : environ) {
    std::string_view v(e);
    auto eq = v.find('=');
    if (eq == std::string_view::npos || eq + 1 == v.size()) continue;
    std::string_view name = v.substr(0, eq);
    if (name.size() != 11 + key.size()) continue;
    bool match = true;
    const std::string want = "npm_config_" + std::string(key);
    for (size_t i = 0; i < name.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(name[i])) == want[i];
    if (match) {
      if (used) *used = e;
      return std::string(v.substr(eq + 1));
    }
  }
  return "";
}

// XDG base directories: only absolute values count (the spec says relative ones are
// invalid and ignored).
std::string xdg(const std::vector<std::string>& environ, std::string_view name,
                const std::string& home, std::string_view fallback) {
  std::string v = env_value(environ, name);
  if (!v.empty() && v[0] == '/') return v;
  return home.empty() ? "" : home + "/" + std::string(fallback);
}

std::string strip_slashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

bool is_dir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool inside_or_equal(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || path.compare(0, dir.size() + 1, dir + "/") == 0;
}

}  // namespace

std::vector<CacheDir> cache_candidates(const std::vector<std::string>& environ,
                                       const std::string& home_in) {
  const std::string home = home_in == "/" ? std::string() : strip_slashes(home_in);
  std::vector<CacheDir> out;
  // A location from NAME when it is set to an absolute path (then NAME is passed
  // inside so the tool finds it there), else the default under home.
  auto add = [&](const char* tool, const std::string& path, std::vector<std::string> env = {}) {
    if (path.empty() || path[0] != '/') return;
    std::string p = strip_slashes(path);
    out.push_back({tool, p, p, std::move(env)});
  };
  auto from_env = [&](const char* tool, const char* name, const std::string& fallback,
                      const std::string& suffix = "") {
    std::string v = env_value(environ, name);
    if (!v.empty() && v[0] == '/')
      add(tool, strip_slashes(v) + suffix, {std::string(name) + "=" + v});
    else if (!fallback.empty())
      add(tool, fallback + suffix);
  };
  // The variables the XDG-based defaults came from, passed inside with them.
  auto xdg_env = [&](std::string_view name) {
    std::string v = env_value(environ, name);
    return (!v.empty() && v[0] == '/') ? std::vector<std::string>{std::string(name) + "=" + v}
                                       : std::vector<std::string>{};
  };
  const std::string cache_home = xdg(environ, "XDG_CACHE_HOME", home, ".cache");
  const std::string data_home = xdg(environ, "XDG_DATA_HOME", home, ".local/share");
  const std::string h = home;  // "" when there is no usable home: defaults are skipped
  auto under_home = [&](const char* rel) { return h.empty() ? std::string() : h + "/" + rel; };

  // npm
  std::string used;
  std::string npm_cache = npm_env(environ, "cache", &used);
  if (!npm_cache.empty() && npm_cache[0] == '/')
    add("npm", npm_cache, {used});
  else
    add("npm", under_home(".npm"));
  // Yarn v1 and v2+ (both read YARN_CACHE_FOLDER)
  {
    std::string v = env_value(environ, "YARN_CACHE_FOLDER");
    if (!v.empty() && v[0] == '/')
      add("yarn", v, {"YARN_CACHE_FOLDER=" + v});
    else if (!cache_home.empty())
      add("yarn", cache_home + "/yarn", xdg_env("XDG_CACHE_HOME"));
    std::string global = env_value(environ, "YARN_GLOBAL_FOLDER");
    if (!global.empty() && global[0] == '/')
      add("yarn", strip_slashes(global) + "/cache", {"YARN_GLOBAL_FOLDER=" + global});
    else
      add("yarn", under_home(".yarn/berry/cache"));
  }
  // pnpm: the content-addressed store and the metadata cache
  {
    std::string store = npm_env(environ, "store_dir", &used);
    std::string pnpm_home = env_value(environ, "PNPM_HOME");
    if (!store.empty() && store[0] == '/')
      add("pnpm", store, {used});
    else if (!pnpm_home.empty() && pnpm_home[0] == '/')
      add("pnpm", strip_slashes(pnpm_home) + "/store", {"PNPM_HOME=" + pnpm_home});
    if (!data_home.empty()) add("pnpm", data_home + "/pnpm/store", xdg_env("XDG_DATA_HOME"));
    if (!cache_home.empty()) add("pnpm", cache_home + "/pnpm", xdg_env("XDG_CACHE_HOME"));
  }
  // pip and Poetry
  {
    std::string v = env_value(environ, "PIP_CACHE_DIR");
    if (!v.empty() && v[0] == '/')
      add("pip", v, {"PIP_CACHE_DIR=" + v});
    else if (!cache_home.empty())
      add("pip", cache_home + "/pip", xdg_env("XDG_CACHE_HOME"));
    v = env_value(environ, "POETRY_CACHE_DIR");
    if (!v.empty() && v[0] == '/')
      add("poetry", v, {"POETRY_CACHE_DIR=" + v});
    else if (!cache_home.empty())
      add("poetry", cache_home + "/pypoetry", xdg_env("XDG_CACHE_HOME"));
  }
  // Cargo: registry/ and git/ only; CARGO_HOME itself holds credentials and config.
  {
    std::string v = env_value(environ, "CARGO_HOME");
    std::string cargo = (!v.empty() && v[0] == '/') ? strip_slashes(v) : under_home(".cargo");
    std::vector<std::string> env;
    if (!v.empty() && v[0] == '/') env.push_back("CARGO_HOME=" + v);
    if (!cargo.empty()) {
      add("cargo", cargo + "/registry", env);
      add("cargo", cargo + "/git", env);
    }
  }
  // Go: the module cache and the build cache
  {
    std::string v = env_value(environ, "GOMODCACHE");
    std::string gopath = env_value(environ, "GOPATH");
    gopath = gopath.substr(0, gopath.find(':'));  // the first GOPATH entry holds pkg/mod
    if (!v.empty() && v[0] == '/')
      add("go", v, {"GOMODCACHE=" + v});
    else if (!gopath.empty() && gopath[0] == '/')
      add("go", strip_slashes(gopath) + "/pkg/mod", {"GOPATH=" + env_value(environ, "GOPATH")});
    else
      add("go", under_home("go/pkg/mod"));
    v = env_value(environ, "GOCACHE");
    if (v == "off") {
      // the build cache is turned off
    } else if (!v.empty() && v[0] == '/') {
      add("go", v, {"GOCACHE=" + v});
    } else if (!cache_home.empty()) {
      add("go", cache_home + "/go-build", xdg_env("XDG_CACHE_HOME"));
    }
  }
  // RubyGems
  from_env("rubygems", "GEM_HOME", under_home(".gem"));
  if (!env_value(environ, "GEM_HOME").empty()) add("rubygems", under_home(".gem"));
  if (!data_home.empty()) add("rubygems", data_home + "/gem", xdg_env("XDG_DATA_HOME"));
  // Maven: the local repository only (settings.xml next to it holds passwords)
  add("maven", under_home(".m2/repository"));
  // Gradle: caches/ and wrapper/dists only (gradle.properties holds credentials)
  {
    std::string v = env_value(environ, "GRADLE_USER_HOME");
    std::string gh = (!v.empty() && v[0] == '/') ? strip_slashes(v) : under_home(".gradle");
    std::vector<std::string> env;
    if (!v.empty() && v[0] == '/') env.push_back("GRADLE_USER_HOME=" + v);
    if (!gh.empty()) {
      add("gradle", gh + "/caches", env);
      add("gradle", gh + "/wrapper/dists", env);
    }
  }
  // The same directory named twice (e.g. GEM_HOME=~/.gem): keep the first.
  std::vector<CacheDir> unique;
  for (CacheDir& c : out)
    if (std::none_of(unique.begin(), unique.end(), [&](const CacheDir& u) { return u.path == c.path; }))
      unique.push_back(std::move(c));
  return unique;
}

std::vector<std::string> tools_named(const std::vector<std::string>& argv) {
  static const std::pair<std::string_view, std::string_view> kTools[] = {
      {"npm", "npm"},       {"npx", "npm"},      {"yarn", "yarn"},     {"pnpm", "pnpm"},
      {"pnpx", "pnpm"},     {"pip", "pip"},      {"pip3", "pip"},      {"poetry", "poetry"},
      {"cargo", "cargo"},   {"go", "go"},        {"gem", "rubygems"},  {"bundle", "rubygems"},
      {"mvn", "maven"},     {"mvnw", "maven"},   {"gradle", "gradle"}, {"gradlew", "gradle"},
  };
  std::vector<std::string> out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '/'; };
  for (const std::string& arg : argv) {
    for (size_t i = 0; i < arg.size();) {
      if (!word(arg[i])) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < arg.size() && word(arg[end])) ++end;
      std::string_view w(arg.data() + i, end - i);
      if (size_t slash = w.rfind('/'); slash != std::string_view::npos) w.remove_prefix(slash + 1);
      for (const auto& [name, tool] : kTools)
        if (w == name && std::find(out.begin(), out.end(), tool) == out.end()) out.emplace_back(tool);
      i = end;
    }
  }
  return out;
}

void create_missing_caches(const std::vector<std::string>& environ, const std::string& home_in,
                           const std::vector<std::string>& argv) {
  const std::string home = strip_slashes(home_in);
  if (home.empty() || home == "/" || !is_dir(home)) return;
  const std::vector<std::string> tools = tools_named(argv);
  if (tools.empty()) return;
  for (const CacheDir& c : cache_candidates(environ, home)) {
    if (std::find(tools.begin(), tools.end(), c.tool) == tools.end()) continue;
    if (c.path.compare(0, home.size() + 1, home + "/") != 0 || c.path.find("/../") != std::string::npos ||
        c.path.find("/./") != std::string::npos)
      continue;
    struct stat st;
    if (lstat(c.path.c_str(), &st) == 0) continue;  // there already (or something else is)
    // Each missing component below home; stop at anything unexpected (a symlink, a file).
    bool ok = true;
    for (size_t at = home.size() + 1; ok && at <= c.path.size();) {
      size_t next = c.path.find('/', at);
      if (next == std::string::npos) next = c.path.size();
      const std::string part = c.path.substr(0, next);
      const bool leaf = next == c.path.size();
      if (lstat(part.c_str(), &st) == 0) {
        ok = S_ISDIR(st.st_mode);
      } else {
        ok = mkdir(part.c_str(), leaf ? 0755 : 0700) == 0;
      }
      at = next + 1;
    }
  }
}

std::vector<std::string> cache_secret_paths(const std::vector<std::string>& environ,
                                            const std::string& home_in) {
  const std::string home = home_in == "/" ? std::string() : strip_slashes(home_in);
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (!p.empty() && p[0] == '/' && std::find(out.begin(), out.end(), p) == out.end())
      out.push_back(p);
  };
  auto absolute = [&](std::string_view name) {
    std::string v = env_value(environ, name);
    return (!v.empty() && v[0] == '/') ? strip_slashes(v) : std::string();
  };
  if (!home.empty()) {
    for (const char* rel :
         {".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".cargo/credentials", ".cargo/credentials.toml",
          ".gem/credentials", ".local/share/gem/credentials", ".m2/settings.xml",
          ".m2/settings-security.xml", ".gradle/gradle.properties", ".config/pypoetry/auth.toml"})
      add(home + "/" + rel);
  }
  add(npm_env(environ, "userconfig", nullptr));
  if (std::string v = absolute("CARGO_HOME"); !v.empty()) {
    add(v + "/credentials");
    add(v + "/credentials.toml");
  }
  if (std::string v = absolute("GEM_HOME"); !v.empty()) add(v + "/credentials");
  if (std::string v = absolute("XDG_DATA_HOME"); !v.empty()) add(v + "/gem/credentials");
  if (std::string v = absolute("GRADLE_USER_HOME"); !v.empty()) add(v + "/gradle.properties");
  if (std::string v = absolute("POETRY_CONFIG_DIR"); !v.empty()) add(v + "/auth.toml");
  if (std::string v = absolute("XDG_CONFIG_HOME"); !v.empty()) add(v + "/pypoetry/auth.toml");
  return out;
}

bool caches_enabled(const Config& config, SecurityLevel level) {
  if (config.enable_cache) return *config.enable_cache;
  return level != SecurityLevel::Paranoid;
}

std::string unsafe_cache_reason(const std::string& path, const std::vector<std::string>& homes,
                                const std::string& state_dir) {
  if (path.empty() || path == "/") return "it is the root directory";
  if (is_forbidden_workspace(path)) return "it is a system directory";
  for (const char* sys : {"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                          "/boot", "/proc", "/sys", "/dev"})
    if (inside_or_equal(path, sys)) return "it is inside the system directory " + std::string(sys);
  for (const std::string& home : homes)
    if (!home.empty() && inside_or_equal(home, path)) return "it is a home directory or contains one";
  if (!state_dir.empty() && (inside_or_equal(state_dir, path) || inside_or_equal(path, state_dir)))
    return "it holds vectra-guard's own state";
  return "";
}

std::vector<CacheDir> select_caches(const Config& config, SecurityLevel level,
                                    const std::vector<std::string>& environ,
                                    const std::vector<std::string>& homes,
                                    const std::string& state_dir) {
  std::vector<CacheDir> out;
  if (!caches_enabled(config, level)) return out;
  auto keep = [&](CacheDir c, bool same_path) {
    std::string real = canonical(c.path);
    if (real.empty() || !is_dir(real)) return;  // only caches that exist
    if (!unsafe_cache_reason(real, homes, state_dir).empty()) return;
    c.path = real;
    if (same_path) c.target = real;
    else if (!unsafe_cache_reason(strip_slashes(c.target), homes, state_dir).empty()) return;
    for (const CacheDir& o : out)
      if (o.path == c.path || o.target == c.target) return;
    out.push_back(std::move(c));
  };
  // Detected caches of $HOME (the first home): the tools inside run with that HOME.
  const std::string home = homes.empty() ? std::string() : homes.front();
  for (CacheDir& c : cache_candidates(environ, home)) keep(std::move(c), true);
  for (const BindMount& b : config.cache_dirs)
    keep({"config", b.source, b.target.empty() ? b.source : b.target, {}},
         b.target.empty() || b.target == b.source);
  return out;
}

}  // namespace vg::sandbox
