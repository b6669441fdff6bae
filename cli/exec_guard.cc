#include "cli/exec_guard.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/policy_snapshot.h"

namespace vg::cli {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The file's text, or "" when it cannot be read (or is implausibly large for a hook).
std::string read_small_file(const std::string& path) {
  if (path.empty() || path[0] != '/') return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::string text;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > (1u << 20)) return "";
  }
  return text;
}

// The snapshot the shim would load (same search as preload/vgpreload.c).
std::string snapshot_path() {
  std::string p = env("VG_POLICY_SNAPSHOT");
  if (!p.empty() && p[0] == '/') return p;
  std::string home = env("VG_HOME");
  if (!home.empty() && home[0] == '/') return home + "/policy.snap";
  home = env("HOME");
  return home.empty() ? "" : home + "/.vectra-guard/policy.snap";
}

bool shim_active() {
  std::stringstream list(env("LD_PRELOAD"));
  std::string lib;
  bool listed = false;
  while (std::getline(list, lib, ':')) {
    if (lib.size() >= 15 && lib.ends_with("/libvgpreload.so") && std::ifstream(lib).good()) listed = true;
  }
  if (!listed) return false;
  // Without a snapshot the shim stands aside (it says so on stderr), so it guards nothing.
  std::string bytes = read_small_file(snapshot_path());
  return !bytes.empty() && decode_snapshot(bytes, nullptr).has_value();
}

}  // namespace

bool exec_guard_in_place() {
  if (shim_active()) return true;
  std::string shell = env("SHELL");
  shell = shell.substr(shell.rfind('/') + 1);
  if (shell.empty() || shell == "bash") {
    // Our BASH_ENV file asks `agent check-shell` about every -c string.
    return read_small_file(env("BASH_ENV")).find("agent check-shell") != std::string::npos;
  } else if (shell == "zsh") {
    std::string dir = env("ZDOTDIR").empty() ? env("HOME") : env("ZDOTDIR");
    std::string zshenv = read_small_file(dir + "/.zshenv");
    return zshenv.find("# >>> vectra-guard agents >>>") != std::string::npos;
  }
  return false;
}

}  // namespace vg::cli
