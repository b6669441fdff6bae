// User namespace: the invoking user maps to itself, nothing else is mapped, and
// setgroups(2) is denied so supplementary groups cannot be dropped to dodge a
// group-based deny on the host.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/ns_setup.h"

namespace vg::sandbox::ns {

namespace {

bool write_proc(pid_t pid, const char* file, const std::string& value, std::string& error) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0 && write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  int saved = errno;
  if (fd >= 0) close(fd);
  if (!ok) {
    error = std::string("cannot write the sandbox's ") + file + " (" + strerror(saved) +
            "); run 'vectra-guard sandbox doctor' to see whether user namespaces work here";
  }
  return ok;
}

}  // namespace

bool write_id_maps(pid_t pid, uid_t uid, gid_t gid, std::string& error) {
  return write_proc(pid, "setgroups", "deny", error) &&
         write_proc(pid, "uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1\n", error) &&
         write_proc(pid, "gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1\n", error);
}

}  // namespace vg::sandbox::ns
