#include "core/shell_defs_json.h"

#include <nlohmann/json.hpp>

namespace vg {
namespace {

using Json = nlohmann::json;

Json to_object(const std::map<std::string, std::optional<std::string>>& m) {
  Json o = Json::object();
  for (const auto& [name, value] : m) o[name] = value ? Json(*value) : Json(nullptr);
  return o;
}

bool from_object(const Json& j, const char* key, std::map<std::string, std::optional<std::string>>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_object()) return false;
  for (const auto& [name, value] : it->items()) {
    if (value.is_null()) out[name] = std::nullopt;
    else if (value.is_string()) out[name] = value.get<std::string>();
    else return false;
  }
  return true;
}

std::optional<std::string> find(const std::map<std::string, std::optional<std::string>>& m,
                                std::string_view name) {
  auto it = m.find(std::string(name));
  return it == m.end() ? std::nullopt : it->second;
}

}  // namespace

std::string defs_to_json(const DefsRecord& defs) {
  Json j = {{"aliases", to_object(defs.aliases)}, {"functions", to_object(defs.functions)}};
  // A byte that is not UTF-8 becomes U+FFFD rather than failing the whole line.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool defs_from_json(std::string_view text, DefsRecord& out, std::string* error) {
  out = {};
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !from_object(j, "aliases", out.aliases) ||
      !from_object(j, "functions", out.functions)) {
    out = {};
    if (error)
      *error = j.is_discarded() ? "it is not valid JSON"
                                : "it is not an object of \"aliases\" and \"functions\" mapping names to text or null";
    return false;
  }
  return true;
}

std::optional<std::string> RecordedDefinitions::alias(std::string_view name) const {
  return find(defs_.aliases, name);
}

std::optional<std::string> RecordedDefinitions::function(std::string_view name) const {
  return find(defs_.functions, name);
}

std::optional<std::string> RecordingDefinitions::alias(std::string_view name) const {
  std::optional<std::string> v = inner_.alias(name);
  log_.aliases[std::string(name)] = v;
  return v;
}

std::optional<std::string> RecordingDefinitions::function(std::string_view name) const {
  std::optional<std::string> v = inner_.function(name);
  log_.functions[std::string(name)] = v;
  return v;
}

}  // namespace vg
