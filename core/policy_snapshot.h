// The policy snapshot: a small read-only file the preload shim mmaps in every process
// to decide, without leaving the process, whether an exec needs the evaluator at all.
// Byte layout and lookup: core/policy_snapshot_format.h (shared with the C shim).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.h"

namespace vg {

enum class ExecClass : std::uint8_t {
  Pass = 0,        // its own arguments cannot do harm: run untouched (its children are seen)
  Inspect = 1,     // every exec goes to the evaluator
  InlineCode = 2,  // shells and interpreters: evaluated when given -c / -e / --eval code
};
std::string_view to_string(ExecClass c);

struct PolicySnapshot {
  std::string vg_bin;       // absolute path of the vectra-guard binary the shim asks
  std::string config_file;  // extra config the shim passes as --config; "" for none
  ExecClass default_class = ExecClass::Pass;
  bool fail_closed = true;  // no verdict obtainable => the exec is refused
  // Program basenames and their class. A name ending in '*' matches as a prefix
  // ("mkfs*" covers mkfs.ext4). Later entries for the same name win.
  std::vector<std::pair<std::string, ExecClass>> programs;
};

// The built-in table (programs whose arguments the rules judge, shells, interpreters),
// plus the first word of every deny pattern; paranoid guard level inspects everything.
PolicySnapshot snapshot_from_config(const Config& config, std::string vg_bin,
                                    std::string config_file);

// Serialize; the result passes vg_snap_valid(). Throws std::length_error when the
// content does not fit the format's size limit.
std::string encode_snapshot(const PolicySnapshot& snap);

// Parse bytes back; nullopt (with `error`) when they are not a valid snapshot.
std::optional<PolicySnapshot> decode_snapshot(std::string_view bytes, std::string* error);

// The class the shim gives `program` (a basename) with these snapshot bytes, using the
// very lookup the shim uses. Invalid bytes: Inspect.
ExecClass snapshot_lookup(std::string_view bytes, std::string_view program);

// Whether the shim would send this argv to the evaluator (class, then inline code).
bool snapshot_needs_check(std::string_view bytes, const std::vector<std::string>& argv);

// Write atomically (temp file + rename), mode 0644, creating the directory (0700).
bool write_policy_snapshot(const std::string& path, const PolicySnapshot& snap, std::string* error);

// <state_dir>/policy.snap: where the shim looks when VG_POLICY_SNAPSHOT is not set.
std::string default_snapshot_path();

}  // namespace vg
