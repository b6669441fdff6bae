// Home directories from the local account file. The CLI is linked statically, and
// glibc's getpwuid in a static binary loads NSS modules at run time (and warns at link
// time); /etc/passwd read with fgetpwent needs neither. Accounts that exist only in a
// directory service (LDAP, sssd) are not found here: callers use $HOME first.
#pragma once

#include <sys/types.h>

#include <string>

namespace vg {

// The home directory of `uid` / of the account `name` in /etc/passwd, or "".
std::string passwd_home(uid_t uid);
std::string passwd_home(const std::string& name);

}  // namespace vg
