// Git pack: history rewrites, force pushes, discarding uncommitted work.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"git.reset-hard", "git", Severity::High, "git reset --hard discards uncommitted changes for good.",
     "git stash first, or use git reset --keep.", "destructive", true},
    {"git.clean-force", "git", Severity::High, "git clean -f deletes untracked files, which git cannot restore.",
     "Preview with git clean -n first.", "destructive", true},
    {"git.push-force", "git", Severity::High, "A force push overwrites the remote branch's history.",
     "Use git push --force-with-lease, or push to a new branch.", "destructive"},
    {"git.push-force-lease", "git", Severity::Medium,
     "git push --force-with-lease rewrites remote history (safer than --force, still a rewrite).", "",
     "destructive"},
    {"git.push-delete", "git", Severity::High, "Deletes a branch or tag on the remote.",
     "Make sure nobody else uses the ref; keep a backup tag.", "destructive"},
    {"git.push-mirror", "git", Severity::High, "git push --mirror makes the remote match local refs, deleting others.",
     "Push specific branches instead.", "destructive"},
    {"git.history-rewrite", "git", Severity::High,
     "Rewrites repository history (filter-branch, filter-repo), changing every affected commit.",
     "Work on a fresh clone and keep the original.", "destructive", true},
    {"git.reflog-expire", "git", Severity::High, "Expiring the reflog removes the safety net for lost commits.", "",
     "destructive", true},
    {"git.gc-prune", "git", Severity::Medium, "Pruning unreachable objects now makes lost commits unrecoverable.",
     "Use the default gc without --prune=now.", "destructive", true},
    {"git.update-ref-delete", "git", Severity::High, "Deletes a ref directly, bypassing git's safety checks.",
     "Use git branch -d.", "destructive", true},
    {"git.discard-changes", "git", Severity::High,
     "Discards uncommitted changes in the working tree (checkout -- / restore), which cannot be undone.",
     "git stash first, or commit the work.", "destructive", true},
    {"git.stash-drop", "git", Severity::Medium, "Drops stashed changes.", "Apply or inspect the stash first.",
     "destructive", true},
    {"git.branch-force-delete", "git", Severity::Medium, "git branch -D deletes a branch even if it is not merged.",
     "Use git branch -d, which refuses unmerged branches.", "destructive", true},
    {"git.hooks-path", "git", Severity::Medium, "Changes where git looks for hooks: code that runs on every commit.",
     "", "persistence"},
};

constexpr CommandPattern kPatterns[] = {
    {"git.reset-hard", "git", "reset", "--hard|--merge"},
    {"git.clean-force", "git", "clean", "-f|--force", "-n|--dry-run"},
    {"git.push-force-lease", "git", "push", "--force-with-lease"},
    {"git.push-force", "git", "push", "-f|--force|--force-if-includes", "--force-with-lease"},
    {"git.push-delete", "git", "push", "-d|--delete|--prune"},
    {"git.push-mirror", "git", "push", "--mirror"},
    {"git.history-rewrite", "git", "filter-branch|filter-repo"},
    {"git.history-rewrite", "git-filter-repo|bfg", ""},
    {"git.reflog-expire", "git", "reflog", "=expire|=delete"},
    {"git.gc-prune", "git", "gc|prune", "--prune=now|--prune=all|--expire=now|=--prune"},
    {"git.gc-prune", "git", "prune"},
    {"git.update-ref-delete", "git", "update-ref", "-d|--stdin"},
    {"git.stash-drop", "git", "stash", "=drop|=clear"},
    {"git.branch-force-delete", "git", "branch", "-D|=--delete --force"},
    {"git.discard-changes", "git", "checkout", "-f|--force|=.|=--"},
    {"git.discard-changes", "git", "switch", "-f|--force|--discard-changes"},
    {"git.hooks-path", "git", "config", "=core.hooksPath|=core.hookspath"},
};

}  // namespace

std::span<const Rule> git_rules() { return kRules; }

void git_check(const Cmd& cmd, RuleContext& rc) {
  if (cmd.program != "git") return;
  apply_patterns(kPatterns, cmd, rc);
  auto ops = cmd.operands();
  // Find the subcommand: the first operand (global options like -C DIR come before it).
  size_t sub = 0;
  for (size_t i = 0; i < cmd.args.size(); ++i) {
    const std::string& t = cmd.args[i].text;
    if (t == "-C" || t == "-c" || t == "--git-dir" || t == "--work-tree") {
      ++i;
      continue;
    }
    if (!t.empty() && t[0] != '-') {
      sub = i;
      break;
    }
  }
  if (sub >= cmd.args.size()) return;
  const std::string verb = cmd.args[sub].text;
  std::vector<const Arg*> rest;
  for (size_t i = sub + 1; i < cmd.args.size(); ++i)
    if (cmd.args[i].text.empty() || cmd.args[i].text[0] != '-') rest.push_back(&cmd.args[i]);
  // Rewrites and deletes that are no risk to the machine but lose work in the project.
  if (verb == "commit" && cmd.has_long("amend")) rc.data_loss("Rewrites the last commit (git commit --amend).");
  if (verb == "rebase") rc.data_loss("Rewrites the branch's history (git rebase).");
  if (verb == "rm") rc.data_loss("Deletes files in the project (git rm).");
  if (verb == "push") {
    // git push REMOTE +ref (force) or :ref (delete)
    for (size_t i = 1; i < rest.size(); ++i) {
      const std::string& r = rest[i]->text;
      if (!r.empty() && r[0] == '+') rc.hit("git.push-force", cmd);
      if (!r.empty() && r[0] == ':' && r.size() > 1) rc.hit("git.push-delete", cmd);
    }
  } else if (verb == "restore") {
    bool staged_only = (cmd.has_short('S') || cmd.has_long("staged")) && !cmd.has_short('W') && !cmd.has_long("worktree");
    if (!staged_only && !rest.empty()) rc.hit("git.discard-changes", cmd);
  } else if (verb == "branch") {
    if (cmd.has_long("delete") && cmd.has_long("force")) rc.hit("git.branch-force-delete", cmd);
  } else if (verb == "checkout") {
    // git checkout FILE... (paths, not a branch) discards changes: a path-looking operand.
    for (const Arg* a : rest) {
      const std::string& t = a->text;
      std::string_view base = basename_of(t);
      bool file_like = base.find('.') != std::string_view::npos && base.find("..") == std::string_view::npos &&
                       base.front() != '.' && t.find_first_of("0123456789") == std::string::npos;
      if (t == "." || t == "*" || a->glob || file_like) {
        rc.hit("git.discard-changes", cmd);
        break;
      }
    }
  }
}

}  // namespace vg
