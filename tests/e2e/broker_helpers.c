/* Test helpers for agent_broker.bats, one program, chosen by argv[1]:
 *   rawexec PATH ARGS...   execve as a raw system call (no libc wrapper, no shim)
 *   memexec PATH ARGS...   copies PATH into a memfd and runs it with execveat(AT_EMPTY_PATH)
 * The canary (canary_main.c) is a program of its own. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "rawexec") == 0) {
    syscall(SYS_execve, argv[2], argv + 2, environ);
    perror("rawexec");
    return 126;
  }
  if (argc >= 3 && strcmp(argv[1], "memexec") == 0) {
    int in = open(argv[2], O_RDONLY);
    int m = memfd_create("harmless", 0);
    char buf[65536];
    ssize_t n;
    while (in >= 0 && m >= 0 && (n = read(in, buf, sizeof buf)) > 0) {
      if (write(m, buf, (size_t)n) != n) return 1;
    }
    syscall(SYS_execveat, m, "", argv + 2, environ, AT_EMPTY_PATH);
    perror("memexec");
    return 126;
  }
  fprintf(stderr, "usage: vgexec rawexec|memexec PATH ARGS...\n");
  return 2;
}
