// Network namespace: for network "none" the sandbox gets a fresh, empty namespace in
// which only loopback is brought up (so local servers and tests still work). "full"
// does not unshare the network at all.
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/ns_setup.h"

namespace vg::sandbox::ns {

int loopback_up() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  std::memcpy(ifr.ifr_name, "lo", 3);
  int rc = 0;
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    rc = errno;
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) rc = errno;
  }
  close(fd);
  return rc;
}

}  // namespace vg::sandbox::ns
