// Process and system pack: shutdown and reboot, killing init or every process,
// stopping core services, kernel switches.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"system.shutdown", "process", Severity::Critical, "Shuts down or reboots the machine.",
     "Schedule it deliberately outside the agent session.", "destructive"},
    {"system.kill-all", "process", Severity::Critical, "Kills every process you can signal, or init itself.",
     "Kill the specific process by PID.", "destructive"},
    {"system.kill-core", "process", Severity::Critical, "Kills a core system process (init, systemd, sshd...).",
     "Restart the service through systemctl instead.", "destructive"},
    {"system.stop-core-service", "process", Severity::Critical,
     "Stops a core service (networking, ssh, systemd, dbus), which can cut off the machine.",
     "Use systemctl restart, or stop only the service you own.", "destructive"},
    {"system.stop-service", "process", Severity::Low, "Stops or disables a system service.", "", ""},
    {"system.kill-by-name", "process", Severity::Low, "Kills processes by name, which may hit unrelated ones.",
     "Kill the specific PID.", ""},
    {"system.sysrq", "process", Severity::Critical, "Writes to the kernel's sysrq trigger or kernel switches.", "",
     "destructive"},
    {"system.kernel-module", "process", Severity::High, "Loads or removes kernel modules.", "", "privilege"},
    {"system.swapoff", "process", Severity::Medium, "Changes kernel or swap settings for the whole machine.", "", ""},
};

constexpr std::string_view kCoreProcesses =
    "init|systemd|sshd|ssh|dbus|dbus-daemon|networkmanager|systemd-*|udevd|journald|launchd|kernel_task|"
    "containerd|dockerd|kubelet|getty|login|xorg|gdm|sddm|lightdm";
constexpr std::string_view kCoreServices =
    "network|networking|networkmanager|network-manager|systemd-networkd|systemd-resolved|ssh|sshd|"
    "openssh-server|systemd|systemd-*|dbus|udev|systemd-udevd|systemd-journald|getty*|"
    "network.target|sshd.service|ssh.service|dbus.service|networking.service|networkmanager.service|"
    "multi-user.target|default.target|basic.target|sysinit.target|containerd|docker|kubelet";

constexpr CommandPattern kPatterns[] = {
    {"system.shutdown", "shutdown|reboot|halt|poweroff|kexec", "", "", "-k|--help|-c"},
    {"system.shutdown", "systemctl", "poweroff|reboot|halt|kexec|rescue|emergency|suspend|hibernate|soft-reboot"},
    {"system.shutdown", "systemctl", "isolate", "", ""},
    {"system.shutdown", "loginctl", "poweroff|reboot|terminate-seat|kill-session|kill-user"},
    {"system.shutdown", "init|telinit", "0|6|1|s|S"},
    {"system.kernel-module", "insmod|rmmod|modprobe", ""},
    {"system.swapoff", "swapoff|sysctl", "", "-a|-w|--write|-p"},
};

}  // namespace

std::span<const Rule> system_rules() { return kRules; }

void system_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  apply_patterns(kPatterns, cmd, rc);
  if (p == "kill") {
    for (const Arg* a : cmd.operands()) {
      const std::string& t = a->text;
      if (t == "1" || t == "-1") rc.hit(t == "1" ? "system.kill-core" : "system.kill-all", cmd);
    }
    for (const Arg& a : cmd.args)
      if (a.text == "-1" && &a != &cmd.args.front()) rc.hit("system.kill-all", cmd);
    // kill -9 -1: the -1 after a signal is a PID, not an option.
    if (cmd.args.size() >= 2 && cmd.args.back().text == "-1") rc.hit("system.kill-all", cmd);
  }
  if (p == "killall" || p == "pkill" || p == "killall5") {
    if (p == "killall5") {
      rc.hit("system.kill-all", cmd);
      return;
    }
    bool core = false;
    for (const Arg* a : cmd.operands())
      if (one_of(lower(a->text), kCoreProcesses)) core = true;
    if (p == "pkill" && (cmd.has_short('u') || cmd.has_short('U')) && cmd.operands().size() <= 1) core = true;
    rc.hit(core ? "system.kill-core" : "system.kill-by-name", cmd);
  }
  if (p == "systemctl" || p == "service") {
    std::string verb = p == "service" ? lower(cmd.operand(1)) : lower(cmd.operand(0));
    std::string unit = p == "service" ? lower(cmd.operand(0)) : lower(cmd.operand(1));
    if (verb == "stop" || verb == "disable" || verb == "mask" || verb == "kill") {
      rc.hit(one_of(unit, kCoreServices) ? "system.stop-core-service" : "system.stop-service", cmd);
    }
  }
  for (const Write& w : writes_of(cmd)) {
    PathInfo pi = rc.path(w.target, cmd);
    if (pi.abs == "/proc/sysrq-trigger" || pi.abs.rfind("/proc/sys/kernel/", 0) == 0 ||
        pi.abs.rfind("/sys/firmware/", 0) == 0 || pi.abs == "/proc/sys/vm/drop_caches")
      rc.hit("system.sysrq", cmd);
  }
}

}  // namespace vg
