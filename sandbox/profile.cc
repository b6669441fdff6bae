#include "sandbox/profile.h"

namespace vg::sandbox {

namespace {
constexpr std::uint64_t kMiB = 1024ull * 1024;
}

LevelProfile level_profile(SecurityLevel level) {
  switch (level) {
    case SecurityLevel::Permissive:
      return {NetworkMode::Full, RootFs::WritableDiscarded, {2048 * kMiB, 2.0, 4096}};
    case SecurityLevel::Balanced:
      return {NetworkMode::Restricted, RootFs::WritableDiscarded, {1024 * kMiB, 1.0, 2048}};
    case SecurityLevel::Strict:
      return {NetworkMode::Restricted, RootFs::ReadOnly, {512 * kMiB, 0.5, 1024}};
    case SecurityLevel::Paranoid:
      return {NetworkMode::None, RootFs::ReadOnly, {256 * kMiB, 0.25, 256}};
  }
  return {NetworkMode::None, RootFs::ReadOnly, {256 * kMiB, 0.25, 256}};
}

}  // namespace vg::sandbox
