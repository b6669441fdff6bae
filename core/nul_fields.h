// NUL-terminated fields read from one descriptor, buffered: the hook server's requests
// and the shell's lookup replies (shell_defs.h) come this way.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace vg {

class FieldReader {
 public:
  explicit FieldReader(int fd) : fd_(fd) {}
  // The next field into `out`; false at end of input or on an error. When nothing
  // arrives for a second it asks `stop` (if given) and gives up when it says so.
  bool next(std::string& out, const std::function<bool()>& stop = {});
  // Makes `field` the next one next() returns (a field read too early: a new request
  // where a lookup reply was expected).
  void push_back(std::string field) { pending_ = std::move(field); }

 private:
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
  std::optional<std::string> pending_;
};

}  // namespace vg
