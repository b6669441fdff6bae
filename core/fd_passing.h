// Descriptors passed over a unix socket (SCM_RIGHTS), with a small payload. One place for
// the control-message handling that the broker, the exec filter, the audit writer and the
// Landlock metadata supervisor all need.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace vg {

// Sends `size` bytes (at least one) of `data` with `nfds` descriptors attached; true when
// the whole payload went. A closed descriptor in `fds` makes the kernel refuse the message.
bool send_with_fds(int sock, const void* data, size_t size, const int* fds, size_t nfds);

// Receives up to `size` bytes into `data` and up to `max_fds` descriptors into `fds`
// (close-on-exec); descriptors beyond `max_fds` are closed, never leaked. Returns the
// number of bytes read (0 at end of file, -1 on error) and sets *nfds to the count kept.
ssize_t receive_with_fds(int sock, void* data, size_t size, int* fds, size_t max_fds, size_t* nfds);

}  // namespace vg
