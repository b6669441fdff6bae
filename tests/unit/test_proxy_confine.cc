// vg-proxy's confinement, applied for real in a forked child: name resolution and TCP
// connect still work; files outside the resolver's, exec, ptrace and TCP bind do not.
// Each check's outcome comes back as one byte per check over a pipe.
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "sandbox/landlock_abi.h"
#include "sandbox/proxy_confine.h"

using namespace vg::sandbox;

namespace {

enum Check { kConfined, kLandlock, kHosts, kResolve, kConnect, kSecretFile, kExec, kPtrace, kBind, kCount };

// Runs the checks in a child; results[i] is 'y' (allowed), 'n' (refused) or '?'.
std::string run_checks(const std::string& secret_file, int listen_port) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    close(p[0]);
    char out[kCount];
    for (char& c : out) c = '?';
    ProxyConfinement applied;
    std::string error;
    out[kConfined] = confine_proxy(applied, error) ? 'y' : 'n';
    out[kLandlock] = applied.landlock ? 'y' : 'n';
    int fd = open("/etc/hosts", O_RDONLY);
    out[kHosts] = fd >= 0 ? 'y' : 'n';
    if (fd >= 0) close(fd);
    addrinfo* res = nullptr;
    out[kResolve] = getaddrinfo("localhost", nullptr, nullptr, &res) == 0 ? 'y' : 'n';
    if (res) freeaddrinfo(res);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(listen_port));
    out[kConnect] = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? 'y' : 'n';
    close(s);
    fd = open(secret_file.c_str(), O_RDONLY);
    out[kSecretFile] = fd >= 0 ? 'y' : (errno == EACCES ? 'n' : '?');
    char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
    execv("/bin/true", argv);  // returns only when refused
    out[kExec] = errno == EPERM ? 'n' : '?';
    out[kPtrace] = ptrace(PTRACE_ATTACH, getppid(), nullptr, nullptr) == 0 ? 'y' : (errno == EPERM ? 'n' : '?');
    s = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_port = 0;
    out[kBind] = bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? 'y' : 'n';
    ssize_t ignored = write(p[1], out, sizeof out);
    (void)ignored;
    _exit(0);
  }
  close(p[1]);
  char in[kCount];
  ssize_t n = read(p[0], in, sizeof in);
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  cr_assert_eq(n, static_cast<ssize_t>(kCount), "the confined child reported nothing (status %d)", status);
  return std::string(in, kCount);
}

int landlock_abi() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi > 0 ? static_cast<int>(abi) : 0;
}

}  // namespace

Test(proxy_confine, resolves_and_connects_but_reads_no_files_and_execs_nothing) {
  char tmpl[] = "/var/tmp/vg-confine-test.XXXXXX";
  int secret = mkstemp(tmpl);
  cr_assert_geq(secret, 0);
  cr_assert_eq(write(secret, "secret\n", 7), 7);
  close(secret);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  cr_assert_eq(bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  cr_assert_eq(listen(l, 4), 0);
  cr_assert_eq(getsockname(l, reinterpret_cast<sockaddr*>(&a), &len), 0);

  std::string r = run_checks(tmpl, ntohs(a.sin_port));
  unlink(tmpl);
  close(l);

  cr_expect_eq(r[kConfined], 'y', "confine_proxy failed");
  cr_expect_eq(r[kHosts], 'y', "/etc/hosts must stay readable for the resolver");
  cr_expect_eq(r[kResolve], 'y', "getaddrinfo(localhost) must still work");
  cr_expect_eq(r[kConnect], 'y', "TCP connect is the proxy's job and must work");
  cr_expect_eq(r[kExec], 'n', "execve must be refused with EPERM");
  cr_expect_eq(r[kPtrace], 'n', "ptrace must be refused with EPERM");
  const int abi = landlock_abi();
  cr_expect_eq(r[kLandlock], abi > 0 ? 'y' : 'n');
  if (abi > 0) cr_expect_eq(r[kSecretFile], 'n', "a file outside the resolver's must be unreadable (EACCES)");
  if (abi >= 4) cr_expect_eq(r[kBind], 'n', "TCP bind must be refused");
}
