#include "sandbox/review/change_flags.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace vg::review {

namespace {

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t slash; (slash = path.find('/', start)) != std::string::npos; start = slash + 1)
    out.push_back(path.substr(start, slash - start));
  out.push_back(path.substr(start));
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

template <size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Files a build or a package manager reads as instructions.
constexpr std::array<std::string_view, 30> kManifests = {
    "package.json", "Makefile", "makefile", "GNUmakefile", "CMakeLists.txt", "pyproject.toml", "setup.py",
    "setup.cfg", "Cargo.toml", "go.mod", "Gemfile", "pom.xml", "build.gradle", "build.gradle.kts",
    "settings.gradle", "settings.gradle.kts", "meson.build", "configure", "Rakefile", "composer.json",
    "build.rs", "Dockerfile", "Containerfile", "justfile", "Taskfile.yml", "tox.ini", "noxfile.py",
    ".npmrc", ".yarnrc", ".pypirc"};

constexpr std::array<std::string_view, 7> kCiFiles = {".gitlab-ci.yml", ".travis.yml", "Jenkinsfile",
                                                      "azure-pipelines.yml", "bitbucket-pipelines.yml",
                                                      ".drone.yml", "appveyor.yml"};
constexpr std::array<std::string_view, 4> kCiDirs = {".circleci", ".buildkite", ".woodpecker", ".gitea"};

constexpr std::array<std::string_view, 8> kEditorDirs = {".vscode", ".idea", ".devcontainer", ".cursor",
                                                         ".claude", ".zed", ".fleet", ".theia"};

constexpr std::array<std::string_view, 12> kStartup = {
    ".bashrc", ".bash_profile", ".bash_login", ".profile", ".bash_logout", ".zshrc",
    ".zprofile", ".zshenv", ".zlogin", ".envrc", ".inputrc", "config.fish"};

}  // namespace

std::vector<ChangeFlag> flags_for(const Change& c) {
  std::vector<ChangeFlag> out;
  auto flag = [&](const char* category, std::string why) { out.push_back({category, c.path, std::move(why)}); };
  std::vector<std::string> parts = components(c.path);
  const std::string& name = parts.back();

  // Git metadata: hooks and config run code on the next git command.
  auto git = std::find(parts.begin(), parts.end(), ".git");
  if (git == parts.begin())
    flag("git", "git metadata (hooks and config run on later git commands)");
  else if (git != parts.end())
    flag("nested-repo", "a nested repository at " + c.path.substr(0, c.path.find("/.git")));
  else if (name == ".gitmodules" || name == ".gitattributes")
    flag("git", name == ".gitmodules" ? "submodules" : "git filters and attributes");

  bool is_file = S_ISREG(c.new_mode);
  bool now_x = is_file && (c.new_mode & 0111) != 0;
  bool was_x = S_ISREG(c.old_mode) && (c.old_mode & 0111) != 0;
  if (c.kind != ChangeKind::deleted && now_x && !was_x)
    flag("executable", c.old_mode == 0 || c.kind == ChangeKind::renamed ? "new executable" : "made executable");
  if (c.kind != ChangeKind::deleted && is_file && (c.new_mode & 06000) != 0)
    flag("executable", "setuid or setgid: applied without those bits");

  if (one_of(name, kManifests) || (starts_with(name, "requirements") && name.ends_with(".txt")))
    flag("manifest", "build or package manifest");

  bool ci = one_of(name, kCiFiles) || (parts.size() > 2 && parts[0] == ".github" && parts[1] == "workflows") ||
            (parts.size() > 1 && one_of(parts[0], kCiDirs));
  if (ci) flag("ci", "CI configuration");

  for (size_t i = 0; i + 1 < parts.size(); ++i)
    if (one_of(std::string_view(parts[i]), kEditorDirs)) {
      flag("editor", "editor, task or agent configuration (" + parts[i] + "/)");
      break;
    }

  if (one_of(name, kStartup))
    flag("shell-startup", "shell startup file");
  else if (starts_with(name, ".env"))
    flag("env", "environment file (secrets, variables)");
  return out;
}

std::vector<ChangeFlag> flag_changes(const std::vector<Change>& changes) {
  std::vector<ChangeFlag> out;
  for (const Change& c : changes) {
    // Inside a .git directory, one flag per repository is enough.
    std::vector<ChangeFlag> f = flags_for(c);
    for (ChangeFlag& x : f) {
      bool git = x.category == "git" || x.category == "nested-repo";
      if (git && std::any_of(out.begin(), out.end(), [&](const ChangeFlag& o) { return o.why == x.why && o.category == x.category; }))
        continue;
      out.push_back(std::move(x));
    }
  }
  return out;
}

std::vector<std::string> flag_categories(const std::vector<ChangeFlag>& flags) {
  std::vector<std::string> out;
  for (const ChangeFlag& f : flags)
    if (std::find(out.begin(), out.end(), f.category) == out.end()) out.push_back(f.category);
  return out;
}

}  // namespace vg::review
