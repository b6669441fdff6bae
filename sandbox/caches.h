// Package caches shared with the sandbox: where each package manager keeps its
// downloads (honouring its own environment overrides and XDG_CACHE_HOME), and the
// credential files that live next to them and must stay hidden.
//
// Only cache data is ever mounted: Cargo's registry/ and git/ (not CARGO_HOME with its
// credentials), Maven's repository/ (not settings.xml), Gradle's caches/ and
// wrapper/dists (not gradle.properties).
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace vg::sandbox {

struct CacheDir {
  std::string tool;              // "npm", "pip", ... or "config" for cache_dirs entries
  std::string path;              // host directory
  std::string target;            // where it appears inside; same as path unless host:container
  std::vector<std::string> env;  // NAME=VALUE that pointed the tool here: set inside too
};

// Every cache location the known package managers would use for this environment and
// home directory, whether or not it exists (pure: reads no files).
std::vector<CacheDir> cache_candidates(const std::vector<std::string>& environ,
                                       const std::string& home);

// The package managers a command names ("npm" for npm or npx, "pip" for pip or pip3,
// ...), looked for as words anywhere in argv, so `bash -c "cd x && npm i"` counts.
std::vector<std::string> tools_named(const std::vector<std::string>& argv);

// Create the missing caches (cache_candidates) of the tools `argv` names, when they lie
// under `home`: a first `npm install` then finds ~/.npm to mount instead of failing on a
// read-only home. Directories on the way are made 0700 (~/.cache, and ~/.m2 or ~/.cargo
// hold credentials too), the cache itself 0755 less the umask, as the tools make them.
// Best effort: a cache that cannot be made is simply not mounted.
void create_missing_caches(const std::vector<std::string>& environ, const std::string& home,
                           const std::vector<std::string>& argv);

// Credential and token files next to those caches (pure; the caller hides the ones
// that exist): ~/.npmrc, ~/.yarnrc.yml, $CARGO_HOME/credentials.toml,
// ~/.m2/settings.xml, $GRADLE_USER_HOME/gradle.properties, ~/.gem/credentials, ...
std::vector<std::string> cache_secret_paths(const std::vector<std::string>& environ,
                                            const std::string& home);

// Whether caches are mounted for this config and level: enable_cache when set,
// otherwise on except at the paranoid level.
bool caches_enabled(const Config& config, SecurityLevel level);

// Why `path` (canonical) must never be mounted read-write as a cache, or "" when it
// may: "/", system directories, a home directory or one of its parents, a directory
// holding vectra-guard's state.
std::string unsafe_cache_reason(const std::string& path, const std::vector<std::string>& homes,
                                const std::string& state_dir);

// The caches to mount: detected ones that exist as directories, then the config's
// cache_dirs (host:container binds at container), canonical, deduplicated, unsafe ones
// dropped. Empty when caches are off.
std::vector<CacheDir> select_caches(const Config& config, SecurityLevel level,
                                    const std::vector<std::string>& environ,
                                    const std::vector<std::string>& homes,
                                    const std::string& state_dir);

}  // namespace vg::sandbox
