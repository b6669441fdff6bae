// `vectra-guard changes list|show|apply|discard`: the change sets a sandboxed run left
// for review (sandbox/review/), looked at and carried over to the project, or dropped.
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/config.h"
#include "sandbox/review/change_apply.h"
#include "sandbox/review/change_diff.h"
#include "sandbox/review/change_flags.h"
#include "sandbox/review/change_set.h"
#include "sandbox/review/change_store.h"

namespace vg::cli {
namespace {

using namespace vg::review;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string age_text(int64_t started_ns) {
  int64_t s = (now_ns() - started_ns) / 1000000000;
  if (s < 0) s = 0;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string shorten(std::string s, size_t max) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s.size() > max ? s.substr(0, max - 3) + "..." : s;
}

// The set's directory for a user-given id, or "" after saying why there is none.
std::string find_set(const std::string& text) {
  auto id = parse_change_set_id(text);
  if (!id) {
    print_error("'" + text + "' is not a change set id; the ids are the numbers 'vectra-guard changes list' shows.");
    return "";
  }
  std::string dir = changes_root(state_dir()) + "/" + std::to_string(*id);
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    print_error("there is no change set " + text + "; 'vectra-guard changes list' shows the ones there are.");
    return "";
  }
  return dir;
}

// find_set, then an exclusive lock on it (apply and discard): the lock fd, or -1 after
// saying why.
int find_and_lock_set(const std::string& text, std::string& dir) {
  dir = find_set(text);
  if (dir.empty()) return -1;
  int lock = lock_change_set(dir);
  if (lock < 0)
    print_error("change set " + text + " is in use by another vectra-guard (an apply, a discard, or the run writing it); try again after it.");
  return lock;
}

// PATH arguments as workspace-relative paths: absolute ones must lie in the workspace,
// relative ones are taken from the current directory when it is inside the workspace.
bool to_workspace_paths(const Args& args, size_t from, const std::string& ws, std::vector<std::string>& out) {
  namespace fs = std::filesystem;
  char cwd_buf[PATH_MAX];
  std::string cwd = realpath(".", cwd_buf) ? cwd_buf : ws;
  bool in_ws = cwd == ws || cwd.rfind(ws + "/", 0) == 0;
  for (size_t i = from; i < args.size(); ++i) {
    fs::path p(args[i]);
    if (p.is_relative()) p = fs::path(in_ws ? cwd : ws) / p;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    if (s == ws) {
      out.push_back("");
    } else if (s.rfind(ws + "/", 0) == 0) {
      out.push_back(s.substr(ws.size() + 1));
    } else {
      print_error(args[i] + " is not inside the workspace " + ws + " of the change set.");
      return false;
    }
  }
  return true;
}

nlohmann::json set_json(long id, const std::string& dir) {
  nlohmann::json j = {{"id", id}, {"dir", dir}};
  ChangeSet set;
  std::string error;
  if (!read_change_set(dir, set, error)) {
    j["state"] = "unreadable";
    j["error"] = error;
    return j;
  }
  const ChangeSetMeta& m = set.meta;
  ChangeCounts n = count_changes(set.changes);
  nlohmann::json flags = nlohmann::json::array();
  for (const ChangeFlag& f : flag_changes(set.changes))
    flags.push_back({{"category", f.category}, {"path", f.path}, {"why", f.why}});
  j.update({{"state", m.finished_ns ? "pending" : "running"},
            {"workspace", m.workspace},
            {"cwd", m.cwd},
            {"command", m.command},
            {"argv", m.argv},
            {"started_ns", m.started_ns},
            {"finished_ns", m.finished_ns ? nlohmann::json(*m.finished_ns) : nlohmann::json(nullptr)},
            {"age_seconds", (now_ns() - m.started_ns) / 1000000000},
            {"runtime", m.runtime},
            {"reason", m.reason},
            {"exit_code", m.exit_code ? nlohmann::json(*m.exit_code) : nlohmann::json(nullptr)},
            {"session", m.session.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.session)},
            {"summary", describe_counts(n)},
            {"counts", {{"changed", n.changed}, {"deleted", n.deleted}, {"renamed", n.renamed}}},
            {"entries", set.changes.size()},
            {"flags", flags}});
  return j;
}

int do_list(bool json) {
  std::string root = changes_root(state_dir());
  std::vector<long> ids = list_change_set_ids(root);
  if (json) {
    nlohmann::json all = nlohmann::json::array();
    for (long id : ids) all.push_back(set_json(id, root + "/" + std::to_string(id)));
    std::printf("%s\n", nlohmann::json({{"change_sets", all}}).dump(2).c_str());
    return kExitOk;
  }
  if (ids.empty()) {
    std::printf("No change sets: nothing is waiting for review.\n");
    return kExitOk;
  }
  char cwd_buf[PATH_MAX];
  std::string cwd = realpath(".", cwd_buf) ? cwd_buf : "";
  for (long id : ids) {
    nlohmann::json j = set_json(id, root + "/" + std::to_string(id));
    if (j["state"] == "unreadable") {
      std::printf("%-4ld unreadable: %s\n", id, j["error"].get<std::string>().c_str());
      continue;
    }
    std::string flags;
    for (const auto& f : j["flags"]) {
      std::string cat = f["category"];
      if (flags.find(cat) == std::string::npos) flags += (flags.empty() ? "" : ", ") + cat;
    }
    // The project is named when it is not the one the current directory is in.
    std::string ws = j["workspace"];
    bool here = cwd == ws || cwd.rfind(ws + "/", 0) == 0;
    std::printf("%-4ld %-4s %-8s %-26s %s%s%s\n", id, age_text(j["started_ns"]).c_str(),
                j["state"].get<std::string>().c_str(), j["summary"].get<std::string>().c_str(),
                shorten(j["command"], 48).c_str(), here ? "" : ("  (in " + ws + ")").c_str(),
                flags.empty() ? "" : ("  ⚑ " + flags).c_str());
  }
  return kExitOk;
}

int do_show(const Args& args) {
  if (args.size() < 2) {
    print_error("'changes show' needs the id of a change set (see 'vectra-guard changes list').");
    return kExitError;
  }
  std::string dir = find_set(args[1]);
  if (dir.empty()) return kExitError;
  ChangeSet set;
  std::string error;
  if (!read_change_set(dir, set, error)) return print_error(error), kExitError;
  std::vector<std::string> prefixes, unmatched;
  if (!to_workspace_paths(args, 2, set.meta.workspace, prefixes)) return kExitError;
  std::vector<Change> changes = select_changes(set, prefixes, unmatched);
  for (const std::string& u : unmatched)
    print_error("nothing in change set " + args[1] + " is at " + (u.empty() ? "." : u) + ".");
  if (!unmatched.empty()) return kExitError;

  const ChangeSetMeta& m = set.meta;
  std::printf("# change set %ld, %s ago, %s: %s\n", m.id, age_text(m.started_ns).c_str(),
              m.finished_ns ? (m.exit_code ? ("exit " + std::to_string(*m.exit_code)).c_str() : "finished")
                            : "still running",
              describe_counts(count_changes(changes)).c_str());
  std::printf("# command:   %s\n# workspace: %s\n", shorten(m.command, 200).c_str(), m.workspace.c_str());
  if (!m.reason.empty()) std::printf("# review:    %s\n", shorten(m.reason, 200).c_str());
  std::vector<ChangeFlag> flags = flag_changes(changes);
  for (const ChangeFlag& f : flags) std::printf("# ⚑ %-13s %s (%s)\n", f.category.c_str(), f.path.c_str(), f.why.c_str());
  for (const std::string& v : set.vanished)
    std::printf("# ! %s was deleted on the host meanwhile (the run deleted it too)\n", v.c_str());
  if (!print_change_diff(set, changes, error)) return print_error(error), kExitError;
  return kExitOk;
}

int do_apply(const Args& args) {
  if (args.size() < 2) {
    print_error("'changes apply' needs the id of a change set (see 'vectra-guard changes list').");
    return kExitError;
  }
  std::string dir;
  int lock = find_and_lock_set(args[1], dir);
  if (lock < 0) return kExitError;
  ChangeSet set;
  std::string error;
  if (!read_change_set(dir, set, error)) return print_error(error), kExitError;
  if (!set.meta.finished_ns) {
    print_error("change set " + args[1] +
                " is still being written by its command (meta.json has no finished_ns); apply it once the command "
                "has ended, or discard it if that run died.");
    return kExitError;
  }
  std::vector<std::string> prefixes, unmatched;
  if (!to_workspace_paths(args, 2, set.meta.workspace, prefixes)) return kExitError;
  std::vector<Change> selected = select_changes(set, prefixes, unmatched);
  for (const std::string& u : unmatched)
    print_error("nothing in change set " + args[1] + " is at " + (u.empty() ? "." : u) +
                "; nothing was applied ('vectra-guard changes show " + args[1] + "' lists its files).");
  if (!unmatched.empty()) return kExitError;

  std::vector<Underneath> under = changed_underneath(set, selected, prefixes);
  if (!under.empty()) {
    std::fprintf(stderr,
                 "vectra-guard: not applying change set %s: %zu path%s in %s changed underneath since the run "
                 "began, and applying would overwrite %s:\n",
                 args[1].c_str(), under.size(), under.size() == 1 ? "" : "s", set.meta.workspace.c_str(),
                 under.size() == 1 ? "it" : "them");
    for (size_t i = 0; i < under.size() && i < 50; ++i)
      std::fprintf(stderr, "  %s (%s)\n", under[i].path.c_str(), under[i].what.c_str());
    if (under.size() > 50) std::fprintf(stderr, "  ... and %zu more\n", under.size() - 50);
    for (const Underneath& u : under)
      if (u.path == ".git/index" || u.path.ends_with("/.git/index")) {
        std::fprintf(stderr, "(%s: any 'git status' on the host rewrites the index; apply the other paths, then "
                             "'git reset' there if the run changed what is staged.)\n", u.path.c_str());
        break;
      }
    std::fprintf(stderr,
                 "Nothing was applied. Look at them, then apply the other paths with 'vectra-guard changes apply "
                 "%s PATH...', or discard the set.\n",
                 args[1].c_str());
    return kExitError;
  }
  if (!apply_changes(set, selected, error)) {
    print_error(error + "; the change set is kept (files before it in path order were applied).");
    return kExitError;
  }
  std::string what = describe_counts(count_changes(selected));
  // What is left: the entries not applied (applied ones now equal the host).
  ChangeSet rest;
  bool keep = !prefixes.empty() && read_change_set(dir, rest, error) && (!rest.changes.empty() || !rest.vanished.empty());
  if (!keep && !remove_change_set(dir, error)) print_error("applied, but " + error + ".");
  if (keep)
    std::printf("Applied %s of change set %s to %s; %s left: vectra-guard changes show %s\n", what.c_str(),
                args[1].c_str(), set.meta.workspace.c_str(), describe_counts(count_changes(rest.changes)).c_str(),
                args[1].c_str());
  else
    std::printf("Applied change set %s to %s: %s.\n", args[1].c_str(), set.meta.workspace.c_str(), what.c_str());
  close(lock);
  return kExitOk;
}

int do_discard(const Args& args) {
  if (args.size() != 2) {
    print_error("'changes discard' takes one change set id (see 'vectra-guard changes list').");
    return kExitError;
  }
  std::string dir;
  int lock = find_and_lock_set(args[1], dir);
  if (lock < 0) return kExitError;
  ChangeSet set;
  std::string error, what;
  if (read_change_set(dir, set, error)) what = " (" + describe_counts(count_changes(set.changes)) + " in " + set.meta.workspace + ")";
  if (!remove_change_set(dir, error)) return print_error(error + "."), kExitError;
  close(lock);
  std::printf("Discarded change set %s%s.\n", args[1].c_str(), what.c_str());
  return kExitOk;
}

}  // namespace

int cmd_changes(const Global&, const Args& args) {
  std::string sub = args.empty() ? "list" : args[0];
  if (sub == "list") {
    bool json = false;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] != "--json") {
        print_error("unknown argument '" + args[i] + "' for 'changes list'; it takes only --json.");
        return kExitError;
      }
      json = true;
    }
    return do_list(json);
  }
  if (sub == "show") return do_show(args);
  if (sub == "apply") return do_apply(args);
  if (sub == "discard") return do_discard(args);
  print_error("unknown 'changes' command '" + sub + "'; use list, show, apply or discard.");
  return kExitError;
}

}  // namespace vg::cli
