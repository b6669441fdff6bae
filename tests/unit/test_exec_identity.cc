// The session broker's program identity: a program is known by its inode (links) or,
// for guarded programs, by its content (copies), not by the name it is run under; the
// dynamic loader's own options are skipped to find the program it loads.
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/exec_identity.h"
#include "scratch_dir.h"

using vg::loader_program_index;
using vg::ProgramIndex;

namespace {

void write_exe(const std::string& path, const std::string& content) {
  std::ofstream(path) << content;
  chmod(path.c_str(), 0755);
}

std::string name_for(const ProgramIndex& index, const std::string& path) {
  struct stat st {};
  cr_assert_eq(stat(path.c_str(), &st), 0);
  return index.name_of(st, path, path.substr(path.rfind('/') + 1));
}

ProgramIndex index_of(const std::string& bin) {
  ProgramIndex index;
  index.build({bin}, [](const std::string& name) { return name == "denied"; }, {});
  return index;
}

}  // namespace

Test(exec_identity, links_and_renames_keep_the_program_name) {
  std::string d = scratch_dir("identity");
  make_dirs(d + "/bin");
  write_exe(d + "/bin/denied", "#!/bin/sh\necho denied program\n");
  ProgramIndex index = index_of(d + "/bin");
  cr_assert_eq(link((d + "/bin/denied").c_str(), (d + "/hard").c_str()), 0);
  cr_assert_eq(symlink((d + "/bin/denied").c_str(), (d + "/soft").c_str()), 0);
  std::string got = name_for(index, d + "/hard");
  cr_expect_str_eq(got.c_str(), "denied");
  got = name_for(index, d + "/soft");
  cr_expect_str_eq(got.c_str(), "denied");
}

Test(exec_identity, a_copy_of_a_guarded_program_is_known_by_its_content) {
  std::string d = scratch_dir("identity");
  make_dirs(d + "/bin");
  write_exe(d + "/bin/denied", "#!/bin/sh\necho denied program\n");
  write_exe(d + "/bin/other", "#!/bin/sh\necho another thing!\n");  // same size, not guarded
  ProgramIndex index = index_of(d + "/bin");
  write_exe(d + "/copy", "#!/bin/sh\necho denied program\n");
  std::string got = name_for(index, d + "/copy");
  cr_expect_str_eq(got.c_str(), "denied");
  write_exe(d + "/near", "#!/bin/sh\necho denied Program\n");  // same size, other content
  got = name_for(index, d + "/near");
  cr_expect_str_eq(got.c_str(), "");
  // A copy of a program that is not guarded stays unknown (judged by its name).
  write_exe(d + "/copy2", "#!/bin/sh\necho another thing!\n");
  got = name_for(index, d + "/copy2");
  cr_expect_str_eq(got.c_str(), "");
}

Test(exec_identity, one_file_under_several_names_is_the_name_it_was_called_by) {
  std::string d = scratch_dir("identity");
  make_dirs(d + "/bin");
  write_exe(d + "/bin/bash", "#!/bin/sh\n");
  cr_assert_eq(symlink("bash", (d + "/bin/rbash").c_str()), 0);
  ProgramIndex index = index_of(d + "/bin");
  std::string got = name_for(index, d + "/bin/bash");
  cr_expect_str_eq(got.c_str(), "bash");
  got = name_for(index, d + "/bin/rbash");
  cr_expect_str_eq(got.c_str(), "rbash");
}

Test(exec_identity, loader_options_are_skipped) {
  cr_expect_eq(loader_program_index({"ld.so", "/bin/rm", "-rf", "x"}), 1u);
  cr_expect_eq(loader_program_index({"ld.so", "--library-path", "/x", "--inhibit-cache", "/bin/rm"}), 4u);
  cr_expect_eq(loader_program_index({"ld.so", "--preload", "a.so", "--argv0", "true", "--", "/bin/rm"}), 6u);
  cr_expect_eq(loader_program_index({"ld.so", "--list"}), 0u);
}

Test(exec_identity, an_elf_copy_with_bytes_appended_keeps_its_build_id) {
  std::string d = scratch_dir("identity");
  make_dirs(d + "/bin");
  // A real ELF program of this system with a build id stands in for the guarded one.
  std::string elf;
  for (const char* p : {"/usr/bin/true", "/bin/true", "/usr/bin/env"}) {
    if (!vg::elf_build_id(p).empty()) {
      elf = p;
      break;
    }
  }
  cr_assert(!elf.empty(), "no ELF program with a GNU build id was found");
  std::ifstream in(elf, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_exe(d + "/bin/denied", bytes);
  ProgramIndex index = index_of(d + "/bin");
  write_exe(d + "/padded", bytes + "appended bytes");
  std::string got = name_for(index, d + "/padded");
  cr_expect_str_eq(got.c_str(), "denied");
  cr_expect_str_eq(vg::elf_build_id(d + "/bin/denied").c_str(), vg::elf_build_id(d + "/padded").c_str());
  write_exe(d + "/script", "#!/bin/sh\n");
  cr_expect(vg::elf_build_id(d + "/script").empty());
}
