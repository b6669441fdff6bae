#include "sandbox/env.h"

#include "core/config.h"

#include <algorithm>
#include <cctype>

namespace vg::sandbox {

const std::vector<std::string>& default_env_whitelist() { return vg::default_env_whitelist(); }

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

}  // namespace

bool looks_secret(std::string_view name) {
  const std::string n = upper(name);
  // Whole words and fragments that only credentials use.
  static constexpr std::string_view kAnywhere[] = {
      "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "API_KEY", "APIKEY",
      "ACCESS_KEY", "PRIVATE_KEY", "AUTH_TOKEN", "TOKEN_"};
  static constexpr std::string_view kPrefixes[] = {
      "AWS_", "GITHUB_", "GH_", "GITLAB_", "AZURE_", "GOOGLE_APPLICATION_", "NPM_", "DOCKER_AUTH",
      "VAULT_", "OPENAI_", "ANTHROPIC_", "HF_", "SSH_AUTH_SOCK", "SSH_AGENT"};
  static constexpr std::string_view kSuffixes[] = {
      "_TOKEN", "_KEY", "_PAT", "_PASS", "_PWD_HASH", "_CREDENTIALS", "_COOKIE", "_SESSION"};
  static constexpr std::string_view kExact[] = {"TOKEN", "KEY", "PASS", "COOKIE"};
  for (auto f : kAnywhere)
    if (contains(n, f)) return true;
  for (auto p : kPrefixes)
    if (starts_with(n, p)) return true;
  for (auto s : kSuffixes)
    if (ends_with(n, s)) return true;
  for (auto e : kExact)
    if (n == e) return true;
  return false;
}

bool env_pattern_matches(std::string_view pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '*')
    return starts_with(name, pattern.substr(0, pattern.size() - 1));
  return pattern == name;
}

bool narrows_default(const std::vector<std::string>& config_whitelist) {
  if (config_whitelist.empty()) return false;
  const auto& d = default_env_whitelist();
  return std::all_of(config_whitelist.begin(), config_whitelist.end(), [&](const std::string& n) {
    return std::any_of(d.begin(), d.end(), [&](const std::string& p) { return env_pattern_matches(p, n); });
  });
}

std::vector<std::string> filter_env(const std::vector<std::string>& environ,
                                    const std::vector<std::string>& config_whitelist) {
  std::vector<std::string> out;
  for (const std::string& entry : environ) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string_view name(entry.data(), eq);
    bool named_exactly = std::find(config_whitelist.begin(), config_whitelist.end(), name) !=
                         config_whitelist.end();
    if (looks_secret(name) && !named_exactly) continue;
    auto admits = [&](const std::vector<std::string>& list) {
      return std::any_of(list.begin(), list.end(),
                         [&](const std::string& p) { return env_pattern_matches(p, name); });
    };
    if (named_exactly || (!narrows_default(config_whitelist) && admits(default_env_whitelist())) ||
        admits(config_whitelist))
      out.push_back(entry);
  }
  return out;
}

std::vector<std::string> filter_exported_env(const std::vector<std::string>& environ,
                                             const std::vector<std::string>& config_whitelist) {
  if (narrows_default(config_whitelist)) return filter_env(environ, config_whitelist);
  static constexpr std::string_view kNever[] = {"LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "BASH_ENV",
                                                "ENV", "ZDOTDIR", "PROMPT_COMMAND", "VG_EXEC_CHECKED"};
  std::vector<std::string> out;
  for (const std::string& entry : environ) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string_view name(entry.data(), eq);
    bool named_exactly = std::find(config_whitelist.begin(), config_whitelist.end(), name) !=
                         config_whitelist.end();
    if (!named_exactly && (looks_secret(name) || starts_with(name, "BASH_FUNC_") ||
                           std::find(std::begin(kNever), std::end(kNever), name) != std::end(kNever)))
      continue;
    out.push_back(entry);
  }
  return out;
}

}  // namespace vg::sandbox
