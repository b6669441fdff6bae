#include "core/config.h"
namespace vg {
ConfigError::ConfigError(std::string f, int l, std::string k, const std::string& m)
    : std::runtime_error(m), file(std::move(f)), line(l), key(std::move(k)) {}
ConfigPaths default_config_paths(const std::string&) { return {}; }
Config load_config(const ConfigPaths&) { return {}; }
std::string state_dir() { return {}; }
}  // namespace vg
