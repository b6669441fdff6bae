#include "core/nul_fields.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace vg {

bool FieldReader::next(std::string& out, const std::function<bool()>& stop) {
  out.clear();
  if (pending_) {
    out = std::move(*pending_);
    pending_.reset();
    return true;
  }
  for (;;) {
    size_t nul = buf_.find('\0', pos_);
    if (nul != std::string::npos) {
      out.assign(buf_, pos_, nul - pos_);
      pos_ = nul + 1;
      if (pos_ == buf_.size()) buf_.clear(), pos_ = 0;
      return true;
    }
    pollfd p{fd_, POLLIN, 0};
    int pr = ::poll(&p, 1, 1000);
    if (pr == 0 || (pr < 0 && errno == EINTR)) {
      if (stop && stop()) return false;
      continue;
    }
    if (pr < 0) return false;
    char chunk[4096];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf_.append(chunk, size_t(n));
  }
}

}  // namespace vg
