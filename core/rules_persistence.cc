// Persistence pack: things that make code run again later (cron, services, shell
// start-up files, authorized_keys, git hooks, launch agents).
#include <algorithm>

#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"persist.crontab", "persistence", Severity::Medium, "Changes scheduled jobs (crontab).",
     "Review the crontab with crontab -l first.", "persistence"},
    {"persist.crontab-remove", "persistence", Severity::High, "crontab -r deletes all your scheduled jobs.",
     "Use crontab -e to remove specific entries.", "destructive"},
    {"persist.service", "persistence", Severity::Medium, "Enables or installs a service that starts automatically.",
     "", "persistence"},
    {"persist.startup-file", "persistence", Severity::High,
     "Writes to a shell start-up file, so the code runs in every new shell.",
     "Edit the file by hand and review the change.", "persistence"},
    {"persist.autorun-path", "persistence", Severity::High,
     "Writes to a place whose content runs later (cron, systemd, autostart, authorized_keys, git hooks).",
     "Review what will run and when.", "persistence"},
    {"persist.at-job", "persistence", Severity::Medium, "Schedules a command to run later.", "", "persistence"},
    {"persist.launchctl", "persistence", Severity::Medium, "Loads a macOS launch agent or daemon.", "", "persistence"},
};

constexpr CommandPattern kPatterns[] = {
    {"persist.service", "systemctl", "enable|link|preset|reenable|set-default|edit"},
    {"persist.service", "update-rc.d|chkconfig|rc-update", ""},
    {"persist.at-job", "at|batch", ""},
    {"persist.launchctl", "launchctl", "load|bootstrap|enable|submit"},
};

}  // namespace

std::span<const Rule> persistence_rules() { return kRules; }

void persistence_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  // systemd-run starts the command as a unit of its own, outside this session (and later with timers).
  if (p == "systemd-run" || std::find(cmd.wrappers.begin(), cmd.wrappers.end(), "systemd-run") != cmd.wrappers.end())
    rc.hit("persist.service", cmd);
  if (p == "crontab") {
    if (cmd.has_short('r')) rc.hit("persist.crontab-remove", cmd);
    else if (!cmd.has_short('l')) rc.hit("persist.crontab", cmd);
  }
  for (const Write& w : writes_of(cmd)) {
    PathInfo pi = rc.path(w.target, cmd);
    if (is_shell_startup_file(pi.abs, rc.ctx())) rc.hit("persist.startup-file", cmd);
    else if (is_persistence_path(pi.abs, rc.ctx())) rc.hit("persist.autorun-path", cmd);
  }
  // ssh-copy-id and cp/ln into autorun places are covered by writes; `ln -s` too.
  if (p == "ln") {
    auto ops = cmd.operands();
    if (ops.size() >= 2) {
      PathInfo pi = rc.path(*ops.back(), cmd);
      if (is_persistence_path(pi.abs, rc.ctx()) || is_shell_startup_file(pi.abs, rc.ctx()))
        rc.hit("persist.autorun-path", cmd);
    }
  }
  apply_patterns(kPatterns, cmd, rc);
}

}  // namespace vg
