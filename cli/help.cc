// Help texts of every command, in one place so they stay consistent.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace vg::cli {

namespace {

struct HelpText {
  const char* command;  // "" = the overview
  const char* text;
};

constexpr HelpText kHelp[] = {
    {"",
     "vectra-guard: every command line passes one evaluator first. It parses the line as a\n"
     "shell would, scores its risk, and runs it on the host, in a sandbox, asks, or blocks it.\n"
     "\n"
     "usage: vectra-guard [--config FILE] COMMAND [ARGS...]\n"
     "       vg ...                     (the same program, shorter)\n"
     "\n"
     "commands:\n"
     "  explain    show the decision for a command line and why; never runs it\n"
     "  validate   check shell scripts statement by statement; never runs them\n"
     "  exec       evaluate a command, then run it on the host, in the sandbox, or not at all\n"
     "  sandbox    run a command or an interactive shell in the sandbox\n"
     "  changes    review, apply or discard what a sandboxed run changed in the project\n"
     "  logs       list and show the audit log of evaluated commands\n"
     "  metrics    totals of what ran where, from the audit log\n"
     "  audit      npm audit or pip-audit of a project, in the sandbox, by severity\n"
     "  trust      remember commands that may run on the host without asking\n"
     "  hook       the entry point of the shell hooks and agent adapters\n"
     "  agent      run an AI agent with every command it spawns guarded\n"
     "  init       write a preset config (developer, ci-cd or production)\n"
     "  status     whether this shell is hooked, the config in force, mode, runtime, network\n"
     "  help CMD   the help of one command (also: COMMAND --help)\n"
     "  version    print the version (also --version)\n"
     "\n"
     "global options (before COMMAND):\n"
     "  --config FILE   read FILE after the default config layers; an error if it is missing\n"
     "  -h, --help      this text\n"
     "  -V, --version   print the version\n"
     "\n"
     "config layers, in order: /etc/vectra-guard/config.ini, ~/.config/vectra-guard/config.ini\n"
     "($XDG_CONFIG_HOME honoured), vectra-guard.ini in the workspace (may only tighten), --config.\n"
     "\n"
     "exit status: 0 ok; 1 usage or config error; 2 validate found risky statements;\n"
     "125 the sandbox could not be set up; 126 the guard blocked the command; exec and\n"
     "sandbox otherwise return the command's own status.\n"
     "\n"
     "environment: VG_HOME (state directory, default ~/.vectra-guard), NO_COLOR (no colours),\n"
     "VG_DISABLE=1 (skip the guard for one command typed at a terminal; it is logged).\n"},

    {"explain",
     "usage: vectra-guard explain [OPTIONS] -- LINE...\n"
     "       vectra-guard explain [OPTIONS] --batch < lines.txt\n"
     "\n"
     "Show what the guard would decide for a command line, and why. Nothing is run.\n"
     "The trust store is read as the hooks and exec read it: a trusted line says so.\n"
     "The words after '--' are joined by spaces into one line: quote the line as one\n"
     "argument to keep its own quoting, e.g. explain -- 'rm -rf \"$HOME\"/'.\n"
     "\n"
     "options:\n"
     "  --json          one JSON object: command, decision (host|sandbox|prompt|block), risk\n"
     "                  (low|medium|high|critical), findings [{rule, pack, severity, reason,\n"
     "                  alternative}], why, trusted; plus normalized, traits, parse_error,\n"
     "                  judged_as (--shell fish) when present\n"
     "  --batch         read one command line per stdin line; write one JSON object per line,\n"
     "                  in order, flushed after each line\n"
     "  --mode M        use mode always, auto, risky or never instead of the config's\n"
     "  --interactive   show the decision a terminal user gets (it may be 'prompt'); the\n"
     "                  default is the view of an agent or script, where nobody can be asked\n"
     "  --shell SH      the line's syntax: bash (default), zsh, sh or fish (parsed as fish)\n"
     "  --config FILE   read FILE after the default config layers\n"
     "  -v, --verbose   also show the normalized commands, traits, mode and config files\n"
     "  -h, --help      this text\n"
     "\n"
     "exit status: 0 when a decision was shown (also for 'block'); 1 on a usage or config error.\n"},

    {"validate",
     "usage: vectra-guard validate [--json] FILE...\n"
     "\n"
     "Analyse shell scripts statement by statement (multi-line constructs too) and print\n"
     "each finding as FILE:LINE: SEVERITY RULE REASON. The scripts are never run.\n"
     "\n"
     "options:\n"
     "  --json       one JSON object: {files: [{file, findings: [{line, rule, pack, severity,\n"
     "               reason, alternative, statement}], parse_error}], max_severity}\n"
     "  -h, --help   this text\n"
     "\n"
     "exit status: 0 no finding at or above medium; 2 at least one such finding (a script\n"
     "that cannot be parsed counts as medium); 1 when a file cannot be read or on a usage error.\n"},

    {"exec",
     "usage: vectra-guard exec [OPTIONS] [--] COMMAND [ARGS...]\n"
     "       vectra-guard exec [OPTIONS] -c 'SHELL LINE'\n"
     "\n"
     "Evaluate the command, then carry out the decision: run it on the host, in the sandbox,\n"
     "ask (on a terminal), or block it. A one-line notice on stderr says where it ran and why;\n"
     "the command's output and exit status are its own.\n"
     "\n"
     "options:\n"
     "  -c LINE              evaluate a whole shell line, then run it with /bin/sh -c\n"
     "  --sandbox            run in the sandbox whatever the decision (critical still blocks)\n"
     "  --host               run on the host whatever the decision (critical still blocks)\n"
     "  --review             in the sandbox, the project copy-on-write: changes kept as a change set\n"
     "  --record             record the output to $VG_HOME/recordings (also [audit] record = all)\n"
     "  --record-input       record the keystrokes too (implies --record)\n"
     "  --interactive        ask on the terminal when the guard level says so\n"
     "  --no-interactive     never ask: what would ask is sandboxed, or blocked in mode never\n"
     "  --via-shim           used by the exec shim: as --no-interactive, logged as source \"shim\",\n"
     "                       a refusal is one line on stderr (a config error refuses too)\n"
     "  --from-hook SHELL    used by the shell hooks with -c LINE: run LINE in the sandbox in SHELL\n"
     "                       (bash, zsh, fish) with the shell's exported variables (secrets removed),\n"
     "                       recorded as source \"hook SHELL\" with the evaluator's reason\n"
     "  --status N           with --from-hook: the line starts with $? = N\n"
     "  --runtime R          sandbox runtime: auto, bubblewrap, namespace, landlock, docker or podman\n"
     "  --security-level L   permissive, balanced, strict or paranoid\n"
     "  --network N          none, restricted or full\n"
     "  --timeout SECONDS    kill the command and everything it started after SECONDS (0 = none)\n"
     "  -v, --verbose        list which sandbox limits were enforced and which were not\n"
     "  -h, --help           this text\n"
     "\n"
     "exit status: the command's own (128+N when killed by signal N, 124 on timeout);\n"
     "126 when blocked; 125 when the sandbox could not be set up; 1 on a usage or config error.\n"},

    {"sandbox",
     "usage: vectra-guard sandbox run [OPTIONS] -- COMMAND [ARGS...]\n"
     "       vectra-guard sandbox shell [OPTIONS]\n"
     "       vectra-guard sandbox doctor [--json]\n"
     "       vectra-guard sandbox deps install [--dry-run] [--podman] [--docker]\n"
     "\n"
     "Run COMMAND (or an interactive shell) in the sandbox without asking the evaluator:\n"
     "the workspace read-write at its own path, the rest of the system read-only, secrets\n"
     "hidden, a private /tmp, its own process and network namespaces.\n"
     "\n"
     "options:\n"
     "  --runtime R          auto (the config's choice), bubblewrap, namespace (our own, no\n"
     "                       external binary), landlock (no namespaces: see doctor), docker\n"
     "                       or podman (the config's image, never pulled)\n"
     "  --security-level L   permissive, balanced, strict or paranoid\n"
     "  --network N          none, restricted (allow-listed proxy) or full\n"
     "  --timeout SECONDS    kill the command and everything it started after SECONDS\n"
     "  -v, --verbose        list which limits were enforced and which were not\n"
     "  -h, --help           this text\n"
     "\n"
     "exit status: the command's own; 128+N when killed by signal N; 124 on timeout;\n"
     "125 when the sandbox could not be set up; 1 on a usage error.\n"
     "\n"
     "doctor: what works here (user namespaces, bubblewrap, Landlock, seccomp, cgroups,\n"
     "overlayfs, docker, podman), one line each with what to do; exit 0 when a runtime works.\n"
     "deps install: install bubblewrap (podman, docker when asked) with the distribution's\n"
     "package manager; --dry-run prints the commands. Never changes sysctls or AppArmor.\n"},

    {"changes",
     "usage: vectra-guard changes list [--json]\n"
     "       vectra-guard changes show ID [PATH...]\n"
     "       vectra-guard changes apply ID [PATH...]\n"
     "       vectra-guard changes discard ID\n"
     "\n"
     "A run under review sees the project copy-on-write; what it changed is kept as a change\n"
     "set under $VG_HOME/changes/ID until it is applied or discarded. Nothing reaches the\n"
     "project before 'apply'.\n"
     "\n"
     "  list         one line per set: id, age, state, counts, command, and what deserves a\n"
     "               look (git, nested-repo, executable, manifest, ci, editor, shell-startup, env)\n"
     "  --json       {change_sets: [{id, state, workspace, cwd, command, argv, started_ns,\n"
     "               finished_ns, age_seconds, runtime, reason, exit_code, session, summary,\n"
     "               counts: {changed, deleted, renamed}, entries, flags: [{category, path, why}]}]}\n"
     "  show ID      the flags, then a unified diff; binary files, deletions, renames, mode\n"
     "               changes and symlinks are named. PATH... keeps those files or directories\n"
     "  apply ID     write the changes into the project, each file atomically; refuses, naming\n"
     "               them, when files among those to apply changed on the host since the run\n"
     "               began. PATH... applies only those; the rest stays in the set\n"
     "  discard ID   drop the set\n"
     "  -h, --help   this text\n"
     "\n"
     "PATH is relative to the current directory inside the project, else to its root.\n"
     "exit status: 0 ok; 1 when the id is unknown, apply refused or failed, or on a usage error.\n"},

    {"status",
     "usage: vectra-guard status [--json]\n"
     "\n"
     "What protects this shell now: whether it is hooked (bash builtin or coprocess, zsh,\n"
     "fish; from $VG_HOOK) or turned off ($VG_HOOK_OFF), the config layers found and the\n"
     "files in force (and the preset they came from), the mode each entry point gets (shell\n"
     "hooks auto, exec and agents always, unless the config sets sandbox.mode), the guard\n"
     "level, the sandbox runtime that would be used, what a sandboxed run may write (the\n"
     "workspace, or why it is read-only) and the network mode. Nothing is run.\n"
     "\n"
     "  --json   the same as one JSON object\n"},

    {"logs",
     "usage: vectra-guard logs [--session ID] [--limit N] [--json]\n"
     "       vectra-guard logs list [--session ID] [--limit N] [--json]\n"
     "       vectra-guard logs show ID [--json]\n"
     "       vectra-guard logs verify [SESSION | --all]\n"
     "       vectra-guard logs replay SESSION|RECORDING [--speed N] [--idle-limit S]\n"
     "\n"
     "The audit log: one event per evaluated command (time, session, agent, cwd, command,\n"
     "risk, findings, decision, runtime, exit code, duration), kept under\n"
     "$VG_HOME/sessions/SESSION.jsonl.\n"
     "\n"
     "  (none)       a summary: counts by decision and the last 10 (--limit N) commands\n"
     "  list         the events, oldest first; --session keeps one session, --limit N the last N;\n"
     "               a long command is cut to one line ending in an ellipsis (show: whole)\n"
     "  show ID      one session (ID = session id) or one event (ID = SESSION:LINE from list)\n"
     "  verify       check the hash chain of one session (default: all): prints FILE:LINE for a\n"
     "               record edited, missing, reordered or cut off at the end, exit 2 then;\n"
     "               'ok: N records' when intact; logs older than the chain: 'not chained';\n"
     "               a session's recordings are checked against the SHA-256 in its trail\n"
     "  replay       play a recording ($VG_HOME/recordings/RECORDING.cast, or every one of a\n"
     "               session) on stdout at its pace; --speed N plays N times faster,\n"
     "               --idle-limit S waits at most S seconds between events\n"
     "  --json       JSON instead of text\n"
     "  -h, --help   this text\n"},

    {"metrics",
     "usage: vectra-guard metrics show [--json]\n"
     "       vectra-guard metrics reset\n"
     "\n"
     "Totals computed from the audit log (the one record of what ran): host (and how many\n"
     "the trust store approved), sandbox, blocked, asked, failed to start; by risk level,\n"
     "runtime and agent; average and p95 duration of the commands whose run was timed\n"
     "(lines a shell hook let the shell run have none); the last 5 (--json: the last 100).\n"
     "reset makes later totals start now; the audit log itself is kept.\n"
     "\n"
     "  show         the totals (the default)\n"
     "  reset        count from now on ($VG_HOME/metrics.json holds the time)\n"
     "  --json       JSON instead of text\n"
     "  -h, --help   this text\n"},

    {"audit",
     "usage: vectra-guard audit npm [--path DIR] [--json]\n"
     "       vectra-guard audit python [--path DIR] [--no-install] [--json]\n"
     "\n"
     "Runs the package manager's own audit of the project in DIR (default: .) inside the\n"
     "sandbox with the restricted network: npm audit --json (needs package-lock.json), or\n"
     "pip-audit -f json on requirements.txt, else pyproject.toml. Prints the findings by\n"
     "severity (pip-audit reports none: 'unknown'). Exit 0: none; 2: findings; 1: error.\n"
     "\n"
     "  --path DIR     the project directory\n"
     "  --no-install   never install pip-audit; without it, a missing pip-audit is installed\n"
     "                 into ~/.cache/vectra-guard/tools, never into your environment\n"
     "  --json         JSON instead of text\n"
     "  -h, --help     this text\n"},

    {"trust",
     "usage: vectra-guard trust add 'COMMAND' [--note TEXT] [--duration 30m|12h|7d]\n"
     "       vectra-guard trust list\n"
     "       vectra-guard trust remove 'COMMAND'\n"
     "       vectra-guard trust clean\n"
     "\n"
     "The trust store ($VG_HOME/trust.json, mode 0600): commands remembered to run on the\n"
     "host without asking, keyed by the SHA-256 of the normalized command, with a note, the\n"
     "time it was added and an optional expiry. A critical command can never be trusted.\n"
     "\n"
     "  add       remember COMMAND (answering 'r' at a prompt does the same)\n"
     "  list      the remembered commands with their notes and expiry\n"
     "  remove    forget COMMAND\n"
     "  clean     remove the entries that have expired\n"
     "  -h, --help  this text\n"},

    {"hook",
     "usage: vectra-guard hook bash|zsh|fish [--final] -- LINE\n"
     "       vectra-guard hook claude-code < event.json\n"
     "       vectra-guard hook cursor < event.json\n"
     "\n"
     "Called by the shell hooks (installed by scripts/install-shell-wrapper.sh) with the\n"
     "whole typed line. Prints the verdict on the first line of stdout: run, sandbox, block,\n"
     "or incomplete (the line continues); then any notice for the user. Asks on /dev/tty\n"
     "when the guard level says so: y run once, r run and remember, n or Enter cancel.\n"
     "A sandbox or ask verdict is followed by defs:JSON (the aliases and functions used);\n"
     "given back as $VG_HOOK_DEFS, the one-shot hook and exec --from-hook judge with them.\n"
     "claude-code and cursor read the tool's pre-execution hook JSON on stdin and answer\n"
     "in that tool's protocol, never approving for the user: no opinion for the host, ask\n"
     "(Claude Code: with the command rewritten into the sandbox) for the sandbox, deny for\n"
     "a block; [agent] auto_approve = true lets them answer allow.\n"
     "\n"
     "  --final     the line cannot continue: treat an incomplete line as a parse error\n"
     "  --serve     answer many lines (used by the hooks: bash's coprocess reads NUL-separated\n"
     "              requests on stdin; with --fifo DIR, fish's server uses DIR/req and DIR/resp);\n"
     "              it asks the shell what command words name (aliases, functions)\n"
     "  --end ID STATUS MS  the status of a host line (the audit log's end record for ID)\n"
     "  --toggle off|on     record `vectra-guard off` / `on` typed in a hooked shell (off is\n"
     "                      refused in an agent session unless [agent] allow_disable)\n"

     "  -h, --help  this text\n"},

    {"agent",
     "usage: vectra-guard agent start --name N [--mode M] [--security-level L] [--sandbox] -- CMD...\n"
     "       vectra-guard agent snapshot [--print] [--output FILE]\n"
     "       vectra-guard agent setup-ide --kind vscode-env|cursor-hooks|claude-hooks --file F\n"
     "                                    [--set KEY=VALUE]... [--command CMD] [--uninstall] [--dry-run]\n"
     "\n"
     "start runs the agent on the host (or with --sandbox, in the sandbox) with the exec shim\n"
     "(LD_PRELOAD), BASH_ENV, a new session id (VG_SESSION) and its name (VG_AGENT). Every\n"
     "program it spawns is screened; risky ones are judged and run on the host, in the sandbox,\n"
     "or refused. Nobody is asked: a command that would ask is sandboxed or blocked.\n"
     "The session is recorded to $VG_HOME/recordings/SESSION.cast unless [audit] record = off\n"
     "(--record-input: the keystrokes too); 'vectra-guard logs replay SESSION' plays it.\n"
     "\n"
     "  -h, --help  this text\n"},

    {"init",
     "usage: vectra-guard init --preset NAME [--local] [--force] [--dry-run]\n"
     "       vectra-guard init --list\n"
     "\n"
     "Write a preset config: developer (mode auto, guard low, permissive, full network),\n"
     "ci-cd (mode risky, guard high, balanced, restricted network) or production (mode\n"
     "always, guard paranoid, paranoid level, no network). The file is then loaded back\n"
     "and the settings in force are printed, one 'key = value' per line on stdout; stderr\n"
     "names every setting the preset loosens compared with what was in force before.\n"
     "\n"
     "options:\n"
     "  --preset NAME   developer, ci-cd or production\n"
     "  --local         write vectra-guard.ini in the workspace (git root, else the current\n"
     "                  directory) instead of ~/.config/vectra-guard/config.ini; refused when\n"
     "                  the preset would loosen your config, as a workspace file may only tighten\n"
     "  --force         replace an existing file (without it init refuses)\n"
     "  --dry-run       print the file that would be written; write nothing\n"
     "  --list          the presets, one line each\n"
     "  -h, --help      this text\n"
     "\n"
     "exit status: 0 written (or shown); 1 the file exists, the preset cannot take effect\n"
     "there, or a usage error.\n"},
};


// roff-escaped text for a no-fill block: backslashes, and control characters at a line start.
std::string roff_escape(const char* text) {
  std::string out;
  bool line_start = true;
  for (const char* p = text; *p; ++p) {
    if (line_start && (*p == '.' || *p == '\'')) out += "\\&";
    line_start = *p == '\n';
    if (*p == '\\')
      out += "\\e";
    else if (*p == '-')
      out += "\\-";
    else
      out += *p;
  }
  return out;
}

}  // namespace

// The man page: every entry of kHelp, the overview first, in roff.
void print_man() {
  std::string overview = kHelp[0].text;
  // NAME: the overview's first sentence, after "vectra-guard: ".
  std::string summary = overview.substr(0, overview.find('.'));
  if (auto colon = summary.find(": "); colon != std::string::npos) summary.erase(0, colon + 2);
  std::string out;
  out += ".TH VECTRA\\-GUARD 1 \"\" \"vectra-guard " VG_VERSION "\" \"User Commands\"\n";
  out += ".SH NAME\nvectra\\-guard, vg \\- " + roff_escape(summary.c_str()) + "\n";
  out += ".SH SYNOPSIS\n.B vectra\\-guard\n[\\fB\\-\\-config\\fR \\fIFILE\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n";
  out += ".SH DESCRIPTION\n.nf\n" + roff_escape(kHelp[0].text) + ".fi\n";
  out += ".SH COMMANDS\n";
  for (const HelpText& h : kHelp) {
    if (!*h.command) continue;
    out += ".SS " + roff_escape(h.command) + "\n.nf\n" + roff_escape(h.text) + ".fi\n";
  }
  out += ".SH FILES\n.nf\n"
         "/etc/vectra\\-guard/config.ini, ~/.config/vectra\\-guard/config.ini, vectra\\-guard.ini\n"
         "$VG_HOME (default ~/.vectra\\-guard): trust.json, sessions/*.jsonl\n"
         ".fi\n";
  std::fputs(out.c_str(), stdout);
}

bool print_help(const std::string& command) {
  for (const HelpText& h : kHelp) {
    if (command == h.command) {
      std::fputs(h.text, stdout);
      return true;
    }
  }
  return false;
}

}  // namespace vg::cli
