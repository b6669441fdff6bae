/* Test helper for tests/e2e/shim_*.bats: reaches each exec entry point the shim wraps,
 * one per mode, and reports what happened on stdout:
 *   shim_probe MODE PROGRAM [ARGS...]    modes: execv execvp execve-empty-env execl execlp
 *                                         execle execveat fexecve vfork-execv posix_spawn
 *                                         posix_spawnp raw-execve
 *   shim_probe system LINE | popen LINE
 *   shim_probe maps                       prints shim-loaded or shim-absent
 * A refused exec prints "refused errno=EACCES" (or the errno number) and exits 126. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

static int report_errno(void) {
  if (errno == EACCES) printf("refused errno=EACCES\n");
  else printf("refused errno=%d\n", errno);
  fflush(stdout);
  return 126;
}

static int wait_child(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return 125;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* mode = argv[1];
  if (strcmp(mode, "maps") == 0) {
    FILE* f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    while (f && fgets(line, sizeof line, f)) found |= strstr(line, "libvgpreload") != NULL;
    printf("%s\n", found ? "shim-loaded" : "shim-absent");
    return 0;
  }
  if (argc < 3) return 2;
  char* prog = argv[2];
  char** args = argv + 2; /* argv[0] of the target = PROGRAM as given */
  fflush(stdout);
  if (strcmp(mode, "execv") == 0) {
    execv(prog, args);
  } else if (strcmp(mode, "execvp") == 0) {
    execvp(prog, args);
  } else if (strcmp(mode, "execve-empty-env") == 0) {
    char* empty[] = {NULL};
    execve(prog, args, empty);
  } else if (strcmp(mode, "execl") == 0) {
    execl(prog, prog, argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL, (char*)NULL);
  } else if (strcmp(mode, "execlp") == 0) {
    execlp(prog, prog, argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL, (char*)NULL);
  } else if (strcmp(mode, "execle") == 0) {
    char* env[] = {(char*)"PROBE=1", NULL};
    execle(prog, prog, argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL, (char*)NULL, env);
  } else if (strcmp(mode, "execveat") == 0) {
    syscall(SYS_getpid); /* keep the libc call below the one under test */
    execveat(AT_FDCWD, prog, args, environ, 0);
  } else if (strcmp(mode, "fexecve") == 0) {
    int fd = open(prog, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 3;
    fexecve(fd, args, environ);
  } else if (strcmp(mode, "vfork-execv") == 0) {
    volatile int err = 0;
    pid_t pid = vfork();
    if (pid == 0) {
      execv(prog, args);
      err = errno; /* shares memory with the parent until _exit */
      _exit(126);
    }
    int code = wait_child(pid);
    if (err != 0) {
      errno = err;
      return report_errno();
    }
    return code;
  } else if (strcmp(mode, "posix_spawn") == 0 || strcmp(mode, "posix_spawnp") == 0) {
    pid_t pid;
    int rc = mode[11] == 'p' ? posix_spawnp(&pid, prog, NULL, NULL, args, environ)
                             : posix_spawn(&pid, prog, NULL, NULL, args, environ);
    if (rc != 0) {
      errno = rc;
      return report_errno();
    }
    return wait_child(pid);
  } else if (strcmp(mode, "raw-execve") == 0) {
    /* What Go's runtime does: the syscall itself, no libc function in between. */
    syscall(SYS_execve, prog, args, environ);
  } else if (strcmp(mode, "system") == 0) {
    int status = system(prog);
    printf("system=%d\n", status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
  } else if (strcmp(mode, "popen") == 0) {
    errno = 0;
    FILE* p = popen(prog, "r");
    if (p == NULL) return report_errno();
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) fwrite(buf, 1, n, stdout);
    int status = pclose(p);
    printf("popen=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
  } else {
    return 2;
  }
  return report_errno();
}
