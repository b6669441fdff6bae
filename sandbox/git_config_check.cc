#include "sandbox/git_config_check.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace vg::sandbox {

namespace {

// section -> keys (lower case). None of them names a program, a hook, a pager, a
// filter, another config file or a helper.
bool allowed(const std::string& section, const std::string& key) {
  struct Row {
    const char* section;
    std::initializer_list<const char*> keys;
  };
  static const Row kRows[] = {
      {"core", {"repositoryformatversion", "filemode", "bare", "logallrefupdates", "ignorecase",
                "precomposeunicode", "symlinks", "worktree", "sparsecheckout", "sparsecheckoutcone",
                "autocrlf", "eol", "quotepath"}},
      {"remote", {"url", "pushurl", "fetch", "push", "mirror", "tagopt", "promisor",
                  "partialclonefilter", "prune"}},
      {"branch", {"remote", "merge", "rebase", "pushremote", "description"}},
      {"submodule", {"url", "active", "branch"}},
      {"user", {"name", "email"}},
      {"extensions", {"objectformat", "worktreeconfig", "partialclone", "refstorage"}},
      {"init", {"defaultbranch"}},
      // What agents set after git's hints.
      {"pull", {"rebase", "ff"}},
      {"push", {"default", "autosetupremote"}},
      {"fetch", {"prune"}},
      {"merge", {"conflictstyle"}},
      {"color", {"ui"}},
  };
  for (const Row& r : kRows)
    if (section == r.section)
      return std::any_of(r.keys.begin(), r.keys.end(), [&](const char* k) { return key == k; });
  return false;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool comment_or_empty(std::string_view s) { return s.empty() || s[0] == '#' || s[0] == ';'; }

// "[core]", "[remote \"origin\"]", "[branch.main]" -> the section name, or "" when the
// header is anything else.
std::string header_section(std::string_view line) {
  size_t close = line.find(']');
  if (close == std::string_view::npos) return {};
  // A key on the header line ("[core] fsmonitor = x") is legal git: refuse it.
  if (!comment_or_empty(trim(line.substr(close + 1)))) return {};
  std::string_view inside = line.substr(1, close - 1);
  size_t n = 0;
  while (n < inside.size() && name_char(inside[n])) ++n;
  std::string section = lower(inside.substr(0, n));
  if (section.empty()) return {};
  std::string_view rest = inside.substr(n);
  if (rest.empty()) return section;
  if (rest[0] == '.') {  // old-style [section.subsection]
    for (char c : rest.substr(1))
      if (!name_char(c) && c != '.') return {};
    return section;
  }
  rest = trim(rest);
  if (rest.size() < 2 || rest.front() != '"' || rest.back() != '"') return {};
  std::string_view sub = rest.substr(1, rest.size() - 2);
  if (sub.find_first_of("\\\"") != std::string_view::npos) return {};
  return section;
}

}  // namespace

bool harmless_git_config(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  std::string section;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (comment_or_empty(line)) continue;
    // A value continued on the next line would make that line part of the value in git
    // but a key here (or the reverse): refuse rather than parse values.
    if (line.back() == '\\') return false;
    if (line[0] == '[') {
      section = header_section(line);
      if (section.empty()) return false;
      continue;
    }
    size_t n = 0;
    while (n < line.size() && name_char(line[n])) ++n;
    if (n == 0 || section.empty()) return false;
    std::string_view after = trim(line.substr(n));
    if (!after.empty() && after[0] != '=') return false;
    if (!allowed(section, lower(line.substr(0, n)))) return false;
  }
  return true;
}

}  // namespace vg::sandbox
