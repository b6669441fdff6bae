// Rule self.hook-state (issue 18): a typed line cannot switch the interactive hook off
// by changing its variables, functions, DEBUG trap, Enter keys, widgets or files;
// looking at them stays harmless.
#include <criterion/criterion.h>

#include <string>

#include "core/analyze.h"
#include "core/config.h"
#include "core/shell_hook.h"

using namespace vg;

namespace {

const AnalyzeContext kCtx{"/tmp/vg-hs-ws", "/tmp/vg-hs-home", "/tmp/vg-hs-ws"};

bool fires(const char* line, bool fish = false) {
  Config cfg;
  cfg.mode = Mode::Auto;
  HookInput in;
  in.line = line;
  in.final = true;
  in.fish = fish;
  HookResult r = evaluate_hook_line(in, cfg, kCtx);
  for (const Finding& f : r.decision.findings)
    if (f.rule == "self.hook-state") {
      cr_expect_eq(r.action, HookAction::Block, "%s: not blocked", line);
      return true;
    }
  return false;
}

void refused(const char* line) { cr_expect(fires(line), "should be refused: %s", line); }
void refused_fish(const char* line) { cr_expect(fires(line, true), "should be refused (fish): %s", line); }
void harmless(const char* line) { cr_expect_not(fires(line), "should not be refused: %s", line); }
void harmless_fish(const char* line) { cr_expect_not(fires(line, true), "should not be refused (fish): %s", line); }

}  // namespace

Test(hook_state, hook_variables_cannot_be_changed) {
  refused("_vg_bin=/bin/true");
  refused("export VECTRA_GUARD_BIN=/bin/true");
  refused("declare -g __vg_bin=x");
  refused("VECTRA_GUARD_BUILTIN= ");
  refused("VG_HOOK_OFF=1");
  refused("unset _VG_SERVER_PID");
  refused("unset -v VG_HOOK");
  refused("declare -n ref=_vg_verdict");
  refused("printf -v _vg_act %s x");
  refused("read _vg_verdict");
  refused("_vg_lines[0]=x");
  refused_fish("set -g __vg_bin /bin/true");
  refused_fish("set -e __vg_fifo_dir");
}

Test(hook_state, hook_functions_cannot_be_redefined_or_erased) {
  refused("vg() { :; }");
  refused("function vectra-guard { :; }");
  refused("_vg_enter() { :; }");
  refused("unset -f _vg_debug");
  refused("unfunction __vg_enter");
  refused("alias vg=true");
  refused("TRAPDEBUG() { :; }");
  // zsh's tables, written as arrays
  refused("functions[_vg_precmd]=':'");
  refused("functions[TRAPDEBUG]=':'");
  refused("aliases[vg]=true");
  refused("unset 'functions[_vg_enter]'");
  refused_fish("function __vg_enter; end");
  refused_fish("functions -e __vg_enter");
  refused_fish("function vg-sandbox; eval $argv; end");
  refused_fish("functions -e vg-blocked");
  refused_fish("functions -c echo __vg_prompt");
}

Test(hook_state, debug_trap_keys_and_widgets) {
  refused("trap - DEBUG");
  refused("trap '' DEBUG");
  refused("trap 'echo hi' DEBUG");
  refused("bind '\"\\C-m\": accept-line'");
  refused("bind -r '\\C-j'");
  refused("bind -x '\"\\C-m\": echo hi'");
  refused("bindkey '^M' accept-line");
  refused("bindkey -r '^J'");
  refused("bindkey -D main");
  refused("zle -N accept-line my_widget");
  refused("zle -A .accept-line _vg_accept");
  refused("enable -n trap");
  refused("enable -n builtin bind");
  refused("enable -n vectra_guard_hook");
  refused("enable -d vectra_guard_hook");
  refused("enable -f ./x.so x");
  refused_fish("bind \\r 'echo hi'");
  refused_fish("bind enter 'echo hi'");
  refused_fish("bind -e \\r");
  refused_fish("bind --erase --all");
}

Test(hook_state, guard_files_cannot_be_written_or_deleted) {
  refused("rm -f /usr/local/bin/vectra-guard");
  refused("cp /tmp/x /usr/local/bin/vectra-guard");
  refused("mv ~/.local/lib/vectra_guard_hook.so /tmp/");
  refused("echo x > /usr/local/share/vectra-guard/vectra-guard.bash");
  refused("chmod -x /usr/local/bin/vectra-guard");
  refused("ln -sf /bin/true ~/.local/bin/vectra-guard");
}

Test(hook_state, looking_is_harmless) {
  harmless("echo _vg_x");
  harmless("echo $_vg_bin");
  harmless("type vg");
  harmless("bind -p");
  harmless("bind -P");
  harmless("trap -p");
  harmless("trap -p DEBUG");
  harmless("trap 'rm -f /tmp/x' EXIT");
  harmless("bindkey");
  harmless("bindkey -L");
  harmless("bindkey '^M'");
  harmless("declare -p _vg_bin");
  harmless("declare -f _vg_enter");
  harmless("typeset -f vg");
  harmless("zle -N my-widget");
  harmless("enable");
  harmless("functions[myprompt]='print ok'");
  harmless("echo ${functions[_vg_precmd]}");
  harmless("enable -n cd");
  harmless("enable -n command");
  harmless("bind -f ~/.inputrc");
  harmless("cp /usr/local/bin/vectra-guard /tmp/vg-copy");
  harmless("ls -l vectra-guard.bash");
  harmless("bind '\"\\C-x\": \"ls\\n\"'");
  harmless("vectra-guard off");
  harmless_fish("set -q __vg_bin");
  harmless_fish("functions __vg_enter");
  harmless_fish("bind");
  harmless_fish("vg-sandbox 'echo typed'");
  harmless_fish("bind \\cx 'echo hi'");
}
