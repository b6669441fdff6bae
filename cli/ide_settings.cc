#include "cli/ide_settings.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/output.h"

namespace vg::cli {
namespace {

using Json = nlohmann::ordered_json;  // keeps the user's key order

struct Options {
  std::string kind;
  std::string file;
  std::vector<std::pair<std::string, std::string>> env;  // --set KEY=VALUE
  std::string command;                                  // hook command
  bool uninstall = false;
  bool dry_run = false;
};

bool read_bytes(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

bool write_bytes(const std::string& path, const std::string& bytes, std::string& error) {
  std::string tmp = path + ".vg-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << bytes;
    if (!f) {
      error = fmt::format("cannot write {}", tmp);
      return false;
    }
  }
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) chmod(tmp.c_str(), st.st_mode & 07777);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    error = fmt::format("cannot replace {}", path);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// The file's indentation: a tab, or the width of the first indented line; 4 by default.
std::pair<int, char> indentation(const std::string& text) {
  size_t nl = text.find('\n');
  while (nl != std::string::npos && nl + 1 < text.size()) {
    char c = text[nl + 1];
    if (c == '\t') return {1, '\t'};
    if (c == ' ') {
      size_t n = text.find_first_not_of(' ', nl + 1) - (nl + 1);
      return {static_cast<int>(n), ' '};
    }
    nl = text.find('\n', nl + 1);
  }
  return {4, ' '};
}

std::string render(const Json& j, const std::string& original) {
  auto [width, ch] = indentation(original);
  std::string out = j.dump(width, ch);
  if (original.empty() || original.back() == '\n') out += '\n';
  return out;
}

// Install: append `ours` unless it is already there (idempotent, order kept).
// Uninstall: drop every copy of it.
void edit_list(Json& list, const Json& ours, bool uninstall) {
  Json kept = Json::array();
  bool present = false;
  for (const Json& h : list) {
    if (h == ours) {
      if (uninstall || present) continue;
      present = true;
    }
    kept.push_back(h);
  }
  if (!uninstall && !present) kept.push_back(ours);
  list = kept;
}

// Our entries, added (install) or removed (uninstall). Returns false with `error`
// when the existing content has a shape we must not overwrite.
bool edit(Json& j, const Options& o, std::string& error) {
  if (o.kind == "vscode-env") {
    const char* key = "terminal.integrated.env.linux";
    if (!j.contains(key)) {
      if (o.uninstall) return true;
      j[key] = Json::object();
    }
    Json& env = j[key];
    if (!env.is_object()) {
      error = fmt::format("\"{}\" is not an object", key);
      return false;
    }
    for (const auto& [k, v] : o.env) {
      if (o.uninstall) {
        if (env.contains(k) && env[k] == v) env.erase(k);
      } else {
        env[k] = v;
      }
    }
    if (o.uninstall && env.empty()) j.erase(key);
    return true;
  }
  if (o.kind == "cursor-hooks") {
    if (!o.uninstall && !j.contains("version")) j["version"] = 1;
    if (!j.contains("hooks")) {
      if (o.uninstall) return true;
      j["hooks"] = Json::object();
    }
    Json& hooks = j["hooks"];
    if (!hooks.is_object()) {
      error = "\"hooks\" is not an object";
      return false;
    }
    Json& list = hooks["beforeShellExecution"];
    if (list.is_null()) list = Json::array();
    if (!list.is_array()) {
      error = "\"hooks.beforeShellExecution\" is not a list";
      return false;
    }
    Json ours = {{"command", o.command}};
    edit_list(list, ours, o.uninstall);
    if (o.uninstall && list.empty()) hooks.erase("beforeShellExecution");
    if (o.uninstall && hooks.empty()) j.erase("hooks");
    if (o.uninstall && j.size() == 1 && j.contains("version")) j.erase("version");  // nothing left but ours
    return true;
  }
  if (o.kind == "claude-hooks") {
    if (!j.contains("hooks")) {
      if (o.uninstall) return true;
      j["hooks"] = Json::object();
    }
    Json& hooks = j["hooks"];
    if (!hooks.is_object()) {
      error = "\"hooks\" is not an object";
      return false;
    }
    Json& list = hooks["PreToolUse"];
    if (list.is_null()) list = Json::array();
    if (!list.is_array()) {
      error = "\"hooks.PreToolUse\" is not a list";
      return false;
    }
    Json ours = {{"matcher", "Bash"}, {"hooks", Json::array({{{"type", "command"}, {"command", o.command}}})}};
    edit_list(list, ours, o.uninstall);
    if (o.uninstall && list.empty()) hooks.erase("PreToolUse");
    if (o.uninstall && hooks.empty()) j.erase("hooks");
    return true;
  }
  error = fmt::format("unknown --kind '{}'; use vscode-env, cursor-hooks or claude-hooks", o.kind);
  return false;
}

bool parse(const Args& args, Options& o) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= args.size()) {
        print_error(fmt::format("{} needs a value.", a));
        return false;
      }
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--kind") {
      if (!next(o.kind)) return false;
    } else if (a == "--file") {
      if (!next(o.file)) return false;
    } else if (a == "--command") {
      if (!next(o.command)) return false;
    } else if (a == "--set") {
      if (!next(v)) return false;
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) {
        print_error(fmt::format("--set needs KEY=VALUE, not '{}'.", v));
        return false;
      }
      o.env.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--uninstall") {
      o.uninstall = true;
    } else if (a == "--dry-run") {
      o.dry_run = true;
    } else {
      print_error(fmt::format("agent setup-ide: unexpected '{}'.", a));
      return false;
    }
  }
  if (o.kind.empty() || o.file.empty()) {
    print_error("agent setup-ide needs --kind and --file.");
    return false;
  }
  if ((o.kind == "cursor-hooks" || o.kind == "claude-hooks") && o.command.empty()) {
    print_error(fmt::format("--kind {} needs --command, the hook command to register.", o.kind));
    return false;
  }
  return true;
}

}  // namespace

int agent_setup_ide(const Args& args) {
  Options o;
  if (!parse(args, o)) return kExitError;
  const std::string backup = o.file + ".vectra-guard.bak";
  const std::string absent = o.file + ".vectra-guard.absent";  // the file did not exist before us

  std::string original;
  bool had_file = read_bytes(o.file, original);
  Json j = Json::object();
  if (had_file && original.find_first_not_of(" \t\r\n") != std::string::npos) {
    try {
      j = Json::parse(original);
    } catch (const Json::parse_error&) {
      bool has_comments = false;
      try {
        Json with_comments = Json::parse(original, nullptr, true, /*ignore_comments=*/true);
        (void)with_comments;
        has_comments = true;
      } catch (const Json::parse_error&) {
      }
      print_error(has_comments
                      ? fmt::format("{} has comments, which rewriting would lose; add the vectra-guard entries by hand (see 'setup-cursor-protection.sh --dry-run').", o.file)
                      : fmt::format("{} is not plain JSON (an error, or JSONC's trailing commas); nothing was changed.", o.file));
      return kExitError;
    }
    if (!j.is_object()) {
      print_error(fmt::format("{} does not hold a JSON object; nothing was changed.", o.file));
      return kExitError;
    }
  }

  std::string error;
  if (!edit(j, o, error)) {
    print_error(fmt::format("{}: {}; nothing was changed.", o.file, error));
    return kExitError;
  }

  // What the file becomes. On uninstall, the original bytes when our entries were all
  // that changed since the backup was taken.
  std::optional<std::string> result = render(j, original);
  bool restore = false;
  if (o.uninstall) {
    std::string saved;
    if (exists(absent) && j.empty()) {
      result.reset();  // it did not exist before us
      restore = true;
    } else if (read_bytes(backup, saved)) {
      try {
        Json before = saved.find_first_not_of(" \t\r\n") == std::string::npos ? Json::object() : Json::parse(saved);
        if (before == j) {
          result = saved;
          restore = true;
        }
      } catch (const Json::parse_error&) {
      }
    }
    if (!had_file) return kExitOk;  // nothing to remove
  }

  if (o.dry_run) {
    if (result) std::fputs(result->c_str(), stdout);
    return kExitOk;
  }
  if (result && had_file && *result == original) return kExitOk;  // already as it should be

  if (!o.uninstall && !exists(backup) && !exists(absent)) {
    if (had_file) {
      if (!write_bytes(backup, original, error)) {
        print_error(fmt::format("{}; nothing was changed.", error));
        return kExitError;
      }
    } else if (!write_bytes(absent, "", error)) {
      print_error(fmt::format("{}; nothing was changed.", error));
      return kExitError;
    }
  }
  if (!result) {
    if (unlink(o.file.c_str()) != 0) {
      print_error(fmt::format("cannot remove {}.", o.file));
      return kExitError;
    }
  } else {
    size_t slash = o.file.rfind('/');
    if (slash != std::string::npos && slash > 0) {
      std::string dir = o.file.substr(0, slash);
      if (!exists(dir)) mkdir(dir.c_str(), 0700);
    }
    if (!write_bytes(o.file, *result, error)) {
      print_error(fmt::format("{}.", error));
      return kExitError;
    }
  }
  if (restore) {
    unlink(backup.c_str());
    unlink(absent.c_str());
  }
  return kExitOk;
}

}  // namespace vg::cli
