// Trust store persistence: JSON via nlohmann, flock for writers, rename for atomicity.
#include "core/trust_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/sha256.h"

namespace vg {
namespace {

using nlohmann::json;

std::string errno_text() { return std::strerror(errno); }

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p with mode 0700 for the parts we create.
void make_dirs(const std::string& dir) {
  if (dir.empty() || dir == "/" || dir == ".") return;
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) return;
  make_dirs(parent_dir(dir));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw TrustError(fmt::format("cannot create {}: {}; check its parent's permissions.", dir,
                                 errno_text()));
  }
}

TrustEntry entry_from_json(const json& j) {
  TrustEntry e;
  e.key = j.at("key").get<std::string>();
  e.command = j.at("command").get<std::string>();
  e.note = j.value("note", "");
  e.created = j.value("created", std::int64_t{0});
  e.expires = j.value("expires", std::int64_t{0});
  e.scope = j.value("scope", "");
  return e;
}

json entry_to_json(const TrustEntry& e) {
  return json{{"key", e.key},         {"command", e.command}, {"note", e.note},
              {"created", e.created}, {"expires", e.expires}, {"scope", e.scope}};
}

std::vector<TrustEntry> read_entries(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    throw TrustError(fmt::format("cannot read the trust store {}: {}.", path, errno_text()));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0 ||
      (st.st_uid != ::geteuid() && st.st_uid != 0)) {
    ::close(fd);
    throw TrustError(fmt::format(
        "the trust store {} is accessible to other users (or not owned by you), so it is not "
        "used; run 'chmod 600 {}' if its contents are yours.",
        path, path));
  }
  std::string text;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, size_t(n));
  ::close(fd);
  if (n < 0) throw TrustError(fmt::format("cannot read the trust store {}.", path));
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  std::vector<TrustEntry> entries;
  try {
    json doc = json::parse(text);
    for (const json& j : doc.at("entries")) entries.push_back(entry_from_json(j));
  } catch (const json::exception& ex) {
    throw TrustError(fmt::format(
        "the trust store {} is corrupt ({}); it was left untouched: fix it or move it away.", path,
        ex.what()));
  }
  return entries;
}

void write_entries(const std::string& path, const std::vector<TrustEntry>& entries) {
  json doc{{"version", 1}, {"entries", json::array()}};
  for (const TrustEntry& e : entries) doc["entries"].push_back(entry_to_json(e));
  std::string text = doc.dump(2) + "\n";
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    throw TrustError(fmt::format("cannot write {}: {}.", tmp, errno_text()));
  }
  ::fchmod(fd, 0600);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t w = ::write(fd, text.data() + off, text.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw TrustError(fmt::format("cannot write {}: {}.", tmp, errno_text()));
    }
    off += size_t(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw TrustError(fmt::format("cannot replace {}: {}.", path, errno_text()));
  }
}

// Holds an exclusive flock on PATH.lock for one read-modify-write.
class WriteLock {
 public:
  explicit WriteLock(const std::string& path) {
    std::string lock = path + ".lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw TrustError(fmt::format("cannot open {}: {}.", lock, errno_text()));
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd_);
        throw TrustError(fmt::format("cannot lock {}: {}.", lock, errno_text()));
      }
    }
  }
  ~WriteLock() { ::close(fd_); }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

std::string trust_text(const Analysis& analysis) {
  if (analysis.parse_error) return {};
  std::string text;
  for (const std::string& cmd : analysis.normalized) {
    if (!text.empty()) text += '\n';
    text += cmd;
  }
  return text;
}

std::string trust_key(std::string_view text) { return sha256_hex(text); }

std::optional<std::int64_t> parse_duration(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (s.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: return std::nullopt;
  }
  std::int64_t n = 0;
  for (char c : s.substr(0, s.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
    if (n > 100LL * 365 * 86400) return std::nullopt;  // a century is enough
  }
  if (n == 0) return std::nullopt;
  return n * unit;
}

TrustStore::TrustStore(std::string path) : path_(std::move(path)) {}

std::string TrustStore::default_path() { return state_dir() + "/trust.json"; }

std::vector<TrustEntry> TrustStore::list() const { return read_entries(path_); }

std::optional<TrustEntry> TrustStore::find(std::string_view key, std::string_view workspace,
                                           std::int64_t now) const {
  for (TrustEntry& e : read_entries(path_)) {
    if (e.key == key && e.applies_to(workspace) && !e.expired(now)) return e;
  }
  return std::nullopt;
}

template <typename Edit>
void TrustStore::modify(Edit edit) {
  make_dirs(parent_dir(path_));
  WriteLock lock(path_);
  std::vector<TrustEntry> entries = read_entries(path_);
  if (edit(entries)) write_entries(path_, entries);
}

void TrustStore::add(const TrustEntry& entry) {
  modify([&](std::vector<TrustEntry>& entries) {
    std::erase_if(entries, [&](const TrustEntry& e) {
      return e.key == entry.key && e.scope == entry.scope;
    });
    entries.push_back(entry);
    return true;
  });
}

int TrustStore::remove(std::string_view key) {
  int removed = 0;
  modify([&](std::vector<TrustEntry>& entries) {
    removed = int(std::erase_if(entries, [&](const TrustEntry& e) { return e.key == key; }));
    return removed > 0;
  });
  return removed;
}

int TrustStore::clean(std::int64_t now) {
  int removed = 0;
  modify([&](std::vector<TrustEntry>& entries) {
    removed = int(std::erase_if(entries, [&](const TrustEntry& e) { return e.expired(now); }));
    return removed > 0;
  });
  return removed;
}

}  // namespace vg
