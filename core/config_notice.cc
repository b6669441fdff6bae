// Said once: a marker per terminal session holds the last error it reported. The hooks
// answer from several processes (the bash builtin, a coprocess, one-shot questions), so
// the memory is a small file, read and written only when the config is broken.
#include "core/config_notice.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vg {
namespace {

// The session leader's pid and start time: a new shell never shares it with an old one.
std::string session_key() {
  pid_t sid = getsid(0);
  std::ifstream in(fmt::format("/proc/{}/stat", sid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string start;
  size_t paren = stat.rfind(')');
  if (paren != std::string::npos) {
    std::istringstream fields(stat.substr(paren + 2));
    std::string f;
    for (int i = 3; i <= 22 && fields >> f; ++i) start = f;  // field 22: starttime
  }
  return fmt::format("{}.{}", sid, start);
}

std::string marker_path(const std::string& session) {
  const char* run = std::getenv("XDG_RUNTIME_DIR");
  if (run && *run == '/' && access(run, W_OK) == 0) return fmt::format("{}/vectra-guard-config-notice.{}", run, session);
  std::string dir = state_dir();
  mkdir(dir.c_str(), 0700);
  return fmt::format("{}/vectra-guard-config-notice.{}", dir, session);
}

}  // namespace

std::string config_error_notice_once(const ConfigError& e) {
  struct stat st {};
  std::string changed = stat(e.file.c_str(), &st) == 0
                            ? fmt::format("{}.{}.{}", st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_size)
                            : "gone";
  const std::string seen = fmt::format("{}\n{}\n{}\n", e.file, changed, e.what());
  const std::string path = marker_path(session_key());
  std::ifstream in(path);
  std::string before((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (before == seen) return "";
  std::ofstream(path, std::ios::trunc) << seen;  // best effort: unwritable means said again
  std::string what = e.what();
  while (!what.empty() && what.back() == '.') what.pop_back();
  return fmt::format(
      "vectra-guard: {}. Until it is fixed, lines are judged without that file (the other "
      "config files over the built-in defaults; said once per shell); fix the file, or run one "
      "command unguarded with VG_DISABLE=1 cmd.",
      what);
}

Config config_without_broken(const std::string& extra_config, const std::string& workspace,
                             const ConfigError& first) {
  ConfigPaths paths = default_config_paths(workspace);
  paths.extra = extra_config;
  std::string broken = first.file;
  for (int tries = 0; tries < 4; ++tries) {
    for (std::string* f : {&paths.system, &paths.user, &paths.workspace, &paths.extra})
      if (*f == broken) f->clear();
    try {
      return load_config(paths);
    } catch (const ConfigError& e) {
      broken = e.file;
    }
  }
  return Config{};
}

}  // namespace vg
