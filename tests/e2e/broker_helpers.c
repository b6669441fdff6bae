/* Test helpers for agent_broker.bats, one program, chosen by argv[1]:
 *   rawexec PATH ARGS...   execve as a raw system call (no libc wrapper, no shim)
 *   memexec PATH ARGS...   copies PATH into a memfd and runs it with execveat(AT_EMPTY_PATH)
 *   race N GOOD BAD ARGS   N times: a child whose second thread keeps rewriting the path
 *                          buffer between GOOD and BAD while the first thread execs it
 *                          (the seccomp-notify TOCTOU race); prints how many ran BAD's
 *                          way is up to the caller (BAD writes a canary)
 *   vforkrace N GOOD BAD ARG   the same from vfork children: the flipping thread is the
 *                          parent's, which shares the child's memory
 *   sharedrace N GOOD BAD ARG  the same with the path in a MAP_SHARED page that another
 *                          process (not sharing the memory otherwise) keeps rewriting
 * The canary (canary_main.c) is a program of its own. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char** environ;

static char g_path[4096];
static const char* g_good;
static const char* g_bad;

static void* flip(void* unused) {
  (void)unused;
  for (;;) {
    strcpy(g_path, g_bad);
    strcpy(g_path, g_good);
  }
  return NULL;
}

static int race(long n, char** argv) {
  g_good = argv[0];
  g_bad = argv[1];
  for (long i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      strcpy(g_path, g_good);
      pthread_t t;
      pthread_create(&t, NULL, flip, NULL);
      char* args[] = {g_path, argv[2], NULL};
      syscall(SYS_execve, g_path, args, environ);
      _exit(126);
    }
    int st;
    waitpid(pid, &st, 0);
  }
  return 0;
}

static int vfork_race(long n, char** argv) {
  g_good = argv[0];
  g_bad = argv[1];
  strcpy(g_path, g_good);
  pthread_t t;
  pthread_create(&t, NULL, flip, NULL);
  for (long i = 0; i < n; ++i) {
    char* args[] = {g_path, argv[2], NULL};
    pid_t pid = vfork();
    if (pid == 0) {
      syscall(SYS_execve, g_path, args, environ);
      _exit(126);
    }
    int st;
    waitpid(pid, &st, 0);
  }
  return 0;
}

static int shared_race(long n, char** argv) {
  char* page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return 1;
  strcpy(page, argv[0]);
  pid_t flipper = fork();
  if (flipper == 0) {
    for (;;) {
      strcpy(page, argv[1]);
      strcpy(page, argv[0]);
    }
  }
  for (long i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      char* args[] = {page, argv[2], NULL};
      syscall(SYS_execve, page, args, environ);
      _exit(126);
    }
    int st;
    waitpid(pid, &st, 0);
  }
  kill(flipper, SIGKILL);
  waitpid(flipper, NULL, 0);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 6 && strcmp(argv[1], "vforkrace") == 0) return vfork_race(atol(argv[2]), argv + 3);
  if (argc >= 6 && strcmp(argv[1], "sharedrace") == 0) return shared_race(atol(argv[2]), argv + 3);
  if (argc >= 6 && strcmp(argv[1], "race") == 0) return race(atol(argv[2]), argv + 3);
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
