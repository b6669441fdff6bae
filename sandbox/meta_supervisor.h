// Metadata calls in the Landlock runtime. Landlock does not cover chmod, chown, utimes or
// xattrs, so the sandbox could change them on any file its user owns (as root: any file).
// A seccomp filter turns those calls into user notifications; the runner answers them
// on a thread of its own: it reads the path from the caller's memory once, opens the
// target itself, checks that very inode lies beneath a writable root (meta_roots.h) and
// performs the call on it, so what was checked is what is changed. Outside: EPERM.
// The thread holds no capabilities, like the sandbox, so the kernel's own permission
// checks (owner, group, write access) come out as they would for the caller.
#pragma once

#include <linux/filter.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/meta_filter.h"
#include "sandbox/meta_roots.h"

namespace vg::sandbox {

// Child, before exec (async-signal-safe): install `program` with a new listener and
// send the listener to the runner over the unix socket `sock`. Returns errno or 0.
int meta_install_in_child(const std::vector<sock_filter>& program, int sock);

// Parent: receive the listener the child sent; -1 when it sent none (it failed).
int meta_receive_listener(int sock);

class MetaSupervisor {
 public:
  MetaSupervisor() = default;
  MetaSupervisor(const MetaSupervisor&) = delete;
  MetaSupervisor& operator=(const MetaSupervisor&) = delete;
  ~MetaSupervisor() { stop(); }

  WritableRoots& roots() { return roots_; }

  // Take over the listener the child sent. Nothing runs yet: the caller polls
  // listener() and calls start() at the first notification, so a run that changes no
  // metadata costs no thread.
  void adopt(int listener) { listener_ = listener; }
  int listener() const { return thread_.joinable() ? -1 : listener_; }
  // Serve the notifications on a thread of our own until stop().
  bool start(std::string& error);
  void stop();

 private:
  void serve();
  WritableRoots roots_;
  int listener_ = -1;
  int wake_ = -1;  // eventfd: stop
  std::thread thread_;
};

}  // namespace vg::sandbox
