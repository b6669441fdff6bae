#include "core/exec_identity.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstring>
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

std::string elf_build_id(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string id;
  Elf64_Ehdr eh {};
  if (pread(fd, &eh, sizeof eh, 0) == sizeof eh && std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
      eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum < 64) {
    for (int i = 0; i < eh.e_phnum && id.empty(); ++i) {
      Elf64_Phdr ph {};
      if (pread(fd, &ph, sizeof ph, static_cast<off_t>(eh.e_phoff + i * sizeof ph)) != sizeof ph) break;
      if (ph.p_type != PT_NOTE || ph.p_filesz > 4096) continue;
      std::string notes(ph.p_filesz, '\0');
      if (pread(fd, notes.data(), notes.size(), static_cast<off_t>(ph.p_offset)) != static_cast<ssize_t>(notes.size())) break;
      // Notes: namesz, descsz, type, name (4-aligned), desc (4-aligned).
      for (size_t off = 0; off + 12 <= notes.size();) {
        std::uint32_t namesz, descsz, type;
        std::memcpy(&namesz, &notes[off], 4);
        std::memcpy(&descsz, &notes[off + 4], 4);
        std::memcpy(&type, &notes[off + 8], 4);
        size_t name_at = off + 12, desc_at = name_at + ((namesz + 3) & ~3u);
        if (desc_at + descsz > notes.size()) break;
        if (type == NT_GNU_BUILD_ID && namesz == 4 && notes.compare(name_at, 3, "GNU") == 0 && descsz >= 8) {
          id = notes.substr(desc_at, descsz);
          break;
        }
        off = desc_at + ((descsz + 3) & ~3u);
      }
    }
  }
  close(fd);
  return id;
}

void ProgramIndex::add(const std::string& name, const std::string& path, bool guarded) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) return;
  // The first directory on PATH wins, as it does for the shell.
  by_inode_[{st.st_dev, st.st_ino}].push_back(name);
  if (!guarded) return;
  guarded_by_size_.emplace(st.st_size, std::make_pair(name, path));
  if (std::string id = elf_build_id(path); !id.empty()) guarded_by_build_id_.emplace(id, name);
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
  // Not a file we know: a copy of a guarded program? The same ELF build id (a copy
  // with bytes appended or stripped keeps it), else the same content (scripts; only
  // same-sized files are hashed).
  if (!guarded_by_build_id_.empty()) {
    if (std::string id = elf_build_id(path); !id.empty()) {
      auto b = guarded_by_build_id_.find(id);
      if (b != guarded_by_build_id_.end()) return b->second;
    }
  }
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
