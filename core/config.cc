// Configuration loading: INI layers parsed by inih through one key registry.
#include "core/config.h"

#include <ini.h>
#include "core/passwd.h"
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/analyze.h"

namespace vg {

ConfigError::ConfigError(std::string f, int l, std::string k, const std::string& m)
    : std::runtime_error(m), file(std::move(f)), line(l), key(std::move(k)) {}

// ---- names <-> enums ------------------------------------------------------------

std::string_view to_string(Mode m) {
  switch (m) {
    case Mode::Always: return "always";
    case Mode::Auto: return "auto";
    case Mode::Risky: return "risky";
    case Mode::Never: return "never";
  }
  return "always";
}

std::string_view to_string(GuardLevel g) {
  switch (g) {
    case GuardLevel::Low: return "low";
    case GuardLevel::Medium: return "medium";
    case GuardLevel::High: return "high";
    case GuardLevel::Paranoid: return "paranoid";
  }
  return "medium";
}

std::string_view to_string(SecurityLevel s) {
  switch (s) {
    case SecurityLevel::Permissive: return "permissive";
    case SecurityLevel::Balanced: return "balanced";
    case SecurityLevel::Strict: return "strict";
    case SecurityLevel::Paranoid: return "paranoid";
  }
  return "balanced";
}

std::string_view to_string(NetworkMode n) {
  switch (n) {
    case NetworkMode::None: return "none";
    case NetworkMode::Restricted: return "restricted";
    case NetworkMode::Full: return "full";
  }
  return "none";
}

std::optional<Mode> parse_mode(std::string_view s) {
  if (s == "always") return Mode::Always;
  if (s == "auto") return Mode::Auto;
  if (s == "risky") return Mode::Risky;
  if (s == "never") return Mode::Never;
  return std::nullopt;
}

std::optional<GuardLevel> parse_guard_level(std::string_view s) {
  if (s == "low") return GuardLevel::Low;
  if (s == "medium") return GuardLevel::Medium;
  if (s == "high") return GuardLevel::High;
  if (s == "paranoid") return GuardLevel::Paranoid;
  return std::nullopt;
}

std::optional<SecurityLevel> parse_security_level(std::string_view s) {
  if (s == "permissive") return SecurityLevel::Permissive;
  if (s == "balanced") return SecurityLevel::Balanced;
  if (s == "strict") return SecurityLevel::Strict;
  if (s == "paranoid") return SecurityLevel::Paranoid;
  return std::nullopt;
}

std::optional<NetworkMode> parse_network_mode(std::string_view s) {
  if (s == "none") return NetworkMode::None;
  if (s == "restricted") return NetworkMode::Restricted;
  if (s == "full") return NetworkMode::Full;
  return std::nullopt;
}

std::string_view to_string(Review r) {
  switch (r) {
    case Review::Never: return "never";
    case Review::Destructive: return "destructive";
    case Review::Always: return "always";
  }
  return "destructive";
}

std::optional<Review> parse_review(std::string_view s) {
  if (s == "never") return Review::Never;
  if (s == "destructive") return Review::Destructive;
  if (s == "always") return Review::Always;
  return std::nullopt;
}

NetworkMode effective_network_mode(const Config& cfg) {
  if (cfg.network_mode) return *cfg.network_mode;
  switch (cfg.security_level) {
    case SecurityLevel::Permissive: return NetworkMode::Full;
    case SecurityLevel::Balanced: return NetworkMode::Restricted;
    case SecurityLevel::Strict: return NetworkMode::Restricted;
    case SecurityLevel::Paranoid: return NetworkMode::None;
  }
  return NetworkMode::None;
}

const std::vector<std::string>& default_env_whitelist() {
  static const std::vector<std::string> list = {"HOME", "USER",  "LOGNAME", "PATH",
                                                "SHELL", "TERM", "LANG",    "LC_*",
                                                "TZ",   "PWD",  "COLUMNS", "LINES"};
  return list;
}

// ---- paths ------------------------------------------------------------------------

namespace {

std::string home_dir() {
  const char* h = std::getenv("HOME");
  if (h && *h) return h;
  if (std::string home = passwd_home(getuid()); !home.empty()) return home;
  return "/";
}

}  // namespace

std::string state_dir() {
  const char* v = std::getenv("VG_HOME");
  if (v && *v) return v;
  return home_dir() + "/.vectra-guard";
}

ConfigPaths default_config_paths(const std::string& workspace) {
  ConfigPaths p;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && xdg[0] == '/')
    p.user = std::string(xdg) + "/vectra-guard/config.ini";
  else
    p.user = home_dir() + "/.config/vectra-guard/config.ini";
  if (!workspace.empty()) p.workspace = workspace + (workspace == "/" ? "" : "/") + "vectra-guard.ini";
  return p;
}

// ---- value parsing ------------------------------------------------------------------

namespace {

// One "key = value" being applied; the key's function fills `expected` on a bad value
// or `ignored` when the workspace file tries to loosen something.
struct Setting {
  Config& cfg;
  std::string value;
  std::string file;  // for resolving relative paths
  bool tighten_only = false;
  std::string expected;  // set => bad value; text says what would be accepted
  std::string ignored;   // set => loosening value skipped (tighten_only layers)
};

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  return std::nullopt;
}

// "600", "30s", "10m", "2h" -> seconds; 0 means no timeout.
std::optional<int> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  long mult = 1;
  char last = s.back();
  if (last == 's' || last == 'm' || last == 'h') {
    mult = last == 's' ? 1 : last == 'm' ? 60 : 3600;
    s.remove_suffix(1);
  }
  if (s.empty() || s.size() > 7) return std::nullopt;
  long n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n * mult > 100L * 24 * 3600) return std::nullopt;  // more than 100 days is a typo
  return static_cast<int>(n * mult);
}

std::string expand_path(const std::string& p, const std::string& config_file) {
  if (p == "~") return home_dir();
  if (p.rfind("~/", 0) == 0) return home_dir() + p.substr(1);
  if (!p.empty() && p[0] != '/') {
    auto slash = config_file.rfind('/');
    return (slash == std::string::npos ? std::string(".") : config_file.substr(0, slash)) + "/" + p;
  }
  return p;
}

// src[:dst][:ro|rw]
std::optional<BindMount> parse_bind_mount(const std::string& spec, const std::string& file) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  BindMount m;
  if (parts.size() > 1 && (parts.back() == "ro" || parts.back() == "rw")) {
    m.writable = parts.back() == "rw";
    parts.pop_back();
  }
  if (parts.empty() || parts.size() > 2 || parts[0].empty()) return std::nullopt;
  if (parts[0][0] != '/' && parts[0][0] != '~') return std::nullopt;
  m.source = expand_path(parts[0], file);
  m.target = parts.size() == 2 ? expand_path(parts[1], file) : m.source;
  if (m.target.empty() || m.target[0] != '/') return std::nullopt;
  return m;
}

// ---- the key registry -----------------------------------------------------------------
// Each key: where it lives, and how a value is applied (and tightened in the workspace).
// New keys are added here and nowhere else.

void set_mode(Setting& s) {
  auto v = parse_mode(s.value);
  if (!v) return void(s.expected = "always, auto, risky or never");
  // Stricter modes sandbox more: always < auto < risky < never in enum order.
  if (s.tighten_only && *v > s.cfg.mode) return void(s.ignored = "a looser mode");
  s.cfg.mode = *v;
  s.cfg.mode_set = true;
}

void set_notice(Setting& s) {
  if (s.value != "full" && s.value != "short" && s.value != "off") return void(s.expected = "full, short or off");
  s.cfg.notice = s.value;
}

void set_security_level(Setting& s) {
  auto v = parse_security_level(s.value);
  if (!v) return void(s.expected = "permissive, balanced, strict or paranoid");
  // A stricter level never implies a looser network, so no network check is needed.
  if (s.tighten_only && *v < s.cfg.security_level) return void(s.ignored = "a looser security level");
  s.cfg.security_level = *v;
}

void set_runtime(Setting& s) {
  static const char* const kRuntimes[] = {"auto", "bubblewrap", "namespace", "landlock", "docker", "podman"};
  if (std::find(std::begin(kRuntimes), std::end(kRuntimes), s.value) == std::end(kRuntimes))
    return void(s.expected = "auto, bubblewrap, namespace, landlock, docker or podman");
  // Which isolation to use is the user's choice, not a project's.
  if (s.tighten_only) return void(s.ignored = "a runtime choice");
  s.cfg.runtime = s.value;
}

void set_network_mode(Setting& s) {
  auto v = parse_network_mode(s.value);
  if (!v) return void(s.expected = "none, restricted or full");
  // none < restricted < full in enum order: larger is looser.
  if (s.tighten_only && *v > effective_network_mode(s.cfg)) return void(s.ignored = "a looser network mode");
  s.cfg.network_mode = *v;
}

void set_timeout(Setting& s) {
  auto v = parse_duration(s.value);
  if (!v) return void(s.expected = "seconds, or a number with s, m or h (0 = no timeout)");
  int cur = s.cfg.timeout_seconds;
  if (s.tighten_only && (*v == 0 || (cur != 0 && *v > cur))) return void(s.ignored = "a longer timeout");
  s.cfg.timeout_seconds = *v;
}

bool env_listed(const std::vector<std::string>& list, const std::string& name) {
  for (const std::string& e : list) {
    if (e == name) return true;
    if (e.size() > 1 && e.back() == '*' && name.compare(0, e.size() - 1, e, 0, e.size() - 1) == 0)
      return true;
  }
  return false;
}

void set_env_whitelist(Setting& s) {
  std::vector<std::string> names = split_list(s.value);
  for (const std::string& n : names) {
    for (char c : n) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*'))
        return void(s.expected = "variable names separated by spaces or commas (a trailing * matches a prefix)");
    }
  }
  if (!s.tighten_only) {
    s.cfg.env_whitelist.insert(s.cfg.env_whitelist.end(), names.begin(), names.end());
    return;
  }
  // The workspace may only narrow the list in force.
  const auto& current = s.cfg.env_whitelist.empty() ? default_env_whitelist() : s.cfg.env_whitelist;
  std::vector<std::string> kept;
  std::string dropped;
  for (const std::string& n : names) {
    if (env_listed(current, n))
      kept.push_back(n);
    else
      dropped += (dropped.empty() ? "" : " ") + n;
  }
  if (!kept.empty()) s.cfg.env_whitelist = kept;
  if (!dropped.empty()) s.ignored = "environment additions (" + dropped + ")";
}

void set_bind_mounts(Setting& s) {
  std::vector<BindMount> mounts;
  for (const std::string& spec : split_list(s.value)) {
    auto m = parse_bind_mount(spec, s.file);
    if (!m) return void(s.expected = "absolute paths as src[:dst][:ro|rw]");
    mounts.push_back(*m);
  }
  if (s.tighten_only) return void(s.ignored = "extra bind mounts");
  s.cfg.bind_mounts.insert(s.cfg.bind_mounts.end(), mounts.begin(), mounts.end());
}

// Hiding more is never a loosening: every layer, the workspace's too, may add paths.
void add_hide(Setting& s) {
  std::vector<std::string> paths;
  for (const std::string& p : split_list(s.value)) {
    if (p.empty() || (p[0] != '/' && p[0] != '~')) return void(s.expected = "absolute paths (or ~/...)");
    paths.push_back(expand_path(p, s.file));
  }
  s.cfg.hide.insert(s.cfg.hide.end(), paths.begin(), paths.end());
}

void set_allow_unix_sockets(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  if (s.tighten_only && *v) return void(s.ignored = "allowing unix sockets");
  s.cfg.allow_unix_sockets = *v;
}

void set_log_output(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  if (s.tighten_only && !*v) return void(s.ignored = "turning output logging off");
  s.cfg.log_output = *v;
}

void set_seccomp_profile(Setting& s) {
  if (s.value.empty()) return void(s.expected = "a path to a Docker-format seccomp JSON file");
  if (s.tighten_only) return void(s.ignored = "a custom seccomp profile");
  s.cfg.seccomp_profile = expand_path(s.value, s.file);
}

void set_keep_changes(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  // Kept changes land under $VG_HOME, never on the host tree: not a loosening.
  s.cfg.keep_changes = *v;
}

void set_review(Setting& s) {
  auto v = parse_review(s.value);
  if (!v) return void(s.expected = "destructive, always or never");
  if (s.tighten_only && *v < s.cfg.review) return void(s.ignored = "less review");
  s.cfg.review = *v;
}

// A host pattern for the proxy: name, *.suffix or @ecosystem, each with an optional :port.
bool valid_host_pattern(const std::string& p) {
  std::string host = p;
  auto colon = p.rfind(':');
  if (colon != std::string::npos) {
    std::string port = p.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
        std::stoi(port) > 65535)
      return false;
    host = p.substr(0, colon);
  }
  if (host.empty()) return false;
  if (host[0] == '@') host = host.substr(1);
  else if (host.rfind("*.", 0) == 0) host = host.substr(2);
  if (host.empty()) return false;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

bool set_host_list(Setting& s, std::vector<std::string>& into) {
  std::vector<std::string> items = split_list(s.value);
  for (std::string& i : items) {
    for (char& c : i) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!valid_host_pattern(i)) {
      s.expected = "host names, *.suffix wildcards or @ecosystem aliases, each with an optional :port";
      return false;
    }
  }
  into.insert(into.end(), items.begin(), items.end());
  return true;
}

void add_network_allow(Setting& s) {
  std::vector<std::string> scratch;
  if (s.tighten_only) {
    if (set_host_list(s, scratch)) s.ignored = "network allow entries";
    return;
  }
  set_host_list(s, s.cfg.network_allow);
}

void add_network_deny(Setting& s) { set_host_list(s, s.cfg.network_deny); }

void set_allow_localhost_ports(Setting& s) {
  std::vector<int> ports;
  for (const std::string& p : split_list(s.value)) {
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(p) < 1 || std::stoi(p) > 65535)
      return void(s.expected = "port numbers between 1 and 65535");
    ports.push_back(std::stoi(p));
  }
  if (s.tighten_only) return void(s.ignored = "host loopback ports");
  s.cfg.allow_localhost_ports.insert(s.cfg.allow_localhost_ports.end(), ports.begin(), ports.end());
}

void add_resolve(Setting& s) {
  std::vector<std::string> items = split_list(s.value);
  for (const std::string& i : items) {
    auto colon = i.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == i.size() ||
        !valid_host_pattern(i.substr(0, colon)) || i[0] == '@' || i[0] == '*')
      return void(s.expected = "name:address pairs such as mirror.internal:10.0.0.5");
  }
  // A project must not point a trusted name at an address of its choosing.
  if (s.tighten_only) return void(s.ignored = "resolve entries");
  s.cfg.resolve.insert(s.cfg.resolve.end(), items.begin(), items.end());
}

void set_enable_cache(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  if (s.tighten_only && *v) {
    // Already on where this file is read (set, or the default below paranoid): nothing
    // to loosen, and leaving it unset keeps a later paranoid level turning them off.
    if (s.cfg.enable_cache.value_or(s.cfg.security_level != SecurityLevel::Paranoid)) return;
    return void(s.ignored = "turning package caches on");
  }
  s.cfg.enable_cache = *v;
}

void add_cache_dirs(Setting& s) {
  std::vector<BindMount> mounts;
  for (const std::string& spec : split_list(s.value)) {
    auto m = parse_bind_mount(spec, s.file);
    if (!m || spec.ends_with(":ro") || spec.ends_with(":rw"))
      return void(s.expected = "absolute paths as path or host:container");
    m->writable = true;
    mounts.push_back(*m);
  }
  if (s.tighten_only) return void(s.ignored = "extra cache directories");
  s.cfg.cache_dirs.insert(s.cfg.cache_dirs.end(), mounts.begin(), mounts.end());
}

void set_image(Setting& s) {
  if (s.value.empty() || s.value.find_first_of(" \t") != std::string::npos)
    return void(s.expected = "an image reference such as debian:12");
  // A pinned toolchain image is a project's choice; the isolation around it is not.
  s.cfg.image = s.value;
}

void set_engine_path(Setting& s) {
  if (s.value.empty()) return void(s.expected = "a path to the docker or podman binary");
  if (s.tighten_only) return void(s.ignored = "a container engine binary");
  s.cfg.engine_path = expand_path(s.value, s.file);
}

void set_reuse(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  // A warm container carries state from one command to the next.
  if (s.tighten_only && *v) return void(s.ignored = "reusing containers");
  s.cfg.reuse = *v;
}

void set_reuse_idle(Setting& s) {
  auto v = parse_duration(s.value);
  if (!v || *v == 0) return void(s.expected = "a duration such as 600, 10m or 1h");
  if (s.tighten_only && *v > s.cfg.reuse_idle_seconds) return void(s.ignored = "a longer idle time");
  s.cfg.reuse_idle_seconds = *v;
}

void set_guard_level(Setting& s) {
  auto v = parse_guard_level(s.value);
  if (!v) return void(s.expected = "low, medium, high or paranoid");
  if (s.tighten_only && *v < s.cfg.guard_level) return void(s.ignored = "a looser guard level");
  s.cfg.guard_level = *v;
}

void set_agent_allow_disable(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  if (s.tighten_only && *v) return void(s.ignored = "letting agents disable the guard");
  s.cfg.agent_allow_disable = *v;
}

void set_agent_auto_approve(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  if (s.tighten_only && *v) return void(s.ignored = "letting agent hooks approve commands");
  s.cfg.agent_auto_approve = *v;
}

std::optional<Record> parse_record(std::string_view s) {
  if (s == "off") return Record::Off;
  if (s == "agents") return Record::Agents;
  if (s == "all") return Record::All;
  return std::nullopt;
}

// A workspace file may record more, never less.
void set_record(Setting& s) {
  auto v = parse_record(s.value);
  if (!v) return void(s.expected = "off, agents or all");
  if (s.tighten_only && *v < s.cfg.record) return void(s.ignored = "recording less");
  s.cfg.record = *v;
}

void set_record_max_bytes(Setting& s) {
  char* end = nullptr;
  long long v = std::strtoll(s.value.c_str(), &end, 10);
  long long unit = 1;
  std::string_view rest = end ? end : "";
  if (rest == "k" || rest == "K") unit = 1024;
  else if (rest == "m" || rest == "M") unit = 1024 * 1024;
  else if (rest == "g" || rest == "G") unit = 1024LL * 1024 * 1024;
  else if (!rest.empty()) v = -1;
  if (s.value.empty() || v < 4096 / unit || v > (1LL << 40) / unit)
    return void(s.expected = "a size in bytes of at least 4096, or with K, M or G (e.g. 50M)");
  if (s.tighten_only) return void(s.ignored = "the recording size cap");
  s.cfg.record_max_bytes = v * unit;
}

void set_record_input(Setting& s) {
  auto v = parse_bool(s.value);
  if (!v) return void(s.expected = "true or false");
  if (s.tighten_only && !*v) return void(s.ignored = "not recording input");
  s.cfg.record_input = *v;
}

void add_allow(Setting& s) {
  if (s.value.empty()) return void(s.expected = "a glob pattern such as 'npm test' or 'make *'");
  if (s.tighten_only) return void(s.ignored = "an allow pattern");
  s.cfg.allow.push_back(s.value);
}

void add_deny(Setting& s) {
  if (s.value.empty()) return void(s.expected = "a glob pattern such as 'terraform destroy*'");
  s.cfg.deny.push_back(s.value);
}

struct Key {
  const char* section;
  const char* name;
  void (*apply)(Setting&);
};

constexpr Key kKeys[] = {
    {"sandbox", "mode", set_mode},
    {"sandbox", "security_level", set_security_level},
    {"sandbox", "notice", set_notice},
    {"sandbox", "runtime", set_runtime},
    {"sandbox", "network_mode", set_network_mode},
    {"sandbox", "timeout", set_timeout},
    {"sandbox", "env_whitelist", set_env_whitelist},
    {"sandbox", "bind_mounts", set_bind_mounts},
    {"sandbox", "hide", add_hide},
    {"sandbox", "allow_unix_sockets", set_allow_unix_sockets},
    {"sandbox", "log_output", set_log_output},
    {"sandbox", "seccomp_profile", set_seccomp_profile},
    {"sandbox", "keep_changes", set_keep_changes},
    {"sandbox", "review", set_review},
    {"sandbox", "network_allow", add_network_allow},
    {"sandbox", "network_deny", add_network_deny},
    {"sandbox", "allow_localhost_ports", set_allow_localhost_ports},
    {"sandbox", "resolve", add_resolve},
    {"sandbox", "enable_cache", set_enable_cache},
    {"sandbox", "cache_dirs", add_cache_dirs},
    {"sandbox", "image", set_image},
    {"sandbox", "engine_path", set_engine_path},
    {"sandbox", "reuse", set_reuse},
    {"sandbox", "reuse_idle", set_reuse_idle},
    {"guard", "level", set_guard_level},
    {"agent", "allow_disable", set_agent_allow_disable},
    {"agent", "auto_approve", set_agent_auto_approve},
    {"audit", "record", set_record},
    {"audit", "record_max_bytes", set_record_max_bytes},
    {"audit", "record_input", set_record_input},
    {"policies", "allow", add_allow},
    {"policies", "deny", add_deny},
};

// ---- inih glue ------------------------------------------------------------------------

// Feeds inih one line at a time and counts lines, so the handler knows where it is.
struct LineReader {
  const char* pos;
  const char* end;
  int line = 0;
  int bad_section_line = 0;  // an unknown [section]: reading stops there
  std::string bad_section;
};

bool known_section(std::string_view name) {
  for (const Key& k : kKeys)
    if (name == k.section) return true;
  return false;
}

// inih never tells the handler about an empty section, so check headers as they are read.
bool check_section_header(LineReader& r, std::string_view line) {
  size_t b = line.find_first_not_of(" \t");
  if (b == std::string_view::npos || line[b] != '[') return true;
  size_t close = line.find(']', b);
  if (close == std::string_view::npos) return true;  // inih reports the syntax error
  std::string_view name = line.substr(b + 1, close - b - 1);
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  if (known_section(name)) return true;
  r.bad_section_line = r.line;
  r.bad_section = std::string(name);
  return false;
}

char* read_line(char* buf, int size, void* stream) {
  auto* r = static_cast<LineReader*>(stream);
  if (r->pos >= r->end || size < 2) return nullptr;
  const char* nl = static_cast<const char*>(std::memchr(r->pos, '\n', r->end - r->pos));
  const char* stop = nl ? nl + 1 : r->end;
  size_t len = std::min(static_cast<size_t>(stop - r->pos), static_cast<size_t>(size - 1));
  std::memcpy(buf, r->pos, len);
  buf[len] = '\0';
  r->pos = stop;  // longer lines were rejected before parsing
  ++r->line;
  if (!check_section_header(*r, std::string_view(buf, len))) return nullptr;
  return buf;
}

struct ParseState {
  Config* cfg;
  const std::string* file;
  LineReader* reader;
  bool tighten_only;
  bool failed = false;
  int error_line = 0;
  std::string error_key;
  std::string error;
};

std::string where(const std::string& file, int line) { return file + ":" + std::to_string(line); }

int on_key(void* user, const char* section, const char* name, const char* value) {
  auto* st = static_cast<ParseState*>(user);
  if (st->failed) return 1;  // report only the first error
  int line = st->reader->line;
  std::string key = std::string(section) + "." + name;
  const Key* found = nullptr;
  for (const Key& k : kKeys) {
    if (std::strcmp(k.section, section) == 0 && std::strcmp(k.name, name) == 0) found = &k;
  }
  if (!found) {
    st->failed = true;
    st->error_line = line;
    st->error_key = *section ? key : name;
    st->error = where(*st->file, line) + ": unknown key '" + st->error_key + "'" +
                (*section ? "" : " (keys belong in a section such as [sandbox])") +
                "; see README 'Configuration'";
    return 0;
  }
  Setting s{*st->cfg, value, *st->file, st->tighten_only, {}, {}};
  found->apply(s);
  if (!s.expected.empty()) {
    st->failed = true;
    st->error_line = line;
    st->error_key = key;
    st->error = where(*st->file, line) + ": bad value '" + value + "' for '" + key + "' (expected " +
                s.expected + "); see README 'Configuration'";
    return 0;
  }
  if (!s.ignored.empty()) {
    st->cfg->warnings.push_back(where(*st->file, line) + ": ignored " + s.ignored + " in '" + key +
                                "': a project file may only tighten the configuration");
  }
  return 1;
}

}  // namespace

void apply_config_text(Config& cfg, const std::string& text, const std::string& file_name,
                       bool tighten_only) {
  // inih silently splits lines longer than its buffer; refuse them instead.
  int line = 1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    size_t len = (nl == std::string::npos ? text.size() : nl) - start;
    if (len >= INI_MAX_LINE - 1)
      throw ConfigError(file_name, line, "",
                        where(file_name, line) + ": line is longer than " +
                            std::to_string(INI_MAX_LINE - 2) + " characters; split the value over "
                            "several lines of the same key");
    if (nl == std::string::npos) break;
    start = nl + 1;
    ++line;
  }
  LineReader reader{text.data(), text.data() + text.size(), 0, 0, {}};
  ParseState st{&cfg, &file_name, &reader, tighten_only, false, 0, {}, {}};
  int rc = ini_parse_stream(read_line, &reader, on_key, &st);
  if (reader.bad_section_line && !(st.failed && st.error_line < reader.bad_section_line) &&
      !(rc > 0 && rc < reader.bad_section_line))
    throw ConfigError(file_name, reader.bad_section_line, reader.bad_section,
                      where(file_name, reader.bad_section_line) + ": unknown section [" + reader.bad_section +
                          "]; the sections are [sandbox], [guard], [agent] and [policies]; see README 'Configuration'");
  // inih reports the first bad line of either kind; a syntax error has no handler call.
  if (st.failed && (rc <= 0 || rc >= st.error_line))
    throw ConfigError(file_name, st.error_line, st.error_key, st.error);
  if (rc > 0)
    throw ConfigError(file_name, rc, "",
                      where(file_name, rc) + ": cannot read this line; expected '[section]' or "
                      "'key = value'; see README 'Configuration'");
  if (rc < 0) throw ConfigError(file_name, 0, "", file_name + ": out of memory while reading the file");
}

namespace {

// Reads one layer into cfg.
void load_layer(Config& cfg, const std::string& path, bool tighten_only) {
  // The project's file may have been written by anything that ran in the project (a
  // sandbox too): never follow a link from it to a file elsewhere (a hidden secret, whose
  // lines would come back in our error messages).
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | (tighten_only ? O_NOFOLLOW | O_NONBLOCK : 0));
  if (fd < 0 && tighten_only && errno == ELOOP) {
    cfg.warnings.push_back(path + ": a symbolic link, not read; a project's vectra-guard.ini must be a regular file");
    return;
  }
  struct stat sb {};
  if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    std::string why = fd < 0 ? std::strerror(errno) : "not a regular file";
    if (fd >= 0) close(fd);
    throw ConfigError(path, 0, "",
                      path + ": cannot read the config file (" + why + "); fix it or remove it");
  }
  std::string text;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  int read_errno = errno;
  close(fd);
  if (n < 0)
    throw ConfigError(path, 0, "",
                      path + ": cannot read the config file (" + std::strerror(read_errno) + ")");
  apply_config_text(cfg, text, path, tighten_only);
  cfg.sources.push_back(path);
}

bool exists(const std::string& path) { return !path.empty() && access(path.c_str(), F_OK) == 0; }

}  // namespace

Config load_config(const ConfigPaths& paths) {
  Config cfg;
  // Missing default layers are skipped; stat first so the common case costs one syscall.
  if (exists(paths.system)) load_layer(cfg, paths.system, false);
  if (exists(paths.user)) load_layer(cfg, paths.user, false);
  if (exists(paths.workspace) && paths.workspace != paths.user) load_layer(cfg, paths.workspace, true);
  if (!paths.extra.empty()) {
    if (!exists(paths.extra))
      throw ConfigError(paths.extra, 0, "",
                        "config file '" + paths.extra + "' does not exist; check the --config path");
    load_layer(cfg, paths.extra, false);
  }
  return cfg;
}

Config load_config_for(const std::string& extra_config, const AnalyzeContext& ctx) {
  ConfigPaths paths = default_config_paths(ctx.workspace);
  paths.extra = extra_config;
  return load_config(paths);
}

}  // namespace vg
