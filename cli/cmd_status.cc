// `vectra-guard status [--json]`: what protects this shell right now, in one screen:
// whether the shell is hooked (and how), the config layers found and what is in force,
// the mode each entry point gets, the sandbox runtime, the writable roots and the network.
#include <ini.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/analyze.h"
#include "core/config.h"
#include "sandbox/runner.h"
#include "sandbox/spec.h"

namespace vg::cli {
namespace {

// The mode an entry point gets when no layer sets sandbox.mode (issue 16 item 2): a
// person typing in a shell works on the host for low risk; programs stay sandboxed.
constexpr Mode kHookDefaultMode = Mode::Auto;
constexpr Mode kExecDefaultMode = Mode::Always;

struct Layer {
  std::string name;  // system, user, workspace, --config
  std::string path;
  bool found = false;
  std::string preset;    // "developer" when the file is one of the presets
  bool sets_mode = false;
};

// Reads the file's keys with inih (as the loader does) and its preset header line.
void inspect(Layer& l) {
  std::ifstream in(l.path);
  l.found = bool(in);
  if (!l.found) return;
  std::string first;
  std::getline(in, first);
  const std::string tag = "# vectra-guard preset: ";
  if (first.rfind(tag, 0) == 0) l.preset = first.substr(tag.size());
  ini_parse(
      l.path.c_str(),
      [](void* user, const char* section, const char* name, const char*) -> int {
        if (std::string(section) == "sandbox" && std::string(name) == "mode") *static_cast<bool*>(user) = true;
        return 1;
      },
      &l.sets_mode);
}

struct Status {
  std::string hook_kind;  // VG_HOOK: "bash builtin", "bash coprocess", "zsh", "fish"; "" = not hooked
  bool hook_off = false;
  bool in_sandbox = false;
  std::vector<Layer> layers;
  std::string config_error;
  Config config;
  bool mode_set = false;
  std::string runtime, runtime_error;
  std::string workspace;
  bool workspace_writable = false;
  std::string workspace_reason;
  std::vector<std::string> writable_roots;
};

Status gather(const Global& g) {
  Status s;
  if (const char* h = std::getenv("VG_HOOK")) s.hook_kind = h;
  if (const char* off = std::getenv("VG_HOOK_OFF")) s.hook_off = std::string(off) == "1";
  if (const char* sb = std::getenv("VG_SANDBOX")) s.in_sandbox = std::string(sb) == "1";

  AnalyzeContext ctx = current_context();
  ConfigPaths paths = default_config_paths(ctx.workspace);
  paths.extra = g.config_file;
  for (auto [name, path] : {std::pair{"system", paths.system}, {"user", paths.user},
                            {"workspace", paths.workspace}, {"--config", paths.extra}}) {
    if (path.empty()) continue;
    Layer l;
    l.name = name;
    l.path = path;
    inspect(l);
    s.mode_set = s.mode_set || l.sets_mode;
    s.layers.push_back(l);
  }
  try {
    s.config = load_config(paths);
  } catch (const ConfigError& e) {
    s.config_error = e.what();
    s.config = Config{};
  }

  std::string error;
  if (auto runner = sandbox::select_runner(s.config.runtime, state_dir(), s.config, error)) {
    s.runtime = std::string(runner->name());
  } else {
    s.runtime_error = error;
  }

  sandbox::Request req;
  req.argv = {"true"};
  req.cwd = ctx.cwd;
  req.workspace = ctx.workspace;
  sandbox::SandboxSpec spec;
  s.workspace = ctx.workspace;
  if (sandbox::build_spec(req, s.config, sandbox::current_host(), spec, error)) {
    s.workspace = spec.workspace;
    s.workspace_writable = spec.workspace_writable;
    s.workspace_reason = spec.workspace_reason;
    for (const sandbox::Mount& m : spec.mounts) {
      if (m.kind != sandbox::MountKind::RwBind) continue;
      if (std::find(s.writable_roots.begin(), s.writable_roots.end(), m.target) == s.writable_roots.end())
        s.writable_roots.push_back(m.target);
    }
  } else {
    s.workspace_reason = error;
  }
  return s;
}

std::string hook_text(const Status& s) {
  if (s.hook_kind.empty()) return "not hooked (no vectra-guard hook in this shell; see scripts/install-shell-wrapper.sh)";
  if (s.hook_off) return fmt::format("hooked ({}), but off for this shell ('vectra-guard on' turns it back on)", s.hook_kind);
  return fmt::format("hooked ({})", s.hook_kind);
}

Mode mode_for(const Status& s, Mode default_mode) { return s.mode_set ? s.config.mode : default_mode; }

nlohmann::json to_json(const Status& s) {
  nlohmann::json layers = nlohmann::json::array();
  std::vector<std::string> in_force;
  for (const Layer& l : s.layers) {
    nlohmann::json j{{"layer", l.name}, {"path", l.path}, {"found", l.found}};
    if (!l.preset.empty()) j["preset"] = l.preset;
    layers.push_back(j);
  }
  nlohmann::json j;
  j["hook"] = {{"hooked", !s.hook_kind.empty()}, {"kind", s.hook_kind}, {"off", s.hook_off},
               {"in_sandbox", s.in_sandbox}};
  j["config"] = {{"layers", layers}, {"in_force", s.config.sources}};
  if (!s.config_error.empty()) j["config"]["error"] = s.config_error;
  j["mode"] = {{"config", s.mode_set ? nlohmann::json(std::string(to_string(s.config.mode))) : nlohmann::json()},
               {"hooks", std::string(to_string(mode_for(s, kHookDefaultMode)))},
               {"exec", std::string(to_string(mode_for(s, kExecDefaultMode)))},
               {"agents", std::string(to_string(mode_for(s, kExecDefaultMode)))}};
  j["guard_level"] = std::string(to_string(s.config.guard_level));
  j["security_level"] = std::string(to_string(s.config.security_level));
  j["runtime"] = {{"configured", s.config.runtime}, {"selected", s.runtime}};
  if (!s.runtime_error.empty()) j["runtime"]["error"] = s.runtime_error;
  j["workspace"] = {{"path", s.workspace}, {"writable", s.workspace_writable}};
  if (!s.workspace_reason.empty()) j["workspace"]["reason"] = s.workspace_reason;
  j["writable_roots"] = s.writable_roots;
  j["network"] = {{"mode", std::string(to_string(effective_network_mode(s.config)))},
                  {"allow", s.config.network_allow},
                  {"allow_localhost_ports", s.config.allow_localhost_ports}};
  return j;
}

void print_text(const Status& s) {
  std::printf("shell:      %s\n", hook_text(s).c_str());
  if (s.in_sandbox) std::printf("            (this shell runs inside a vectra-guard sandbox)\n");
  std::printf("config:\n");
  for (const Layer& l : s.layers) {
    std::string what = l.found ? "found" : "not found";
    if (!l.preset.empty()) what += ", preset " + l.preset;
    std::printf("  %-10s %s (%s)\n", l.name.c_str(), l.path.c_str(), what.c_str());
  }
  if (!s.config_error.empty()) {
    std::printf("  error:     %s; the built-in defaults are shown\n", s.config_error.c_str());
  } else if (s.config.sources.empty()) {
    std::printf("  in force:  the built-in defaults (no file found)\n");
  } else {
    std::string files;
    for (const std::string& f : s.config.sources) files += (files.empty() ? "" : ", then ") + f;
    std::printf("  in force:  %s\n", files.c_str());
  }
  for (const std::string& w : s.config.warnings) std::printf("  warning:   %s\n", w.c_str());
  if (s.mode_set) {
    std::printf("mode:       %s (set in the config) for the shell hooks, exec and agents\n",
                std::string(to_string(s.config.mode)).c_str());
  } else {
    std::printf("mode:       not set in the config: shell hooks %s, exec and agents %s\n",
                std::string(to_string(kHookDefaultMode)).c_str(), std::string(to_string(kExecDefaultMode)).c_str());
  }
  std::printf("guard:      %s (asks before %s)\n", std::string(to_string(s.config.guard_level)).c_str(),
              s.config.guard_level == GuardLevel::Low      ? "nothing"
              : s.config.guard_level == GuardLevel::Medium ? "high risk"
              : s.config.guard_level == GuardLevel::High   ? "medium and high risk"
                                                           : "every command");
  if (!s.runtime.empty()) {
    std::printf("runtime:    %s (runtime = %s), security level %s\n", s.runtime.c_str(), s.config.runtime.c_str(),
                std::string(to_string(s.config.security_level)).c_str());
  } else {
    std::printf("runtime:    none works: %s\n", s.runtime_error.c_str());
  }
  if (s.workspace_writable) {
    std::printf("workspace:  %s (writable in the sandbox)\n", s.workspace.c_str());
  } else {
    std::printf("workspace:  %s (read-only in the sandbox: %s)\n", s.workspace.c_str(), s.workspace_reason.c_str());
  }
  std::string roots;
  for (const std::string& r : s.writable_roots) roots += (roots.empty() ? "" : ", ") + r;
  std::printf("writable:   %s\n", roots.empty() ? "nothing on the host (a private /tmp only)" : roots.c_str());
  std::string net(to_string(effective_network_mode(s.config)));
  if (effective_network_mode(s.config) == NetworkMode::Restricted) {
    net += fmt::format(" (through vg-proxy; network_allow has {} entries, allow_localhost_ports {})",
                       s.config.network_allow.size(), s.config.allow_localhost_ports.size());
  }
  std::printf("network:    %s\n", net.c_str());
}

}  // namespace

int cmd_status(const Global& g, const Args& args) {
  bool json = false;
  for (const std::string& a : args) {
    if (a == "--json") {
      json = true;
    } else {
      print_error(fmt::format("status: unexpected argument '{}'; the only option is --json.", a));
      return kExitError;
    }
  }
  Status s = gather(g);
  if (json) {
    std::printf("%s\n", to_json(s).dump(2).c_str());
  } else {
    print_text(s);
  }
  return kExitOk;
}

}  // namespace vg::cli
