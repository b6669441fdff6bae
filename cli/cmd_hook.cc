// `vectra-guard hook SHELL -- LINE`: the shell hooks' one call per typed line.
// Answers on stdout: the first line is the verdict (run | sandbox | block | incomplete),
// any further lines are a notice the hook prints on stderr when it carries the verdict
// out. Questions go to /dev/tty, never to the command's stdin.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hook_agents.h"
#include "cli/output.h"
#include "core/fd_io.h"
#include "cli/prompt.h"
#include "core/audit_log.h"
#include "core/binary_identity.h"
#include "core/config.h"
#include "core/hook_answer.h"
#include "core/nul_fields.h"
#include "core/shell_defs_json.h"
#include "core/shell_defs_serve.h"
#include "core/session.h"
#include "core/shell_hook.h"
#include "core/trust_store.h"

namespace vg::cli {
namespace {

struct HookOptions {
  std::string shell;
  std::string line;
  bool final = false;
  bool have_line = false;
  bool serve = false;  // answer many lines on stdin (the bash hook's coprocess)
  std::string fifo_dir;  // --serve over DIR/req and DIR/resp (the fish hook)
  std::vector<std::string> end;  // --end ID STATUS MS: a host line's end record
  std::string toggle;            // --toggle off|on: `vectra-guard off`/`on` typed in the shell
};

bool parse_hook_args(const Args& args, HookOptions& o, bool& help) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      help = true;
      return true;
    } else if (a == "--final") {
      o.final = true;
    } else if (a == "--serve") {
      o.serve = true;
    } else if (a == "--end" && i + 3 < args.size()) {
      o.end.assign(args.begin() + long(i) + 1, args.begin() + long(i) + 4);
      i += 3;
    } else if (a == "--toggle" && i + 1 < args.size() && (args[i + 1] == "off" || args[i + 1] == "on")) {
      o.toggle = args[++i];
    } else if (a == "--fifo") {
      if (i + 1 >= args.size() || args[i + 1].empty()) {
        print_error("hook: --fifo needs a directory holding the req and resp FIFOs.");
        return false;
      }
      o.fifo_dir = args[++i];
    } else if (a == "--") {
      if (i + 2 != args.size()) {
        print_error("hook takes exactly one line after '--'; quote it as one argument.");
        return false;
      }
      o.line = args[i + 1];
      o.have_line = true;
      break;
    } else if (o.shell.empty() && !a.empty() && a[0] != '-') {
      o.shell = a;
    } else {
      print_error(fmt::format("hook: unexpected argument '{}'; see 'vectra-guard help hook'.", a));
      return false;
    }
  }
  return true;
}

// The hook's answer for one line (see core/hook_answer.h): asked on the terminal here,
// the only caller that may read it.
std::string answer(const Global& g, const std::string& shell, const std::string& line, bool final) {
  // The definitions the server looked up for this line, handed over by the hook.
  std::optional<RecordedDefinitions> defs;
  if (const char* env = std::getenv("VG_HOOK_DEFS")) {
    DefsRecord rec;
    std::string error;
    if (*env != '\0' && !defs_from_json(env, rec, &error))
      return hook_answer_refused(shell, line, fmt::format(
          "the shell's definitions in $VG_HOOK_DEFS could not be read ({}), so the line was not judged", error));
    defs.emplace(std::move(rec));
  }
  HookEvaluation ev = hook_evaluate(g.config_file, line, final, shell, defs ? &*defs : nullptr);
  HookResult& r = ev.result;
  std::string reply;
  if (r.action == HookAction::Ask) {
    bool remember_ok = can_remember(r.analysis, r.decision);
    switch (ask_to_run(line, r.decision, remember_ok)) {
      case Reply::Once: r.action = HookAction::Run; reply = "host"; break;
      case Reply::Remember: {
        r.action = HookAction::Run;
        reply = "host";
        std::string n;
        remember_line(r.analysis, r.decision, ev.ctx.workspace, n);
        ev.notice += (ev.notice.empty() ? "" : "\n") + n;
        break;
      }
      case Reply::Sandbox: r.action = HookAction::Sandbox; reply = "sandbox"; break;
      case Reply::No: r.action = HookAction::Block; reply = "no"; break;
    }
  }
  return hook_finish(shell, line, ev, reply);
}

volatile sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

// A private FIFO pair for the fish hook in DIR, which must be ours and 0700. The server
// makes DIR/req and DIR/resp itself, opens both read-write (so it never sees an end of
// input between requests, and a write never fails for want of a reader) and only then
// renames them into place: for the shell, DIR/req existing means someone is reading it.
bool open_fifos(const std::string& dir, int& in, int& out) {
  struct stat st{};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 077) != 0) {
    print_error(fmt::format("hook --serve --fifo: {} is not a private (0700) directory of ours; the shell falls back to one process per line.", dir));
    return false;
  }
  auto make_fifo = [&](const char* name) {
    std::string path = dir + "/" + name + ".new";
    ::unlink(path.c_str());
    if (::mkfifo(path.c_str(), 0600) != 0) return -1;
    int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    struct stat fs{};
    if (fd >= 0 && (::fstat(fd, &fs) != 0 || !S_ISFIFO(fs.st_mode) || fs.st_uid != ::getuid())) {
      ::close(fd);
      fd = -1;
    }
    return fd;
  };
  out = make_fifo("resp");
  in = make_fifo("req");
  if (in < 0 || out < 0 || ::rename((dir + "/resp.new").c_str(), (dir + "/resp").c_str()) != 0 ||
      ::rename((dir + "/req.new").c_str(), (dir + "/req").c_str()) != 0) {
    print_error(fmt::format("hook --serve --fifo: cannot make the FIFOs in {}; the shell falls back to one process per line.", dir));
    return false;
  }
  return true;
}

// An end report "STATUS MS" for start record REF: appended, never answered.
void record_end(const std::string& ref, const std::string& report) {
  int status = std::atoi(report.c_str());
  size_t space = report.find(' ');
  long long ms = space == std::string::npos ? 0 : std::atoll(report.c_str() + space + 1);
  hook_record_end(ref, status, ms);
}

// Server mode: requests are FINAL\0CWD\0LINE\0 ("1"/"0" for --final), each answered by
// the answer text and a NUL, after any lookup rounds (core/shell_defs.h); "end\0REF\0STATUS MS\0" (a host line's status, reported at
// the next prompt) is recorded and not answered. One process per shell instead of one per line.
// Bash and zsh talk to it as a coprocess (stdin/stdout). With --fifo DIR (fish, which has
// no coprocesses) requests are ID\0FINAL\0CWD\0LINE\0 on DIR/req and each answer starts
// with "ID\n" on DIR/resp, so a shell interrupted between the two never takes an old
// answer for a new line; the server ends (and removes the FIFOs and DIR) when the shell
// that started it is gone.
int serve(const Global& g, const std::string& shell, const std::string& fifo_dir) {
  int in = 0, out = 1;
  pid_t parent = ::getppid();
  if (!fifo_dir.empty()) {
    if (!open_fifos(fifo_dir, in, out)) {
      for (const char* f : {"/req", "/resp", "/req.new", "/resp.new"}) ::unlink((fifo_dir + f).c_str());
      ::rmdir(fifo_dir.c_str());
      return kExitError;
    }
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    struct sigaction sa{};
    sa.sa_handler = on_stop_signal;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGHUP, &sa, nullptr);
    ::signal(SIGINT, SIG_IGN);
    if (::getppid() != parent) g_stop = 1;
  }
  auto stop = [&] { return g_stop != 0 || (!fifo_dir.empty() && ::getppid() != parent); };
  // The binary this server runs: replaced or removed later, lines are refused.
  SelfIdentity self;
  self.start(g.argv0);
  FieldReader reader(in);
  ServeDefinitions defs(reader, out, stop);
  std::string id, final, cwd, line;
  auto get = [&](std::string& f) { return !stop() && reader.next(f, stop); };
  while ((fifo_dir.empty() || get(id)) && get(final) && get(cwd) && get(line)) {
    if (final == "end") {
      record_end(cwd, line);
      continue;
    }
    std::string reply = fifo_dir.empty() ? "" : id + "\n";
    if (::chdir(cwd.c_str()) != 0) {
      reply += "block\nvectra-guard: cannot enter " + cwd + "; the line was not run.\n";
    } else if (self.replaced() && !runs_without_guard(line)) {
      reply += hook_answer_refused(shell, line, kBinaryReplaced);
    } else {
      setenv("PWD", cwd.c_str(), 1);
      defs.new_line(reply);
      HookEvaluation ev = hook_evaluate(g.config_file, line, final == "1", shell, &defs);
      // The shell moved on to its next line: an answer now would be read as that
      // line's. Nothing ran (the shell waits for an answer before running anything).
      if (defs.abandoned()) continue;
      if (defs.failed().empty()) {
        reply += hook_finish(shell, line, ev, "");
      } else {
        // Judged without knowing what a word names: fail closed for this line.
        reply += hook_answer_refused(shell, line, defs.failed() + ", so the line was not run");
      }
    }
    reply += '\0';
    if (!write_all(out, reply)) break;
  }
  if (!fifo_dir.empty()) {
    ::unlink((fifo_dir + "/req").c_str());
    ::unlink((fifo_dir + "/resp").c_str());
    ::rmdir(fifo_dir.c_str());
  }
  return kExitOk;
}

}  // namespace

int cmd_hook(const Global& g, const Args& args) {
  // Agent adapters (claude-code, cursor) live in cli/hook_agents.cc (issue 5): JSON on stdin.
  if (!args.empty() && args[0] == "claude-code") return hook_claude_code(g);
  if (!args.empty() && args[0] == "cursor") return hook_cursor(g);
  HookOptions o;
  bool help = false;
  if (!parse_hook_args(args, o, help)) return kExitError;
  if (help) {
    print_help("hook");
    return kExitOk;
  }
  if (o.shell != "bash" && o.shell != "zsh" && o.shell != "fish") {
    print_error("hook needs a shell or agent: vectra-guard hook bash|zsh|fish -- LINE, or hook claude-code|cursor < event.json.");
    return kExitError;
  }
  if (!o.end.empty()) {
    record_end(o.end[0], o.end[1] + " " + o.end[2]);
    return kExitOk;
  }
  if (!o.toggle.empty()) {
    // Refused (exit 126) in an agent session unless the config allows it; the hook then
    // stays on.
    std::string refusal;
    if (!hook_record_toggle(g.config_file, o.shell, o.toggle == "off", &refusal)) {
      std::fprintf(stderr, "%s\n", refusal.c_str());
      return kExitBlocked;
    }
    return kExitOk;
  }
  if (!o.have_line && !o.serve) {
    print_error("hook needs the line after '--': vectra-guard hook bash -- 'ls -la'.");
    return kExitError;
  }

  if (o.serve) return serve(g, o.shell, o.fifo_dir);
  if (!o.fifo_dir.empty()) {
    print_error("hook: --fifo goes with --serve: vectra-guard hook fish --serve --fifo DIR.");
    return kExitError;
  }
  std::string out = answer(g, o.shell, o.line, o.final);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace vg::cli
