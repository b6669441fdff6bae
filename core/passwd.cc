#include "core/passwd.h"

#include <pwd.h>
#include <stdio.h>

#include <functional>

namespace vg {
namespace {

std::string find_home(const std::function<bool(const passwd&)>& match) {
  FILE* f = fopen("/etc/passwd", "re");
  if (!f) return "";
  std::string home;
  while (passwd* pw = fgetpwent(f)) {
    if (match(*pw)) {
      home = pw->pw_dir ? pw->pw_dir : "";
      break;
    }
  }
  fclose(f);
  return home;
}

}  // namespace

std::string passwd_home(uid_t uid) {
  return find_home([uid](const passwd& pw) { return pw.pw_uid == uid; });
}

std::string passwd_home(const std::string& name) {
  if (name.empty()) return "";
  return find_home([&name](const passwd& pw) { return pw.pw_name && name == pw.pw_name; });
}

}  // namespace vg
