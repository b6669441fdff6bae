// What a typed line really runs (issue 18): aliases, functions, sourced files and
// callbacks judged as part of the line; code the line defines for later judged when it
// is defined. A fake ShellDefinitions stands in for the shell; `denied` (deny-listed,
// harmless in itself) stands for the command that must not reach the host.
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/hook_expand.h"
#include "core/shell_hook.h"
#include "scratch_dir.h"

using namespace vg;

namespace {

class FakeDefs : public ShellDefinitions {
 public:
  std::map<std::string, std::string> aliases, functions;
  mutable std::vector<std::string> asked, prefetched;
  std::optional<std::string> alias(std::string_view name) const override {
    asked.emplace_back(name);
    auto it = aliases.find(std::string(name));
    return it == aliases.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  std::optional<std::string> function(std::string_view name) const override {
    asked.emplace_back(name);
    auto it = functions.find(std::string(name));
    return it == functions.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void prefetch(const std::vector<std::string>& names) const override {
    for (const std::string& n : names) prefetched.push_back(n);
  }
};

std::string g_cwd = "/tmp/vg-expand-ws";
bool g_zsh = false;  // judge as the zsh hook does

HookResult judge(const std::string& line, const FakeDefs* defs = nullptr, bool fish = false, Mode mode = Mode::Auto) {
  Config cfg;
  cfg.mode = mode;
  cfg.deny = {"denied*"};
  AnalyzeContext ctx{g_cwd, "/tmp/vg-expand-home", g_cwd};
  HookInput in;
  in.line = line;
  in.final = true;
  in.fish = fish;
  in.zsh = g_zsh;
  in.defs = defs;
  return evaluate_hook_line(in, cfg, ctx);
}

std::string first_reason(const HookResult& r) { return r.decision.findings.empty() ? "" : r.decision.findings[0].reason; }

bool has_rule(const HookResult& r, const char* rule) {
  for (const Finding& f : r.decision.findings)
    if (f.rule == rule) return true;
  return false;
}

void not_on_host(const std::string& line, const FakeDefs* defs = nullptr, bool fish = false) {
  HookResult r = judge(line, defs, fish);
  cr_expect_neq(r.action, HookAction::Run, "'%s' ran on the host (%s)", line.c_str(), r.decision.why.c_str());
}

void runs(const std::string& line, const FakeDefs* defs = nullptr, bool fish = false, Mode mode = Mode::Auto) {
  HookResult r = judge(line, defs, fish, mode);
  cr_expect_eq(r.action, HookAction::Run, "'%s' should run: %s / %s", line.c_str(), r.decision.why.c_str(),
               first_reason(r).c_str());
}

// Refused because what it defines would run later unchecked.
void refused_later(const std::string& line, bool fish = false) {
  HookResult r = judge(line, nullptr, fish);
  cr_expect_eq(r.action, HookAction::Block, "'%s' should be refused: %s", line.c_str(), r.decision.why.c_str());
  cr_expect(first_reason(r).find("would run later on the host, unchecked") != std::string::npos,
            "'%s': reason '%s'", line.c_str(), first_reason(r).c_str());
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::string p = dir + "/" + name;
  std::ofstream(p) << text;
  return p;
}

}  // namespace

Test(hook_expand, alias_of_a_command_word_is_judged) {
  FakeDefs d;
  d.aliases["ll"] = "denied --long";
  d.aliases["l"] = "ls -l";
  not_on_host("ll", &d);
  not_on_host("ll /tmp | head", &d);
  not_on_host("cd /tmp && ll", &d);
  not_on_host("X=1 ll", &d);
  not_on_host("echo $(ll)", &d);
  runs("l /tmp", &d);
  runs("'ll'", &d);     // quoted: no alias (and no program of that name is denied)
  runs("echo ll", &d);  // not a command word
}

Test(hook_expand, alias_value_ending_in_blank_and_recursion) {
  FakeDefs d;
  d.aliases["please"] = "nice ";
  d.aliases["x"] = "denied";
  d.aliases["ls"] = "ls --color=auto";  // not expanded again inside itself
  d.aliases["a"] = "b";
  d.aliases["b"] = "a";
  not_on_host("please x", &d);
  runs("ls", &d);
  runs("a", &d);
}

Test(hook_expand, function_bodies_are_judged_with_their_arguments) {
  FakeDefs d;
  d.functions["f"] = "f () \n{ \n    \"$@\"\n}";
  d.functions["g"] = "g () \n{ \n    echo start;\n    h\n}";
  d.functions["h"] = "h () \n{ \n    denied\n}";
  d.functions["one"] = "one () \n{ \n    $1 --now\n}";
  d.functions["ls"] = "ls () \n{ \n    denied\n}";
  not_on_host("f denied", &d);
  not_on_host("g", &d);
  not_on_host("one denied", &d);
  not_on_host("ls", &d);      // a function wins over the program
  not_on_host("\\ls", &d);     // \name skips aliases, not functions
  runs("f echo hi", &d);
  runs("one echo", &d);
  runs("command ls", &d);
  runs("/bin/ls", &d);
  cr_expect(std::find(d.prefetched.begin(), d.prefetched.end(), "f") != d.prefetched.end());
}

Test(hook_expand, arguments_bind_to_positional_parameters) {
  std::string got = bind_function_args("f () { \"$@\"; }", {"rm", "-rf", "'a b'"}, false);
  cr_expect_str_eq(got.c_str(), "f () { rm -rf 'a b'; }");
  got = bind_function_args("f () { echo \"$1\" $2 $#; }", {"x", "y"}, false);
  cr_expect_str_eq(got.c_str(), "f () { echo x y 2; }");
  got = bind_function_args("f () { echo '$1'; }", {"x"}, false);
  cr_expect_str_eq(got.c_str(), "f () { echo '$1'; }");
  got = bind_function_args("f() {\n\"${argv}\"\n}", {"denied"}, true);
  cr_expect_str_eq(got.c_str(), "f() {\ndenied\n}");
}

Test(hook_expand, recursion_and_bounds) {
  FakeDefs d;
  d.functions["loop"] = "loop () \n{ \n    loop\n}";
  runs("loop", &d);  // calls itself: judged once
  for (int i = 0; i < 12; ++i)
    d.functions["f" + std::to_string(i)] = "f" + std::to_string(i) + " () \n{ \n    f" + std::to_string(i + 1) + "\n}";
  HookResult r = judge("f0", &d);
  cr_expect_neq(r.action, HookAction::Run);
  cr_expect(has_rule(r, "analysis.unknown-code"), "%s", r.decision.why.c_str());
  // 64 expansions at most: a function calling one function 100 times is still fine
  // when they are the same (judged once per call site), unknown past the bound otherwise.
  std::string body = "wide () \n{ \n";
  for (int i = 0; i < 70; ++i) body += "    w" + std::to_string(i) + "\n";
  d.functions["wide"] = body + "}";
  for (int i = 0; i < 70; ++i) d.functions["w" + std::to_string(i)] = "w" + std::to_string(i) + " () \n{ \n    true\n}";
  r = judge("wide", &d);
  cr_expect(has_rule(r, "analysis.unknown-code"));
}

Test(hook_expand, sourced_files_are_judged_like_scripts) {
  std::string dir = scratch_dir("expand");
  g_cwd = dir;
  write_file(dir, "bad.sh", "export A=1\ndenied --now\n");
  write_file(dir, "env.sh", "export A=1\nalias ll='ls -l'\ncd /tmp\n");
  write_file(dir, "outer.sh", ". ./bad.sh\n");
  write_file(dir, "self.sh", "source ./self.sh\n");
  not_on_host("source ./bad.sh", nullptr);
  not_on_host(". " + dir + "/bad.sh", nullptr);
  not_on_host("source ./outer.sh", nullptr);
  not_on_host("source bad.sh", nullptr);  // no '/': PATH, then the current directory
  HookResult r = judge("source ./env.sh");
  cr_expect_eq(r.action, HookAction::Run, "%s", r.decision.why.c_str());
  runs("source ./self.sh");
  runs("source ./missing.sh");  // the shell fails too
  std::string fifo = dir + "/fifo";
  cr_assert_eq(mkfifo(fifo.c_str(), 0600), 0);
  r = judge("source " + fifo);
  cr_expect_neq(r.action, HookAction::Run);
  cr_expect(has_rule(r, "analysis.unknown-code"));
  not_on_host("source /dev/stdin");
  // a path only known when the line runs: not sourced on the host unchecked
  not_on_host("source \"$T/bad.sh\"");
  not_on_host(". $(echo ./bad.sh)");
  runs("source \"$HOME/.vg-expand-none\"");  // known (and missing: the shell fails too)
  // the guard's own hook, re-read by `source ~/.bashrc`, is not judged (it sets the
  // hook's variables); the same path with other content, or a copy that differs, is
  std::ifstream hook_in(std::string(VG_SOURCE_DIR) + "/hooks/bash/vectra-guard.bash");
  std::string hook((std::istreambuf_iterator<char>(hook_in)), std::istreambuf_iterator<char>());
  cr_assert_gt(hook.size(), 1000u);
  make_dirs(dir + "/hooks/bash");
  write_file(dir + "/hooks/bash", "vectra-guard.bash", hook);
  runs("source ./hooks/bash/vectra-guard.bash");
  write_file(dir + "/hooks/bash", "vectra-guard.bash", hook + "denied --now\n");
  not_on_host("source ./hooks/bash/vectra-guard.bash");
  write_file(dir + "/hooks/bash", "vectra-guard.bash", "_vg_bin=/bin/true\n");
  cr_expect_eq(judge("source ./hooks/bash/vectra-guard.bash").action, HookAction::Block);
  // what a sourced file defines to run uncalled is judged now; aliases and functions it
  // defines are judged when a line calls them
  write_file(dir, "pc.sh", "export A=1\nPROMPT_COMMAND='denied --now'\n");
  write_file(dir, "hookfn.sh", "precmd() { denied; }\n");
  write_file(dir, "defs.sh", "alias dx='ls -l'\nfx() { echo fx; }\ncomplete -W 'start stop' svc\n");
  cr_expect_eq(judge("source ./pc.sh").action, HookAction::Block);
  cr_expect_eq(judge("source ./hookfn.sh").action, HookAction::Block);
  runs("source ./defs.sh");
  // a sourced file's aliases and functions are the shell's too
  FakeDefs d;
  d.aliases["dd2"] = "denied";
  write_file(dir, "uses.sh", "dd2 x\n");
  not_on_host("source ./uses.sh", &d);
  g_cwd = "/tmp/vg-expand-ws";
}

Test(hook_expand, fish_source_and_functions) {
  std::string dir = scratch_dir("expand-fish");
  g_cwd = dir;
  write_file(dir, "bad.fish", "if true\n  denied\nend\n");
  not_on_host("source ./bad.fish", nullptr, true);
  FakeDefs d;
  d.functions["f"] = "# Defined in - @ line 1\nfunction f\n    $argv\nend\n";
  not_on_host("f denied", &d, true);
  runs("f echo hi", &d, true);
  g_cwd = "/tmp/vg-expand-ws";
}

Test(hook_expand, callbacks_run_now) {
  not_on_host("mapfile -C denied -c 1 arr < /dev/null");
  not_on_host("readarray -C 'denied x' arr < /dev/null");
  not_on_host("eval denied");
}

Test(hook_expand, definitions_are_judged_when_defined) {
  refused_later("alias x=denied");
  refused_later("alias x='cd /tmp; denied'");
  refused_later("f() { denied; }");
  refused_later("function f { denied --now; }");
  refused_later("trap 'denied' EXIT");
  refused_later("trap denied INT TERM");
  refused_later("PROMPT_COMMAND=denied");
  refused_later("PROMPT_COMMAND+='; denied'");
  refused_later("PROMPT_COMMAND=(denied)");
  refused_later("export PROMPT_COMMAND='denied'");
  not_on_host("declare -a PROMPT_COMMAND=('history -a' denied)");  // (our parser cannot read it)
  refused_later("printf -v PROMPT_COMMAND '%s' denied");
  refused_later("PS1='$(denied) $ '");
  refused_later("PS0='`denied`'");
  refused_later("PROMPT='%n $(denied)'");
  refused_later("complete -C denied mycmd");
  refused_later("bind -x '\"\\C-t\": denied'");
  refused_later("sched +1 denied");
  // the value comes from input, a nameref, a literal eval, a prompt that expands again
  refused_later("read -r PROMPT_COMMAND <<< denied");
  refused_later("IFS= read -r PS1 < /tmp/vg-expand-prompt");
  refused_later("mapfile -t PROMPT_COMMAND < /tmp/vg-expand-pc");
  refused_later("declare -n ref=PROMPT_COMMAND");
  refused_later("eval 'PROMPT_COMMAND=denied'");
  refused_later("eval 'f() { denied; }'");
  refused_later("eval \"alias x='denied --now'\"");
  refused_later("PS1='${p@P} $ '");
  refused_later("PROMPT='${(e)p} %# '");
  // zsh's function and alias tables, written as arrays
  refused_later("functions[precmd]='denied'");
  refused_later("aliases[ll]='denied --now'");
  refused_later("galiases[G]='| denied'");
  refused_later("alias -g G='| denied'");
  refused_later("alias -g D='denied'");
  refused_later("functions[f]=$body");
  // dynamic code: unknown, refused the same way
  refused_later("PROMPT_COMMAND=\"$x\"");
  refused_later("trap \"$cmd\" EXIT");
  HookResult r = judge("trap \"$cmd\" EXIT");
  cr_expect(has_rule(r, "analysis.unknown-code"));
  // the refusal is one line
  r = judge("alias x=denied");
  cr_expect(r.decision.findings[0].alternative.empty());
  for (const Finding& f : r.decision.findings) cr_expect(f.alternative.empty());
}

Test(hook_expand, critical_definitions_get_the_block_message) {
  HookResult r = judge("alias x='rm -rf ~'");
  cr_expect_eq(r.action, HookAction::Block);
  cr_expect(first_reason(r).find("would run later") == std::string::npos, "%s", first_reason(r).c_str());
}

Test(hook_expand, harmless_definitions_run_in_the_shell) {
  runs("alias ll='ls -l'");
  runs("alias ll='ls -l'", nullptr, false, Mode::Always);
  runs("alias ll=\"ls $LS_OPTS\"");  // the value is the shell's: judged at each use
  FakeDefs uses;
  uses.aliases["ll"] = "denied -l";
  not_on_host("ll", &uses);
  runs("f() { echo hi; }");
  runs("trap 'rm -f /tmp/vg-expand-x' EXIT");
  runs("trap - INT");
  runs("trap '' INT");
  runs("PROMPT_COMMAND='history -a'");
  runs("PROMPT_COMMAND=\"history -a; $PROMPT_COMMAND\"");
  runs("PS1='\\u@\\h:\\w\\$ '");
  runs("PS1='$(git branch --show-current 2>/dev/null) $ '");
  runs("complete -F _my_completion mycmd");
  runs("read -r name <<< value");
  runs("mapfile -t lines < /etc/hostname");
  runs("declare -n ref=other_var");
  runs("eval 'alias ll=\"ls -l\"'");
  runs("PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '");
  runs("functions[myprompt]='print -n ok'");
  runs("aliases[ll]='ls -l'");
  runs("alias -g G='| grep -c x'");
  runs("alias -g NUL='>/dev/null 2>&1'");
  runs("typeset -A tbl; tbl[k]=v");
  runs("bind -x '\"\\C-t\": fzf-file-widget'");
  runs("function fish_prompt; echo -n 'F> '; end", nullptr, true);
  runs("alias ll 'ls -l'", nullptr, true);
  runs("bind \\ct 'commandline -i hi'", nullptr, true);
}

Test(hook_expand, fish_definitions) {
  refused_later("function f; denied; end", true);
  refused_later("function on_x --on-event fish_prompt; denied; end", true);
  refused_later("alias x denied", true);
  refused_later("alias x=denied", true);
  refused_later("bind \\ct denied", true);
  refused_later("complete -c mycmd -a '(denied)'", true);
  refused_later("trap denied EXIT", true);
}

Test(hook_expand, definitions_in_their_own_mode_when_run_now) {
  // A function defined and called on the same line: its body runs now too.
  not_on_host("f() { denied; }; f");
  FakeDefs d;
  d.aliases["x"] = "echo";
  runs("x hi", &d, false, Mode::Auto);
}

// Routes an attacker's review found after the first round (issue 18).
Test(hook_expand, hidden_writes_of_code_and_hook_state) {
  // the hooks' own state, in every form a line can write it, and calls of its functions
  for (const char* line : {": ${_vg_off:=1}", "(( _vg_off = 1 ))", "for _vg_off in 1; do :; done", "eval _vg_off=1",
                           "echo $[_vg_off=1]", "a[_vg_off=1]=2", "x=_vg_off; declare -g \"$x=1\"",
                           "declare -g \"$(echo _vg_off)=1\"", "_vg_restatus; denied", "_vg_status=$(denied)"}) {
    HookResult r = judge(line);
    cr_expect_eq(r.action, HookAction::Block, "'%s' should be refused", line);
    cr_expect(has_rule(r, "self.hook-state"), "'%s': %s", line, r.decision.why.c_str());
  }
  runs("echo $_vg_bin ${_vg_off}");
  runs("declare -p _vg_bin");
  runs("grep -n _vg_bin /tmp/vg-expand-none");
  runs("_vg_ret 126; echo hi");
  // the command hash table
  refused_later("hash -p /usr/bin/denied ls");
  refused_later("BASH_CMDS[ls]=/usr/bin/denied");
  refused_later("hash ls=/usr/bin/denied");
  refused_later("commands[ls]=/usr/bin/denied");
  runs("hash -r");
  // escapes that become $( in a prompt or printf, and writes the parser does not show
  refused_later("PS1='\\044(denied)'");
  refused_later("printf -v PROMPT_COMMAND '\\x64enied'");
  refused_later("printf -v 'PROMPT_COMMAND[1]' denied");
  refused_later("read 'PROMPT_COMMAND[1]' <<< denied");
  refused_later("for PROMPT_COMMAND in denied; do :; done");
  refused_later(": ${PROMPT_COMMAND:=denied}");
  refused_later("x='a[$(denied)]'");
  runs("x='$(date)'");
  runs("PS1='\\u@\\h:\\w\\$ '");
  // code that runs now through completion builtins and prompt expansion
  not_on_host("compgen -C denied x");
  not_on_host("compgen -W '$(denied)' x");
  not_on_host("mapfile -tc1 -Cdenied a < /etc/hostname");
  not_on_host("echo \"${x@P}\"");
  refused_later("complete -W '$(denied)' ls");
  runs("complete -W 'start stop' svc");
  // bash: fc inside a function re-runs history the hook does not see (an alias with fc
  // makes the hook trace the line itself); defining either is fine
  FakeDefs d;
  d.functions["redo"] = "redo () \n{ \n    fc -s \"$@\"\n}";
  not_on_host("redo x", &d);
  runs("alias r='fc -s'");
  runs("redo() { fc -s \"$@\"; }");
}

Test(hook_expand, zsh_lines) {
  g_zsh = true;
  not_on_host("{ denied }");
  not_on_host("ls; { denied }");
  refused_later("precmd() { denied }");
  runs("mkcd() { mkdir -p \"$1\" && cd \"$1\" }");
  runs("echo {a,b}");
  refused_later("NULLCMD=denied");
  refused_later("SPROMPT='$(denied)'");
  refused_later("zstyle -e ':completion:*' hosts 'reply=($(denied))'");
  runs("zstyle ':completion:*' menu select");
  not_on_host("print -P '$(denied)'");
  runs("print -P '%F{red}hi%f'");
  not_on_host("echo ${(e)x}");
  FakeDefs d;
  d.aliases["redo"] = "r";
  runs("redo x", &d);  // zsh: its backstop judges what r replays
  g_zsh = false;
}

Test(hook_expand, fish_abbreviations) {
  refused_later("abbr -a ll denied", true);
  runs("abbr -a gco 'git checkout'", nullptr, true);
  runs("abbr -e gco", nullptr, true);
}

// The second review: computed names, values built in pieces, whole tables, zsh words.
Test(hook_expand, computed_names_and_pieces) {
  for (const char* line : {"p=_v; declare -g \"${p}g_off=1\"", "p=_v; export \"${p}g_off=1\"",
                           "p=_v; (( ${p}g_off=1 ))", "p=_v; let \"${p}g_off=1\"", "q=x; : ${!q:=1}"})
    not_on_host(line);
  cr_expect_eq(judge("x=_v''g_off=1; (( x ))").action, HookAction::Block);
  runs("read -p \"Name $USER: \" name");
  runs("for ((i=0; i<3; i++)); do echo $i; done");
  runs("(( i = $j + 1 ))");
  runs("declare -A map; map[$k]=1");
  refused_later("PROMPT_COMMAND=\"${PROMPT_COMMAND:+denied}\"");
  refused_later("PROMPT_COMMAND=\"${PROMPT_COMMAND/*/denied}\"");
  refused_later("PROMPT_COMMAND=den; PROMPT_COMMAND+=ied");
  refused_later("PS1='$'; PS1+='(denied)'");
  refused_later("PS1='$(deniedX)'; PS1=${PS1/X/}");
  runs("PROMPT_COMMAND=\"history -a; ${PROMPT_COMMAND}\"");
  runs("PROMPT_COMMAND+='; history -a'");
  runs("PS1=\"$PS1> \"");
  refused_later("BASH_CMDS+=([ls]=/opt/x/denied)");
  runs("BASH_CMDS=()");
}

Test(hook_expand, zsh_words_that_run_code) {
  g_zsh = true;
  not_on_host("noglob denied");
  not_on_host("repeat 2 denied");
  not_on_host("=denied");
  not_on_host("echo *(e:'denied':)");
  not_on_host("echo ${$(denied)}");
  refused_later("galiases=(G '; denied')");
  refused_later("zstyle ':completion:*:kill:*' command 'denied'");
  refused_later("compctl -s '$(denied)' ls");
  runs("grep -E '(e|f)' /etc/hostname");
  runs("ls *(om[1,3])");
  g_zsh = false;
  refused_later("complete -c ls -n 'denied'", true);
}
