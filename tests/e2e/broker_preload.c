/* An agent's own LD_PRELOAD placed before ours: its execve and execvp go straight to
 * the kernel, so the exec shim behind it never sees them. */
#define _GNU_SOURCE
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char** environ;

int execve(const char* path, char* const argv[], char* const envp[]) {
  return (int)syscall(SYS_execve, path, argv, envp);
}

int execvp(const char* file, char* const argv[]) {
  char buf[4096];
  const char* path = getenv("PATH");
  if (strchr(file, '/') != NULL || path == NULL) return execve(file, argv, environ);
  while (*path) {
    size_t n = strcspn(path, ":");
    if (n + strlen(file) + 2 < sizeof buf) {
      memcpy(buf, path, n);
      buf[n] = '/';
      strcpy(buf + n + 1, file);
      execve(buf, argv, environ);
    }
    path += n;
    if (*path == ':') ++path;
  }
  return -1;
}
