#include "core/shell_defs_serve.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/fd_io.h"

namespace vg {

std::string encode_lookup(const std::vector<std::string>& names, const std::string& id_prefix) {
  std::string rec = id_prefix + "?";
  for (size_t i = 0; i < names.size(); ++i) rec += (i ? "\n" : "") + names[i];
  rec += '\0';
  return rec;
}

bool decode_lookup_field(const std::string& field, std::optional<std::string>& value) {
  if (field == "-") {
    value.reset();
    return true;
  }
  if (field.empty() || field[0] != '=') return false;
  value = field.substr(1);
  return true;
}

void ServeDefinitions::new_line(std::string id_prefix) {
  id_prefix_ = std::move(id_prefix);
  cache_.clear();
  failed_.clear();
  abandoned_ = false;
}

void ServeDefinitions::ask(const std::vector<std::string>& names) const {
  if (!failed_.empty()) return;
  std::vector<std::string> todo;
  for (const std::string& n : names) {
    if (n.empty() || cache_.count(n) || std::find(todo.begin(), todo.end(), n) != todo.end()) continue;
    if (n.find('\n') != std::string::npos || n.find('\0') != std::string::npos) {
      failed_ = "a command word with a line break cannot be looked up in the shell";
      return;
    }
    todo.push_back(n);
  }
  if (todo.empty()) return;
  if (!write_all(out_fd_, encode_lookup(todo, id_prefix_))) {
    failed_ = "the shell did not take the question what a command word names";
    return;
  }
  for (const std::string& n : todo) {
    Entry e;
    for (std::optional<std::string>* value : {&e.alias, &e.function}) {
      std::string field;
      if (!in_.next(field, stop_)) {
        failed_ = "the shell stopped answering what a command word names";
        return;
      }
      if (!decode_lookup_field(field, *value)) {
        // The first field of a request (FINAL "", "0", "1", "end"; fish: its id): the
        // shell gave up on this line. Kept for the server's next read.
        abandoned_ = field.empty() || field == "end" ||
                     field.find_first_not_of("0123456789") == std::string::npos;
        in_.push_back(std::move(field));
        failed_ = fmt::format("the shell's answer about '{}' was not understood", n);
        return;
      }
    }
    cache_.emplace(n, std::move(e));
  }
}

const ServeDefinitions::Entry* ServeDefinitions::lookup(std::string_view name) const {
  auto it = cache_.find(name);
  if (it == cache_.end()) {
    ask({std::string(name)});
    it = cache_.find(name);
  }
  return it == cache_.end() ? nullptr : &it->second;
}

std::optional<std::string> ServeDefinitions::alias(std::string_view name) const {
  const Entry* e = lookup(name);
  return e ? e->alias : std::nullopt;
}

std::optional<std::string> ServeDefinitions::function(std::string_view name) const {
  const Entry* e = lookup(name);
  return e ? e->function : std::nullopt;
}

void ServeDefinitions::prefetch(const std::vector<std::string>& names) const { ask(names); }

}  // namespace vg
