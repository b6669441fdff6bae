/* A bounded fork bomb for tests/e2e/sandbox_limits.bats: forks at most MAX children
 * (each sleeps until killed, at most 20 s), counts how many forks the kernel refused,
 * prints "forked N refused M", then kills and reaps every child it made. Never
 * unbounded: it is a test of the sandbox's pids limit, not of the host. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX 5000

int main(void) {
  static pid_t kids[MAX];
  int forked = 0, refused = 0;
  for (int i = 0; i < MAX; ++i) {
    pid_t p = fork();
    if (p == 0) {
      alarm(20);
      pause();
      _exit(0);
    }
    if (p < 0) {
      if (errno != EAGAIN && errno != ENOMEM) {
        perror("fork");
        break;
      }
      ++refused;
      if (refused >= 50) break; /* the limit holds: no need to keep knocking */
      continue;
    }
    kids[forked++] = p;
  }
  printf("forked %d refused %d\n", forked, refused);
  fflush(stdout);
  for (int i = 0; i < forked; ++i) kill(kids[i], SIGKILL);
  while (wait(NULL) > 0 || errno == EINTR) {
  }
  return 0;
}
