// Whole writes to a descriptor: short writes and EINTR retried.
#pragma once

#include <cstddef>
#include <string_view>

namespace vg {

// Writes all `size` bytes; false on an error (errno set) or a write that wrote nothing.
bool write_all(int fd, const void* data, size_t size);
inline bool write_all(int fd, std::string_view s) { return write_all(fd, s.data(), s.size()); }

}  // namespace vg
