#include "cli/broker.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cli/broker_filter.h"
#include "cli/broker_tracee.h"
#include "cli/hook_agents.h"
#include "core/audit_log.h"
#include "core/policy_snapshot.h"
#include "core/sha256.h"
#include "core/shell_quote.h"

namespace vg::cli {
namespace {

constexpr int kMaxDepth = 4;  // loader -> program, script -> interpreter ...

enum class Verdict { Pass, Host, Sandbox, Block };

struct Answer {
  Verdict verdict = Verdict::Pass;
  std::string message;       // one line for the caller's stderr (block, refused sandbox)
  std::string command;       // what was judged
};

struct Ask {
  pid_t pid = 0;  // the calling thread
  std::uint64_t envp_addr = 0;  // kernel path: read (frozen) only when vectra-guard is run
  std::string path;
  int dirfd = AT_FDCWD;
  int flags = 0;
  std::vector<std::string> argv;
  bool have_env = false;
  bool from_kernel = false;
};

std::string basename_of(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string read_link(const std::string& p) {
  char buf[PATH_MAX];
  ssize_t n = readlink(p.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// The file an exec names, found as the caller's kernel would: in its root, from its
// cwd or dirfd, symlinks followed one by one in its view (/proc/self is the caller's).
struct Resolved {
  bool ok = false;
  std::string file;  // a path the broker can stat and read
  struct stat st {};
};

Resolved resolve(const Ask& a) {
  Resolved r;
  std::string pid = std::to_string(a.pid);
  std::string root = "/proc/" + pid + "/root";
  if (a.path.empty()) {
    if (!(a.flags & AT_EMPTY_PATH) || a.dirfd < 0) return r;
    r.file = "/proc/" + pid + "/fd/" + std::to_string(a.dirfd);
    r.ok = stat(r.file.c_str(), &r.st) == 0;
    return r;
  }
  std::string logical = a.path;
  if (logical[0] != '/') {
    std::string base = a.dirfd == AT_FDCWD ? read_link("/proc/" + pid + "/cwd")
                                           : read_link("/proc/" + pid + "/fd/" + std::to_string(a.dirfd));
    if (base.empty() || base[0] != '/') return r;
    logical = base + "/" + logical;
  }
  for (int hops = 0; hops < 40; ++hops) {
    // Walk component by component; restart when a symlink is met.
    std::string done;
    size_t pos = 0;
    bool restarted = false;
    while (pos < logical.size()) {
      size_t next = logical.find('/', pos + 1);
      if (next == std::string::npos) next = logical.size();
      std::string comp = logical.substr(pos + 1, next - pos - 1);
      pos = next;
      if (comp.empty() || comp == ".") continue;
      if (comp == "..") {
        done = done.substr(0, done.rfind('/'));
        continue;
      }
      done += "/" + comp;
      // /proc/self and /proc/thread-self mean the caller, not the broker.
      if (done == "/proc/self") done = "/proc/" + pid;
      if (done == "/proc/thread-self") done = "/proc/" + std::to_string(tgid_of(a.pid)) + "/task/" + pid;
      // /proc/N/fd/M is a magic link (maybe to a memfd): stat follows it for us.
      if (done.rfind("/proc/", 0) == 0 && done.find("/fd/") != std::string::npos &&
          std::count(done.begin(), done.end(), '/') == 4) {
        continue;
      }
      struct stat st {};
      if (lstat((root + done).c_str(), &st) != 0) return r;
      if (S_ISLNK(st.st_mode)) {
        std::string target = read_link(root + done);
        if (target.empty()) return r;
        std::string rest = logical.substr(pos);
        logical = (target[0] == '/' ? target : done.substr(0, done.rfind('/')) + "/" + target) + rest;
        restarted = true;
        break;
      }
    }
    if (!restarted) {
      r.file = done.rfind("/proc/", 0) == 0 ? done : root + done;
      r.ok = stat(r.file.c_str(), &r.st) == 0;
      return r;
    }
  }
  return r;
}

std::string first_line(const std::string& file) {
  std::ifstream f(file, std::ios::binary);
  char buf[256] = {};
  f.read(buf, sizeof buf - 1);
  std::string s(buf, static_cast<size_t>(f.gcount()));
  return s.substr(0, s.find('\n'));
}

std::string env_value(const std::vector<std::string>& envp, const std::string& name) {
  for (const std::string& e : envp) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') {
      return e.substr(name.size() + 1);
    }
  }
  return "";
}

class Broker {
 public:
  explicit Broker(BrokerSession& s) : s_(s) {}

  Answer judge(const Ask& a, int depth = 0);
  void record(const Ask& a, const Answer& ans, const std::string& source, const std::string& runtime);

  // Verdicts the shim obtained, so the kernel's notification of the same exec is
  // answered without judging again: pid -> key (file identity + argv).
  std::map<pid_t, std::pair<std::string, std::chrono::steady_clock::time_point>> judged;
  static std::string key_of(const struct stat& st, const std::vector<std::string>& argv) {
    std::string k = fmt::format("{}:{}", st.st_dev, st.st_ino);
    for (const std::string& w : argv) k += '\0' + w;
    return sha256_hex(k);
  }

 private:
  Answer judge_words(const Ask& a, std::vector<std::string> words);
  Answer judge_guard(const Ask& a);
  BrokerSession& s_;
};

Answer Broker::judge_words(const Ask& a, std::vector<std::string> words) {
  Answer ans;
  ans.command = shell_join(words);
  bool needs = snapshot_needs_check(s_.snapshot, words);
  if (!needs && !a.argv.empty() && !a.argv[0].empty()) {
    // Judged by the stricter of the file's identity and argv[0], as the shim does.
    std::vector<std::string> by_argv0 = words;
    by_argv0[0] = basename_of(a.argv[0]);
    if (snapshot_needs_check(s_.snapshot, by_argv0)) {
      needs = true;
      words = by_argv0;
      ans.command = shell_join(words);
    }
  }
  if (!needs) return ans;
  std::string cwd = read_link("/proc/" + std::to_string(a.pid) + "/cwd");
  AgentVerdict v = evaluate_agent_command_with(s_.config, context_at(cwd.empty() ? "/" : cwd), &s_.trust,
                                               ans.command, /*can_ask=*/false);
  switch (v.action) {
    case Action::Host:
      ans.verdict = Verdict::Host;
      break;
    case Action::Sandbox:
    case Action::Prompt:
      ans.verdict = Verdict::Sandbox;
      ans.message = agent_why(v.decision);
      break;
    case Action::Block:
      ans.verdict = Verdict::Block;
      ans.message = agent_block_reason(v.decision);
      break;
  }
  return ans;
}

// vectra-guard run inside the session: nothing that loosens the session's policy.
Answer Broker::judge_guard(const Ask& a) {
  Answer ans;
  ans.command = shell_join(a.argv);
  std::vector<std::string> envp;
  bool have_env = a.have_env;
  if (a.from_kernel) {
    std::optional<std::vector<std::string>> e = read_tracee_strings(a.pid, a.envp_addr);
    if (!e) {
      ans.verdict = Verdict::Block;
      ans.message = "its environment could not be read";
      return ans;
    }
    envp = std::move(*e);
    have_env = true;
  }
  auto refuse = [&](std::string why) {
    ans.verdict = Verdict::Block;
    ans.message = std::move(why);
    return ans;
  };
  if (have_env) {
    if (!s_.config.agent_allow_disable && !env_value(envp, "VG_DISABLE").empty()) {
      return refuse("VG_DISABLE is not honoured in an agent session ([agent] allow_disable is off)");
    }
    for (const auto& [name, value] : s_.guard_env) {
      if (env_value(envp, name) != value) {
        return refuse(fmt::format("vectra-guard was run with a different {} than its agent session's", name));
      }
    }
  }
  size_t i = 1;
  for (; i < a.argv.size(); ++i) {
    const std::string& w = a.argv[i];
    std::string cfg;
    if (w == "--config" && i + 1 < a.argv.size()) cfg = a.argv[++i];
    else if (w.rfind("--config=", 0) == 0) cfg = w.substr(9);
    else if (w == "--help" || w == "-h" || w == "--version" || w == "-V") return ans;
    else break;
    if (cfg != s_.config_file) return refuse("--config cannot replace the agent session's configuration");
  }
  if (i >= a.argv.size()) return ans;
  const std::string sub = a.argv[i];
  const std::string sub2 = i + 1 < a.argv.size() ? a.argv[i + 1] : "";
  if (sub == "help" || sub == "explain" || sub == "validate" || sub == "logs" ||
      (sub == "metrics" && sub2 != "reset") || (sub == "sandbox" && sub2 == "doctor") ||
      (sub == "agent" && (sub2 == "shim-check" || sub2 == "check-shell"))) {
    return ans;  // reads, judges, or reports: nothing it does loosens the policy
  }
  if (sub != "exec") {
    return refuse(fmt::format("'vectra-guard {}' cannot change the guard from inside an agent session", sub));
  }
  bool host = false, sandbox = false;
  std::vector<std::string> words;
  for (size_t j = i + 1; j < a.argv.size(); ++j) {
    const std::string& w = a.argv[j];
    std::string name = w.substr(0, w.find('='));
    if (w == "--") {
      words.assign(a.argv.begin() + static_cast<long>(j) + 1, a.argv.end());
      break;
    } else if (w == "--host") {
      host = true;
    } else if (w == "--sandbox" || w == "--review") {
      sandbox = true;
    } else if (w == "-c" && j + 1 < a.argv.size()) {
      words = {"sh", "-c", a.argv[j + 1]};
      break;
    } else if (name == "--runtime" || name == "--security-level" || name == "--network") {
      return refuse(fmt::format("{} cannot override the agent session's policy", name));
    } else if (name == "--timeout") {
      if (w.find('=') == std::string::npos) ++j;
    } else if (w.rfind("-", 0) == 0) {
      continue;  // --verbose, --no-interactive, --via-shim ...
    } else {
      words.assign(a.argv.begin() + static_cast<long>(j), a.argv.end());
      break;
    }
  }
  if (words.empty()) return ans;
  if (sandbox && !host) return ans;  // the broker runs it (cli/broker_run.h), judged there
  std::string cwd = read_link("/proc/" + std::to_string(a.pid) + "/cwd");
  std::string line = words.size() == 3 && words[1] == "-c" ? words[2] : shell_join(words);
  AgentVerdict v = evaluate_agent_command_with(s_.config, context_at(cwd.empty() ? "/" : cwd), &s_.trust, line, false);
  ans.command = line;
  if (v.action == Action::Host) {
    ans.verdict = Verdict::Host;
    return ans;
  }
  if (v.action == Action::Block) return refuse(agent_block_reason(v.decision));
  return refuse(fmt::format("the agent session runs this only in the sandbox ({}); use vectra-guard exec --sandbox",
                            agent_why(v.decision)));
}

Answer Broker::judge(const Ask& a, int depth) {
  Answer ans;
  if (depth > kMaxDepth) return ans;
  Resolved r = resolve(a);
  if (!r.ok || !S_ISREG(r.st.st_mode)) return ans;  // the exec fails on its own
  std::vector<std::string> argv = a.argv.empty() ? std::vector<std::string>{a.path} : a.argv;
  if (r.st.st_nlink == 0) {
    // A memfd or a deleted file: no name, no identity to judge by.
    ans.command = shell_join(argv);
    ans.verdict = Verdict::Block;
    ans.message = "an anonymous program (memfd or deleted file) cannot be judged, so it does not run";
    return ans;
  }
  std::string name = s_.index.name_of(r.st, r.file, basename_of(a.path));
  if (name == "vectra-guard") return judge_guard(a);
  if (name == kLoaderName) {
    size_t i = loader_program_index(argv);
    if (i == 0) return ans;
    Ask inner = a;
    inner.path = argv[i];
    inner.dirfd = AT_FDCWD;
    inner.flags = 0;
    inner.argv.assign(argv.begin() + static_cast<long>(i), argv.end());
    return judge(inner, depth + 1);
  }
  if (name.empty()) {
    std::string line = first_line(r.file);
    if (line.rfind("#!", 0) == 0) {
      // A script: judged as its interpreter running it (and by its own name below).
      std::istringstream in(line.substr(2));
      std::string interp, arg;
      in >> interp;
      std::getline(in >> std::ws, arg);
      if (!interp.empty()) {
        Ask inner = a;
        inner.path = interp;
        inner.dirfd = AT_FDCWD;
        inner.flags = 0;
        inner.argv = {interp};
        if (!arg.empty()) inner.argv.push_back(arg);
        inner.argv.push_back(a.path);
        inner.argv.insert(inner.argv.end(), argv.begin() + 1, argv.end());
        Answer by_interp = judge(inner, depth + 1);
        if (by_interp.verdict != Verdict::Pass && by_interp.verdict != Verdict::Host) return by_interp;
      }
    }
    name = basename_of(a.path);
  }
  std::vector<std::string> words = argv;
  words[0] = name;
  return judge_words(a, words);
}

void Broker::record(const Ask& a, const Answer& ans, const std::string& source, const std::string& runtime) {
  AuditEvent ev;
  ev.session = s_.session;
  ev.agent = s_.agent;
  ev.source = source;
  ev.cwd = read_link("/proc/" + std::to_string(a.pid) + "/cwd");
  ev.command = ans.command;
  ev.decision = ans.verdict == Verdict::Block ? "block" : ans.verdict == Verdict::Sandbox ? "sandbox" : "host";
  ev.why = ans.message;
  ev.runtime = runtime;
  ev.exit_code = runtime == "none" ? 3 : -1;
  std::string error;
  if (!append_audit_event(s_.state, ev, &error)) {
    std::fprintf(stderr, "vectra-guard: the audit log was not written: %s.\n", error.c_str());
  }
}

void say_refused(const Answer& ans) {
  std::string shown = ans.command.size() > 160 ? ans.command.substr(0, 157) + "..." : ans.command;
  if (ans.verdict == Verdict::Sandbox) {
    std::fprintf(stderr, "📦 vectra-guard refused %s: it runs only in the sandbox (%s); run it as: vectra-guard exec --sandbox -- %s\n",
                 shown.c_str(), ans.message.c_str(), shown.c_str());
  } else {
    std::fprintf(stderr, "⛔ vectra-guard blocked %s: %s.\n", shown.c_str(), ans.message.c_str());
  }
}

// ---- the shim's questions ------------------------------------------------------------

// One request: the shim sent the end of a private socketpair, then writes
// "path\0argv0\0argv1\0..." on it and waits for one verdict byte (+ a message).
// A request 'R' instead: a sandboxed command to run (cli/broker_run.h); its pid and
// connection go to `runs`.
void serve_request(Broker& b, BrokerSession& s, int requests, std::map<pid_t, int>& runs) {
  char byte = 0;
  size_t got = 0;
  int conn = receive_fd(requests, &byte, 1, &got);
  if (conn < 0) return;
  if (got == 1 && byte == 'R') {
    if (pid_t run = start_broker_run(s.run, conn); run > 0) runs[run] = conn;
    return;
  }
  struct timeval tv = {2, 0};
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct ucred cred {};
  socklen_t len = sizeof cred;
  std::string data;
  if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == getuid()) {
    char buf[65536];
    for (;;) {
      ssize_t n = read(conn, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
    }
  }
  Ask a;
  a.pid = cred.pid;
  std::vector<std::string> parts;
  for (size_t p = 0; p < data.size();) {
    size_t z = data.find('\0', p);
    if (z == std::string::npos) break;
    parts.push_back(data.substr(p, z - p));
    p = z + 1;
  }
  char reply = 'B';
  std::string message = "the request could not be read";
  if (a.pid > 0 && !parts.empty()) {
    a.path = parts[0];
    a.argv.assign(parts.begin() + 1, parts.end());
    Answer ans = b.judge(a);
    Resolved r = resolve(a);
    message.clear();
    switch (ans.verdict) {
      case Verdict::Pass:
      case Verdict::Host:
        reply = 'H';
        if (r.ok) {
          auto now = std::chrono::steady_clock::now();
          if (b.judged.size() > 4096) {  // questions whose exec never came
            std::erase_if(b.judged, [&](const auto& e) { return now - e.second.second > std::chrono::seconds(10); });
          }
          b.judged[a.pid] = {Broker::key_of(r.st, a.argv), now};
        }
        if (ans.verdict == Verdict::Host) b.record(a, ans, "shim", "host");
        break;
      case Verdict::Sandbox:
        reply = 'S';  // the shim re-routes it through `exec --via-shim --sandbox`, which records it
        break;
      case Verdict::Block: {
        reply = 'B';
        b.record(a, ans, "shim", "none");
        std::string shown = ans.command.size() > 160 ? ans.command.substr(0, 157) + "..." : ans.command;
        message = fmt::format("⛔ vectra-guard blocked {}: {}.\n", shown, ans.message);
        break;
      }
    }
  }
  std::string out(1, reply);
  out += message;
  ssize_t w = write(conn, out.data(), out.size());
  (void)w;
  close(conn);
}

// ---- the kernel's notifications -------------------------------------------------------

void serve_notification(Broker& b, BrokerSession& s, int listener, bool killable, pid_t agent) {
  seccomp_notif* req = nullptr;
  seccomp_notif_resp* resp = nullptr;
  if (seccomp_notify_alloc(&req, &resp) != 0) return;
  std::memset(req, 0, sizeof *req);
  if (seccomp_notify_receive(listener, req) != 0) {
    seccomp_notify_free(req, resp);
    return;
  }
  std::memset(resp, 0, sizeof *resp);
  resp->id = req->id;
  resp->error = -EACCES;
  Ask a;
  a.pid = static_cast<pid_t>(req->pid);
  a.from_kernel = true;
  bool execveat = req->data.nr == __NR_execveat;
  WriterFreeze freeze;
  bool continued = false;
  Answer ans;
  if (a.pid == agent && read_link("/proc/" + std::to_string(a.pid) + "/exe") == s.vg_bin) {
    continued = true;  // the agent itself, still our child before its exec: the user started it
  } else if (!freeze.freeze(a.pid, getpid(), killable)) {
    ans.verdict = Verdict::Block;
    ans.command = "(exec by pid " + std::to_string(a.pid) + ")";
    ans.message = "the processes sharing its memory could not be frozen to read its arguments safely";
  } else {
    int argi = execveat ? 1 : 0;
    std::optional<std::string> path = read_tracee_string(a.pid, req->data.args[argi], PATH_MAX);
    std::vector<std::uint64_t> where = {req->data.args[argi]};
    std::optional<std::vector<std::string>> argv = read_tracee_strings(a.pid, req->data.args[argi + 1], &where);
    a.envp_addr = req->data.args[argi + 2];
    if (execveat) {
      a.dirfd = static_cast<int>(req->data.args[0]);
      a.flags = static_cast<int>(req->data.args[4]);
    }
    if (!path || !argv) {
      ans.verdict = Verdict::Block;
      ans.command = path ? *path : "(unreadable)";
      ans.message = "its arguments could not be read";
    } else if (in_shared_mapping(a.pid, where)) {
      // Another process may map those pages too, and it is not frozen.
      ans.verdict = Verdict::Block;
      ans.command = shell_join(*argv);
      ans.message = "its path or arguments lie in shared memory that another process could change";
    } else {
      a.path = *path;
      a.argv = *argv;
      // Judged by the shim a moment ago (same file, same argv): no second judgement.
      auto it = b.judged.find(a.pid);
      Resolved r = resolve(a);
      if (it != b.judged.end() && r.ok && it->second.first == Broker::key_of(r.st, a.argv) &&
          std::chrono::steady_clock::now() - it->second.second < std::chrono::seconds(10)) {
        ans.verdict = Verdict::Host;
        b.judged.erase(it);
        continued = true;
      } else {
        ans = b.judge(a);
        continued = ans.verdict == Verdict::Pass || ans.verdict == Verdict::Host;
        if (ans.verdict == Verdict::Host) b.record(a, ans, "kernel exec", "host");
      }
    }
  }
  // The caller may have died meanwhile; the answer then goes nowhere.
  if (continued && seccomp_notify_id_valid(listener, req->id) == 0) {
    resp->error = 0;
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  } else if (!continued) {
    b.record(a, ans, "kernel exec", "none");
    say_refused(ans);
  }
  seccomp_notify_respond(listener, resp);
  freeze.release(a.pid, continued);
  seccomp_notify_free(req, resp);
}

int status_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

void prepare_broker(BrokerSession& s, const std::string& path_env) {
  std::vector<std::string> dirs;
  std::istringstream in(path_env);
  std::string d;
  while (std::getline(in, d, ':')) dirs.push_back(d);
  for (const char* sys : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    dirs.push_back(sys);
  }
  std::vector<std::pair<std::string, std::string>> extra = system_loaders();
  extra.emplace_back("vectra-guard", s.vg_bin);
  const std::string& snap = s.snapshot;
  s.index.build(dirs, [&](const std::string& name) { return snapshot_lookup(snap, name) != ExecClass::Pass; }, extra);
  try {
    s.trust = TrustStore(TrustStore::default_path()).list();
  } catch (const TrustError& e) {
    std::fprintf(stderr, "vectra-guard: the trust store was not read (%s); nothing is trusted in this session.\n", e.what());
  }
}

int run_broker(BrokerSession& s, int requests, int listener_sock, pid_t agent) {
  Broker b(s);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  int sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  int listener = -1;
  bool killable = false;
  int code = -1;
  std::map<pid_t, int> runs;  // sandboxed commands the broker runs -> their caller's connection
  for (;;) {
    std::vector<struct pollfd> fds = {
        {sigfd, POLLIN, 0}, {requests, POLLIN, 0}, {listener_sock, POLLIN, 0}, {listener, POLLIN, 0}, {s.listen_fd, POLLIN, 0}};
    for (const auto& [pid, conn] : runs) fds.push_back({conn, POLLIN, 0});
    if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) break;
    if (fds[2].revents & POLLIN) {
      listener = receive_exec_listener(listener_sock, &killable);
      // Linux 6.6: caller and broker hand over on one CPU (a shorter round trip).
      if (listener >= 0) ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, 1UL);
      close(listener_sock);
      listener_sock = -1;
    } else if (fds[2].revents & (POLLHUP | POLLERR)) {
      close(listener_sock);
      listener_sock = -1;
    }
    if (listener >= 0 && (fds[3].revents & POLLIN)) serve_notification(b, s, listener, killable, agent);
    if (fds[1].revents & POLLIN) serve_request(b, s, requests, runs);
    if (fds[4].revents & POLLIN) {
      int conn = accept4(s.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn >= 0) {
        if (pid_t run = start_broker_run(s.run, conn); run > 0) runs[run] = conn;
      }
    }
    // A caller passes on a signal (one byte), or went away: its run is stopped.
    for (size_t i = 5; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      for (auto& [pid, conn] : runs) {
        if (conn != fds[i].fd) continue;
        unsigned char sig = 0;
        ssize_t n = recv(conn, &sig, 1, MSG_DONTWAIT);
        if (n == 1 && (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT)) {
          kill(pid, sig);
        } else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
          kill(pid, SIGTERM);
          close(conn);
          conn = -1;
        }
      }
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info;
      while (read(sigfd, &info, sizeof info) == sizeof info) {
      }
    }
    // Orphans of the tree are ours (subreaper); the agent's status is the session's.
    int status = 0;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
      if (p == agent) code = status_code(status);
      if (auto run = runs.find(p); run != runs.end()) {
        if (run->second >= 0) finish_broker_run(run->second, status_code(status));
        runs.erase(run);
      }
    }
    if (code >= 0) break;
    if (p < 0 && errno == ECHILD) break;
  }
  return code >= 0 ? code : 1;
}

}  // namespace vg::cli
