// The preset configs (presets/*.ini), embedded into the binary at build time so that
// `vectra-guard init` never has to find them on disk (generated: presets_embedded.cc).
#pragma once

#include <cstddef>

namespace vg::cli {

struct Preset {
  const char* name;  // "developer", "ci-cd", "production"
  const char* text;  // the file's exact bytes
};

extern const Preset kPresets[];
extern const std::size_t kPresetCount;

}  // namespace vg::cli
