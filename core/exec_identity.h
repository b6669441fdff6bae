// Which program a file is, judged by its identity rather than its name: the programs
// on the session's PATH (and the system's bin directories) by device and inode, and a
// copy of a guarded program by its ELF build id or its content. A renamed, linked or
// copied `rm` is `rm`, with bytes appended too. (A program built anew is another
// program: identity cannot tell what it does.)
#pragma once

#include <sys/stat.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vg {

// The name the index gives every dynamic loader (ld-linux..., ld-musl...).
inline constexpr const char* kLoaderName = "ld.so";

class ProgramIndex {
 public:
  // Index the executables in `dirs`; programs for which `guarded(name)` is true are
  // also kept by size so that copies of them are recognised by content. `extra`:
  // (name, path) pairs indexed the same way (the loader, vectra-guard itself).
  void build(const std::vector<std::string>& dirs, const std::function<bool(const std::string&)>& guarded,
             const std::vector<std::pair<std::string, std::string>>& extra);

  // The program name of the file `st` describes (readable at `path`), or "". A file
  // known under several names (links, multi-call programs) is `called` when that is
  // one of them.
  std::string name_of(const struct stat& st, const std::string& path, const std::string& called) const;

  size_t size() const { return by_inode_.size(); }

 private:
  void add(const std::string& name, const std::string& path, bool guarded);
  std::map<std::pair<dev_t, ino_t>, std::vector<std::string>> by_inode_;
  std::multimap<off_t, std::pair<std::string, std::string>> guarded_by_size_;  // size -> (name, path)
  std::map<std::string, std::string> guarded_by_build_id_;  // ELF build id -> name
  mutable std::map<std::string, std::string> hashes_;  // path -> sha256 of the content
};

// The GNU build id of an ELF file (raw bytes), "" when it has none or is not ELF.
std::string elf_build_id(const std::string& path);

// The dynamic loaders of this system: (kLoaderName, path) for each one found.
std::vector<std::pair<std::string, std::string>> system_loaders();

// For a loader run as a program (`ld.so [OPTIONS] PROGRAM ARGS`): the index of PROGRAM
// in argv, or 0 when there is none.
size_t loader_program_index(const std::vector<std::string>& argv);

}  // namespace vg
