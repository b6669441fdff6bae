// Session ids: VG_SESSION, safe file names, and the terminal/parent fallbacks.
#include <criterion/criterion.h>

#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "core/session.h"

using namespace vg;

Test(session, vg_session_wins) {
  setenv("VG_SESSION", "agent-run-7", 1);
  cr_assert_eq(current_session_id(), "agent-run-7");
}

Test(session, vg_session_is_made_a_safe_file_name) {
  setenv("VG_SESSION", "../../etc/passwd", 1);
  std::string id = current_session_id();
  cr_assert_eq(id.find('/'), std::string::npos);
  cr_assert_neq(id[0], '.');
  cr_assert(valid_session_id(id));
}

Test(session, sanitize_rules) {
  cr_assert_eq(sanitize_session_id("abc-DEF_1.2"), "abc-DEF_1.2");
  cr_assert_eq(sanitize_session_id("a b/c:d"), "a_b_c_d");
  cr_assert_eq(sanitize_session_id(""), "_");
  cr_assert_eq(sanitize_session_id(".hidden"), "_hidden");
  cr_assert_eq(sanitize_session_id(std::string(500, 'x')).size(), 128u);
  cr_assert(valid_session_id("pts3-1-2"));
  cr_assert_not(valid_session_id("a:1"));
  cr_assert_not(valid_session_id(""));
  cr_assert_not(valid_session_id(".."));
}

Test(session, without_vg_session_it_is_stable_within_a_process_tree) {
  unsetenv("VG_SESSION");
  std::string id = current_session_id();
  cr_assert(valid_session_id(id), "%s", id.c_str());
  cr_assert_eq(current_session_id(), id, "same process, same id");
  // Without a controlling terminal the id names our parent and its start time.
  if (id.rfind("ppid-", 0) == 0) {
    cr_assert_eq(id.rfind("ppid-" + std::to_string(getppid()) + "-", 0), 0u, "%s", id.c_str());
  } else {
    cr_assert_neq(id.find("-" + std::to_string(getsid(0)) + "-"), std::string::npos, "%s", id.c_str());
  }
}
