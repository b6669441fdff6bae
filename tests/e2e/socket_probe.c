// socket_probe: what a sandboxed program can do with sockets the network mode should not
// allow. Statically linked, so it runs in the busybox test image too. Prints one word.
//
//   socket_probe unix PATH   socket(1<<32 | AF_UNIX) through syscall(2), then connect
//   socket_probe mptcp PORT  an MPTCP socket, then connect to 127.0.0.1:PORT
//   socket_probe udp PORT    a UDP datagram "udp-canary" to 127.0.0.1:PORT
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static struct sockaddr_in loopback(const char* port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: socket_probe unix PATH | mptcp PORT | udp PORT\n");
    return 2;
  }
  const char* mode = argv[1];
  if (strcmp(mode, "unix") == 0) {
    // The upper half of the register is garbage to the kernel, which reads an int.
    long fd = syscall(SYS_socket, (1L << 32) | AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return puts("refused"), 0;
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, argv[2], sizeof a.sun_path - 1);
    if (connect((int)fd, (struct sockaddr*)&a, sizeof a) != 0) return puts("created"), 0;
    if (write((int)fd, "unix-canary", 11) != 11) return puts("created"), 0;
    return puts("connected"), 0;
  }
  if (strcmp(mode, "mptcp") == 0) {
    int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
    if (fd < 0) return printf("refused %s\n", strerror(errno)), 0;
    struct sockaddr_in a = loopback(argv[2]);
    if (connect(fd, (struct sockaddr*)&a, sizeof a) != 0) return puts("created"), 0;
    return puts("connected"), 0;
  }
  if (strcmp(mode, "udp") == 0) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return printf("refused %s\n", strerror(errno)), 0;
    struct sockaddr_in a = loopback(argv[2]);
    if (sendto(fd, "udp-canary", 10, 0, (struct sockaddr*)&a, sizeof a) != 10) return puts("created"), 0;
    return puts("sent"), 0;
  }
  fprintf(stderr, "socket_probe: unknown mode %s\n", mode);
  return 2;
}
