// Security levels (DESIGN.md "sandbox" table): what each level grants by default.
#pragma once

#include "core/config.h"
#include "sandbox/spec.h"

namespace vg::sandbox {

struct LevelProfile {
  NetworkMode network;
  RootFs root;
  Limits limits;
};

LevelProfile level_profile(SecurityLevel level);

}  // namespace vg::sandbox
