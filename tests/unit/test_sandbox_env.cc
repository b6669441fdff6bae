// Environment filtering: the whitelist, LC_* prefixes, and secret-looking names that
// never pass unless the config names them exactly.
#include <criterion/criterion.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sandbox/env.h"

using namespace vg::sandbox;

namespace {

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

}  // namespace

Test(secret_names, tokens_and_keys) {
  for (const char* n : {"GITHUB_TOKEN", "NPM_TOKEN", "SLACK_BOT_TOKEN", "OPENAI_API_KEY",
                        "STRIPE_SECRET_KEY", "SSH_KEY", "DEPLOY_KEY", "TOKEN"})
    cr_assert(looks_secret(n), "%s should look secret", n);
}

Test(secret_names, passwords) {
  for (const char* n : {"DB_PASSWORD", "PGPASSWORD", "MYSQL_PWD_HASH", "SMTP_PASSWD", "GPG_PASSPHRASE",
                        "REDIS_PASS", "password"})
    cr_assert(looks_secret(n), "%s should look secret", n);
}

Test(secret_names, cloud_prefixes) {
  for (const char* n : {"AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_PROFILE", "GITHUB_ACTIONS",
                        "GH_TOKEN", "GITLAB_CI_TOKEN", "AZURE_CLIENT_SECRET",
                        "GOOGLE_APPLICATION_CREDENTIALS", "VAULT_ADDR"})
    cr_assert(looks_secret(n), "%s should look secret", n);
}

Test(secret_names, credentials_and_sessions) {
  for (const char* n : {"DOCKER_CREDENTIALS", "GIT_CREDENTIALS", "CLIENT_SECRET", "MY_SECRET_VALUE",
                        "SSH_AUTH_SOCK", "BROWSER_COOKIE", "HF_TOKEN"})
    cr_assert(looks_secret(n), "%s should look secret", n);
}

Test(secret_names, case_insensitive) {
  cr_assert(looks_secret("github_token"));
  cr_assert(looks_secret("Db_Password"));
  cr_assert(looks_secret("aws_secret_access_key"));
}

Test(secret_names, harmless_names_pass) {
  for (const char* n : {"HOME", "PATH", "TERM", "LANG", "LC_ALL", "EDITOR", "KEYBOARD_LAYOUT",
                        "TOKENIZERS_PARALLELISM", "MONKEY", "NO_BYPASS", "COLUMNS", "SHELL",
                        "XDG_SESSION_TYPE", "PWD"})
    cr_assert_not(looks_secret(n), "%s should not look secret", n);
}

Test(env_pattern, exact_and_prefix) {
  cr_assert(env_pattern_matches("PATH", "PATH"));
  cr_assert_not(env_pattern_matches("PATH", "PATHX"));
  cr_assert(env_pattern_matches("LC_*", "LC_ALL"));
  cr_assert(env_pattern_matches("LC_*", "LC_"));
  cr_assert_not(env_pattern_matches("LC_*", "LANG"));
  cr_assert(env_pattern_matches("*", "ANYTHING"));
}

Test(env_filter, default_list_only) {
  std::vector<std::string> in = {"HOME=/home/u", "PATH=/usr/bin", "EDITOR=vim", "LC_ALL=C",
                                 "TERM=xterm", "RANDOM_VAR=1", "TZ=UTC", "COLUMNS=80", "LINES=24"};
  auto out = filter_env(in, {});
  cr_assert(has(out, "HOME=/home/u"));
  cr_assert(has(out, "PATH=/usr/bin"));
  cr_assert(has(out, "LC_ALL=C"));
  cr_assert(has(out, "TERM=xterm"));
  cr_assert(has(out, "TZ=UTC"));
  cr_assert(has(out, "COLUMNS=80"));
  cr_assert(has(out, "LINES=24"));
  cr_assert_not(has(out, "EDITOR=vim"));
  cr_assert_not(has(out, "RANDOM_VAR=1"));
}

Test(env_filter, config_adds_names_and_prefixes) {
  std::vector<std::string> in = {"EDITOR=vim", "CARGO_HOME=/c", "CARGO_TARGET_DIR=/t", "HOME=/h"};
  auto out = filter_env(in, {"EDITOR", "CARGO_*"});
  cr_assert(has(out, "EDITOR=vim"));
  cr_assert(has(out, "CARGO_HOME=/c"));
  cr_assert(has(out, "CARGO_TARGET_DIR=/t"));
  cr_assert(has(out, "HOME=/h"), "the default list still applies");
}

Test(env_filter, secrets_blocked_even_by_prefix) {
  std::vector<std::string> in = {"MY_TOKEN=t", "MY_HOST=h", "AWS_REGION=eu"};
  auto out = filter_env(in, {"MY_*", "AWS_*"});
  cr_assert(has(out, "MY_HOST=h"));
  cr_assert_not(has(out, "MY_TOKEN=t"), "a prefix pattern does not name a secret explicitly");
  cr_assert_not(has(out, "AWS_REGION=eu"));
}

Test(env_filter, secrets_pass_when_named_exactly) {
  std::vector<std::string> in = {"GITHUB_TOKEN=abc", "NPM_TOKEN=n", "AWS_REGION=eu"};
  auto out = filter_env(in, {"GITHUB_TOKEN", "AWS_REGION"});
  cr_assert(has(out, "GITHUB_TOKEN=abc"));
  cr_assert(has(out, "AWS_REGION=eu"));
  cr_assert_not(has(out, "NPM_TOKEN=n"));
}

Test(env_filter, malformed_entries_dropped) {
  auto out = filter_env({"NOEQUALS", "=value", "HOME=/h", "PATH="}, {});
  cr_assert_eq(out.size(), 2u);
  cr_assert(has(out, "HOME=/h"));
  cr_assert(has(out, "PATH="));
}

Test(env_filter, value_with_equals_kept_whole) {
  auto out = filter_env({"LANG=a=b=c"}, {});
  cr_assert(has(out, "LANG=a=b=c"));
}

Test(env_filter, default_list_contents) {
  const auto& d = default_env_whitelist();
  for (const char* n : {"HOME", "USER", "LOGNAME", "PATH", "SHELL", "TERM", "LANG", "LC_*", "TZ",
                        "PWD", "COLUMNS", "LINES"})
    cr_assert(std::find(d.begin(), d.end(), n) != d.end(), "%s missing from the default list", n);
}

Test(env_filter, config_list_of_default_names_narrows) {
  std::vector<std::string> in = {"HOME=/h", "PATH=/p", "TERM=xterm", "LC_ALL=C"};
  cr_assert(narrows_default({"PATH", "HOME"}));
  cr_assert_not(narrows_default({"PATH", "EDITOR"}));
  cr_assert_not(narrows_default({}));
  auto out = filter_env(in, {"PATH", "HOME"});
  cr_assert_eq(out.size(), 2u);
  cr_assert(has(out, "PATH=/p"));
  cr_assert_not(has(out, "TERM=xterm"));
}

// Issue 16: a line from a shell hook sees what the shell exported, except secrets and
// the variables that would run other code in the sandbox's own processes.
Test(exported_env, passes_exports_but_not_secrets) {
  std::vector<std::string> env = {"PATH=/bin", "VGX=1", "MY_TOKEN=t", "AWS_SECRET_ACCESS_KEY=k",
                                  "LD_PRELOAD=/x.so", "BASH_ENV=/x", "BASH_FUNC_f%%=() { :; }", "EDITOR=vi"};
  auto out = filter_exported_env(env, {});
  auto has = [&](const char* e) { return std::find(out.begin(), out.end(), e) != out.end(); };
  cr_assert(has("PATH=/bin"));
  cr_assert(has("VGX=1"));
  cr_assert(has("EDITOR=vi"));
  cr_assert(!has("MY_TOKEN=t"));
  cr_assert(!has("AWS_SECRET_ACCESS_KEY=k"));
  cr_assert(!has("LD_PRELOAD=/x.so"));
  cr_assert(!has("BASH_ENV=/x"));
  cr_assert(!has("BASH_FUNC_f%%=() { :; }"));
  // Named exactly in the config: a secret passes; a narrowing list decides alone.
  auto named = filter_exported_env(env, {"MY_TOKEN"});
  cr_assert(std::find(named.begin(), named.end(), "MY_TOKEN=t") != named.end());
  auto narrow = filter_exported_env(env, {"PATH"});
  cr_assert_eq(narrow.size(), 1u);
}
