#include "sandbox/container_seccomp.h"

#include <errno.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sandbox/seccomp.h"
#include "sandbox/socket_policy.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace vg::sandbox {

namespace {

using nlohmann::json;

json errno_group(std::vector<std::string> names, int err, json args = json()) {
  json g = {{"names", std::move(names)}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", err}};
  if (!args.is_null()) g["args"] = std::move(args);
  return g;
}

json masked_eq(unsigned index, unsigned long long mask, unsigned long long value) {
  return json::array({{{"index", index}, {"value", mask}, {"valueTwo", value}, {"op", "SCMP_CMP_MASKED_EQ"}}});
}

}  // namespace

std::string docker_seccomp_json(bool allow_unix_sockets, bool inet_datagrams) {
  // The rules in the order seccomp.cc adds them, so both compile to the same program.
  json syscalls = json::array();
  for (const std::string& name : denied_syscalls()) syscalls.push_back(errno_group({name}, EPERM));
  syscalls.push_back(errno_group({"clone3"}, ENOSYS));  // libc falls back to clone(2)
  for (unsigned long flag : {CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS,
                             CLONE_NEWIPC, CLONE_NEWCGROUP, static_cast<int>(CLONE_NEWTIME)})
    syscalls.push_back(errno_group({"unshare", "clone"}, EPERM, masked_eq(0, flag, flag)));
  for (unsigned long request : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)})
    syscalls.push_back(errno_group({"ioctl"}, EPERM, masked_eq(1, 0xffffffffu, request)));
  for (const DenyRule& r : socket_deny_rules({allow_unix_sockets, inet_datagrams})) {
    json args = json::array();
    for (const ArgCondition& c : r.args)
      args.push_back(c.greater ? json{{"index", c.index}, {"value", c.value}, {"valueTwo", 0}, {"op", "SCMP_CMP_GT"}}
                               : json{{"index", c.index}, {"value", c.mask}, {"valueTwo", c.value},
                                      {"op", "SCMP_CMP_MASKED_EQ"}});
    syscalls.push_back(errno_group({r.syscall}, r.err, args));
  }
  json arches = json::array();
  if (seccomp_arch_native() == SCMP_ARCH_X86_64)
    arches = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  else if (seccomp_arch_native() == SCMP_ARCH_AARCH64)
    arches = {"SCMP_ARCH_AARCH64"};
  json j = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", arches}, {"syscalls", syscalls}};
  return j.dump(1) + "\n";
}

std::string container_seccomp_file(const SeccompPolicy& policy, const std::string& state_dir,
                                   std::string& error) {
  if (!policy.profile_path.empty()) return policy.profile_path;
  if (state_dir.empty()) {
    error = "cannot write the container seccomp profile: no state directory ($VG_HOME or $HOME) is set";
    return "";
  }
  const std::string text = docker_seccomp_json(policy.allow_unix_sockets, policy.inet_datagrams);
  const std::string path = state_dir + "/seccomp-container" + (policy.allow_unix_sockets ? "-unix" : "") +
                           (policy.inet_datagrams ? "" : "-tcp-only") + ".json";
  {
    std::ifstream in(path);
    std::stringstream have;
    have << in.rdbuf();
    if (in && have.str() == text) return path;  // written by an earlier run
  }
  mkdir(state_dir.c_str(), 0700);
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  std::ofstream out(tmp);
  out << text;
  out.close();
  if (!out || chmod(tmp.c_str(), 0644) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write the container seccomp profile " + path + " (" + strerror(errno) +
            "); check that $VG_HOME is writable";
    std::remove(tmp.c_str());
    return "";
  }
  return path;
}

}  // namespace vg::sandbox
