#include "cli/prompt.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "core/hook_answer.h"
#include "core/trust_store.h"

namespace vg::cli {
namespace {

constexpr int kAttempts = 3;

void say(int fd, const std::string& s) { (void)!::write(fd, s.data(), s.size()); }

int prompt_timeout_ms() {
  int s = 120;
  if (const char* t = std::getenv("VG_PROMPT_TIMEOUT"); t && std::atoi(t) > 0) s = std::atoi(t);
  return s * 1000;
}

// One line from the terminal; false on timeout, end of input or error.
bool read_answer(int fd, std::string& out) {
  out.clear();
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, prompt_timeout_ms()) != 1) return false;
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    out.append(buf, size_t(n));
    if (out.find('\n') != std::string::npos) {
      out.erase(out.find('\n'));
      return true;
    }
  }
}

std::string question(bool can_remember) {
  return can_remember ? "   Run it? [y] once, [r] and remember, [s] in the sandbox, [N] no: "
                      : "   Run it? [y] once, [s] in the sandbox, [N] no: ";
}

}  // namespace

bool parse_reply(const std::string& typed, bool can_remember, Reply& out) {
  std::string a;
  for (char c : typed) {
    if (c != ' ' && c != '\t' && c != '\r') a += char(std::tolower(static_cast<unsigned char>(c)));
  }
  if (a.empty() || a == "n" || a == "no") out = Reply::No;
  else if (a == "y" || a == "yes") out = Reply::Once;
  else if (a == "s") out = Reply::Sandbox;
  else if (a == "r" && can_remember) out = Reply::Remember;
  else return false;
  return true;
}

Reply ask_to_run(const std::string& line, const Decision& d, bool can_remember,
                 const std::vector<std::string>& notes) {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Reply::No;
  std::string text = fmt::format("\n⚠️  vectra-guard: {} risk: {}\n", to_string(d.risk), line);
  for (const Finding& f : d.findings) text += fmt::format("   - {}\n", hook_strip_period(f.reason));
  for (const std::string& n : notes) text += "   " + n + "\n";

  // The shell's line editor may have left the terminal raw: answer in cooked mode.
  termios saved{};
  bool have_saved = ::tcgetattr(fd, &saved) == 0;
  if (have_saved) {
    termios cooked = saved;
    cooked.c_lflag |= ICANON | ECHO | ECHONL;
    cooked.c_iflag |= ICRNL;
    ::tcsetattr(fd, TCSANOW, &cooked);
  }
  // Whatever was typed before the question (the next command, typed ahead) is not an
  // answer: dropped before the question shows, so a quick answer to it is kept.
  ::tcflush(fd, TCIFLUSH);
  say(fd, text + question(can_remember));
  Reply reply = Reply::No;
  std::string typed;
  bool answered = false;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (!read_answer(fd, typed)) {
      say(fd, "\n");
      break;
    }
    if (parse_reply(typed, can_remember, reply)) {
      answered = true;
      break;
    }
    if (attempt + 1 < kAttempts) {
      say(fd, fmt::format("   Please answer {} (Enter = no).\n{}",
                          can_remember ? "y, r, s or n" : "y, s or n", question(can_remember)));
    }
  }
  if (!answered) reply = Reply::No;
  if (have_saved) ::tcsetattr(fd, TCSANOW, &saved);
  ::close(fd);
  return reply;
}

bool can_remember(const Analysis& a, const Decision& d) {
  return d.risk != Severity::Critical && !trust_text(a).empty();
}

bool remember_line(const Analysis& a, const Decision& d, const std::string& workspace, std::string& notice) {
  std::string text = trust_text(a);
  if (text.empty() || d.risk == Severity::Critical) {
    notice = "vectra-guard: this command cannot be remembered; it ran once.";
    return false;
  }
  TrustEntry e;
  e.command = text;
  e.key = trust_key(text);
  e.created = std::time(nullptr);
  e.scope = workspace;
  e.note = "remembered at a prompt";
  try {
    TrustStore(TrustStore::default_path()).add(e);
  } catch (const TrustError& err) {
    notice = fmt::format("vectra-guard: not remembered: {}", err.what());
    return false;
  }
  notice = "vectra-guard: remembered; it will run without asking here.";
  return true;
}

}  // namespace vg::cli
