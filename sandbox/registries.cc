#include "sandbox/registries.h"

#include <dirent.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/config.h"
#include "core/passwd.h"

extern char** environ;

namespace vg::sandbox {

namespace {

using json = nlohmann::json;

std::string env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const std::string& e : env)
    if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0)
      return e.substr(name.size() + 1);
  return "";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// npm_config_* variables are case-insensitive.
std::string npm_env(const std::vector<std::string>& env, std::string_view key) {
  const std::string want = "npm_config_" + std::string(key) + "=";
  for (const std::string& e : env)
    if (e.size() > want.size() && lower(e.substr(0, want.size())) == want) return e.substr(want.size());
  return "";
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string unquote(std::string s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

bool readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Files named `name` in dir and each parent up to "/" (or up to, not including, `stop`).
std::vector<std::string> upward(const std::string& dir, const std::string& name, const std::string& stop = "") {
  std::vector<std::string> out;
  std::string d = dir;
  while (!d.empty() && d != stop) {
    std::string p = (d == "/" ? "" : d) + "/" + name;
    if (readable(p)) out.push_back(p);
    if (d == "/") break;
    auto slash = d.rfind('/');
    d = slash == 0 ? "/" : d.substr(0, slash);
  }
  return out;
}

std::string find_in_path(const std::vector<std::string>& env, const std::string& tool) {
  std::string path = env_value(env, "PATH");
  if (path.empty()) path = "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty()) {
      std::string p = dir + "/" + tool;
      struct stat st;
      if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0) return p;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

long long mtime_of(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

// Run argv with `env` in "/", stdin and stderr on /dev/null; its stdout, or false when
// it could not run, failed or took longer than timeout_ms. Never in the workspace: a
// project could plant files a tool picks up from its working directory (python's
// sys.path, go.mod's toolchain line).
bool capture(const std::vector<std::string>& argv, const std::vector<std::string>& env, int timeout_ms,
             std::string& out) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&fa, "/");
  std::vector<char*> a, e;
  for (const std::string& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  for (const std::string& s : env) e.push_back(const_cast<char*>(s.c_str()));
  e.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, a.data(), e.data());
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool timed_out = false;
  char buf[4096];
  for (;;) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{pipefd[0], POLLIN, 0};
    int n = poll(&p, 1, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      timed_out = n == 0;
      break;
    }
    ssize_t r = read(pipefd[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (out.size() < 65536) out.append(buf, static_cast<size_t>(r));
  }
  close(pipefd[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The answers of tools asked before, in <state_dir>/registries.json:
// {"npm": {"files": {"/usr/bin/npm": mtime}, "answer": ["https://..."]}, ...}.
// An entry counts only while every file it was keyed on keeps its mtime.
struct AnswerCache {
  std::string path;
  json data = json::object();

  explicit AnswerCache(const std::string& state_dir) {
    if (state_dir.empty()) return;
    path = state_dir + "/registries.json";
    std::ifstream in(path);
    if (!in) return;
    json j = json::parse(in, nullptr, false);
    if (!j.is_discarded() && j.is_object()) data = std::move(j);
  }

  bool get(const std::string& key, std::vector<std::string>& answer) const {
    auto it = data.find(key);
    if (it == data.end() || !it->is_object()) return false;
    const json& files = it->value("files", json());
    const json& ans = it->value("answer", json());
    if (!files.is_object() || files.empty() || !ans.is_array()) return false;
    for (auto f = files.begin(); f != files.end(); ++f)
      if (!f->is_number_integer() || f->get<long long>() != mtime_of(f.key())) return false;
    answer.clear();
    for (const json& a : ans)
      if (a.is_string()) answer.push_back(a.get<std::string>());
    return true;
  }

  void put(const std::string& key, const std::vector<std::string>& files, const std::vector<std::string>& answer) {
    if (path.empty()) return;
    json f = json::object();
    for (const std::string& p : files) f[p] = mtime_of(p);
    data[key] = {{"files", f}, {"answer", answer}};
    std::string dir = path.substr(0, path.rfind('/'));
    mkdir(dir.c_str(), 0700);
    std::string tmp = path + ".tmp." + std::to_string(getpid());
    {
      std::ofstream o(tmp);
      o << data.dump(2) << '\n';
      if (!o) {
        std::remove(tmp.c_str());
        return;
      }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) std::remove(tmp.c_str());
  }
};

std::string canonical(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

// Ask `tool` (found on PATH) once: the lines of its output, cached under `key`.
// `extra_files` come from the answer (e.g. pip's module file), keyed too.
bool ask_tool(const RegistryInputs& in, AnswerCache& cache, const std::string& key, const std::string& tool,
              const std::vector<std::string>& args, std::vector<std::string>& lines,
              const std::function<std::vector<std::string>(const std::vector<std::string>&)>& extra_files = {}) {
  std::string bin = find_in_path(in.environ, tool);
  if (bin.empty()) return false;
  if (cache.get(key, lines)) return true;
  std::vector<std::string> argv = {bin};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = in.environ;
  std::erase_if(env, [](const std::string& e) { return e.rfind("GOTOOLCHAIN=", 0) == 0; });
  env.push_back("GOTOOLCHAIN=local");  // go env must not fetch and run another toolchain
  // Asking must leave nothing behind: npm would create ~/.npm for its logs, and a cache
  // directory that appears changes what the next sandbox mounts. Their caches and logs
  // go to a scratch directory, removed afterwards.
  char scratch[] = "/tmp/vg-ask.XXXXXX";
  const bool have_scratch = mkdtemp(scratch) != nullptr;
  if (have_scratch) {
    const std::string d = scratch;
    std::erase_if(env, [](const std::string& e) {
      for (const char* name : {"npm_config_cache=", "npm_config_logs_dir=", "npm_config_logs_max=",
                               "npm_config_update_notifier=", "XDG_CACHE_HOME=", "YARN_CACHE_FOLDER="})
        if (e.rfind(name, 0) == 0) return true;
      return false;
    });
    env.insert(env.end(), {"npm_config_cache=" + d + "/npm", "npm_config_logs_dir=" + d + "/npm-logs",
                           "npm_config_logs_max=0", "npm_config_update_notifier=false", "XDG_CACHE_HOME=" + d,
                           "YARN_CACHE_FOLDER=" + d + "/yarn"});
  }
  std::string out;
  const bool answered = capture(argv, env, in.ask_timeout_ms, out);
  if (have_scratch) {
    std::error_code ignored;
    std::filesystem::remove_all(scratch, ignored);
  }
  if (!answered) return false;
  lines.clear();
  std::istringstream ss(out);
  for (std::string l; std::getline(ss, l);)
    if (std::string t = trim(l); !t.empty()) lines.push_back(t);
  std::vector<std::string> files = {canonical(bin)};
  if (extra_files)
    for (const std::string& f : extra_files(lines)) files.push_back(f);
  cache.put(key, files, lines);
  return true;
}

// ---- per ecosystem -------------------------------------------------------------------

struct Found {
  std::vector<std::string> urls;
  void add(const std::string& u) {
    std::string v = unquote(u);
    if (!v.empty()) urls.push_back(v);
  }
};

struct NpmrcState {
  Found* found;
  bool* has_default;
};

int on_npmrc(void* user, const char* /*section*/, const char* name, const char* value) {
  auto* st = static_cast<NpmrcState*>(user);
  std::string n = trim(name), v = trim(value);
  // inih splits "@scope:registry=URL" at the colon: name "@scope", value "registry=URL".
  if (n == "registry") {
    st->found->add(v);
    *st->has_default = true;
  } else if (!n.empty() && n[0] == '@' && v.rfind("registry", 0) == 0) {
    auto eq = v.find('=');
    if (eq != std::string::npos) st->found->add(v.substr(eq + 1));
  } else if (n.size() > 9 && n.ends_with(":registry")) {
    st->found->add(v);
  }
  return 1;
}

bool npm_hosts(const RegistryInputs& in, AnswerCache& cache, Found& f, std::string& error) {
  bool has_default = false;
  if (std::string v = npm_env(in.environ, "registry"); !v.empty()) {
    f.add(v);
    has_default = true;
  }
  // The project's .npmrc (below the home directory, whose .npmrc is the user file).
  std::vector<std::string> files = upward(in.cwd, ".npmrc", in.home.empty() ? "/" : in.home);
  std::string user = npm_env(in.environ, "userconfig");
  if (user.empty() && !in.home.empty()) user = in.home + "/.npmrc";
  if (!user.empty() && readable(user) && std::find(files.begin(), files.end(), user) == files.end())
    files.push_back(user);
  NpmrcState st{&f, &has_default};
  for (const std::string& file : files) ini_parse(file.c_str(), on_npmrc, &st);
  if (has_default) return true;
  std::vector<std::string> lines;
  if (ask_tool(in, cache, "npm", "npm", {"config", "get", "registry"}, lines) && !lines.empty()) {
    f.add(lines.front());
    return true;
  }
  if (!f.urls.empty()) return true;
  error = "no npm registry is configured (registry= in .npmrc) and npm could not be asked; "
          "set one or name the hosts in network_allow";
  return false;
}

// registry "URL" (.yarnrc, v1) and npmRegistryServer: "URL" (.yarnrc.yml, v2+, also
// under npmScopes).
void scan_yarnrc(const std::string& file, Found& f, bool& has_default) {
  std::istringstream in(read_file(file));
  for (std::string line; std::getline(in, line);) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    bool top = !line.empty() && !std::isspace(static_cast<unsigned char>(line[0]));
    if (t.rfind("npmRegistryServer:", 0) == 0) {
      f.add(t.substr(18));
      if (top) has_default = true;
    } else if (t.rfind("registry ", 0) == 0 && file.ends_with(".yarnrc")) {
      f.add(t.substr(9));
      if (top) has_default = true;
    }
  }
}

bool yarn_hosts(const RegistryInputs& in, AnswerCache& cache, Found& f, std::string& error) {
  bool has_default = false;
  for (const char* name : {"YARN_NPM_REGISTRY_SERVER", "YARN_REGISTRY"})
    if (std::string v = env_value(in.environ, name); !v.empty()) {
      f.add(v);
      has_default = true;
    }
  std::vector<std::string> files = upward(in.cwd, ".yarnrc.yml");
  for (const std::string& p : upward(in.cwd, ".yarnrc")) files.push_back(p);
  for (const char* rel : {"/.yarnrc.yml", "/.yarnrc"})
    if (!in.home.empty() && readable(in.home + rel) &&
        std::find(files.begin(), files.end(), in.home + rel) == files.end())
      files.push_back(in.home + rel);
  for (const std::string& file : files) scan_yarnrc(file, f, has_default);
  if (has_default) return true;
  std::vector<std::string> lines;
  // Yarn 1 knows "registry"; Yarn 2+ calls it npmRegistryServer.
  for (const char* key : {"npmRegistryServer", "registry"})
    if (ask_tool(in, cache, std::string("yarn.") + key, "yarn", {"config", "get", key}, lines) && !lines.empty() &&
        !url_host(unquote(lines.front())).empty()) {
      f.add(lines.front());
      return true;
    }
  if (!f.urls.empty()) return true;
  error = "no Yarn registry is configured (npmRegistryServer in .yarnrc.yml) and yarn could not be asked; "
          "set one or name the hosts in network_allow";
  return false;
}

struct PipState {
  Found* found;
  bool* has_index;
};

int on_pip_conf(void* user, const char* section, const char* name, const char* value) {
  auto* st = static_cast<PipState*>(user);
  std::string s = lower(section), n = lower(trim(name));
  if (s != "global" && s != "install" && s != "download") return 1;
  std::replace(n.begin(), n.end(), '_', '-');
  if (n == "index-url" || n == "extra-index-url" || n == "find-links") {
    for (const std::string& w : words(value))
      if (!url_host(w).empty()) st->found->add(w);
    if (n == "index-url") *st->has_index = true;
  }
  return 1;
}

bool pypi_hosts(const RegistryInputs& in, AnswerCache& cache, Found& f, std::string& error) {
  bool has_index = false;
  std::vector<std::string> files;
  if (std::string v = env_value(in.environ, "PIP_CONFIG_FILE"); !v.empty()) files.push_back(v);
  files.push_back("/etc/pip.conf");
  std::string dirs = env_value(in.environ, "XDG_CONFIG_DIRS");
  {
    std::string all = dirs.empty() ? "/etc/xdg" : dirs;
    size_t start = 0;
    for (;;) {
      size_t c = all.find(':', start);
      std::string d = all.substr(start, c == std::string::npos ? std::string::npos : c - start);
      if (!d.empty()) files.push_back(d + "/pip/pip.conf");
      if (c == std::string::npos) break;
      start = c + 1;
    }
  }
  if (!in.home.empty()) files.push_back(in.home + "/.pip/pip.conf");
  std::string xdg = env_value(in.environ, "XDG_CONFIG_HOME");
  if (xdg.empty() || xdg[0] != '/') xdg = in.home.empty() ? "" : in.home + "/.config";
  if (!xdg.empty()) files.push_back(xdg + "/pip/pip.conf");
  if (std::string v = env_value(in.environ, "VIRTUAL_ENV"); !v.empty()) files.push_back(v + "/pip.conf");
  PipState st{&f, &has_index};
  for (const std::string& file : files)
    if (readable(file)) ini_parse(file.c_str(), on_pip_conf, &st);
  for (const char* name : {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"})
    for (const std::string& w : words(env_value(in.environ, name)))
      if (!url_host(w).empty()) {
        f.add(w);
        if (std::string_view(name) == "PIP_INDEX_URL") has_index = true;
      }
  if (has_index) return true;
  // pip's own default index and the separate host its files are served from, as the
  // installed pip defines them; keyed on python3 and pip's module file.
  std::vector<std::string> lines;
  // -I: isolated, so neither the working directory nor PYTHON* variables add modules.
  const std::vector<std::string> script = {
      "-I", "-c",
      "import pip\nfrom pip._internal.models.index import PyPI\n"
      "print(PyPI.url)\nprint(PyPI.file_storage_domain)\nprint(pip.__file__)\n"};
  auto module_file = [](const std::vector<std::string>& l) {
    return l.size() >= 3 ? std::vector<std::string>{l[2]} : std::vector<std::string>{};
  };
  if (ask_tool(in, cache, "pypi", "python3", script, lines, module_file) && lines.size() >= 2) {
    f.add(lines[0]);
    if (url_host(lines[1]).empty())
      f.urls.push_back("https://" + lines[1] + "/");  // a bare domain
    else
      f.add(lines[1]);
    return true;
  }
  if (!f.urls.empty()) return true;
  error = "no pip index is configured (index-url in pip.conf or PIP_INDEX_URL) and pip could not be asked; "
          "set one or name the hosts in network_allow";
  return false;
}

// Cargo: index/registry URLs in config.toml ([source.*], [registries.*], [registry]),
// CARGO_REGISTRIES_<NAME>_INDEX, and the registries Cargo already fetched from (the
// registry cache's index/<host>-<hash>/ directories and their config.json "dl"/"api").
bool cargo_hosts(const RegistryInputs& in, Found& f, std::string& error) {
  std::string cargo_home = env_value(in.environ, "CARGO_HOME");
  if (cargo_home.empty() || cargo_home[0] != '/') cargo_home = in.home.empty() ? "" : in.home + "/.cargo";
  std::vector<std::string> files;
  for (const std::string& p : upward(in.cwd, ".cargo/config.toml")) files.push_back(p);
  for (const std::string& p : upward(in.cwd, ".cargo/config")) files.push_back(p);
  for (const char* rel : {"/config.toml", "/config"})
    if (!cargo_home.empty() && readable(cargo_home + rel) &&
        std::find(files.begin(), files.end(), cargo_home + rel) == files.end())
      files.push_back(cargo_home + rel);
  for (const std::string& file : files) {
    std::istringstream s(read_file(file));
    std::string section;
    for (std::string line; std::getline(s, line);) {
      std::string t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      if (t[0] == '[') {
        section = t;
        continue;
      }
      auto eq = t.find('=');
      if (eq == std::string::npos) continue;
      std::string key = trim(t.substr(0, eq));
      bool in_registry_section = section.rfind("[source", 0) == 0 || section.rfind("[registries", 0) == 0 ||
                                 section.rfind("[registry", 0) == 0;
      if ((key == "index" || key == "registry") && in_registry_section) {
        std::string v = unquote(t.substr(eq + 1));
        if (!url_host(v).empty()) f.add(v);
      }
    }
  }
  for (const std::string& e : in.environ)
    if (e.rfind("CARGO_REGISTRIES_", 0) == 0) {
      auto eq = e.find('=');
      if (eq != std::string::npos && e.substr(0, eq).ends_with("_INDEX")) f.add(e.substr(eq + 1));
    }
  if (!cargo_home.empty()) {
    std::string index = cargo_home + "/registry/index";
    if (DIR* d = opendir(index.c_str())) {
      std::vector<std::string> names;
      while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') names.push_back(e->d_name);
      closedir(d);
      std::sort(names.begin(), names.end());
      for (const std::string& name : names) {
        auto dash = name.rfind('-');
        if (dash != std::string::npos && dash > 0) f.urls.push_back("https://" + name.substr(0, dash) + "/");
        std::ifstream cfg(index + "/" + name + "/config.json");
        json j = json::parse(cfg, nullptr, false);
        if (!j.is_discarded() && j.is_object())
          for (const char* k : {"dl", "api"})
            if (j.contains(k) && j[k].is_string()) f.add(j[k].get<std::string>());
      }
    }
  }
  if (!f.urls.empty()) return true;
  error = "no Cargo registry is configured in config.toml or cached in " +
          (cargo_home.empty() ? std::string("CARGO_HOME") : cargo_home + "/registry") +
          " yet; run cargo fetch once on the host, or name the hosts in network_allow";
  return false;
}

bool go_hosts(const RegistryInputs& in, AnswerCache& cache, Found& f, std::string& error) {
  std::string proxy = env_value(in.environ, "GOPROXY");
  std::string sumdb = env_value(in.environ, "GOSUMDB");
  if (proxy.empty() || sumdb.empty()) {
    std::vector<std::string> lines;
    if (ask_tool(in, cache, "go", "go", {"env", "GOPROXY", "GOSUMDB"}, lines) && lines.size() >= 2) {
      if (proxy.empty()) proxy = lines[0];
      if (sumdb.empty()) sumdb = lines[1];
    }
  }
  for (char& c : proxy)
    if (c == '|') c = ',';
  std::istringstream s(proxy);
  for (std::string item; std::getline(s, item, ',');) {
    item = trim(item);
    if (item.empty() || item == "direct" || item == "off") continue;
    if (!url_host(item).empty()) f.add(item);
  }
  // GOSUMDB: "name[+key] [url]"; the checksum database is reached at url, else at name.
  if (!sumdb.empty() && sumdb != "off") {
    std::vector<std::string> w = words(sumdb);
    if (w.size() >= 2 && !url_host(w[1]).empty())
      f.add(w[1]);
    else if (!w.empty())
      f.urls.push_back("https://" + w[0].substr(0, w[0].find('+')) + "/");
  }
  if (!f.urls.empty()) return true;
  error = "GOPROXY names no proxy (only direct or off) and go could not be asked; "
          "set GOPROXY or name the hosts in network_allow";
  return false;
}

bool rubygems_hosts(const RegistryInputs& in, AnswerCache& cache, Found& f, std::string& error) {
  std::string gemrc = env_value(in.environ, "GEMRC");
  std::vector<std::string> files;
  if (!gemrc.empty()) files.push_back(gemrc);
  if (!in.home.empty()) files.push_back(in.home + "/.gemrc");
  files.push_back("/etc/gemrc");
  for (const std::string& file : files) {
    if (!readable(file)) continue;
    std::istringstream s(read_file(file));
    bool in_sources = false;
    for (std::string line; std::getline(s, line);) {
      std::string t = trim(line);
      if (t.rfind(":sources:", 0) == 0 || t.rfind("sources:", 0) == 0) {
        in_sources = true;
        // ":sources: [a, b]" on one line
        std::string rest = t.substr(t.find(':', 1) + 1);
        for (char& c : rest)
          if (c == '[' || c == ']' || c == ',') c = ' ';
        for (const std::string& w : words(rest))
          if (!url_host(unquote(w)).empty()) f.add(w);
        continue;
      }
      if (in_sources && t.rfind("- ", 0) == 0) {
        if (!url_host(unquote(t.substr(2))).empty()) f.add(t.substr(2));
      } else if (!t.empty()) {
        in_sources = false;
      }
    }
  }
  if (!f.urls.empty()) return true;
  std::vector<std::string> lines;
  if (ask_tool(in, cache, "rubygems", "gem", {"sources", "--list"}, lines)) {
    for (const std::string& l : lines)
      if (!url_host(l).empty()) f.add(l);
    if (!f.urls.empty()) return true;
  }
  error = "no gem source is configured (:sources: in ~/.gemrc) and gem could not be asked; "
          "set one or name the hosts in network_allow";
  return false;
}

bool maven_hosts(const RegistryInputs& in, Found& f, std::string& error) {
  std::vector<std::string> files;
  if (!in.home.empty()) files.push_back(in.home + "/.m2/settings.xml");
  for (const char* var : {"MAVEN_HOME", "M2_HOME"})
    if (std::string v = env_value(in.environ, var); !v.empty()) files.push_back(v + "/conf/settings.xml");
  files.push_back("/etc/maven/settings.xml");
  for (const std::string& file : files) {
    if (!readable(file)) continue;
    std::string text = read_file(file);
    // Every <url> of a <mirror>, <repository> or <pluginRepository>; comments skipped.
    size_t pos = 0;
    while ((pos = text.find("<!--", pos)) != std::string::npos) {
      size_t end = text.find("-->", pos);
      text.erase(pos, end == std::string::npos ? std::string::npos : end + 3 - pos);
    }
    // A <blocked>true</blocked> mirror only refuses requests (Maven's own http blocker).
    for (size_t at = 0; (at = text.find("<mirror>", at)) != std::string::npos;) {
      size_t end = text.find("</mirror>", at);
      if (end == std::string::npos) break;
      std::string block = text.substr(at, end - at);
      std::string compact;
      for (char c : block)
        if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
      if (compact.find("<blocked>true</blocked>") != std::string::npos) text.erase(at, end + 9 - at);
      else at = end;
    }
    for (size_t at = 0; (at = text.find("<url>", at)) != std::string::npos;) {
      size_t end = text.find("</url>", at);
      if (end == std::string::npos) break;
      std::string u = trim(text.substr(at + 5, end - at - 5));
      if (!url_host(u).empty()) f.add(u);
      at = end;
    }
  }
  if (!f.urls.empty()) return true;
  error = "no Maven mirror or repository is configured in ~/.m2/settings.xml, and Maven has no "
          "command that prints its built-in repository without downloading; add a <mirror> or name the "
          "hosts in network_allow";
  return false;
}

}  // namespace

std::string url_host(std::string_view url) {
  std::string u = trim(url);
  auto plus = u.find('+');
  auto scheme_end = u.find("://");
  if (scheme_end == std::string::npos) return "";
  if (plus != std::string::npos && plus < scheme_end) u = u.substr(plus + 1), scheme_end = u.find("://");
  std::string scheme = lower(u.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return "";
  std::string rest = u.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  rest = lower(rest);
  if (rest.empty() || rest[0] == ':') return "";
  for (char c : rest)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_' ||
          c == '[' || c == ']'))
      return "";
  if (rest.back() == ':') rest.pop_back();
  return rest;
}

std::vector<std::string> registry_hosts(std::string_view alias_in, const RegistryInputs& in,
                                        std::string& error) {
  std::string alias = lower(std::string(alias_in));
  if (!alias.empty() && alias[0] == '@') alias.erase(0, 1);
  AnswerCache cache(in.state_dir);
  Found f;
  bool ok = false;
  if (alias == "npm")
    ok = npm_hosts(in, cache, f, error);
  else if (alias == "yarn")
    ok = yarn_hosts(in, cache, f, error);
  else if (alias == "pypi" || alias == "pip")
    ok = pypi_hosts(in, cache, f, error);
  else if (alias == "cargo")
    ok = cargo_hosts(in, f, error);
  else if (alias == "go")
    ok = go_hosts(in, cache, f, error);
  else if (alias == "rubygems" || alias == "gem")
    ok = rubygems_hosts(in, cache, f, error);
  else if (alias == "maven")
    ok = maven_hosts(in, f, error);
  else {
    error = "unknown package ecosystem '@" + alias + "'; use @npm, @yarn, @pypi, @cargo, @go, @rubygems or @maven";
    return {};
  }
  if (!ok) return {};
  std::vector<std::string> hosts;
  for (const std::string& u : f.urls) {
    std::string h = url_host(u);
    if (!h.empty() && std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
  }
  if (hosts.empty()) {
    error = "the " + alias + " configuration names no usable registry URL; name the hosts in network_allow";
    return {};
  }
  error.clear();
  return hosts;
}

std::vector<std::string> registry_hosts(std::string_view alias, std::string& error) {
  RegistryInputs in;
  for (char** e = environ; e && *e; ++e) in.environ.emplace_back(*e);
  const char* home = getenv("HOME");
  in.home = home && *home ? home : vg::passwd_home(getuid());
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf)) in.cwd = buf;
  in.state_dir = vg::state_dir();
  return registry_hosts(alias, in, error);
}

}  // namespace vg::sandbox
