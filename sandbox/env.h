// The sandbox's environment: cleared to a whitelist; secret-looking names never pass
// unless the config names them exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vg::sandbox {

// The built-in whitelist (HOME USER LOGNAME PATH SHELL TERM LANG LC_* TZ PWD COLUMNS LINES).
const std::vector<std::string>& default_env_whitelist();

// Whether a variable name looks like it carries a credential (*_TOKEN, *SECRET*,
// *_KEY, *PASSWORD*, AWS_*, GITHUB_*, ...). Case-insensitive.
bool looks_secret(std::string_view name);

// Whether `name` matches a whitelist entry: an exact name, or a prefix ending in '*'.
bool env_pattern_matches(std::string_view pattern, std::string_view name);

// Whether the config's list only names variables the default list has: then it is
// the complete list (a narrowing, e.g. a project's "PATH HOME"), not additions.
bool narrows_default(const std::vector<std::string>& config_whitelist);

// Keep the NAME=VALUE entries admitted by the default list plus `config_whitelist`
// (or by config_whitelist alone when it narrows the default); a secret-looking name
// passes only when config_whitelist names it exactly.
std::vector<std::string> filter_env(const std::vector<std::string>& environ,
                                    const std::vector<std::string>& config_whitelist);

// A shell hook's line: what the shell exported passes (the line would see it on the
// host), except secret-looking names (unless named exactly in config_whitelist) and the
// variables that would make the sandbox's own processes run other code (LD_PRELOAD,
// BASH_ENV, ...). A config list that narrows the default still decides alone.
std::vector<std::string> filter_exported_env(const std::vector<std::string>& environ,
                                             const std::vector<std::string>& config_whitelist);

}  // namespace vg::sandbox
