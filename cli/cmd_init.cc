// `vectra-guard init --preset NAME [--local] [--force] [--dry-run]`: write one of the
// embedded presets as the user's config (or the workspace's vectra-guard.ini), then load
// it back with the real loader and check that what is in force is exactly the preset.
#include <fcntl.h>
#include <ini.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/presets.h"
#include "core/analyze.h"
#include "core/config.h"

namespace vg::cli {
namespace {

struct InitOptions {
  std::string preset;
  bool local = false;
  bool force = false;
  bool dry_run = false;
  bool list = false;
};

std::string preset_names() {
  std::string out;
  for (std::size_t i = 0; i < kPresetCount; ++i) {
    if (i) out += i + 1 == kPresetCount ? " or " : ", ";
    out += kPresets[i].name;
  }
  return out;
}

const Preset* find_preset(const std::string& name) {
  for (std::size_t i = 0; i < kPresetCount; ++i)
    if (name == kPresets[i].name) return &kPresets[i];
  return nullptr;
}

int usage_error(const std::string& sentence) {
  print_error(sentence + " See 'vectra-guard init --help'.");
  return kExitError;
}

std::optional<int> parse_options(const Args& args, InitOptions& o) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--preset" || a == "-p") {
      if (i + 1 >= args.size()) return usage_error("--preset needs a name: " + preset_names() + ".");
      o.preset = args[++i];
    } else if (a.rfind("--preset=", 0) == 0) {
      o.preset = a.substr(9);
    } else if (a == "--local") {
      o.local = true;
    } else if (a == "--force" || a == "-f") {
      o.force = true;
    } else if (a == "--dry-run" || a == "-n") {
      o.dry_run = true;
    } else if (a == "--list") {
      o.list = true;
    } else {
      return usage_error("unknown argument '" + a + "' for init.");
    }
  }
  if (o.list) return std::nullopt;
  if (o.preset.empty()) return usage_error("init needs --preset NAME (" + preset_names() + ").");
  if (!find_preset(o.preset))
    return usage_error("there is no preset '" + o.preset + "'; the presets are " + preset_names() + ".");
  return std::nullopt;
}

// The "section.key" names a preset sets, in file order (read with inih, as the loader does).
std::vector<std::string> keys_of(const char* text) {
  std::vector<std::string> keys;
  ini_parse_string(
      text,
      [](void* user, const char* section, const char* name, const char*) -> int {
        auto* v = static_cast<std::vector<std::string>*>(user);
        std::string k = std::string(section) + "." + name;
        if (std::find(v->begin(), v->end(), k) == v->end()) v->push_back(k);
        return 1;
      },
      &keys);
  return keys;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

// The value in force for one key, as text (the network is the effective one).
std::string setting(const Config& c, const std::string& key) {
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  if (key == "sandbox.mode") return std::string(to_string(c.mode));
  if (key == "sandbox.security_level") return std::string(to_string(c.security_level));
  if (key == "sandbox.runtime") return c.runtime;
  if (key == "sandbox.network_mode") return std::string(to_string(effective_network_mode(c)));
  if (key == "sandbox.timeout") return std::to_string(c.timeout_seconds);
  if (key == "sandbox.env_whitelist") return join(c.env_whitelist);
  if (key == "sandbox.bind_mounts") {
    std::vector<std::string> v;
    for (const BindMount& m : c.bind_mounts) v.push_back(m.source + ":" + m.target + (m.writable ? ":rw" : ":ro"));
    return join(v);
  }
  if (key == "sandbox.allow_unix_sockets") return b(c.allow_unix_sockets);
  if (key == "sandbox.log_output") return b(c.log_output);
  if (key == "sandbox.seccomp_profile") return c.seccomp_profile;
  if (key == "sandbox.keep_changes") return b(c.keep_changes);
  if (key == "sandbox.network_allow") return join(c.network_allow);
  if (key == "sandbox.network_deny") return join(c.network_deny);
  if (key == "sandbox.allow_localhost_ports") {
    std::vector<std::string> v;
    for (int p : c.allow_localhost_ports) v.push_back(std::to_string(p));
    return join(v);
  }
  if (key == "sandbox.resolve") return join(c.resolve);
  if (key == "sandbox.enable_cache") return c.enable_cache ? b(*c.enable_cache) : "default";
  if (key == "sandbox.cache_dirs") {
    std::vector<std::string> v;
    for (const BindMount& m : c.cache_dirs) v.push_back(m.source + ":" + m.target);
    return join(v);
  }
  if (key == "sandbox.image") return c.image;
  if (key == "sandbox.engine_path") return c.engine_path;
  if (key == "sandbox.reuse") return b(c.reuse);
  if (key == "sandbox.reuse_idle") return std::to_string(c.reuse_idle_seconds);
  if (key == "guard.level") return std::string(to_string(c.guard_level));
  if (key == "agent.allow_disable") return b(c.agent_allow_disable);
  if (key == "agent.auto_approve") return b(c.agent_auto_approve);
  if (key == "policies.allow") return join(c.allow);
  if (key == "policies.deny") return join(c.deny);
  return "?";
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// True when going from `before` to `after` for key gives less protection.
bool looser(const std::string& key, const std::string& before, const std::string& after) {
  auto rank = [&](const std::string& v) -> int {
    // Larger = looser, per key.
    if (key == "sandbox.mode") return parse_mode(v) ? static_cast<int>(*parse_mode(v)) : -1;
    if (key == "sandbox.network_mode") return parse_network_mode(v) ? static_cast<int>(*parse_network_mode(v)) : -1;
    if (key == "sandbox.security_level")
      return parse_security_level(v) ? -static_cast<int>(*parse_security_level(v)) : -9;
    if (key == "guard.level") return parse_guard_level(v) ? -static_cast<int>(*parse_guard_level(v)) : -9;
    if (key == "sandbox.allow_unix_sockets" || key == "agent.allow_disable" || key == "agent.auto_approve" ||
        key == "sandbox.reuse")
      return v == "true";
    if (key == "sandbox.enable_cache") return v == "true" ? 1 : v == "default" ? 0 : -1;
    if (key == "sandbox.log_output") return v == "false";
    return 0;
  };
  return before != after && rank(after) > rank(before);
}

// mkdir -p for the directory holding path.
bool make_parent_dirs(const std::string& path, std::string& err) {
  std::string dir = path.substr(0, path.rfind('/'));
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      err = fmt::format("cannot create the directory {} ({})", part, std::strerror(errno));
      return false;
    }
  }
  return true;
}

// Writes text to path through a temporary file in the same directory: rename() replaces
// (with force), link() never does, so a file that appeared meanwhile is not overwritten.
bool write_config(const std::string& path, const std::string& text, bool force, std::string& err) {
  if (!make_parent_dirs(path, err)) return false;
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) {
    err = fmt::format("cannot create a file next to {} ({})", path, std::strerror(errno));
    return false;
  }
  bool ok = fchmod(fd, 0644) == 0 &&
            write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  int saved = errno;
  ok = close(fd) == 0 && ok;
  if (ok) {
    if (force ? rename(tmp.c_str(), path.c_str()) == 0 : link(tmp.c_str(), path.c_str()) == 0) {
      if (!force) unlink(tmp.c_str());
      return true;
    }
    saved = errno;
  }
  unlink(tmp.c_str());
  err = saved == EEXIST ? fmt::format("{} already exists; use --force to replace it", path)
                        : fmt::format("cannot write {} ({})", path, std::strerror(saved));
  return false;
}

int list_presets() {
  for (std::size_t i = 0; i < kPresetCount; ++i) {
    // The second line of each file is its one-line summary: "# For ...".
    std::string text = kPresets[i].text;
    std::string summary;
    std::size_t a = text.find('\n');
    if (a != std::string::npos) {
      std::size_t b = text.find('\n', a + 1);
      summary = text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
      if (summary.rfind("# ", 0) == 0) summary.erase(0, 2);
    }
    std::printf("%-12s %s\n", kPresets[i].name, summary.c_str());
  }
  return kExitOk;
}

}  // namespace

int cmd_init(const Global&, const Args& args) {
  InitOptions o;
  if (auto rc = parse_options(args, o)) return *rc;
  if (o.list) return list_presets();
  const Preset& preset = *find_preset(o.preset);
  const std::vector<std::string> keys = keys_of(preset.text);

  AnalyzeContext ctx = current_context();
  ConfigPaths paths = default_config_paths(ctx.workspace);
  const std::string target = o.local ? paths.workspace : paths.user;

  // What the preset means on its own, over the built-in defaults.
  Config expected;
  try {
    apply_config_text(expected, preset.text, "preset " + o.preset, false);
  } catch (const ConfigError& e) {
    print_error(std::string("The built-in preset does not load (") + e.what() + "); this is a bug, please report it.");
    return kExitError;
  }

  if (!o.force && exists(target)) {
    print_error(target + " already exists; use --force to replace it (see it first with --dry-run).");
    return kExitError;
  }

  if (o.local) {
    // The workspace file may only tighten: apply the preset the way the loader will, on
    // top of the system and user layers, and refuse when any value would be ignored.
    ConfigPaths before = paths;
    before.workspace.clear();
    std::vector<std::string> ignored;
    try {
      Config cfg = load_config(before);
      apply_config_text(cfg, preset.text, target, true);
      ignored = cfg.warnings;
    } catch (const ConfigError& e) {
      print_error(std::string("Cannot check the preset against your configuration: ") + e.what());
      return kExitError;
    }
    if (!ignored.empty()) {
      print_error(fmt::format(
          "The {} preset cannot take effect from a workspace file, which may only tighten the "
          "configuration, and it would loosen yours; run 'vectra-guard init --preset {}' without "
          "--local to write your user config ({}) instead.",
          o.preset, o.preset, paths.user));
      for (const std::string& w : ignored) std::fprintf(stderr, "  %s\n", w.c_str());
      return kExitError;
    }
  }

  // What is in force here now, to say plainly what the preset loosens (nothing if a
  // config file is broken: the preset replaces or overrides it).
  std::optional<Config> previous;
  try {
    previous = load_config(paths);
  } catch (const ConfigError&) {
  }

  if (o.dry_run) {
    std::fprintf(stderr, "vectra-guard: would write the %s preset to %s (nothing written):\n",
                 o.preset.c_str(), target.c_str());
    std::fputs(preset.text, stdout);
    return kExitOk;
  }

  std::string err;
  if (!write_config(target, preset.text, o.force, err)) {
    print_error(err + ".");
    return kExitError;
  }

  // Load the file back on its own with the real loader: it must give exactly the preset.
  try {
    ConfigPaths alone;
    alone.system.clear();
    alone.user = target;
    Config back = load_config(alone);
    for (const std::string& k : keys) {
      if (setting(back, k) != setting(expected, k)) {
        print_error(fmt::format("{} was written but reads back with {} = {} instead of {}; check the "
                                "file system and run init again with --force.",
                                target, k, setting(back, k), setting(expected, k)));
        return kExitError;
      }
    }
  } catch (const ConfigError& e) {
    print_error(std::string(e.what()) + " (just written by init; run init again with --force).");
    return kExitError;
  }
  std::fprintf(stderr, "vectra-guard: wrote the %s preset to %s.\n", o.preset.c_str(), target.c_str());

  // Then everything in force here, all layers: say plainly what differs and why.
  Config now;
  try {
    now = load_config(paths);
  } catch (const ConfigError& e) {
    print_error(std::string("The preset was written, but another config file is broken: ") + e.what());
    return kExitError;
  }
  bool differs = false;
  for (const std::string& k : keys) {
    std::string have = setting(now, k), want = setting(expected, k);
    std::printf("%s = %s\n", k.c_str(), have.c_str());
    if (have == want) continue;
    differs = true;
    std::fprintf(stderr,
                 "vectra-guard: note: here %s is %s, not the preset's %s: %s tightens it (a workspace "
                 "file may tighten the user config).\n",
                 k.c_str(), have.c_str(), want.c_str(), paths.workspace.c_str());
  }
  if (previous) {
    std::string loosened;
    for (const std::string& k : keys) {
      std::string was = setting(*previous, k), is = setting(now, k);
      if (looser(k, was, is)) loosened += fmt::format("{}{} {} -> {}", loosened.empty() ? "" : ", ", k, was, is);
    }
    if (!loosened.empty())
      std::fprintf(stderr, "vectra-guard: note: this loosens protection here: %s.\n", loosened.c_str());
  }
  if (differs && o.local) {
    print_error("the workspace file does not give the preset's settings; this is a bug, please report it.");
    return kExitError;
  }
  return kExitOk;
}

}  // namespace vg::cli
