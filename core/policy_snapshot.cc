#include "core/policy_snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "core/audit_log.h"
#include "core/policy_snapshot_format.h"

namespace vg {
namespace {

// Programs whose own arguments the rules judge (deleting, formatting, fetching,
// privileges, history rewriting, process control, infrastructure). Everything not
// listed runs untouched; whatever it spawns in turn is seen by the shim again.
constexpr const char* kInspect[] = {
    // filesystem and disks
    "rm", "rmdir", "unlink", "shred", "srm", "wipe", "truncate", "dd", "mv", "cp", "ln",
    "chmod", "chown", "chgrp", "chattr", "setfacl", "find", "xargs", "parallel", "rsync",
    "mkfs*", "mke2fs", "mkswap", "swapon", "swapoff", "fdisk", "sfdisk", "cfdisk", "gdisk",
    "sgdisk", "parted", "wipefs", "blkdiscard", "hdparm", "losetup", "cryptsetup", "mount",
    "umount", "tee",
    // privilege: setuid programs hide whatever they run from the shim, so judge them here
    "sudo", "doas", "su", "pkexec", "runuser", "setpriv", "chroot", "nsenter", "unshare",
    "capsh", "setcap",
    // network fetches and remote execution
    "curl", "wget", "aria2c", "nc", "ncat", "netcat", "socat", "ssh", "scp", "sftp", "telnet",
    "ftp", "tftp",
    // installs
    "npm", "npx", "pnpm", "yarn", "bun", "pip", "pip3", "pipx", "uv", "poetry", "gem", "cargo",
    "go", "apt", "apt-get", "aptitude", "dpkg", "snap", "flatpak", "brew", "conda",
    // version control
    "git", "hg", "svn",
    // processes and the system
    "kill", "killall", "pkill", "shutdown", "reboot", "halt", "poweroff", "init", "telinit",
    "systemctl", "service", "crontab", "at", "insmod", "rmmod", "modprobe", "sysctl",
    "iptables", "ip6tables", "nft", "ufw", "useradd", "userdel", "usermod", "groupadd",
    "groupdel", "passwd", "chpasswd", "visudo", "history", "journalctl", "auditctl",
    // databases, containers, cloud
    "psql", "mysql", "mariadb", "mongo", "mongosh", "redis-cli", "sqlite3", "docker",
    "podman", "kubectl", "helm", "terraform", "tofu", "pulumi", "aws", "gcloud", "gsutil",
    "az", "doctl", "heroku", "vercel", "fly", "flyctl",
    // decoding into something else
    "base64", "xxd", "openssl", "gpg", "busybox", "toybox",
};

// Shells and interpreters: a script file they run is seen command by command; inline
// code (-c, -e, --eval) is judged as a whole first.
constexpr const char* kInline[] = {
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "yash", "fish", "tcsh", "csh", "rbash",
    "python", "python2", "python3", "python3*", "pypy", "pypy3", "perl", "ruby", "node",
    "nodejs", "deno", "php", "lua", "luajit", "tclsh", "wish", "Rscript", "awk", "gawk",
    "mawk", "osascript", "pwsh", "powershell",
};

// The first word of a policy pattern ("rm -rf *" -> "rm"); "" when it has none or is a glob.
std::string pattern_program(const std::string& pattern) {
  size_t b = pattern.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = pattern.find_first_of(" \t", b);
  std::string word = pattern.substr(b, e == std::string::npos ? std::string::npos : e - b);
  if (word.find_first_of("?[") != std::string::npos) return "";
  size_t star = word.find('*');
  if (star != std::string::npos && star + 1 != word.size()) return "";  // only a trailing *
  if (word == "*") return "";
  size_t slash = word.rfind('/');
  if (slash != std::string::npos) word = word.substr(slash + 1);
  return word;
}

void put32(std::string& out, size_t at, std::uint32_t v) { std::memcpy(&out[at], &v, 4); }

}  // namespace

std::string_view to_string(ExecClass c) {
  switch (c) {
    case ExecClass::Pass: return "pass";
    case ExecClass::Inspect: return "inspect";
    case ExecClass::InlineCode: return "inline-code";
  }
  return "inspect";
}

PolicySnapshot snapshot_from_config(const Config& config, std::string vg_bin,
                                    std::string config_file) {
  PolicySnapshot s;
  s.vg_bin = std::move(vg_bin);
  s.config_file = std::move(config_file);
  s.default_class = config.guard_level == GuardLevel::Paranoid ? ExecClass::Inspect : ExecClass::Pass;
  for (const char* p : kInline) s.programs.emplace_back(p, ExecClass::InlineCode);
  for (const char* p : kInspect) s.programs.emplace_back(p, ExecClass::Inspect);
  // A denied program is judged on every exec, whatever its class above.
  for (const std::string& pattern : config.deny) {
    std::string program = pattern_program(pattern);
    if (!program.empty()) s.programs.emplace_back(program, ExecClass::Inspect);
  }
  return s;
}

std::string encode_snapshot(const PolicySnapshot& snap) {
  // Exact names sorted by bytes (binary search), prefixes apart; later entries win.
  std::map<std::string, ExecClass> exact, prefix;
  for (const auto& [name, cls] : snap.programs) {
    if (name.empty() || name == "*") continue;
    if (name.back() == '*') prefix[name.substr(0, name.size() - 1)] = cls;
    else exact[name] = cls;
  }

  std::string strings(1, '\0');  // offset 0 is the empty string
  auto add_string = [&](const std::string& s) {
    std::uint32_t off = static_cast<std::uint32_t>(strings.size());
    strings += s;
    strings += '\0';
    return off;
  };
  struct Row {
    std::uint32_t off, len, cls;
  };
  std::vector<Row> rows;
  for (const auto* table : {&exact, &prefix}) {
    for (const auto& [name, cls] : *table) {
      rows.push_back({add_string(name), static_cast<std::uint32_t>(name.size()),
                      static_cast<std::uint32_t>(cls)});
    }
  }
  std::uint32_t vg_bin_off = snap.vg_bin.empty() ? 0 : add_string(snap.vg_bin);
  std::uint32_t config_off = snap.config_file.empty() ? 0 : add_string(snap.config_file);

  const size_t entries_off = sizeof(vg_snap_header);
  const size_t strings_off = entries_off + rows.size() * sizeof(vg_snap_entry);
  const size_t total = strings_off + strings.size();
  if (total > VG_SNAP_MAX_SIZE) throw std::length_error("policy snapshot larger than 1 MiB");

  std::string out(total, '\0');
  vg_snap_header h{};
  std::memcpy(h.magic, VG_SNAP_MAGIC, 8);
  h.version = VG_SNAP_VERSION;
  h.total_size = static_cast<std::uint32_t>(total);
  h.entry_count = static_cast<std::uint32_t>(exact.size());
  h.prefix_count = static_cast<std::uint32_t>(prefix.size());
  h.entries_off = static_cast<std::uint32_t>(entries_off);
  h.strings_off = static_cast<std::uint32_t>(strings_off);
  h.vg_bin_off = vg_bin_off;
  h.config_off = config_off;
  h.default_class = static_cast<std::uint8_t>(snap.default_class);
  h.fail_closed = snap.fail_closed ? 1 : 0;
  // FNV-1a over the content: a new value whenever anything changes.
  std::uint64_t gen = 1469598103934665603ull;
  auto mix = [&](std::string_view bytes) {
    for (unsigned char c : bytes) gen = (gen ^ c) * 1099511628211ull;
  };
  mix(strings);
  for (const Row& r : rows) mix(std::string_view(reinterpret_cast<const char*>(&r), sizeof r));
  mix(std::string_view(reinterpret_cast<const char*>(&h.default_class), 2));
  h.generation = gen;
  std::memcpy(&out[0], &h, sizeof h);
  for (size_t i = 0; i < rows.size(); ++i) {
    size_t at = entries_off + i * sizeof(vg_snap_entry);
    put32(out, at, rows[i].off);
    put32(out, at + 4, rows[i].len);
    put32(out, at + 8, rows[i].cls);
  }
  std::memcpy(&out[strings_off], strings.data(), strings.size());
  return out;
}

std::optional<PolicySnapshot> decode_snapshot(std::string_view bytes, std::string* error) {
  // Copy into aligned storage: the view may start anywhere.
  std::vector<std::uint64_t> buf((bytes.size() + 7) / 8 + 1);
  auto* base = reinterpret_cast<unsigned char*>(buf.data());
  std::memcpy(base, bytes.data(), bytes.size());
  if (!vg_snap_valid(base, bytes.size())) {
    if (error) *error = "not a vectra-guard policy snapshot of this version (or damaged)";
    return std::nullopt;
  }
  vg_snap_header h;
  std::memcpy(&h, base, sizeof h);
  PolicySnapshot s;
  s.vg_bin = vg_snap_string(base, h.vg_bin_off);
  s.config_file = vg_snap_string(base, h.config_off);
  s.default_class = static_cast<ExecClass>(h.default_class);
  s.fail_closed = h.fail_closed != 0;
  const auto* e = reinterpret_cast<const vg_snap_entry*>(base + h.entries_off);
  for (std::uint32_t i = 0; i < h.entry_count + h.prefix_count; ++i) {
    std::string name(vg_snap_string(base, e[i].name_off), e[i].name_len);
    if (i >= h.entry_count) name += '*';
    s.programs.emplace_back(std::move(name), static_cast<ExecClass>(e[i].cls));
  }
  return s;
}

ExecClass snapshot_lookup(std::string_view bytes, std::string_view program) {
  std::vector<std::uint64_t> buf((bytes.size() + 7) / 8 + 1);
  auto* base = reinterpret_cast<unsigned char*>(buf.data());
  std::memcpy(base, bytes.data(), bytes.size());
  if (!vg_snap_valid(base, bytes.size())) return ExecClass::Inspect;
  return static_cast<ExecClass>(vg_snap_lookup(base, program.data(), program.size()));
}

bool snapshot_needs_check(std::string_view bytes, const std::vector<std::string>& argv) {
  if (argv.empty()) return true;
  std::string_view program = argv[0];
  size_t slash = program.rfind('/');
  if (slash != std::string_view::npos) program.remove_prefix(slash + 1);
  ExecClass c = snapshot_lookup(bytes, program);
  if (c != ExecClass::InlineCode) return c == ExecClass::Inspect;
  std::vector<char*> ptrs;
  for (const std::string& a : argv) ptrs.push_back(const_cast<char*>(a.c_str()));
  ptrs.push_back(nullptr);
  return vg_argv_has_inline_code(ptrs.data()) != 0;
}

bool write_policy_snapshot(const std::string& path, const PolicySnapshot& snap, std::string* error) {
  std::string bytes;
  try {
    bytes = encode_snapshot(snap);
  } catch (const std::length_error& e) {
    *error = fmt::format("{}; shorten the deny list", e.what());
    return false;
  }
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0 && !ensure_private_dir(path.substr(0, slash), error)) {
    return false;
  }
  std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    *error = fmt::format("cannot create {}: {}", tmp, std::strerror(errno));
    return false;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = fmt::format("cannot write {}: {}", tmp, std::strerror(errno));
      close(fd);
      unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  fchmod(fd, 0644);
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    *error = fmt::format("cannot replace {}: {}", path, std::strerror(errno));
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::string default_snapshot_path() { return state_dir() + "/policy.snap"; }

}  // namespace vg
