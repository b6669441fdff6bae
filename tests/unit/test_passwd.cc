// passwd_home: home directories from /etc/passwd, compared with what getent reports.
#include <criterion/criterion.h>

#include <stdio.h>
#include <unistd.h>

#include <string>

#include "core/passwd.h"

namespace {

// Field 6 of `getent passwd KEY`, the reference answer from the system's own tool.
std::string getent_home(const std::string& key) {
  std::string cmd = "getent passwd '" + key + "'";
  FILE* p = popen(cmd.c_str(), "r");
  cr_assert_not_null(p);
  char buf[1024] = {0};
  std::string line = fgets(buf, sizeof buf, p) ? buf : "";
  pclose(p);
  size_t pos = 0;
  for (int i = 0; i < 5 && pos != std::string::npos; ++i) pos = line.find(':', pos) + 1;
  size_t end = line.find(':', pos);
  return pos == 0 || end == std::string::npos ? "" : line.substr(pos, end - pos);
}

}  // namespace

Test(passwd, root_by_uid_and_name) {
  cr_assert_eq(vg::passwd_home(static_cast<uid_t>(0)), getent_home("0"));
  cr_assert_eq(vg::passwd_home(std::string("root")), getent_home("root"));
  cr_assert_not(vg::passwd_home(std::string("root")).empty());
}

Test(passwd, current_user) {
  uid_t uid = getuid();
  cr_assert_eq(vg::passwd_home(uid), getent_home(std::to_string(uid)));
}

Test(passwd, unknown_account_is_empty) {
  cr_assert(vg::passwd_home(std::string("vg-no-such-user-xyz")).empty());
  cr_assert(vg::passwd_home(std::string("")).empty());
  cr_assert(vg::passwd_home(static_cast<uid_t>(4000000000u)).empty());
}
