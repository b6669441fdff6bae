#include "core/exec_identity.h"

#include <dirent.h>
#include <glob.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/sha256.h"

namespace vg {
namespace {

std::string file_hash(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "";
  std::stringstream ss;
  ss << f.rdbuf();
  return sha256_hex(ss.str());
}

}  // namespace

void ProgramIndex::add(const std::string& name, const std::string& path, bool guarded) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) return;
  // The first directory on PATH wins, as it does for the shell.
  by_inode_[{st.st_dev, st.st_ino}].push_back(name);
  if (guarded) guarded_by_size_.emplace(st.st_size, std::make_pair(name, path));
}

void ProgramIndex::build(const std::vector<std::string>& dirs, const std::function<bool(const std::string&)>& guarded,
                         const std::vector<std::pair<std::string, std::string>>& extra) {
  for (const auto& [name, path] : extra) add(name, path, true);
  std::set<std::string> seen;
  for (const std::string& dir : dirs) {
    char real[PATH_MAX];
    if (dir.empty() || dir[0] != '/' || !realpath(dir.c_str(), real) || !seen.insert(real).second) continue;
    DIR* d = opendir(real);
    if (!d) continue;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::string name = e->d_name;
      add(name, std::string(real) + "/" + name, guarded(name));
    }
    closedir(d);
  }
}

std::string ProgramIndex::name_of(const struct stat& st, const std::string& path, const std::string& called) const {
  auto it = by_inode_.find({st.st_dev, st.st_ino});
  if (it != by_inode_.end()) {
    for (const std::string& n : it->second) {
      if (n == called) return n;
    }
    return it->second.front();
  }
  // Not a file we know: a copy of a guarded program? Only same-sized ones are hashed.
  auto [lo, hi] = guarded_by_size_.equal_range(st.st_size);
  if (lo == hi) return "";
  std::string mine = file_hash(path);
  if (mine.empty()) return "";
  for (auto i = lo; i != hi; ++i) {
    const auto& [name, known] = i->second;
    auto h = hashes_.find(known);
    if (h == hashes_.end()) h = hashes_.emplace(known, file_hash(known)).first;
    if (h->second == mine) return name;
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> system_loaders() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* pattern : {"/lib64/ld-*.so*", "/lib/ld-*.so*", "/lib/*-linux-gnu*/ld-*.so*",
                              "/usr/lib/*-linux-gnu*/ld-*.so*", "/usr/lib64/ld-*.so*"}) {
    glob_t g {};
    if (glob(pattern, 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(kLoaderName, g.gl_pathv[i]);
    }
    globfree(&g);
  }
  return out;
}

size_t loader_program_index(const std::vector<std::string>& argv) {
  // glibc's ld.so options; those listed first take a value.
  static const std::set<std::string> with_value = {"--library-path", "--inhibit-rpath", "--audit", "--preload",
                                                   "--argv0", "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask"};
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") return i + 1 < argv.size() ? i + 1 : 0;
    if (a.rfind("--", 0) != 0) return i;
    if (with_value.contains(a)) ++i;
  }
  return 0;
}

}  // namespace vg
