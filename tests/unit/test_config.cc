// Config: defaults, every key, every error path (file, line, key), layers, tightening.
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "core/analyze.h"
#include "core/config.h"

using namespace vg;

namespace {

Config parse(const std::string& text) {
  Config c;
  apply_config_text(c, text, "cfg.ini", false);
  return c;
}

// Base layer then a workspace (tighten-only) layer.
Config tighten(const std::string& base, const std::string& workspace) {
  Config c;
  apply_config_text(c, base, "user.ini", false);
  apply_config_text(c, workspace, "ws.ini", true);
  return c;
}

struct Caught {
  bool thrown = false;
  std::string file, key, what;
  int line = -1;
};

Caught error_of(const std::string& text) {
  Caught c;
  try {
    parse(text);
  } catch (const ConfigError& e) {
    c.thrown = true;
    c.file = e.file;
    c.line = e.line;
    c.key = e.key;
    c.what = e.what();
  }
  return c;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string temp_dir() {
  char tmpl[] = "/tmp/vg-test-config-XXXXXX";
  char* d = mkdtemp(tmpl);
  cr_assert(d != nullptr, "mkdtemp failed");
  return d;
}

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

}  // namespace

// ---- defaults ---------------------------------------------------------------------------

Test(config, defaults) {
  Config c;
  cr_assert(c.mode == Mode::Always);
  cr_assert(c.security_level == SecurityLevel::Balanced);
  cr_assert(c.runtime == "auto");
  cr_assert(!c.network_mode.has_value());
  cr_assert(effective_network_mode(c) == NetworkMode::Restricted);
  cr_assert_eq(c.timeout_seconds, 0);
  cr_assert(c.guard_level == GuardLevel::Medium);
  cr_assert(c.allow.empty() && c.deny.empty() && c.bind_mounts.empty());
  cr_assert(!c.allow_unix_sockets && !c.log_output);
}

Test(config, empty_text_keeps_defaults) {
  Config c = parse("; only a comment\n# another\n\n[sandbox]\n");
  cr_assert(c.mode == Mode::Always);
  cr_assert(c.warnings.empty());
}

Test(config, network_follows_security_level) {
  Config c;
  c.security_level = SecurityLevel::Paranoid;
  cr_assert(effective_network_mode(c) == NetworkMode::None);
  c.security_level = SecurityLevel::Permissive;
  cr_assert(effective_network_mode(c) == NetworkMode::Full);
  c.network_mode = NetworkMode::None;
  cr_assert(effective_network_mode(c) == NetworkMode::None);
}

// ---- every key --------------------------------------------------------------------------

Test(config, sandbox_mode) { cr_assert(parse("[sandbox]\nmode = auto\n").mode == Mode::Auto); }

Test(config, security_level) {
  cr_assert(parse("[sandbox]\nsecurity_level = strict\n").security_level == SecurityLevel::Strict);
}

Test(config, runtime) { cr_assert(parse("[sandbox]\nruntime = bubblewrap\n").runtime == "bubblewrap"); }

Test(config, network_mode) {
  Config c = parse("[sandbox]\nnetwork_mode = none\n");
  cr_assert(c.network_mode == NetworkMode::None);
}

Test(config, timeout_units) {
  cr_assert_eq(parse("[sandbox]\ntimeout = 600\n").timeout_seconds, 600);
  cr_assert_eq(parse("[sandbox]\ntimeout = 30s\n").timeout_seconds, 30);
  cr_assert_eq(parse("[sandbox]\ntimeout = 10m\n").timeout_seconds, 600);
  cr_assert_eq(parse("[sandbox]\ntimeout = 2h\n").timeout_seconds, 7200);
  cr_assert_eq(parse("[sandbox]\ntimeout = 0\n").timeout_seconds, 0);
}

Test(config, env_whitelist_spaces_and_commas) {
  Config c = parse("[sandbox]\nenv_whitelist = PATH, HOME LANG,LC_*\n");
  cr_assert_eq(c.env_whitelist.size(), 4u);
  cr_assert(c.env_whitelist[3] == "LC_*");
}

Test(config, env_whitelist_repeatable) {
  Config c = parse("[sandbox]\nenv_whitelist = PATH\nenv_whitelist = EDITOR\n");
  cr_assert_eq(c.env_whitelist.size(), 2u);
}

Test(config, bind_mounts_list_and_modes) {
  Config c = parse("[sandbox]\nbind_mounts = /data:/mnt/data:rw /opt/tools\nbind_mounts = /srv:ro\n");
  cr_assert_eq(c.bind_mounts.size(), 3u);
  cr_assert(c.bind_mounts[0].source == "/data" && c.bind_mounts[0].target == "/mnt/data");
  cr_assert(c.bind_mounts[0].writable);
  cr_assert(c.bind_mounts[1].target == "/opt/tools" && !c.bind_mounts[1].writable);
  cr_assert(c.bind_mounts[2].source == "/srv" && !c.bind_mounts[2].writable);
}

Test(config, bind_mount_tilde_expands_home) {
  setenv("HOME", "/home/someone", 1);
  Config c = parse("[sandbox]\nbind_mounts = ~/.cache/pip:rw\n");
  cr_assert(c.bind_mounts[0].source == "/home/someone/.cache/pip");
}

Test(config, booleans) {
  Config c = parse("[sandbox]\nallow_unix_sockets = yes\nlog_output = on\n");
  cr_assert(c.allow_unix_sockets && c.log_output);
  c = parse("[sandbox]\nallow_unix_sockets = false\nlog_output = 0\n");
  cr_assert(!c.allow_unix_sockets && !c.log_output);
}

Test(config, seccomp_profile_relative_to_config_file) {
  Config c;
  apply_config_text(c, "[sandbox]\nseccomp_profile = profiles/dev.json\n", "/etc/vg/config.ini", false);
  cr_assert(c.seccomp_profile == "/etc/vg/profiles/dev.json", "got %s", c.seccomp_profile.c_str());
}

Test(config, guard_level) { cr_assert(parse("[guard]\nlevel = paranoid\n").guard_level == GuardLevel::Paranoid); }

Test(config, policies_repeatable) {
  Config c = parse("[policies]\nallow = npm test\nallow = make *\ndeny = terraform destroy*\ndeny = kubectl delete *\n");
  cr_assert_eq(c.allow.size(), 2u);
  cr_assert(c.allow[0] == "npm test" && c.allow[1] == "make *");
  cr_assert_eq(c.deny.size(), 2u);
}

Test(config, inline_comment) {
  Config c = parse("[sandbox]\nmode = auto ; the team default\n");
  cr_assert(c.mode == Mode::Auto);
}

Test(config, later_value_wins_in_one_file) {
  cr_assert(parse("[sandbox]\nmode = auto\nmode = risky\n").mode == Mode::Risky);
}

// ---- error paths: file, line and key are named ----------------------------------------------

Test(config_errors, unknown_key_names_file_line_key) {
  Caught e = error_of("[sandbox]\nmode = auto\n\nmdoe = never\n");
  cr_assert(e.thrown);
  cr_assert(e.file == "cfg.ini");
  cr_assert_eq(e.line, 4);
  cr_assert(e.key == "sandbox.mdoe");
  cr_assert(contains(e.what, "cfg.ini:4: unknown key 'sandbox.mdoe'"), "%s", e.what.c_str());
  cr_assert(contains(e.what, "README"), "%s", e.what.c_str());
}

Test(config_errors, unknown_section) {
  Caught e = error_of("[sandbox]\nmode = auto\n[sandbx]\nmode = auto\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 3);
  cr_assert(e.key == "sandbx");
  cr_assert(contains(e.what, "cfg.ini:3: unknown section [sandbx]"), "%s", e.what.c_str());
}

Test(config_errors, empty_unknown_section) {
  Caught e = error_of("[sandbox]\nmode = auto\n\n[polices]\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 4);
}

Test(config_errors, earlier_bad_key_before_unknown_section) {
  Caught e = error_of("[sandbox]\nmood = auto\n[x]\n");
  cr_assert(e.thrown && e.line == 2 && e.key == "sandbox.mood");
}

Test(config_errors, key_outside_section) {
  Caught e = error_of("mode = auto\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 1);
  cr_assert(contains(e.what, "section"), "%s", e.what.c_str());
}

Test(config_errors, bad_mode) {
  Caught e = error_of("[sandbox]\nmode = sometimes\n");
  cr_assert(e.thrown && e.line == 2 && e.key == "sandbox.mode");
  cr_assert(contains(e.what, "cfg.ini:2: bad value 'sometimes' for 'sandbox.mode'"), "%s", e.what.c_str());
  cr_assert(contains(e.what, "always, auto, risky or never"));
}

Test(config_errors, bad_security_level) {
  Caught e = error_of("[sandbox]\nsecurity_level = max\n");
  cr_assert(e.thrown && e.line == 2 && e.key == "sandbox.security_level");
}

Test(config_errors, bad_runtime) {
  Caught e = error_of("[sandbox]\nruntime = lxc\n");
  cr_assert(e.thrown && e.key == "sandbox.runtime");
}

Test(config_errors, bad_network_mode) {
  Caught e = error_of("[sandbox]\n\nnetwork_mode = some\n");
  cr_assert(e.thrown && e.line == 3 && e.key == "sandbox.network_mode");
}

Test(config_errors, bad_timeout) {
  cr_assert(error_of("[sandbox]\ntimeout = soon\n").thrown);
  cr_assert(error_of("[sandbox]\ntimeout = -5\n").thrown);
  cr_assert(error_of("[sandbox]\ntimeout = 10d\n").thrown);
  cr_assert(error_of("[sandbox]\ntimeout = 99999999\n").thrown);
}

Test(config_errors, bad_bool) {
  Caught e = error_of("[sandbox]\nallow_unix_sockets = maybe\n");
  cr_assert(e.thrown && e.key == "sandbox.allow_unix_sockets");
  cr_assert(contains(e.what, "true or false"));
  cr_assert(error_of("[sandbox]\nlog_output = 2\n").thrown);
}

Test(config_errors, relative_bind_mount) {
  Caught e = error_of("[sandbox]\nbind_mounts = data:/mnt\n");
  cr_assert(e.thrown && e.key == "sandbox.bind_mounts");
  cr_assert(error_of("[sandbox]\nbind_mounts = /a:/b:/c\n").thrown);
}

Test(config_errors, bad_env_name) {
  cr_assert(error_of("[sandbox]\nenv_whitelist = PATH $HOME\n").thrown);
}

Test(config_errors, bad_guard_level) {
  Caught e = error_of("[guard]\nlevel = extreme\n");
  cr_assert(e.thrown && e.key == "guard.level" && e.line == 2);
}

Test(config_errors, empty_pattern) {
  Caught e = error_of("[policies]\nallow =\n");
  cr_assert(e.thrown && e.key == "policies.allow");
  cr_assert(error_of("[policies]\ndeny = \n").thrown);
}

Test(config_errors, empty_scalar) { cr_assert(error_of("[sandbox]\nmode =\n").thrown); }

Test(config_errors, syntax_error_line) {
  Caught e = error_of("[sandbox]\nmode = auto\nthis is not ini\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 3);
  cr_assert(contains(e.what, "cfg.ini:3:"), "%s", e.what.c_str());
}

Test(config_errors, unterminated_section) {
  Caught e = error_of("[sandbox\nmode = auto\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 1);
}

Test(config_errors, line_too_long) {
  Caught e = error_of("[policies]\ndeny = " + std::string(400, 'x') + "\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 2);
  cr_assert(contains(e.what, "longer than"));
}

Test(config_errors, first_error_wins) {
  Caught e = error_of("[sandbox]\nmode = bad\nruntime = bad\n");
  cr_assert(e.thrown && e.line == 2 && e.key == "sandbox.mode");
}

// ---- layers -------------------------------------------------------------------------------

Test(config_layers, order_and_sources) {
  std::string d = temp_dir();
  ConfigPaths p;
  p.system = write_file(d + "/system.ini", "[sandbox]\nmode = risky\ntimeout = 100\n[policies]\ndeny = a*\n");
  p.user = write_file(d + "/user.ini", "[sandbox]\nmode = auto\n[policies]\ndeny = b*\n");
  p.workspace = write_file(d + "/vectra-guard.ini", "[sandbox]\ntimeout = 50\n");
  p.extra = write_file(d + "/extra.ini", "[guard]\nlevel = low\n");
  Config c = load_config(p);
  cr_assert(c.mode == Mode::Auto);
  cr_assert_eq(c.timeout_seconds, 50);
  cr_assert(c.guard_level == GuardLevel::Low);
  cr_assert_eq(c.deny.size(), 2u);
  cr_assert_eq(c.sources.size(), 4u);
  cr_assert(c.sources[0] == p.system && c.sources[3] == p.extra);
}

Test(config_layers, missing_default_layers_are_skipped) {
  std::string d = temp_dir();
  ConfigPaths p;
  p.system = d + "/none1.ini";
  p.user = d + "/none2.ini";
  p.workspace = d + "/none3.ini";
  Config c = load_config(p);
  cr_assert(c.sources.empty());
  cr_assert(c.mode == Mode::Always);
}

Test(config_layers, missing_extra_is_an_error) {
  std::string d = temp_dir();
  ConfigPaths p;
  p.system = d + "/none.ini";
  p.user = d + "/none.ini";
  p.extra = d + "/missing.ini";
  try {
    load_config(p);
    cr_assert_fail("no error for a missing --config file");
  } catch (const ConfigError& e) {
    cr_assert(e.file == p.extra);
    cr_assert(contains(e.what(), "--config"), "%s", e.what());
  }
}

Test(config_layers, directory_is_an_error) {
  std::string d = temp_dir();
  mkdir((d + "/dir.ini").c_str(), 0700);
  ConfigPaths p;
  p.system = d + "/none.ini";
  p.user = d + "/dir.ini";
  try {
    load_config(p);
    cr_assert_fail("no error for a directory");
  } catch (const ConfigError& e) {
    cr_assert(e.file == p.user);
  }
}

Test(config_layers, error_names_real_file_path) {
  std::string d = temp_dir();
  ConfigPaths p;
  p.system = d + "/none.ini";
  p.user = write_file(d + "/user.ini", "[sandbox]\n\n\nbogus = 1\n");
  try {
    load_config(p);
    cr_assert_fail("no error");
  } catch (const ConfigError& e) {
    cr_assert(e.file == p.user);
    cr_assert_eq(e.line, 4);
    cr_assert(contains(e.what(), p.user + ":4: unknown key 'sandbox.bogus'"), "%s", e.what());
  }
}

Test(config_layers, default_paths_honour_xdg) {
  setenv("HOME", "/home/u", 1);
  setenv("XDG_CONFIG_HOME", "/xdg", 1);
  ConfigPaths p = default_config_paths("/work/proj");
  cr_assert(p.user == "/xdg/vectra-guard/config.ini", "%s", p.user.c_str());
  cr_assert(p.workspace == "/work/proj/vectra-guard.ini");
  cr_assert(p.system == "/etc/vectra-guard/config.ini");
}

Test(config_layers, default_paths_without_xdg) {
  setenv("HOME", "/home/u", 1);
  unsetenv("XDG_CONFIG_HOME");
  cr_assert(default_config_paths("/w").user == "/home/u/.config/vectra-guard/config.ini");
  setenv("XDG_CONFIG_HOME", "relative/dir", 1);  // invalid per the XDG spec: ignored
  cr_assert(default_config_paths("/w").user == "/home/u/.config/vectra-guard/config.ini");
}

Test(config_layers, load_config_for_reads_workspace_file) {
  std::string d = temp_dir();
  setenv("HOME", d.c_str(), 1);
  unsetenv("XDG_CONFIG_HOME");
  write_file(d + "/vectra-guard.ini", "[policies]\ndeny = rm *\n");
  AnalyzeContext ctx{d, d + "/nohome", d};
  setenv("HOME", (d + "/nohome").c_str(), 1);
  Config c = load_config_for("", ctx);
  cr_assert_eq(c.deny.size(), 1u);
}

Test(config_layers, state_dir_from_vg_home) {
  setenv("VG_HOME", "/tmp/vgstate", 1);
  cr_assert(state_dir() == "/tmp/vgstate");
  unsetenv("VG_HOME");
  setenv("HOME", "/home/u", 1);
  cr_assert(state_dir() == "/home/u/.vectra-guard");
}

// ---- the workspace file may only tighten ---------------------------------------------------

Test(config_tighten, stricter_mode_accepted) {
  Config c = tighten("[sandbox]\nmode = risky\n", "[sandbox]\nmode = auto\n");
  cr_assert(c.mode == Mode::Auto);
  cr_assert(c.warnings.empty());
}

Test(config_tighten, looser_mode_ignored_with_warning) {
  Config c = tighten("[sandbox]\nmode = auto\n", "[sandbox]\n\nmode = never\n");
  cr_assert(c.mode == Mode::Auto);
  cr_assert_eq(c.warnings.size(), 1u);
  cr_assert(contains(c.warnings[0], "ws.ini:3:"), "%s", c.warnings[0].c_str());
  cr_assert(contains(c.warnings[0], "sandbox.mode"));
}

Test(config_tighten, guard_level) {
  cr_assert(tighten("", "[guard]\nlevel = high\n").guard_level == GuardLevel::High);
  Config c = tighten("[guard]\nlevel = high\n", "[guard]\nlevel = low\n");
  cr_assert(c.guard_level == GuardLevel::High);
  cr_assert_eq(c.warnings.size(), 1u);
}

Test(config_tighten, security_level) {
  cr_assert(tighten("", "[sandbox]\nsecurity_level = paranoid\n").security_level == SecurityLevel::Paranoid);
  Config c = tighten("[sandbox]\nsecurity_level = strict\n", "[sandbox]\nsecurity_level = permissive\n");
  cr_assert(c.security_level == SecurityLevel::Strict);
  cr_assert_eq(c.warnings.size(), 1u);
}

Test(config_tighten, network) {
  cr_assert(tighten("", "[sandbox]\nnetwork_mode = none\n").network_mode == NetworkMode::None);
  Config c = tighten("", "[sandbox]\nnetwork_mode = full\n");  // default balanced = restricted
  cr_assert(!c.network_mode.has_value());
  cr_assert_eq(c.warnings.size(), 1u);
  c = tighten("[sandbox]\nsecurity_level = paranoid\n", "[sandbox]\nnetwork_mode = restricted\n");
  cr_assert(effective_network_mode(c) == NetworkMode::None);
}

Test(config_tighten, timeout) {
  cr_assert_eq(tighten("", "[sandbox]\ntimeout = 60\n").timeout_seconds, 60);
  cr_assert_eq(tighten("[sandbox]\ntimeout = 60\n", "[sandbox]\ntimeout = 30\n").timeout_seconds, 30);
  Config c = tighten("[sandbox]\ntimeout = 60\n", "[sandbox]\ntimeout = 120\n");
  cr_assert_eq(c.timeout_seconds, 60);
  cr_assert_eq(c.warnings.size(), 1u);
  c = tighten("[sandbox]\ntimeout = 60\n", "[sandbox]\ntimeout = 0\n");
  cr_assert_eq(c.timeout_seconds, 60);
}

Test(config_tighten, deny_added_allow_ignored) {
  Config c = tighten("[policies]\nallow = npm test\n", "[policies]\ndeny = curl *\nallow = rm *\n");
  cr_assert_eq(c.deny.size(), 1u);
  cr_assert_eq(c.allow.size(), 1u);
  cr_assert(c.allow[0] == "npm test");
  cr_assert_eq(c.warnings.size(), 1u);
  cr_assert(contains(c.warnings[0], "ws.ini:3:"), "%s", c.warnings[0].c_str());
}

Test(config_tighten, bind_mounts_ignored) {
  Config c = tighten("", "[sandbox]\nbind_mounts = /:/host:rw\n");
  cr_assert(c.bind_mounts.empty());
  cr_assert_eq(c.warnings.size(), 1u);
}

Test(config_tighten, env_additions_ignored_subset_kept) {
  Config c = tighten("", "[sandbox]\nenv_whitelist = PATH AWS_SECRET_ACCESS_KEY LC_ALL\n");
  cr_assert_eq(c.env_whitelist.size(), 2u);
  cr_assert(c.env_whitelist[0] == "PATH" && c.env_whitelist[1] == "LC_ALL");
  cr_assert_eq(c.warnings.size(), 1u);
  cr_assert(contains(c.warnings[0], "AWS_SECRET_ACCESS_KEY"));
}

Test(config_tighten, unix_sockets) {
  Config c = tighten("", "[sandbox]\nallow_unix_sockets = true\n");
  cr_assert(!c.allow_unix_sockets);
  cr_assert_eq(c.warnings.size(), 1u);
  c = tighten("[sandbox]\nallow_unix_sockets = true\n", "[sandbox]\nallow_unix_sockets = false\n");
  cr_assert(!c.allow_unix_sockets);
  cr_assert(c.warnings.empty());
}

Test(config_tighten, runtime_and_seccomp_are_not_a_project_choice) {
  Config c = tighten("", "[sandbox]\nruntime = docker\nseccomp_profile = /tmp/open.json\n");
  cr_assert(c.runtime == "auto");
  cr_assert(c.seccomp_profile.empty());
  cr_assert_eq(c.warnings.size(), 2u);
}

Test(config_tighten, log_output_only_on) {
  cr_assert(tighten("", "[sandbox]\nlog_output = true\n").log_output);
  Config c = tighten("[sandbox]\nlog_output = true\n", "[sandbox]\nlog_output = false\n");
  cr_assert(c.log_output);
  cr_assert_eq(c.warnings.size(), 1u);
}

Test(config_tighten, bad_value_still_an_error) {
  Config c;
  try {
    apply_config_text(c, "[sandbox]\nmode = loose\n", "ws.ini", true);
    cr_assert_fail("no error");
  } catch (const ConfigError& e) {
    cr_assert(e.file == "ws.ini" && e.line == 2);
  }
}

Test(config_tighten, through_load_config) {
  std::string d = temp_dir();
  ConfigPaths p;
  p.system = d + "/none.ini";
  p.user = write_file(d + "/user.ini", "[sandbox]\nmode = auto\n");
  p.workspace = write_file(d + "/vectra-guard.ini", "[sandbox]\nmode = never\n");
  Config c = load_config(p);
  cr_assert(c.mode == Mode::Auto);
  cr_assert_eq(c.warnings.size(), 1u);
  cr_assert(contains(c.warnings[0], p.workspace + ":2:"), "%s", c.warnings[0].c_str());
}

Test(config_tighten, extra_config_may_loosen) {
  std::string d = temp_dir();
  ConfigPaths p;
  p.system = d + "/none.ini";
  p.user = write_file(d + "/user.ini", "[sandbox]\nmode = auto\n");
  p.extra = write_file(d + "/extra.ini", "[sandbox]\nmode = never\n");
  cr_assert(load_config(p).mode == Mode::Never);
}

// ---- names ------------------------------------------------------------------------------------

Test(config_names, round_trips) {
  for (Mode m : {Mode::Always, Mode::Auto, Mode::Risky, Mode::Never}) cr_assert(parse_mode(to_string(m)) == m);
  for (GuardLevel g : {GuardLevel::Low, GuardLevel::Medium, GuardLevel::High, GuardLevel::Paranoid})
    cr_assert(parse_guard_level(to_string(g)) == g);
  for (SecurityLevel s : {SecurityLevel::Permissive, SecurityLevel::Balanced, SecurityLevel::Strict,
                          SecurityLevel::Paranoid})
    cr_assert(parse_security_level(to_string(s)) == s);
  for (NetworkMode n : {NetworkMode::None, NetworkMode::Restricted, NetworkMode::Full})
    cr_assert(parse_network_mode(to_string(n)) == n);
  cr_assert(!parse_mode("Always").has_value());
}

// ---- [agent] ------------------------------------------------------------------------------

Test(config_agent, allow_disable_defaults_off_and_parses) {
  cr_assert_not(Config{}.agent_allow_disable);
  cr_assert(parse("[agent]\nallow_disable = true\n").agent_allow_disable);
  cr_assert_not(parse("[agent]\nallow_disable = no\n").agent_allow_disable);
  Caught e = error_of("[agent]\nallow_disable = sometimes\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 2);
}

Test(config_agent, workspace_cannot_let_agents_disable_the_guard) {
  Config c = tighten("", "[agent]\nallow_disable = true\n");
  cr_assert_not(c.agent_allow_disable);
  cr_assert_eq(c.warnings.size(), 1u);
  cr_assert(contains(c.warnings[0], "agent.allow_disable"), "%s", c.warnings[0].c_str());
  // Turning it off from the workspace is tightening: accepted silently.
  c = tighten("[agent]\nallow_disable = true\n", "[agent]\nallow_disable = false\n");
  cr_assert_not(c.agent_allow_disable);
  cr_assert(c.warnings.empty());
}

Test(config_agent, auto_approve_defaults_off_and_parses) {
  cr_assert_not(Config{}.agent_auto_approve);
  cr_assert(parse("[agent]\nauto_approve = true\n").agent_auto_approve);
  cr_assert_not(parse("[agent]\nauto_approve = false\n").agent_auto_approve);
  Caught e = error_of("[agent]\nauto_approve = maybe\n");
  cr_assert(e.thrown);
  cr_assert_eq(e.line, 2);
}

Test(config_agent, workspace_cannot_let_hooks_approve) {
  Config c = tighten("", "[agent]\nauto_approve = true\n");
  cr_assert_not(c.agent_auto_approve);
  cr_assert_eq(c.warnings.size(), 1u);
  cr_assert(contains(c.warnings[0], "agent.auto_approve"), "%s", c.warnings[0].c_str());
  c = tighten("[agent]\nauto_approve = true\n", "[agent]\nauto_approve = false\n");
  cr_assert_not(c.agent_auto_approve);
  cr_assert(c.warnings.empty());
}

// ---- network allow-listing, caches and container keys -------------------------------------

Test(config, network_lists_parsed_and_lowercased) {
  Config c;
  apply_config_text(c,
                    "[sandbox]\nnetwork_allow = @npm, GitHub.com *.githubusercontent.com:443\n"
                    "network_deny = gist.github.com\nallow_localhost_ports = 5432 6379\n"
                    "resolve = mirror.test:127.0.0.5\n",
                    "/etc/vg/config.ini", false);
  cr_assert_eq(c.network_allow.size(), 3u);
  cr_assert(c.network_allow[1] == "github.com");
  cr_assert(c.network_allow[2] == "*.githubusercontent.com:443");
  cr_assert(c.network_deny.size() == 1 && c.network_deny[0] == "gist.github.com");
  cr_assert(c.allow_localhost_ports.size() == 2 && c.allow_localhost_ports[1] == 6379);
  cr_assert(c.resolve.size() == 1 && c.resolve[0] == "mirror.test:127.0.0.5");
}

Test(config, bad_network_values_rejected) {
  const char* bad[] = {"[sandbox]\nnetwork_allow = exa mple.com:99999\n",
                       "[sandbox]\nnetwork_allow = http://example.com/\n",
                       "[sandbox]\nallow_localhost_ports = 0\n",
                       "[sandbox]\nallow_localhost_ports = ssh\n",
                       "[sandbox]\nresolve = example.com\n",
                       "[sandbox]\ncache_dirs = relative:/x:rw\n",
                       "[sandbox]\nreuse_idle = 0\n"};
  for (const char* text : bad) {
    Config c;
    bool threw = false;
    try {
      apply_config_text(c, text, "/etc/vg/config.ini", false);
    } catch (const ConfigError&) {
      threw = true;
    }
    cr_assert(threw, "accepted: %s", text);
  }
}

Test(config, caches_and_containers) {
  Config c;
  cr_assert(!c.enable_cache.has_value());
  apply_config_text(c,
                    "[sandbox]\nenable_cache = false\ncache_dirs = ~/.npm, /opt/shared-cache:/cache\n"
                    "image = debian:12\nreuse = true\nreuse_idle = 5m\nkeep_changes = true\n",
                    "/etc/vg/config.ini", false);
  cr_assert(c.enable_cache.has_value() && !*c.enable_cache);
  cr_assert_eq(c.cache_dirs.size(), 2u);
  cr_assert(c.cache_dirs[1].source == "/opt/shared-cache" && c.cache_dirs[1].target == "/cache");
  cr_assert(c.cache_dirs[0].writable && c.cache_dirs[0].source == c.cache_dirs[0].target);
  cr_assert(c.image == "debian:12" && c.reuse && c.reuse_idle_seconds == 300 && c.keep_changes);
}

Test(config_tighten, network_and_cache_loosening_ignored) {
  Config c = tighten("[sandbox]\nnetwork_allow = example.org\nenable_cache = false\n",
                     "[sandbox]\nnetwork_allow = evil.test\nnetwork_deny = example.org\n"
                     "allow_localhost_ports = 22\nresolve = example.org:127.0.0.1\n"
                     "enable_cache = true\ncache_dirs = /tmp/x\nreuse = true\nengine_path = /tmp/docker\n");
  cr_assert(c.network_allow.size() == 1 && c.network_allow[0] == "example.org");
  cr_assert(c.network_deny.size() == 1);
  cr_assert(c.allow_localhost_ports.empty() && c.resolve.empty() && c.cache_dirs.empty());
  cr_assert(c.enable_cache == false && !c.reuse && c.engine_path.empty());
  cr_assert_eq(c.warnings.size(), 7u);
  // Caches already on (the default below paranoid): true in the workspace changes nothing.
  c = tighten("", "[sandbox]\nenable_cache = true\n");
  cr_assert(!c.enable_cache.has_value() && c.warnings.empty());
  c = tighten("[sandbox]\nsecurity_level = paranoid\n", "[sandbox]\nenable_cache = true\n");
  cr_assert(!c.enable_cache.has_value() && c.warnings.size() == 1u);
  c = tighten("", "[sandbox]\nenable_cache = false\nimage = debian:12\n");
  cr_assert(c.enable_cache.has_value() && !*c.enable_cache && c.image == "debian:12");
  cr_assert(c.warnings.empty());
}

// A project's vectra-guard.ini may have been planted by anything that ran there: a link
// to a file elsewhere (a hidden secret) is not followed, and the lines are not echoed.
Test(config_tighten, a_linked_workspace_file_is_not_read) {
  std::string d = temp_dir();
  ConfigPaths p;
  p.system = d + "/none.ini";
  p.user = d + "/none2.ini";
  std::string secret = write_file(d + "/credentials", "[default]\naws_secret = s3cr3t\n");
  p.workspace = d + "/vectra-guard.ini";
  cr_assert_eq(symlink(secret.c_str(), p.workspace.c_str()), 0);
  Config c = load_config(p);
  cr_assert_eq(c.warnings.size(), 1u);
  cr_assert(contains(c.warnings[0], "a symbolic link, not read"), "%s", c.warnings[0].c_str());
  cr_assert_not(contains(c.warnings[0], "s3cr3t"));
  cr_assert(c.sources.empty());
}

Test(config, hide_adds_paths_in_every_layer) {
  Config c = tighten("[sandbox]\nhide = /opt/a\n", "[sandbox]\nhide = /opt/b, ~/c\n");
  cr_assert_eq(c.hide.size(), 3u);
  cr_assert_eq(c.hide[1], "/opt/b");
  cr_assert(c.hide[2].size() > 2 && c.hide[2].ends_with("/c") && c.hide[2][0] == '/');
}

Test(config, review_values_and_the_workspace_may_only_raise_it) {
  cr_expect(Config{}.review == Review::Destructive);
  cr_expect(parse("[sandbox]\nreview = always\n").review == Review::Always);
  cr_expect(parse("[sandbox]\nreview = never\n").review == Review::Never);
  cr_expect(error_of("[sandbox]\nreview = sometimes\n").thrown);
  Config lowered = tighten("[sandbox]\nreview = destructive\n", "[sandbox]\nreview = never\n");
  cr_expect(lowered.review == Review::Destructive);
  cr_expect_eq(lowered.warnings.size(), 1u);
  cr_expect(tighten("", "[sandbox]\nreview = always\n").review == Review::Always);
  cr_expect(tighten("[sandbox]\nreview = always\n", "[sandbox]\nreview = destructive\n").review == Review::Always);
}

// ---- [audit] session recordings -------------------------------------------------------

Test(config, audit_record_keys) {
  Config d;
  cr_expect(d.record == Record::Agents);
  cr_expect_eq(d.record_max_bytes, 50LL * 1024 * 1024);
  Config c = parse("[audit]\nrecord = all\nrecord_max_bytes = 8K\nrecord_input = true\n");
  cr_expect(c.record == Record::All);
  cr_expect_eq(c.record_max_bytes, 8192);
  cr_expect(c.record_input);
  cr_expect_eq(parse("[audit]\nrecord_max_bytes = 2M\n").record_max_bytes, 2LL * 1024 * 1024);
  cr_expect(error_of("[audit]\nrecord = sometimes\n").thrown);
  cr_expect(error_of("[audit]\nrecord_max_bytes = 10\n").thrown);
  cr_expect(error_of("[audit]\nrecord_max_bytes = 5X\n").thrown);
}

Test(config, audit_record_workspace_may_only_record_more) {
  cr_expect(tighten("[audit]\nrecord = agents\n", "[audit]\nrecord = off\n").record == Record::Agents);
  cr_expect(tighten("[audit]\nrecord = agents\n", "[audit]\nrecord = all\n").record == Record::All);
  cr_expect_eq(tighten("", "[audit]\nrecord_max_bytes = 4K\n").record_max_bytes, 50LL * 1024 * 1024);
}
