// The trust store: commands the user chose to run on the host without asking.
// $VG_HOME/trust.json, mode 0600, keyed by SHA-256 of the normalized command.
// Writes are atomic (temp file + rename) under an flock, so concurrent shells lose nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/analyze.h"

namespace vg {

struct TrustEntry {
  std::string key;          // sha256 hex of `command`
  std::string command;      // the normalized command text that was trusted
  std::string note;         // why the user trusted it; may be empty
  std::int64_t created = 0; // unix seconds
  std::int64_t expires = 0; // unix seconds; 0 = never
  std::string scope;        // workspace path it applies to; "" = everywhere

  bool expired(std::int64_t now) const { return expires != 0 && expires <= now; }
  bool applies_to(std::string_view workspace) const {
    return scope.empty() || scope == workspace;
  }
};

// The file is unreadable, corrupt or unsafe. It is never rewritten in that state.
struct TrustError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The text a trust entry is keyed on: the analysis' normalized commands, one per line.
// Empty when the line could not be analyzed (such a line cannot be trusted).
std::string trust_text(const Analysis& analysis);

// sha256 hex of trust_text.
std::string trust_key(std::string_view text);

// "30m", "12h", "7d", "45s", "2w" -> seconds; nullopt when malformed or zero.
std::optional<std::int64_t> parse_duration(std::string_view s);

class TrustStore {
 public:
  // path: the trust.json file. Its directory is created (0700) on the first write.
  explicit TrustStore(std::string path);

  // $VG_HOME/trust.json (state_dir()).
  static std::string default_path();

  const std::string& path() const { return path_; }

  // All entries, expired ones included. A missing file is an empty store.
  // Throws TrustError when the file is corrupt or group/world accessible.
  std::vector<TrustEntry> list() const;

  // The live entry for this key in this workspace, if any.
  std::optional<TrustEntry> find(std::string_view key, std::string_view workspace,
                                 std::int64_t now) const;

  // Add or replace the entry with the same key and scope.
  void add(const TrustEntry& entry);

  // Remove every entry with this key (any scope); returns how many were removed.
  int remove(std::string_view key);

  // Drop expired entries; returns how many were dropped.
  int clean(std::int64_t now);

 private:
  template <typename Edit>
  void modify(Edit edit);
  std::string path_;
};

}  // namespace vg
