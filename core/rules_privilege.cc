// Privilege pack: sudo and root shells, setuid bits, capabilities, sudoers and groups.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"priv.sudo", "privilege", Severity::Medium, "Runs a command as root.",
     "Run it without sudo if it does not need root.", "privilege"},
    {"priv.root-shell", "privilege", Severity::High, "Opens an interactive root shell.",
     "Run the single command that needs root with sudo.", "privilege"},
    {"priv.setuid", "privilege", Severity::High, "Sets the setuid/setgid bit, letting anyone run the file as its owner.",
     "Grant the specific capability or use sudo rules.", "privilege"},
    {"priv.setcap", "privilege", Severity::High, "Grants Linux capabilities to a program.", "", "privilege"},
    {"priv.sudoers", "privilege", Severity::High, "Edits sudo rules.", "Use visudo and review the change.", "privilege"},
    {"priv.admin-group", "privilege", Severity::High, "Adds a user to an administrator group (sudo, wheel, docker...).",
     "", "privilege"},
    {"priv.account-change", "privilege", Severity::High, "Creates or changes user accounts or passwords.", "",
     "privilege"},
    {"priv.container-escape", "privilege", Severity::High,
     "Starts a container with host-level access (--privileged, host root or docker socket mounted).",
     "Drop --privileged and mount only the project.", "privilege"},
    {"priv.nsenter", "privilege", Severity::High, "Enters another process's namespaces (host or container).", "",
     "privilege"},
};

constexpr CommandPattern kPatterns[] = {
    {"priv.setcap", "setcap", ""},
    {"priv.sudoers", "visudo", ""},
    {"priv.account-change", "useradd|adduser|userdel|deluser|chpasswd|vipw|vigr|newusers", ""},
    {"priv.account-change", "passwd", "root"},
    {"priv.account-change", "usermod", "", "-u|-o|--non-unique|-p|--password"},
    {"priv.nsenter", "nsenter", ""},
};

bool admin_group(std::string_view g) {
  return one_of(lower(g), "sudo|wheel|admin|root|docker|lxd|disk|adm|shadow|kvm|libvirt|systemd-journal");
}

// Commands that only look (list, show status, print identity): as root they change
// nothing, so `sudo ls` needs no sandbox. Readers of arbitrary files (cat) are not here:
// as root they read secrets.
bool looks_only(const Cmd& cmd) {
  static const NameSet readers("ls|id|whoami|true|false|df|du|lsof|ss|netstat|journalctl|uptime|free|ps|lsblk|"
                               "blkid|dmesg|lsmod|lspci|lsusb|uname|hostname|groups|w|who|last|pwd|nproc|ip");
  const std::string& p = cmd.program;
  std::string sub = cmd.operand(0);
  if (p == "ip") return sub == "addr" || sub == "a" || sub == "route" || sub == "r" || sub == "link";
  if (p == "systemctl") return one_of(sub, "status|list-*|is-active|is-enabled|is-failed|show|cat");
  if (p == "docker" || p == "podman") return one_of(sub, "ps|images|logs|inspect|info|version|stats");
  if (p == "sudo") {  // sudo with no command: -l, -v, -k, -n true was unwrapped already
    for (const Arg& a : cmd.args)
      if (a.text == "-e" || a.text == "--edit" || a.text == "-s" || a.text == "-i") return false;
    return true;
  }
  return readers.contains(p);
}

}  // namespace

std::span<const Rule> privilege_rules() { return kRules; }

void privilege_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (cmd.privileged) {
    bool shell = (is_shell(p) && cmd.args.empty()) || p == "su" ||
                 (is_shell(p) && cmd.args.size() == 1 && (cmd.args[0].text == "-l" || cmd.args[0].text == "-i" ||
                                                          cmd.args[0].text == "--login"));
    if (shell) rc.hit("priv.root-shell", cmd);
    else rc.hit("priv.sudo", cmd, looks_only(cmd) ? Severity::Low : Severity::Medium);
  } else if (p == "su" || p == "sudo" || p == "doas") {
    // `su`, `su -`, `su root` without -c: a root shell.
    rc.hit("priv.root-shell", cmd);
  }
  if (p == "chmod") {
    auto ops = cmd.operands();
    if (!ops.empty()) {
      const std::string& mode = ops[0]->text;
      bool setid = mode.find("+s") != std::string::npos || mode.find("u+s") != std::string::npos ||
                   mode.find("g+s") != std::string::npos ||
                   (mode.size() == 4 && std::isdigit(static_cast<unsigned char>(mode[0])) && mode[0] != '0' &&
                    mode[0] != '1');
      if (setid) rc.hit("priv.setuid", cmd);
    }
  }
  if (p == "usermod" || p == "gpasswd" || p == "adduser" || p == "addgroup") {
    for (size_t i = 0; i < cmd.args.size(); ++i) {
      const std::string& t = cmd.args[i].text;
      if ((t == "-G" || t == "-aG" || t == "-a" || t == "--groups" || t == "-g") && i + 1 < cmd.args.size()) {
        std::string_view groups = cmd.args[i + 1].text;
        size_t k = 0;
        while (k <= groups.size()) {
          size_t e = groups.find(',', k);
          if (e == std::string_view::npos) e = groups.size();
          if (admin_group(groups.substr(k, e - k))) rc.hit("priv.admin-group", cmd);
          k = e + 1;
        }
      }
    }
    if ((p == "adduser" || p == "gpasswd") && cmd.operands().size() >= 2 && admin_group(cmd.operands().back()->text))
      rc.hit("priv.admin-group", cmd);
  }
  for (const Write& w : writes_of(cmd)) {
    PathInfo pi = rc.path(w.target, cmd);
    if (pi.abs.rfind("/etc/sudoers", 0) == 0) rc.hit("priv.sudoers", cmd);
  }
  if ((p == "docker" || p == "podman" || p == "nerdctl") && (cmd.operand(0) == "run" || cmd.operand(0) == "create" ||
                                                              cmd.operand(0) == "exec")) {
    bool escape = cmd.has_long("privileged") || cmd.has_arg("--pid=host") || cmd.has_arg("--net=host") ||
                  cmd.has_arg("--userns=host");
    for (size_t i = 0; i + 1 < cmd.args.size(); ++i) {
      const std::string& t = cmd.args[i].text;
      std::string v = t.rfind("--volume=", 0) == 0 ? t.substr(9) : (t == "-v" || t == "--volume") ? cmd.args[i + 1].text : "";
      if (v.rfind("/:", 0) == 0 || v.find("docker.sock") != std::string::npos || v.rfind("/etc:", 0) == 0 ||
          v.rfind("/root:", 0) == 0)
        escape = true;
      if (t == "--cap-add" && (cmd.args[i + 1].text == "ALL" || cmd.args[i + 1].text == "SYS_ADMIN")) escape = true;
    }
    if (escape) rc.hit("priv.container-escape", cmd);
  }
  apply_patterns(kPatterns, cmd, rc);
}

}  // namespace vg
