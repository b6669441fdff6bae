#include "core/session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <fstream>
#include <sstream>

namespace vg {
namespace {

constexpr size_t kMaxIdLength = 128;

bool safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

// Field 22 of /proc/PID/stat: start time in clock ticks since boot. The comm field
// (2) may contain spaces and parentheses, so count fields after its last ')'.
std::string process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return "0";
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && (rest >> field); ++i) {
    if (i == 22) return field;
  }
  return "0";
}

// "pts3" for /dev/pts/3, "tty1" for /dev/tty1; "" when there is no controlling terminal.
std::string controlling_terminal_name() {
  int fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return "";
  close(fd);
  // The controlling terminal is the one whose session is ours; the first of the
  // standard fds that is a terminal of our session names it.
  for (int std_fd : {0, 2, 1}) {
    if (!isatty(std_fd)) continue;
    if (tcgetsid(std_fd) != getsid(0)) continue;
    const char* name = ttyname(std_fd);
    if (!name) continue;
    std::string n = name;
    if (n.rfind("/dev/", 0) == 0) n = n.substr(5);
    std::erase(n, '/');
    return sanitize_session_id(n);
  }
  return "tty";
}

}  // namespace

std::string sanitize_session_id(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (out.size() >= kMaxIdLength) break;
    out += safe_char(c) ? c : '_';
  }
  if (out.empty()) return "_";
  if (out[0] == '.') out[0] = '_';
  return out;
}

bool valid_session_id(std::string_view id) {
  return !id.empty() && sanitize_session_id(id) == id;
}

std::string current_session_id() {
  if (const char* env = std::getenv("VG_SESSION"); env && *env) return sanitize_session_id(env);
  std::string tty = controlling_terminal_name();
  if (!tty.empty()) {
    pid_t leader = getsid(0);
    return tty + "-" + std::to_string(leader) + "-" + process_start_time(leader);
  }
  pid_t parent = getppid();
  return "ppid-" + std::to_string(parent) + "-" + process_start_time(parent);
}

}  // namespace vg
