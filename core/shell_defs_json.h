// The definitions one line's evaluation looked up, and their $VG_HOOK_DEFS form (JSON,
// shell_defs.h): the server records them and hands them on in its `defs:` answer line;
// the one-shot hook and `exec --from-hook` judge with them and rebuild them in the sandbox.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/shell_defs.h"

namespace vg {

// NAME -> definition text, nullopt when looked up and not defined.
struct DefsRecord {
  std::map<std::string, std::optional<std::string>> aliases;
  std::map<std::string, std::optional<std::string>> functions;
  bool empty() const { return aliases.empty() && functions.empty(); }
};

// Compact one-line JSON: {"aliases":{...},"functions":{...}}.
std::string defs_to_json(const DefsRecord& defs);

// Parses $VG_HOOK_DEFS; false with one sentence in *error when it is not that format.
bool defs_from_json(std::string_view text, DefsRecord& out, std::string* error);

// Answers from a record; a name it does not hold is not defined.
class RecordedDefinitions : public ShellDefinitions {
 public:
  explicit RecordedDefinitions(DefsRecord defs) : defs_(std::move(defs)) {}
  std::optional<std::string> alias(std::string_view name) const override;
  std::optional<std::string> function(std::string_view name) const override;
  const DefsRecord& record() const { return defs_; }

 private:
  DefsRecord defs_;
};

// Passes lookups on to `inner` and notes each name and answer in `log`.
class RecordingDefinitions : public ShellDefinitions {
 public:
  RecordingDefinitions(const ShellDefinitions& inner, DefsRecord& log) : inner_(inner), log_(log) {}
  std::optional<std::string> alias(std::string_view name) const override;
  std::optional<std::string> function(std::string_view name) const override;
  void prefetch(const std::vector<std::string>& names) const override { inner_.prefetch(names); }

 private:
  const ShellDefinitions& inner_;
  DefsRecord& log_;
};

}  // namespace vg
