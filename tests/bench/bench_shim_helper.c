/* Timing helper for tests/bench/bench_shim.sh (not a test).
 *   bench_shim_helper execfail N      N x execve("/nonexistent/...") that fails: the
 *                                     wrapper's own cost, no process started
 *   bench_shim_helper spawn N PROG... N x posix_spawn + wait: a whole exec incl. loading
 *   bench_shim_helper dlopen 1 LIB     dlopen of LIB once: its loading and constructor
 * Prints the mean per call in microseconds. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  long n = atol(argv[2]);
  double t0 = now_us();
  if (strcmp(argv[1], "execfail") == 0) {
    char* args[] = {(char*)"x", NULL};
    for (long i = 0; i < n; ++i) execve("/nonexistent/vg-bench/x", args, environ);
  } else if (strcmp(argv[1], "spawn") == 0 && argc >= 4) {
    for (long i = 0; i < n; ++i) {
      pid_t pid;
      if (posix_spawn(&pid, argv[3], NULL, NULL, argv + 3, environ) != 0) return 3;
      int st;
      waitpid(pid, &st, 0);
    }
  } else if (strcmp(argv[1], "dlopen") == 0 && argc >= 4) {
    if (dlopen(argv[3], RTLD_NOW) == NULL) return 3;
  } else {
    return 2;
  }
  printf("%.2f\n", (now_us() - t0) / n);
  return 0;
}
