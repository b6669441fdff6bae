// Network install pack: package managers that download and run code, and package removal.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"install.package", "network-install", Severity::Medium,
     "Installs packages from the network; install scripts run with your rights.",
     "Run it in the sandbox, or pin versions and review the lockfile.", "networked-install"},
    {"install.system-package", "network-install", Severity::Medium,
     "Installs system packages from the network.", "Run it in the sandbox or a container first.",
     "networked-install"},
    {"install.run-remote-package", "network-install", Severity::Medium,
     "Downloads a package and runs it immediately (npx, uvx, pipx run, dlx).", "Install a pinned version first.",
     "networked-install"},
    {"install.system-upgrade", "network-install", Severity::Medium, "Upgrades system packages from the network.",
     "Review the upgrade list first.", "networked-install"},
    {"install.remove-package", "network-install", Severity::High, "Removes system packages other software may need.",
     "Simulate first (apt-get -s remove).", "destructive"},
    {"install.remove-essential", "network-install", Severity::Critical,
     "Removes an essential system package (kernel, libc, init, ssh, sudo...), which can break the machine.",
     "Leave essential packages installed.", "destructive"},
    {"install.from-url", "network-install", Severity::Medium, "Installs a package straight from a URL or git repository.",
     "Install a reviewed, pinned release.", "networked-install"},
};

constexpr CommandPattern kPatterns[] = {
    {"install.package", "npm|pnpm|cnpm", "install|i|add|ci|update|upgrade|rebuild|link|exec|x"},
    {"install.package", "yarn", "add|install|upgrade|global|dlx"},
    {"install.package", "bun", "add|install|i|update|x"},
    {"install.package", "pip|pip3|pip2", "install|download|wheel"},
    {"install.package", "pipx", "install|inject|upgrade|upgrade-all"},
    {"install.run-remote-package", "pipx", "run"},
    {"install.package", "uv", "add|sync|tool|pip"},
    {"install.package", "poetry|pdm|hatch", "add|install|update|sync"},
    {"install.package", "pipenv", "install|sync|update"},
    {"install.package", "conda|mamba|micromamba", "install|create|update|upgrade"},
    {"install.package", "gem", "install|update"},
    {"install.package", "bundle|bundler", "install|update|add"},
    {"install.package", "cargo", "install|add|update|binstall"},
    {"install.package", "go", "install|get"},
    {"install.package", "composer", "require|install|update|global"},
    {"install.package", "dotnet", "add|tool"},
    {"install.package", "nuget", "install"},
    {"install.package", "cpan|cpanm", ""},
    {"install.package", "luarocks|opam|cabal|stack|mix|rebar3|deno", "install|add"},
    {"install.package", "helm", "install|upgrade|repo"},
    {"install.package", "vagrant", "plugin"},
    {"install.package", "code|codium|cursor", "", "--install-extension"},
    {"install.run-remote-package", "npx|pnpx|bunx|uvx", ""},
    {"install.run-remote-package", "pnpm|yarn|npm", "dlx|exec|create|init"},
    {"install.system-package", "apt|apt-get|aptitude", "install|reinstall|build-dep|source"},
    {"install.system-upgrade", "apt|apt-get|aptitude", "upgrade|full-upgrade|dist-upgrade|update"},
    {"install.system-package", "dnf|dnf5|yum|microdnf|tdnf|zypper", "install|in|reinstall|groupinstall|localinstall"},
    {"install.system-upgrade", "dnf|dnf5|yum|zypper", "upgrade|update|up|dist-upgrade|dup|distro-sync"},
    {"install.system-package", "apk", "add"},
    {"install.system-upgrade", "apk", "upgrade"},
    {"install.system-package", "brew", "install|reinstall|tap|upgrade"},
    {"install.system-package", "port", "install|upgrade"},
    {"install.system-package", "snap|flatpak", "install|refresh|update"},
    {"install.system-package", "emerge|xbps-install|nix-env|pkg|pkg_add|slackpkg|eopkg|swupd", ""},
    {"install.system-package", "dpkg|rpm", "", "-i|--install|-U|--upgrade"},
    {"install.system-package", "nix", "profile|install"},
    {"install.system-package", "choco|winget|scoop", "install|upgrade"},
    {"install.system-package", "asdf|mise|rtx", "install|plugin"},
    {"install.system-package", "sdk", "install"},
};

constexpr std::string_view kEssential =
    "linux*|kernel*|glibc*|libc6|libc-bin|systemd*|init|sysvinit*|openssh-server|openssh|ssh|openssl|sudo|bash|"
    "coreutils|util-linux|apt|dpkg|rpm|yum|dnf|grub*|base-files|base-passwd|login|passwd|libpam*|pam|"
    "python3|e2fsprogs|mount|busybox|musl|alpine-base|filesystem|shadow|dbus|udev|network-manager|"
    "networkmanager|iproute2|ifupdown|netplan.io|pacman|zypper|tar|gzip";

bool removes_packages(const Cmd& cmd) {
  const std::string& p = cmd.program;
  std::string verb = lower(cmd.operand(0));
  if (p == "apt" || p == "apt-get" || p == "aptitude")
    return verb == "remove" || verb == "purge" || verb == "autoremove";
  if (p == "dnf" || p == "dnf5" || p == "yum" || p == "microdnf" || p == "zypper")
    return verb == "remove" || verb == "erase" || verb == "rm" || verb == "autoremove";
  if (p == "apk") return verb == "del";
  if (p == "pacman") {
    for (const Arg& a : cmd.args)
      if (a.text.size() > 1 && a.text[0] == '-' && a.text[1] == 'R') return true;
    return cmd.has_long("remove");
  }
  if (p == "snap" || p == "flatpak") return verb == "remove" || verb == "uninstall";
  if (p == "dpkg") return cmd.has_short('r') || cmd.has_short('P') || cmd.has_long("purge") || cmd.has_long("remove");
  if (p == "rpm") return cmd.has_short('e') || cmd.has_long("erase");
  if (p == "brew" || p == "port") return verb == "uninstall" || verb == "remove" || verb == "rm";
  if (p == "emerge") return cmd.has_short('C') || cmd.has_long("unmerge") || cmd.has_long("depclean");
  return false;
}

}  // namespace

std::span<const Rule> install_rules() { return kRules; }

void install_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (cmd.has_long("help") || cmd.has_long("version") || cmd.has_arg("-h")) return;
  if (removes_packages(cmd)) {
    auto ops = cmd.operands();
    bool essential = false;
    for (size_t i = 0; i < ops.size(); ++i)
      if (one_of(lower(ops[i]->text), kEssential)) essential = true;
    rc.hit(essential ? "install.remove-essential" : "install.remove-package", cmd);
    return;
  }
  if (p == "pacman") {
    for (const Arg& a : cmd.args)
      if (a.text.size() > 1 && a.text[0] == '-' && (a.text[1] == 'S' || a.text[1] == 'U') &&
          a.text.find_first_of("sigl", 2) == std::string::npos)
        rc.hit("install.system-package", cmd);
    return;
  }
  if ((p == "python" || p.rfind("python3", 0) == 0) && cmd.has_arg("-m")) {
    const Arg* m = cmd.option_value("-m");
    if (m && (m->text == "pip" || m->text == "ensurepip") &&
        (cmd.has_arg("install") || cmd.has_arg("download")))
      rc.hit("install.package", cmd);
    return;
  }
  if (p == "pip" || p == "pip3" || p == "npm" || p == "cargo" || p == "go" || p == "gem") {
    for (const Arg* a : cmd.operands()) {
      const std::string& t = a->text;
      if (t.rfind("git+", 0) == 0 || t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0)
        rc.hit("install.from-url", cmd);
    }
  }
  apply_patterns(kPatterns, cmd, rc);
}

}  // namespace vg
