// host_run: exit statuses like a shell's, exec failures, cwd, timeouts that kill the
// whole tree, forwarded signals, stdin; OutputTee: pass-through and capture.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "sandbox/host_run.h"
#include "sandbox/output_tee.h"

using namespace vg::sandbox;

namespace {

std::string scratch_dir() {
  char tmpl[] = "/tmp/vg-hostrun-test.XXXXXX";
  char* dir = mkdtemp(tmpl);
  cr_assert_not_null(dir);
  return dir;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run_sh(const std::string& script, int timeout = 0, std::string* error = nullptr) {
  std::string ignored;
  HostRun r;
  r.argv = {"/bin/sh", "-c", script};
  r.timeout_seconds = timeout;
  return host_run(r, error ? error : &ignored);
}

// Running or sleeping; a zombie waiting for its reaper is dead already.
bool process_alive(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z' &&
         stat[close + 2] != 'X';
}

}  // namespace

Test(host_run, exit_codes_pass_through) {
  cr_assert_eq(run_sh("exit 0"), 0);
  cr_assert_eq(run_sh("exit 1"), 1);
  cr_assert_eq(run_sh("exit 42"), 42);
  cr_assert_eq(run_sh("exit 255"), 255);
}

Test(host_run, signals_become_128_plus_n) {
  cr_assert_eq(run_sh("kill -SEGV $$"), 139);
  cr_assert_eq(run_sh("kill -KILL $$"), 137);
  cr_assert_eq(run_sh("kill -TERM $$"), 143);
}

Test(host_run, argv_runs_without_a_shell) {
  std::string dir = scratch_dir();
  std::string error;
  HostRun r;
  r.argv = {"touch", dir + "/$(id) and spaces"};
  cr_assert_eq(host_run(r, &error), 0, "%s", error.c_str());
  cr_assert_eq(access((dir + "/$(id) and spaces").c_str(), F_OK), 0, "the argument was not expanded");
}

Test(host_run, missing_program_is_127_with_a_sentence) {
  std::string error;
  HostRun r;
  r.argv = {"vg-no-such-program-xyz", "a"};
  cr_assert_eq(host_run(r, &error), 127);
  cr_assert_neq(error.find("vg-no-such-program-xyz: command not found"), std::string::npos, "%s", error.c_str());
}

Test(host_run, not_executable_is_126) {
  std::string path = scratch_dir() + "/script";
  std::ofstream(path) << "#!/bin/sh\nexit 0\n";
  chmod(path.c_str(), 0644);
  std::string error;
  HostRun r;
  r.argv = {path};
  // Without any x bit exec fails with EACCES for root too.
  cr_assert_eq(host_run(r, &error), 126);
  cr_assert_neq(error.find("cannot execute"), std::string::npos, "%s", error.c_str());
}

Test(host_run, script_without_shebang_runs_with_sh) {
  std::string dir = scratch_dir();
  std::string path = dir + "/plain";
  std::ofstream(path) << "echo \"ran $1\" > \"$2\"\nexit 7\n";
  chmod(path.c_str(), 0755);
  std::string error;
  HostRun r;
  r.argv = {path, "yes", dir + "/out"};
  cr_assert_eq(host_run(r, &error), 7, "%s", error.c_str());
  cr_assert_eq(read_file(dir + "/out"), "ran yes\n");
}

Test(host_run, empty_argv_is_an_error) {
  std::string error;
  cr_assert_eq(host_run(HostRun{}, &error), 127);
  cr_assert_not(error.empty());
}

Test(host_run, cwd_is_used) {
  std::string dir = scratch_dir();
  std::string error;
  HostRun r;
  r.argv = {"/bin/sh", "-c", "pwd > out"};
  r.cwd = dir;
  cr_assert_eq(host_run(r, &error), 0, "%s", error.c_str());
  cr_assert_eq(read_file(dir + "/out"), dir + "\n");
  r.cwd = dir + "/missing";
  cr_assert_eq(host_run(r, &error), 126);
  cr_assert_neq(error.find("cannot change to directory"), std::string::npos, "%s", error.c_str());
}

Test(host_run, timeout_kills_the_whole_tree) {
  std::string dir = scratch_dir();
  auto start = std::chrono::steady_clock::now();
  std::string error;
  // The grandchild ignores nothing but would outlive its parent without a group kill.
  int status = run_sh("sleep 60 & echo $! > " + dir + "/pid; sleep 60", 1, &error);
  auto took = std::chrono::steady_clock::now() - start;
  cr_assert_eq(status, 124);
  cr_assert_neq(error.find("timed out"), std::string::npos, "%s", error.c_str());
  cr_assert(took < std::chrono::seconds(20));
  pid_t grandchild = std::atoi(read_file(dir + "/pid").c_str());
  cr_assert_gt(grandchild, 0);
  for (int i = 0; i < 50 && process_alive(grandchild); ++i) usleep(20000);
  cr_assert_not(process_alive(grandchild), "grandchild %d survived the timeout", grandchild);
}

Test(host_run, timeout_escalates_to_sigkill) {
  std::string error;
  int status = run_sh("trap '' TERM; sleep 60 & wait; sleep 60", 1, &error);
  cr_assert_eq(status, 124);
}

Test(host_run, finishing_before_the_timeout_keeps_the_status) {
  cr_assert_eq(run_sh("exit 3", 30), 3);
  cr_assert_eq(run_sh("kill -SEGV $$", 30), 139);
}

Test(host_run, sigterm_sent_to_us_is_forwarded) {
  std::string dir = scratch_dir();
  std::string ready = dir + "/ready";
  pid_t runner = fork();
  cr_assert(runner >= 0);
  if (runner == 0) {
    std::string ignored;
    HostRun r;
    r.argv = {"/bin/sh", "-c", "trap 'exit 7' TERM; touch " + ready + "; while :; do sleep 0.05; done"};
    _exit(host_run(r, &ignored));
  }
  for (int i = 0; i < 200 && access(ready.c_str(), F_OK) != 0; ++i) usleep(20000);
  cr_assert_eq(access(ready.c_str(), F_OK), 0, "child did not start");
  kill(runner, SIGTERM);
  int status = 0;
  waitpid(runner, &status, 0);
  cr_assert(WIFEXITED(status), "the runner itself died of the signal");
  cr_assert_eq(WEXITSTATUS(status), 7);
}

Test(host_run, stdin_is_passed_through) {
  std::string dir = scratch_dir();
  int in[2];
  cr_assert_eq(pipe(in), 0);
  pid_t runner = fork();
  if (runner == 0) {
    dup2(in[0], 0);
    close(in[0]);
    close(in[1]);
    std::string ignored;
    HostRun r;
    r.argv = {"/bin/sh", "-c", "cat > " + dir + "/got"};
    _exit(host_run(r, &ignored));
  }
  close(in[0]);
  std::string data = "line one\n\x01\x02 binary \xff\n";
  cr_assert_eq(write(in[1], data.data(), data.size()), ssize_t(data.size()));
  close(in[1]);
  int status = 0;
  waitpid(runner, &status, 0);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  cr_assert_eq(read_file(dir + "/got"), data);
}

// In a child process: stdout/stderr to files, tee around a host_run, report back.
Test(output_tee, passes_through_and_captures) {
  std::string dir = scratch_dir();
  pid_t pid = fork();
  if (pid == 0) {
    int out = open((dir + "/out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open((dir + "/err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    OutputTee tee(1 << 20);
    std::string error;
    if (!tee.start(&error)) _exit(2);
    std::string ignored;
    HostRun r;
    r.argv = {"/bin/sh", "-c", "printf 'A\\000\\377B\\n'; printf 'to-err\\n' >&2; exit 5"};
    int status = host_run(r, &ignored);
    tee.finish();
    std::ofstream(dir + "/captured", std::ios::binary) << tee.captured();
    _exit(status);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status));
  cr_assert_eq(WEXITSTATUS(status), 5);
  cr_assert_eq(read_file(dir + "/out"), std::string("A\0\377B\n", 5));
  cr_assert_eq(read_file(dir + "/err"), "to-err\n");
  std::string captured = read_file(dir + "/captured");
  cr_assert_neq(captured.find(std::string("A\0\377B\n", 5)), std::string::npos);
  cr_assert_neq(captured.find("to-err\n"), std::string::npos);
}

Test(output_tee, capture_is_capped_but_output_is_whole) {
  std::string dir = scratch_dir();
  pid_t pid = fork();
  if (pid == 0) {
    int out = open((dir + "/out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    OutputTee tee(1000);
    std::string error;
    if (!tee.start(&error)) _exit(2);
    std::string ignored;
    HostRun r;
    r.argv = {"/bin/sh", "-c", "head -c 300000 /dev/zero"};
    int status = host_run(r, &ignored);
    tee.finish();
    _exit(status != 0 ? 3 : tee.captured().size() == 1000 && tee.truncated() ? 0 : 4);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status));
  cr_assert_eq(WEXITSTATUS(status), 0, "capture not capped at 1000 bytes with truncated set");
  cr_assert_eq(read_file(dir + "/out").size(), 300000u);
}

Test(output_tee, closed_reader_gives_the_command_sigpipe) {
  pid_t pid = fork();
  if (pid == 0) {
    int p[2];
    if (pipe(p) != 0) _exit(2);
    close(p[0]);  // nobody reads our stdout
    dup2(p[1], 1);
    signal(SIGPIPE, SIG_DFL);
    OutputTee tee(4096);
    std::string error;
    if (!tee.start(&error)) _exit(2);
    std::string ignored;
    HostRun r;
    r.argv = {"/bin/sh", "-c", "yes"};
    int status = host_run(r, &ignored);
    tee.finish();
    _exit(status == 128 + SIGPIPE ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status), "the guard itself died (signal %d)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  cr_assert_eq(WEXITSTATUS(status), 0, "yes did not end with SIGPIPE");
}
