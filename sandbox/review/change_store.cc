#include "sandbox/review/change_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace vg::review {

int64_t review_start_ns() {
  auto read = [](clockid_t clock) {
    timespec ts;
    clock_gettime(clock, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  };
  // Every write so far has a ctime at or below `fine`; the coarse clock publishes a tick
  // late, so wait until it has passed `fine`: from then on every ctime is at least that.
  int64_t fine = read(CLOCK_REALTIME), t;
  while ((t = read(CLOCK_REALTIME_COARSE)) <= fine) usleep(500);
  return t;
}

std::string changes_root(const std::string& state_dir) { return state_dir + "/changes"; }

std::optional<long> parse_change_set_id(const std::string& text) {
  if (text.empty() || text.size() > 12 || text[0] == '0') return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  return std::strtol(text.c_str(), nullptr, 10);
}

std::vector<long> list_change_set_ids(const std::string& root) {
  std::vector<long> ids;
  DIR* d = opendir(root.c_str());
  if (!d) return ids;
  while (dirent* e = readdir(d)) {
    auto id = parse_change_set_id(e->d_name);
    struct stat st;
    if (id && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
      ids.push_back(*id);
  }
  closedir(d);
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool read_change_set_meta(const std::string& dir, ChangeSetMeta& out, std::string& error) {
  std::ifstream in(dir + "/meta.json");
  if (!in) {
    error = dir + "/meta.json cannot be read (" + std::strerror(errno) + "); discard the change set if it is left over";
    return false;
  }
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    out.id = j.at("id").get<long>();
    out.workspace = j.at("workspace").get<std::string>();
    out.cwd = j.value("cwd", out.workspace);
    out.command = j.value("command", "");
    out.argv = j.value("argv", std::vector<std::string>{});
    out.started_ns = j.at("started_ns").get<int64_t>();
    if (j.contains("finished_ns") && !j["finished_ns"].is_null()) out.finished_ns = j["finished_ns"].get<int64_t>();
    out.runtime = j.value("runtime", "");
    out.reason = j.value("reason", "");
    if (j.contains("exit_code") && !j["exit_code"].is_null()) out.exit_code = j["exit_code"].get<int>();
    out.session = j.value("session", "");
  } catch (const std::exception& e) {
    error = dir + "/meta.json is not valid (" + e.what() + "); discard the change set if it is left over";
    return false;
  }
  if (out.workspace.empty() || out.workspace[0] != '/') {
    error = dir + "/meta.json names no absolute workspace; discard the change set";
    return false;
  }
  return true;
}

bool write_change_set_meta(const std::string& dir, const ChangeSetMeta& m, std::string& error) {
  nlohmann::json j = {{"id", m.id},         {"workspace", m.workspace}, {"cwd", m.cwd},
                      {"command", m.command}, {"argv", m.argv},         {"started_ns", m.started_ns},
                      {"runtime", m.runtime}, {"reason", m.reason}};
  if (m.finished_ns) j["finished_ns"] = *m.finished_ns;
  if (m.exit_code) j["exit_code"] = *m.exit_code;
  if (!m.session.empty()) j["session"] = m.session;
  std::string tmp = dir + "/.meta.json.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) {
      error = "cannot write " + tmp;
      return false;
    }
  }
  if (rename(tmp.c_str(), (dir + "/meta.json").c_str()) != 0) {
    error = "cannot rename " + tmp + " (" + std::strerror(errno) + ")";
    return false;
  }
  return true;
}

bool remove_tree(const std::string& path, std::string& error) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return errno == ENOENT;
  if (S_ISDIR(st.st_mode)) {
    // overlayfs leaves work/work at mode 000: make it ours to read before descending.
    if ((st.st_mode & 0700) != 0700) chmod(path.c_str(), (st.st_mode & 07777) | 0700);
    DIR* d = opendir(path.c_str());
    if (!d) {
      error = "cannot read " + path + " (" + std::strerror(errno) + ")";
      return false;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.push_back(e->d_name);
    closedir(d);
    for (const std::string& n : names)
      if (!remove_tree(path + "/" + n, error)) return false;
    if (rmdir(path.c_str()) != 0) {
      error = "cannot remove " + path + " (" + std::strerror(errno) + ")";
      return false;
    }
    return true;
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    error = "cannot remove " + path + " (" + std::strerror(errno) + ")";
    return false;
  }
  return true;
}

bool remove_change_set(const std::string& dir, std::string& error) {
  // A non-numeric name is invisible to `changes list` at once, whatever happens next.
  std::string parent = dir.substr(0, dir.rfind('/'));
  std::string gone = parent + "/.removing-" + dir.substr(dir.rfind('/') + 1) + "-" + std::to_string(getpid());
  if (rename(dir.c_str(), gone.c_str()) != 0) {
    error = "cannot remove " + dir + " (" + std::strerror(errno) + ")";
    return false;
  }
  return remove_tree(gone, error);
}

int lock_change_set(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace vg::review
