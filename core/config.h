// Configuration: INI files (inih) layered system -> user -> workspace -> --config.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vg {

enum class Mode { Always, Auto, Risky, Never };
enum class GuardLevel { Low, Medium, High, Paranoid };
enum class SecurityLevel { Permissive, Balanced, Strict, Paranoid };
enum class NetworkMode { None, Restricted, Full };
enum class Review { Never, Destructive, Always };
// off < agents (sandbox shell, agent start) < all (every sandbox run and exec too)
enum class Record { Off, Agents, All };

struct BindMount {
  std::string source;
  std::string target;     // same as source when not given
  bool writable = false;  // "rw" suffix; read-only by default
};

struct Config {
  // [sandbox]
  Mode mode = Mode::Always;
  bool mode_set = false;                       // a file set `mode`: interactive hooks default to auto otherwise
  // What a sandboxed line prints first: full (notice and why), short (one line), off.
  std::string notice = "full";
  SecurityLevel security_level = SecurityLevel::Balanced;
  std::string runtime = "auto";                // auto | bubblewrap | namespace | docker | podman
  std::optional<NetworkMode> network_mode;     // unset: taken from the security level
  int timeout_seconds = 0;                     // 0 = none
  std::vector<std::string> env_whitelist;      // empty: the built-in default list
  std::vector<BindMount> bind_mounts;
  std::vector<std::string> hide;               // more paths to hide (added to the built-in list)
  bool allow_unix_sockets = false;
  bool log_output = false;
  std::string seccomp_profile;                 // Docker-format JSON file; empty = built-in
  bool keep_changes = false;                   // keep the overlay's upper layer under $VG_HOME
  // When a sandboxed run sees the workspace copy-on-write and its changes are kept as a
  // change set for review (never < destructive < always: a workspace file may only raise it).
  Review review = Review::Destructive;
  // network_mode = restricted: what the proxy admits.
  std::vector<std::string> network_allow;      // "name", "*.suffix", "name:port", "@npm"
  std::vector<std::string> network_deny;       // same forms; deny wins
  std::vector<int> allow_localhost_ports;      // host loopback ports reachable from inside
  std::vector<std::string> resolve;            // "name:address" (trusted, like curl --resolve)
  // Package caches mounted read-write into the sandbox.
  std::optional<bool> enable_cache;            // unset: on, except paranoid
  std::vector<BindMount> cache_dirs;           // extra caches: path or host:container
  // Container runtimes (docker / podman).
  std::string image;                           // empty: the runner's default
  std::string engine_path;                     // docker/podman binary; empty: found on PATH
  bool reuse = false;                          // keep one warm container per workspace+profile
  int reuse_idle_seconds = 600;                // stop a warm container idle this long
  // [guard]
  GuardLevel guard_level = GuardLevel::Medium;
  // [agent]
  bool agent_allow_disable = false;            // honour `VG_DISABLE=1 cmd` in agent sessions
  bool agent_auto_approve = false;             // agent hooks may grant approval for a sandboxed run
  // [audit] session recordings (core/asciicast.h): which runs are recorded
  Record record = Record::Agents;
  long long record_max_bytes = 50LL * 1024 * 1024;  // a recording stops growing here
  bool record_input = false;                   // keystrokes too ("i" events)
  // [policies]
  std::vector<std::string> allow;              // glob patterns on the normalized command
  std::vector<std::string> deny;
  // Files that were read, in order (for `explain --verbose` and errors).
  std::vector<std::string> sources;
  // Ignored loosening values in the workspace file, one line each ("file:3: ...").
  // load_config() prints nothing; the CLI prints these on stderr.
  std::vector<std::string> warnings;
};

// A bad config file: names the file, line and key.
struct ConfigError : std::runtime_error {
  std::string file;
  int line = 0;
  std::string key;
  ConfigError(std::string file_, int line_, std::string key_, const std::string& msg);
};

struct ConfigPaths {
  std::string system = "/etc/vectra-guard/config.ini";
  std::string user;       // ~/.config/vectra-guard/config.ini ($XDG_CONFIG_HOME honoured)
  std::string workspace;  // <workspace>/vectra-guard.ini
  std::string extra;      // --config FILE
};

// Default paths for this user and workspace.
ConfigPaths default_config_paths(const std::string& workspace);

// Load all layers in order. A missing file is skipped; a bad one throws ConfigError.
// The workspace file may only tighten what the layers before it set.
Config load_config(const ConfigPaths& paths);

// The state directory: $VG_HOME, else ~/.vectra-guard.
std::string state_dir();

struct AnalyzeContext;

// One call for commands: default layers for ctx.workspace, then extra_config
// ("" = none; a missing extra file is an error). Prints nothing; throws ConfigError.
Config load_config_for(const std::string& extra_config, const AnalyzeContext& ctx);

// Apply one INI text as a layer on top of cfg (file_name is used in messages).
// tighten_only: the workspace rule; loosening values are skipped with a warning.
void apply_config_text(Config& cfg, const std::string& text, const std::string& file_name,
                       bool tighten_only);

// The sandbox environment list used when env_whitelist is not set ("LC_*" is a prefix).
const std::vector<std::string>& default_env_whitelist();

// The network mode in force: network_mode if set, else the security level's default.
NetworkMode effective_network_mode(const Config& cfg);

std::string_view to_string(Mode m);
std::string_view to_string(GuardLevel g);
std::string_view to_string(SecurityLevel s);
std::string_view to_string(NetworkMode n);
std::string_view to_string(Review r);
std::optional<Mode> parse_mode(std::string_view s);
std::optional<GuardLevel> parse_guard_level(std::string_view s);
std::optional<SecurityLevel> parse_security_level(std::string_view s);
std::optional<NetworkMode> parse_network_mode(std::string_view s);
std::optional<Review> parse_review(std::string_view s);
std::optional<Record> parse_record(std::string_view s);

}  // namespace vg
