// Filesystem pack: deleting, shredding, truncating, moving away and re-permissioning
// files, judged by what the paths point at (root, system, home, workspace, temp).
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"fs.delete-root", "filesystem", Severity::Critical, "Deletes the root filesystem or everything in it.",
     "Delete only the specific project files you mean, by relative path.", "destructive", true},
    {"fs.delete-system", "filesystem", Severity::Critical,
     "Recursively or forcibly deletes system files the machine needs to run.",
     "Leave system directories to the package manager.", "destructive"},
    {"fs.delete-system-file", "filesystem", Severity::High, "Deletes a file in a system directory.",
     "Use the package manager or edit a copy in the project.", "destructive"},
    {"fs.delete-home", "filesystem", Severity::Critical,
     "Deletes files in your home directory, outside the project: they cannot be recovered.",
     "Move them to the trash (gio trash / trash-put) or delete inside the project only.", "destructive", true},
    {"fs.delete-home-rebuildable", "filesystem", Severity::High,
     "Deletes a build output or cache directory in your home, outside the project.",
     "Check the path; delete it from inside its own project.", "destructive", true},
    {"fs.delete-outside", "filesystem", Severity::Critical,
     "Recursively or forcibly deletes an absolute path outside the project and temp directories.",
     "Delete inside the project, or move the files to the trash.", "destructive", true},
    {"fs.delete-outside-file", "filesystem", Severity::High,
     "Deletes a file outside the project and temp directories.", "Move the file to the trash instead.",
     "destructive", true},
    {"fs.delete-unknown", "filesystem", Severity::High,
     "Recursively deletes a path only known at run time: an empty or wrong variable can hit / or home.",
     "Check the variable first (${VAR:?}) or use a literal relative path.", "destructive", true},
    {"fs.delete-unknown-file", "filesystem", Severity::Medium,
     "Deletes a path that is only known at run time.", "Use a literal relative path.", "destructive", true},
    {"fs.delete-workspace", "filesystem", Severity::Medium,
     "Recursively deletes the whole project directory.", "Delete the specific build outputs instead.",
     "destructive", true},
    {"fs.delete-git-dir", "filesystem", Severity::High, "Deletes the repository's .git directory and its history.",
     "Keep .git; use git clean for untracked files.", "destructive", true},
    {"fs.delete-temp-root", "filesystem", Severity::Medium,
     "Deletes a whole temp directory, including other programs' files.", "Delete your own temp files only.",
     "destructive"},
    {"fs.mv-devnull", "filesystem", Severity::Critical, "Moving a file onto /dev/null destroys it.",
     "Delete it explicitly, or move it to the trash.", "destructive", true},
    {"fs.mv-system", "filesystem", Severity::Critical, "Moves a system directory away, which breaks the machine.",
     "Leave system directories in place.", "destructive"},
    {"fs.mv-home", "filesystem", Severity::High, "Moves your home directory or a top folder of it.",
     "Move the specific files you mean.", "destructive"},
    {"fs.shred", "filesystem", Severity::Medium, "shred overwrites files so they can never be recovered.",
     "Delete normally, or keep a backup first.", "destructive", true},
    {"fs.chmod-system", "filesystem", Severity::Critical,
     "Recursively changes ownership or permissions of system directories, which breaks the machine.",
     "Change only the specific files that need it.", "destructive"},
    {"fs.chmod-home", "filesystem", Severity::High,
     "Recursively changes ownership or permissions of your home or its top folders.",
     "Change only the specific files that need it.", "destructive"},
    {"fs.chmod-system-file", "filesystem", Severity::High,
     "Changes ownership or permissions of system files.", "Leave system file permissions to the package manager.",
     "destructive"},
    {"fs.chmod-world-writable", "filesystem", Severity::Medium,
     "Makes files outside the project writable by everyone.", "Grant the narrowest permission needed.", ""},
    {"fs.overwrite-auth", "filesystem", Severity::Critical,
     "Overwrites an authentication or boot file (passwd, shadow, sudoers, fstab, /boot...).",
     "Edit a copy and review it; use visudo or vipw for account files.", "destructive"},
    {"fs.append-auth", "filesystem", Severity::High, "Appends to an authentication or boot file.",
     "Use visudo/vipw or the distribution's tools.", "privilege"},
    {"fs.write-system", "filesystem", Severity::High, "Writes into a system directory.",
     "Write inside the project, or use the package manager.", ""},
    {"fs.rsync-delete", "filesystem", Severity::Medium,
     "rsync --delete removes files at the destination that the source does not have.",
     "Run with --dry-run first.", "destructive", true},
    {"fs.rsync-delete-outside", "filesystem", Severity::Critical,
     "rsync --delete into a system or home directory can wipe it.", "Sync into a project or temp directory.",
     "destructive"},
    {"fs.extract-over", "filesystem", Severity::Medium,
     "Unpacks an archive over your home or a system directory, replacing files there.",
     "Unpack into the project or a temp dir and look first.", "destructive"},
    {"fs.windows-delete", "filesystem", Severity::Critical,
     "Windows recursive/forced delete (del /s, rd /s, Remove-Item -Recurse) of a drive or folder.",
     "Delete specific files inside the project.", "destructive", true},
};

// A path below the home whose name says it can be rebuilt or re-downloaded
// (~/code/app/build, ~/.npm/_cacache): losing it costs time, not data.
bool rebuildable_in_home(const PathInfo& pi, const AnalyzeContext& ctx) {
  static const NameSet names(
      "build|builds|dist|out|target|node_modules|.next|.nuxt|__pycache__|.pytest_cache|.mypy_cache|.tox|.venv|"
      "venv|.gradle|caches|cache|Caches|.cache|_cacache|.npm|.yarn|.pnpm-store|.m2|.cargo|DerivedData|"
      "coverage|.turbo|.parcel-cache|cmake-build-*|_build|.build");
  if (ctx.home.empty() || pi.dynamic || pi.abs.size() <= ctx.home.size() + 1) return false;
  std::string_view rest = std::string_view(pi.abs).substr(ctx.home.size() + 1);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    if (names.contains(rest.substr(0, slash))) return true;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return false;
}

bool is_git_dir(const PathInfo& pi) {
  return pi.abs.size() >= 5 && pi.abs.compare(pi.abs.size() - 5, 5, "/.git") == 0;
}

// No risk to the machine, but the project loses what was there.
std::string_view in_project_loss(const Cmd& cmd) {
  if (cmd.program == "truncate") return "Truncates files in the project.";
  if (cmd.program == "shred" || cmd.program == "srm" || cmd.program == "wipe") return "Overwrites files in the project.";
  return "Deletes files in the project.";
}

// Deleting one path: recursive_or_forced widens what counts as destructive.
void judge_delete(const Arg& a, const Cmd& cmd, bool recursive, bool forced, RuleContext& rc) {
  PathInfo pi = rc.path(a, cmd);
  bool wide = recursive || forced || a.subtree;
  if (is_auth_or_boot_file(pi.abs)) {
    rc.hit("fs.delete-system", cmd);
    return;
  }
  switch (pi.cls) {
    case PathClass::Root: rc.hit("fs.delete-root", cmd); break;
    case PathClass::System:
    case PathClass::Device:
      rc.hit(wide ? "fs.delete-system" : "fs.delete-system-file", cmd);
      break;
    case PathClass::HomeRoot:
    case PathClass::HomeTop:
    case PathClass::Home:
      rc.hit(rebuildable_in_home(pi, rc.ctx()) ? "fs.delete-home-rebuildable" : "fs.delete-home", cmd);
      break;
    case PathClass::Other: rc.hit(wide ? "fs.delete-outside" : "fs.delete-outside-file", cmd); break;
    case PathClass::Unknown:
      if (recursive || a.subtree) rc.hit(pi.fully_unknown ? "fs.delete-unknown" : "fs.delete-unknown-file", cmd);
      else rc.hit("fs.delete-unknown-file", cmd);
      break;
    case PathClass::WorkspaceRoot:
      // find -delete / -exec narrow with filters; rm -r . or rm -rf * takes everything.
      if (recursive && cmd.via.rfind("find", 0) != 0) rc.hit("fs.delete-workspace", cmd);
      rc.data_loss(in_project_loss(cmd));
      break;
    case PathClass::Workspace:
      if (is_git_dir(pi) && (recursive || a.subtree)) rc.hit("fs.delete-git-dir", cmd);
      rc.data_loss(in_project_loss(cmd));
      break;
    case PathClass::TempRoot:
      if (recursive && cmd.via.rfind("find", 0) != 0) rc.hit("fs.delete-temp-root", cmd);
      break;
    default: break;
  }
}

void check_rm(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  bool recursive = cmd.has_flag('r', "recursive") || cmd.has_short('R') || p == "rmtree";
  bool forced = cmd.has_flag('f', "force") || cmd.has_long("no-preserve-root");
  if (p == "shred" || p == "srm" || p == "wipe") {
    forced = true;
    recursive = recursive || p != "shred";
  }
  if (p == "rmdir") forced = false;
  for (const Arg* a : cmd.operands()) {
    if (p == "rmdir") {
      PathInfo pi = rc.path(*a, cmd);
      if (pi.cls == PathClass::Root || pi.cls == PathClass::System) rc.hit("fs.delete-system-file", cmd);
      continue;
    }
    judge_delete(*a, cmd, recursive, forced, rc);
    if (p == "shred") {
      PathInfo pi = rc.path(*a, cmd);
      if (pi.cls == PathClass::Unknown) rc.hit("fs.shred", cmd);  // in the project: data loss only
    }
  }
}

void check_truncate(const Cmd& cmd, RuleContext& rc) {
  for (size_t i = 0; i < cmd.args.size(); ++i) {
    const Arg& a = cmd.args[i];
    if (a.text == "-s" || a.text == "--size" || a.text == "-r" || a.text == "--reference") {
      ++i;
      continue;
    }
    if (!a.text.empty() && a.text[0] == '-') continue;
    judge_delete(a, cmd, false, false, rc);
  }
}

void check_mv(const Cmd& cmd, RuleContext& rc) {
  auto ops = cmd.operands();
  if (ops.size() < 2) return;
  PathInfo dest = rc.path(*ops.back(), cmd);
  if (dest.abs == "/dev/null") rc.hit("fs.mv-devnull", cmd);
  for (size_t i = 0; i + 1 < ops.size(); ++i) {
    PathInfo src = rc.path(*ops[i], cmd);
    if (src.cls == PathClass::Root) rc.hit("fs.mv-system", cmd);
    if (src.cls == PathClass::System) {
      bool top = src.abs.find('/', 1) == std::string::npos || src.abs.rfind("/usr/", 0) == 0 ||
                 src.abs.rfind("/etc/", 0) == 0;
      rc.hit(top ? "fs.mv-system" : "fs.delete-system-file", cmd);
    }
    if (src.cls == PathClass::HomeRoot || src.cls == PathClass::HomeTop) rc.hit("fs.mv-home", cmd);
  }
}

void check_chmod(const Cmd& cmd, RuleContext& rc) {
  bool recursive = cmd.has_short('R') || cmd.has_long("recursive");
  auto ops = cmd.operands();
  if (ops.empty()) return;
  bool world = false;
  size_t first = 1;
  if (cmd.has_long("reference")) first = 0;
  if (cmd.program == "chmod") {
    const std::string& mode = ops[0]->text;
    world = mode == "777" || mode == "666" || mode == "0777" || mode.find("o+w") != std::string::npos ||
            mode.find("a+w") != std::string::npos;
  }
  if (cmd.program == "setfacl") first = 0;
  for (size_t i = first; i < ops.size(); ++i) {
    PathInfo pi = rc.path(*ops[i], cmd);
    switch (pi.cls) {
      case PathClass::Root:
        rc.hit(recursive ? "fs.chmod-system" : "fs.chmod-system-file", cmd);
        break;
      case PathClass::System:
      case PathClass::Device: rc.hit(recursive ? "fs.chmod-system" : "fs.chmod-system-file", cmd); break;
      case PathClass::HomeRoot:
      case PathClass::HomeTop:
        if (recursive) rc.hit("fs.chmod-home", cmd);
        else if (world) rc.hit("fs.chmod-world-writable", cmd);
        break;
      case PathClass::Unknown:
        if (recursive && pi.fully_unknown) rc.hit("fs.chmod-home", cmd, Severity::Medium);
        break;
      case PathClass::Home:
      case PathClass::Other:
        if (world || recursive) rc.hit("fs.chmod-world-writable", cmd);
        break;
      default: break;
    }
  }
}

void check_writes(const Cmd& cmd, RuleContext& rc) {
  for (const Write& w : writes_of(cmd)) {
    PathInfo pi = rc.path(w.target, cmd);
    bool edit = cmd.program == "sed" || cmd.program == "perl";  // in-place edit, not a wipe
    if (is_auth_or_boot_file(pi.abs)) {
      rc.hit(w.append || edit ? "fs.append-auth" : "fs.overwrite-auth", cmd);
    } else if (pi.cls == PathClass::System && !is_shell_startup_file(pi.abs, rc.ctx()) &&
               !is_persistence_path(pi.abs, rc.ctx()) && !is_log_or_history(pi.abs, rc.ctx())) {
      rc.hit("fs.write-system", cmd);
    } else if (pi.cls == PathClass::Root) {
      rc.hit("fs.write-system", cmd);
    }
  }
}

void check_rsync(const Cmd& cmd, RuleContext& rc) {
  if (!(cmd.has_long("delete") || cmd.has_long("delete-before") || cmd.has_long("delete-after") ||
        cmd.has_long("delete-during") || cmd.has_long("delete-excluded") || cmd.has_long("remove-source-files")))
    return;
  auto ops = cmd.operands();
  if (!ops.empty()) {
    PathInfo dest = rc.path(*ops.back(), cmd);
    if (dest.cls == PathClass::Root || dest.cls == PathClass::System || dest.cls == PathClass::HomeRoot ||
        dest.cls == PathClass::HomeTop) {
      rc.hit("fs.rsync-delete-outside", cmd);
      return;
    }
  }
  rc.hit("fs.rsync-delete", cmd);
}

void check_extract(const Cmd& cmd, RuleContext& rc) {
  const Arg* dir = nullptr;
  if (cmd.program == "tar" && (cmd.has_short('x') || cmd.has_long("extract") || cmd.has_long("get") ||
                               (!cmd.args.empty() && cmd.args[0].text.find('x') != std::string::npos &&
                                cmd.args[0].text[0] != '-'))) {
    dir = cmd.option_value("-C");
    if (!dir) dir = cmd.option_value("--directory");
  } else if (cmd.program == "unzip") {
    dir = cmd.option_value("-d");
  }
  if (!dir) return;
  Arg d = *dir;
  if (d.text.rfind("--directory=", 0) == 0) d = drop_prefix(d, 12);
  PathClass c = rc.path(d, cmd).cls;
  if (c == PathClass::Root || c == PathClass::System || c == PathClass::HomeRoot || c == PathClass::HomeTop ||
      c == PathClass::Other)
    rc.hit("fs.extract-over", cmd);
}

void check_windows(const Cmd& cmd, RuleContext& rc) {
  std::string p = lower(cmd.program);
  bool recursive = false, drive = false;
  for (const Arg& a : cmd.args) {
    std::string t = lower(a.text);
    if (t == "/s" || t == "/q" || t == "-recurse" || t == "-force" || t == "/f") recursive = true;
    if (t.size() >= 2 && t[1] == ':' && std::isalpha(static_cast<unsigned char>(t[0]))) drive = true;
  }
  if ((p == "del" || p == "erase" || p == "rd" || p == "remove-item" || p == "ri") && (recursive || drive))
    rc.hit("fs.windows-delete", cmd);
  if (p == "rmdir" && recursive) rc.hit("fs.windows-delete", cmd);
}

}  // namespace

std::span<const Rule> filesystem_rules() { return kRules; }

void filesystem_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (p == "rm" || p == "unlink" || p == "shred" || p == "srm" || p == "wipe" || p == "rmdir") check_rm(cmd, rc);
  else if (p == "truncate") check_truncate(cmd, rc);
  else if (p == "mv") check_mv(cmd, rc);
  else if (p == "chmod" || p == "chown" || p == "chgrp" || p == "setfacl") check_chmod(cmd, rc);
  else if (p == "rsync") check_rsync(cmd, rc);
  check_windows(cmd, rc);
  check_extract(cmd, rc);
  check_writes(cmd, rc);
}

}  // namespace vg
