// The serve mode's ShellDefinitions: lookup rounds over the server's pipes to the shell
// (shell_defs.h, "Lookup rounds"). Answers are kept for the current line only.
// A shell that closes, stops answering or answers something else fails the line closed:
// lookups then say "not defined" and failed() is set, so the server blocks that line.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/nul_fields.h"
#include "core/shell_defs.h"

namespace vg {

// One lookup record: "?" NAME "\n" NAME ... "\0", after "ID\n" when id_prefix is given
// (the fish FIFO server). Names must not hold '\n' or '\0'.
std::string encode_lookup(const std::vector<std::string>& names, const std::string& id_prefix);

// One reply field: "-" (none) or "=" TEXT. False for anything else.
bool decode_lookup_field(const std::string& field, std::optional<std::string>& value);

class ServeDefinitions : public ShellDefinitions {
 public:
  // Writes lookup records to out_fd, reads the replies from `in`; stop: see FieldReader.
  ServeDefinitions(FieldReader& in, int out_fd, std::function<bool()> stop = {})
      : in_(in), out_fd_(out_fd), stop_(std::move(stop)) {}
  // A new line: forget the answers; id_prefix is "ID\n" for fish, "" otherwise.
  void new_line(std::string id_prefix);

  std::optional<std::string> alias(std::string_view name) const override;
  std::optional<std::string> function(std::string_view name) const override;
  void prefetch(const std::vector<std::string>& names) const override;

  // Why the line cannot be judged ("" while all went well).
  const std::string& failed() const { return failed_; }
  // The shell sent its next request instead of a reply: it gave up on this line (^C)
  // and reads no answer for it.
  bool abandoned() const { return abandoned_; }

 private:
  struct Entry {
    std::optional<std::string> alias, function;
  };
  // Looks up the names not cached yet, in one round.
  void ask(const std::vector<std::string>& names) const;
  const Entry* lookup(std::string_view name) const;

  FieldReader& in_;
  int out_fd_;
  std::function<bool()> stop_;
  std::string id_prefix_;
  mutable std::map<std::string, Entry, std::less<>> cache_;
  mutable std::string failed_;
  mutable bool abandoned_ = false;
};

}  // namespace vg
