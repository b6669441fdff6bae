// Which stderr lines earn the read-only-home hint, and the hint itself.
#include <criterion/criterion.h>

#include <string>

#include "sandbox/stderr_watch.h"

using namespace vg::sandbox;

Test(home_path_problem, read_only_and_missing_paths_under_home) {
  const std::string home = "/home/ann";
  auto p = find_home_path_problem(
      "Collecting x\nERROR: Could not install packages due to an OSError: [Errno 30] Read-only file system: "
      "'/home/ann/.local/lib/python3.11'\n",
      home);
  cr_assert(p.has_value());
  cr_assert_eq(p->path, std::string("/home/ann/.local/lib/python3.11"));
  cr_assert(p->read_only);
  p = find_home_path_problem("npm error enoent ENOENT: no such file or directory, mkdir '/home/ann/.npm'\n", home);
  cr_assert(p.has_value());
  cr_assert_eq(p->path, std::string("/home/ann/.npm"));
  cr_assert_not(p->read_only);
  // coreutils quotes with ’ in a UTF-8 locale
  p = find_home_path_problem("mkdir: cannot create directory \u2018/home/ann/x\u2019: Read-only file system", home);
  cr_assert(p.has_value());
  cr_assert_eq(p->path, std::string("/home/ann/x"));
}

Test(home_path_problem, other_lines_do_not_count) {
  const std::string home = "/home/ann";
  cr_assert_not(find_home_path_problem("mkdir: /usr/x: Read-only file system\n", home).has_value());
  cr_assert_not(find_home_path_problem("wrote /home/ann/out.txt\n", home).has_value());
  cr_assert_not(find_home_path_problem("/home/annex/x: Read-only file system\n", home).has_value(),
                "a sibling of home is not home");
  cr_assert_not(find_home_path_problem("/x: Read-only file system", "/").has_value());
}

Test(home_path_problem, the_hint_names_the_top_directory_and_the_ways_out) {
  std::string h = home_path_hint({"/home/ann/.local/lib/python3.11", true}, "/home/ann", "bubblewrap");
  cr_assert(h.find("~/.local/lib/python3.11 is read-only in the sandbox (bubblewrap") != std::string::npos, "%s", h.c_str());
  cr_assert(h.find("bind_mounts = ~/.local:rw") != std::string::npos);
  cr_assert(h.find("venv") != std::string::npos);
  cr_assert(h.find("VG_DISABLE=1") != std::string::npos);
  cr_assert(h.find('\n') == std::string::npos, "one line");
}
