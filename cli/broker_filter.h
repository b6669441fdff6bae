// The agent tree's seccomp filter: execve/execveat go to the session broker as user
// notifications; the calls that could rewrite another process' memory or wake a
// process the broker froze (ptrace, process_vm_writev, SIGCONT) are refused.
#pragma once

#include <cstddef>

namespace vg::cli {

// In the agent's process, before it execs: no_new_privs, the filter, and its listener
// sent to the broker over `sock` (SCM_RIGHTS) with one byte: '1' when the kernel keeps
// a received notification from being interrupted by signals (WAIT_KILLABLE_RECV, 5.19),
// '0' when not. Returns 0 or an errno.
int install_exec_filter(int sock);

// In the broker: the listener sent by install_exec_filter; -1 on failure.
// `killable` tells whether WAIT_KILLABLE_RECV holds.
int receive_exec_listener(int sock, bool* killable);

// Send / receive one descriptor with a payload over a unix socket.
bool send_fd(int sock, int fd, const void* data, size_t size);
int receive_fd(int sock, void* data, size_t size, size_t* got);

}  // namespace vg::cli
