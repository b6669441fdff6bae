// The normalizer's view of what a line will actually run (issue 19): expansions as the
// command word, write-then-run, deep nesting, commands in options, inline code, and
// short options with attached values.
#include <criterion/criterion.h>

#include <string>

#include "core/analyze.h"
#include "core/normalize.h"
#include "core/shell_parse.h"
#include "core/shell_quote.h"

namespace {

const vg::AnalyzeContext kCtx{"/home/u/proj", "/home/u", "/home/u/proj"};

vg::WalkNotes notes_of(const char* line) {
  vg::ParseResult pr = vg::parse_shell(line);
  vg::WalkNotes notes;
  vg::normalize(pr.script, kCtx, notes);
  return notes;
}

// The normalized commands analyze() reports, joined with " ; ".
std::string seen(const char* line) {
  vg::Analysis a = vg::analyze(line, kCtx);
  std::string out;
  for (const auto& n : a.normalized) out += (out.empty() ? "" : " ; ") + n;
  return out;
}

// The line is seen to run `cmd` (one of its normalized commands).
void expect_runs(const char* line, const char* cmd) {
  std::string s = " ; " + seen(line) + " ; ";
  cr_expect(s.find(std::string(" ; ") + cmd + " ; ") != std::string::npos, "%s: want '%s' among '%s'", line, cmd,
            s.c_str());
}

}  // namespace

Test(expansion, brace_list_is_the_command) { expect_runs("{rm,-rf,/}", "rm -r -f /"); }

Test(expansion, array_is_the_command) {
  expect_runs("a=(rm -rf /); \"${a[@]}\"", "rm -r -f /");
  expect_runs("c='rm -rf /'; $c", "rm -r -f /");
}

Test(expansion, substitution_output_is_the_command) {
  expect_runs("$(echo rm) -rf /", "rm -r -f /");
  expect_runs("$(printf 'r%s' m) -rf /", "rm -r -f /");
  expect_runs("$(which python3) --version", "python3 --version");
  expect_runs("$(echo hello)", "hello");
}

Test(expansion, glob_program_names_what_it_matches) { expect_runs("/bin/r? -rf /", "rm -r -f /"); }

Test(expansion, sourced_process_substitution) {
  expect_runs("source <(echo 'rm -rf /')", "rm -r -f /");
  expect_runs("bash <(printf 'rm -rf /')", "rm -r -f /");
  expect_runs("eval \"$(echo 'rm -rf /')\"", "rm -r -f /");
}

Test(expansion, literal_evals_are_no_nesting) {
  expect_runs("eval eval eval eval eval eval eval eval eval eval rm -rf /", "rm -r -f /");
}

Test(expansion, past_the_depth_limit_the_line_is_flattened) {
  // Twelve nested shells, deeper than the walk goes: the innermost command is still seen,
  // and the line stays critical.
  std::string line = "rm -rf /";
  for (int i = 0; i < 12; ++i) line = "sh -c " + vg::shell_quote(line);
  std::string s = " ; " + seen(line.c_str()) + " ; ";
  cr_expect(s.find(" ; rm -r -f / ; ") != std::string::npos, "%s", s.c_str());
  cr_expect(vg::analyze(line, kCtx).risk == vg::Severity::Critical);
}

Test(write_then_run, redirected_text_then_run) {
  expect_runs("echo 'rm -rf /' > x.sh && sh x.sh", "rm -r -f /");
  expect_runs("printf 'rm -rf /\\n' > x.sh; chmod +x x.sh; ./x.sh", "rm -r -f /");
  expect_runs("cat > x.sh <<'EOF'\nrm -rf /\nEOF\nbash x.sh", "rm -r -f /");
  expect_runs("tee t.sh <<< 'rm -rf /' >/dev/null; . ./t.sh", "rm -r -f /");
}

Test(write_then_run, copied_program_keeps_its_name) { expect_runs("cp /bin/rm ./t && ./t -rf /", "rm -r -f /"); }

Test(write_then_run, text_never_run_is_only_text) {
  std::string s = " ; " + seen("echo 'rm -rf /' > notes.txt && cat notes.txt");
  cr_expect(s.find(" ; rm ") == std::string::npos, "%s", s.c_str());
}

Test(wrappers, tracers_and_schedulers_unwrap) {
  expect_runs("strace -f -o log.txt rm -rf /", "rm -r -f /");
  expect_runs("systemd-run --user -p Nice=5 rm -rf /", "rm -r -f /");
  expect_runs("coproc rm -rf /", "rm -r -f /");
}

Test(wrappers, xargs_replacement_takes_whole_lines) {
  expect_runs("echo 'rm -rf /' | xargs -I{} sh -c '{}'", "rm -r -f /");
  expect_runs("parallel sh -c ::: 'rm -rf /'", "rm -r -f /");
}

Test(options, commands_in_options_are_walked) {
  expect_runs("git -c core.pager='rm -rf /' log", "rm -r -f /");
  expect_runs("tar -xf a.tar --to-command='rm -rf /'", "rm -r -f /");
  expect_runs("ssh -o ProxyCommand='rm -rf /' h.example", "rm -r -f /");
  expect_runs("less '+!rm -rf /' f", "rm -r -f /");
  expect_runs("vim -c '!rm -rf /' f", "rm -r -f /");
  expect_runs("make --eval='all:;@rm -rf /'", "rm -r -f /");
  expect_runs("GIT_SSH_COMMAND='rm -rf /' git fetch", "rm -r -f /");
  expect_runs("sed 's/.*/rm -rf \\//e' f", "rm -r -f /");
}

Test(options, plain_programs_in_options_are_not_commands) {
  vg::ParseResult pr = vg::parse_shell("git -c core.editor=vim -c core.pager='less -R' commit");
  vg::WalkNotes notes;
  auto cmds = vg::normalize(pr.script, kCtx, notes);
  cr_assert_eq(cmds.size(), 1);
  cr_expect(cmds[0].option_code.empty());
}

Test(options, sed_script_scan) {
  vg::SedScript s = vg::scan_sed("s/a/b/g;/x/d;1e date;w out.txt");
  cr_expect(s.runs);
  cr_assert_eq(s.exec.size(), 1);
  cr_expect_str_eq(s.exec[0].c_str(), "date;w out.txt");  // `e` takes the rest of the line
  cr_expect(vg::scan_sed("s/foo/bar/g").exec.empty());
  cr_expect(vg::scan_sed("/start/,/end/p").writes.empty());
}

Test(options, awk_program_scan) {
  vg::AwkProgram a = vg::scan_awk("BEGIN{system(\"id\"); \"ls\" | getline f; print f | \"sort -u\"}");
  cr_assert_eq(a.shell.size(), 3);
  cr_expect_str_eq(a.shell[0].c_str(), "id");
  cr_expect_str_eq(a.shell[1].c_str(), "ls");
  cr_expect_str_eq(a.shell[2].c_str(), "sort -u");
  cr_expect(vg::scan_awk("{ if ($1 > 1 || $2 < 3) print }").shell.empty());
  cr_expect(vg::scan_awk("BEGIN{s=\"/inet/tcp/0/h/4444\"}").network);
}

Test(inline_code, notes_for_running_decoding_and_sockets) {
  cr_expect(notes_of("ruby -e 'exec(\"sh\")'").inline_runs_commands);
  cr_expect(notes_of("python3 -c 'import base64; exec(base64.b64decode(\"eA==\"))'").inline_decodes_and_runs);
  cr_expect(notes_of("python3 -c 'import socket; s=socket.socket(); s.connect((\"h\", 1))'").inline_socket);
  cr_expect(notes_of("awk 'BEGIN{print \"id\" | \"sh\"}'").inline_runs_commands);
  vg::WalkNotes quiet = notes_of("python3 -c 'import platform; print(platform.system())'");
  cr_expect(!quiet.inline_runs_commands && !quiet.inline_decodes_and_runs && !quiet.inline_socket);
  cr_expect(!notes_of("awk '{print $1 | \"sort\"}' f").inline_runs_commands);
}

Test(option_parsing, attached_values_are_not_flags) {
  std::string b = seen("git checkout -bfeature"), qf = seen("git checkout -qf main");
  cr_expect_str_eq(b.c_str(), "git checkout -b feature");
  cr_expect_str_eq(qf.c_str(), "git checkout -q -f main");
}

Test(option_parsing, find_name_narrows_the_roots) {
  std::string s = seen("find ~/src -name node_modules -type d -prune -exec rm -rf {} +");
  cr_expect(s.find("rm -r -f ~/src") != std::string::npos, "%s", s.c_str());
  vg::ParseResult pr = vg::parse_shell("find ~/src -name node_modules -exec rm -rf {} +");
  vg::WalkNotes notes;
  auto cmds = vg::normalize(pr.script, kCtx, notes);
  bool narrowed = false;
  for (const auto& c : cmds)
    if (c.program == "rm")
      for (const auto& a : c.args) narrowed |= a.value == "/home/u/src/node_modules";
  cr_expect(narrowed);
}

// Lines a mutation run found crashing the new scanners (an option value past the end,
// a sed s command cut short): they are judged, not thrown out.
Test(robustness, truncated_options_and_scripts) {
  for (const char* line : {"xargs -a;txt -I{} sh -c '{}'", "sed %s's/.*s.txt", "xargs -a", "sed 's/a", "sed 's",
                           "awk '|'", "awk '\"x\" |'", "git -c", "tar -I", "ssh -o", "make --eval=", "vim -c",
                           "gdb -ex", "a=(); \"${a[@]}\"", "c='$c x'; $c", "echo 'sh x.sh' > x.sh; sh x.sh"}) {
    vg::Analysis a = vg::analyze(line, kCtx);
    cr_expect(a.risk >= vg::Severity::Low, "%s", line);
  }
}
