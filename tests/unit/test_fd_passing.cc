// core/fd_passing: descriptors and payload arrive together; extra descriptors are closed.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fd_passing.h"

using namespace vg;

namespace {

bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

}  // namespace

Test(fd_passing, payload_and_descriptors_arrive_close_on_exec) {
  int sp[2];
  cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
  int pipe_fds[2];
  cr_assert_eq(pipe(pipe_fds), 0);
  cr_assert(send_with_fds(sp[0], "xy", 2, pipe_fds, 2));
  char buf[4] = {};
  int got[2] = {-1, -1};
  size_t n = 0;
  cr_assert_eq(receive_with_fds(sp[1], buf, sizeof buf, got, 2, &n), 2);
  cr_assert_str_eq(buf, "xy");
  cr_assert_eq(n, 2u);
  cr_assert(fcntl(got[0], F_GETFD) & FD_CLOEXEC);
  // The received write end reaches the original read end.
  cr_assert_eq(write(got[1], "z", 1), 1);
  char c = 0;
  cr_assert_eq(read(pipe_fds[0], &c, 1), 1);
  cr_assert_eq(c, 'z');
}

Test(fd_passing, descriptors_beyond_the_limit_are_closed) {
  int sp[2];
  cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
  int three[3];
  for (int& fd : three) fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  cr_assert(send_with_fds(sp[0], "a", 1, three, 3));
  for (int fd : three) close(fd);
  auto open_count = [] {
    int count = 0;
    for (int fd = 0; fd < 1024; ++fd) count += is_open(fd);
    return count;
  };
  int before = open_count();
  char b;
  int kept = -1;
  size_t n = 0;
  cr_assert_eq(receive_with_fds(sp[1], &b, 1, &kept, 1, &n), 1);
  cr_assert_eq(n, 1u);
  cr_assert(is_open(kept));
  // Three arrived, one kept: the other two must have been closed, not leaked.
  cr_assert_eq(open_count() - before, 1);
}

Test(fd_passing, a_message_without_descriptors) {
  int sp[2];
  cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
  cr_assert(send_with_fds(sp[0], "q", 1, nullptr, 0));
  char b;
  int fd = -1;
  size_t n = 7;
  cr_assert_eq(receive_with_fds(sp[1], &b, 1, &fd, 1, &n), 1);
  cr_assert_eq(n, 0u);
  close(sp[0]);
  cr_assert_eq(receive_with_fds(sp[1], &b, 1, &fd, 1, &n), 0, "end of file");
}
