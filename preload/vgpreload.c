/* libvgpreload.so: the exec-family interposer.
 *
 * Loaded with LD_PRELOAD into every dynamically linked process of a guarded session.
 * Each exec, spawn, system() and popen() is screened against the policy snapshot
 * (core/policy_snapshot_format.h), mmapped once at load:
 *   - most programs pass straight through (a basename lookup, no syscall);
 *   - the rest are judged by running `vectra-guard agent shim-check` and waiting for
 *     its one-byte verdict: run on the host (H), re-route through
 *     `vectra-guard exec --via-shim --sandbox` (S), or refuse with EACCES (B). A host
 *     verdict also runs through `vectra-guard exec --via-shim`, so its exit status
 *     and duration are recorded (one more process start per judged exec).
 * Children keep the shim: LD_PRELOAD and the session's VG_* variables are put back
 * into any environment that dropped them (env -i, Python env={}), and an LD_AUDIT
 * that was not there at load is refused.
 *
 * Rules this file keeps (exec wrappers also run in vfork children, on the parent's
 * memory): no malloc, no stdio, no locks, no dlsym and no writes to globals after
 * the constructor; buffers live on the stack; messages go out with write(2).
 * Only system() and popen() allocate, and they never run after vfork. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/policy_snapshot_format.h"

#define VG_EXPORT __attribute__((visibility("default")))

extern char** environ;

/* ---- the real functions, resolved once at load ------------------------------- */

typedef int (*execve_fn)(const char*, char* const[], char* const[]);
typedef int (*execvpe_fn)(const char*, char* const[], char* const[]);
typedef int (*execveat_fn)(int, const char*, char* const[], char* const[], int);
typedef int (*fexecve_fn)(int, char* const[], char* const[]);
typedef int (*spawn_fn)(pid_t*, const char*, const posix_spawn_file_actions_t*,
                        const posix_spawnattr_t*, char* const[], char* const[]);
typedef int (*system_fn)(const char*);
typedef FILE* (*popen_fn)(const char*, const char*);

static execve_fn real_execve;
static execvpe_fn real_execvpe;
static execveat_fn real_execveat;
static fexecve_fn real_fexecve;
static spawn_fn real_posix_spawn;
static spawn_fn real_posix_spawnp;
static system_fn real_system;
static popen_fn real_popen;

/* ---- state captured by the constructor (read-only afterwards) ---------------- */

#define KEEP_MAX 32
#define KEEP_BYTES 16384

static const unsigned char* g_snap; /* mmapped snapshot, NULL when unusable */
static size_t g_snap_size;
static const char* g_vg_bin = "";   /* from the snapshot */
static const char* g_config = "";   /* extra config from the snapshot, "" for none */
static int g_fail_closed = 1;
static int g_passive;               /* this process is vectra-guard itself */
static char g_self[PATH_MAX];       /* our own .so path */
static char g_snap_path[PATH_MAX];
static char g_keep_buf[KEEP_BYTES]; /* "NAME=value" strings re-added to children */
static const char* g_keep[KEEP_MAX];
static int g_keep_n;
static const char* g_preload;       /* the LD_PRELOAD entry we loaded with, or NULL */
static const char* g_audit;         /* the LD_AUDIT entry at load, or NULL */
static const char* g_check_env[4];  /* HOME, PATH, USER, LOGNAME at load, for our own helper */
static int g_check_env_n;
static volatile int g_warned;       /* said once that the shim is inactive */
static int g_broker_fd = -1;        /* the session broker's socket (VG_BROKER_FD), or -1 */
static int g_broker_lost;           /* VG_BROKER_FD was set but is no longer that socket */

/* ---- small async-signal-safe helpers ----------------------------------------- */

static void say(const char* a, const char* b, const char* c) {
  const char* parts[3] = {a, b, c};
  for (int i = 0; i < 3; ++i) {
    if (parts[i] == NULL) continue;
    size_t n = strlen(parts[i]);
    while (n > 0) {
      ssize_t w = write(STDERR_FILENO, parts[i], n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return;
      parts[i] += w;
      n -= (size_t)w;
    }
  }
}

static const char* base_name(const char* path) {
  const char* slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Environment entry NAME=... in envp, or NULL. */
static const char* env_find(char* const envp[], const char* name, size_t len) {
  if (envp == NULL) return NULL;
  for (size_t i = 0; envp[i] != NULL; ++i) {
    if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=') return envp[i];
  }
  return NULL;
}

static size_t env_count(char* const envp[]) {
  size_t n = 0;
  if (envp != NULL) {
    while (envp[n] != NULL) ++n;
  }
  return n;
}

static size_t name_len(const char* entry) { return strcspn(entry, "="); }

static void put_int(char* out, int v) {
  char tmp[16];
  int n = 0;
  unsigned u = v < 0 ? 0u : (unsigned)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u != 0);
  while (n > 0) *out++ = tmp[--n];
  *out = '\0';
}

/* True when an LD_PRELOAD value still names this library. */
static int preload_has_us(const char* value) {
  const char* self_base = base_name(g_self);
  size_t self_len = strlen(g_self), base_len = strlen(self_base);
  while (*value != '\0') {
    size_t n = strcspn(value, ": ");
    if ((n == self_len && strncmp(value, g_self, n) == 0) ||
        (n == base_len && strncmp(value, self_base, n) == 0)) {
      return 1;
    }
    value += n;
    if (*value != '\0') ++value;
  }
  return 0;
}

/* ---- environment for children ------------------------------------------------ */

/* Bytes a rebuilt LD_PRELOAD entry needs for this envp (0 when none is needed). */
static size_t preload_space(char* const envp[]) {
  const char* p = env_find(envp, "LD_PRELOAD", 10);
  if (g_preload == NULL) return 1;
  return strlen(g_self) + (p ? strlen(p) : 0) + 16;
}

/* Copy envp into out (room: env_count + KEEP_MAX + 2) with the shim kept in it:
 * LD_PRELOAD names us, the session's VG_* variables are present, our marker is gone. */
static void keep_env(char* const envp[], char** out, char* preload_buf, const char* checked) {
  size_t n = 0;
  int have_preload = 0;
  if (envp != NULL) {
    for (size_t i = 0; envp[i] != NULL; ++i) {
      const char* e = envp[i];
      if (strncmp(e, "VG_VIA_SHIM=", 12) == 0 || strncmp(e, "VG_EXEC_CHECKED=", 16) == 0) continue;
      if (g_preload != NULL && strncmp(e, "LD_PRELOAD=", 11) == 0) {
        have_preload = 1;
        if (!preload_has_us(e + 11)) {
          /* Dropping us from LD_PRELOAD is not allowed: put us first, keep the rest. */
          strcpy(preload_buf, "LD_PRELOAD=");
          strcat(preload_buf, g_self);
          if (e[11] != '\0') {
            strcat(preload_buf, ":");
            strcat(preload_buf, e + 11);
          }
          e = preload_buf;
        }
      }
      out[n++] = (char*)e;
    }
  }
  if (g_preload != NULL && !have_preload) out[n++] = (char*)g_preload;
  for (int k = 0; k < g_keep_n; ++k) {
    if (env_find(envp, g_keep[k], name_len(g_keep[k])) == NULL) out[n++] = (char*)g_keep[k];
  }
  if (checked != NULL) out[n++] = (char*)checked;
  out[n] = NULL;
}

/* "VG_EXEC_CHECKED=<pid>" for a judged exec: the pid survives exec, so the shell it
 * starts (BASH_ENV, zshenv) knows its -c string was judged already. NULL otherwise. */
static const char* checked_entry(int v, char* buf) {
  if (v != 'H') return NULL; /* V_HOST */
  strcpy(buf, "VG_EXEC_CHECKED=");
  put_int(buf + 16, (int)getpid());
  return buf;
}

/* An LD_AUDIT that was not there at load could unload or bypass us. */
static int audit_changed(char* const envp[]) {
  const char* a = env_find(envp, "LD_AUDIT", 8);
  if (a == NULL || a[9] == '\0') return 0;
  return g_audit == NULL || strcmp(a, g_audit) != 0;
}

/* Environment for vectra-guard itself: no shim (it judges, it is not judged), our
 * marker, the session variables, and HOME/PATH/USER so it finds config and state. */
static void helper_env(char* const envp[], char** out) {
  size_t n = 0;
  if (envp != NULL) {
    for (size_t i = 0; envp[i] != NULL; ++i) {
      if (strncmp(envp[i], "LD_PRELOAD=", 11) == 0 || strncmp(envp[i], "LD_AUDIT=", 9) == 0 ||
          strncmp(envp[i], "VG_VIA_SHIM=", 12) == 0) {
        continue;
      }
      out[n++] = envp[i];
    }
  }
  for (int k = 0; k < g_keep_n; ++k) {
    if (env_find(envp, g_keep[k], name_len(g_keep[k])) == NULL) out[n++] = (char*)g_keep[k];
  }
  for (int k = 0; k < g_check_env_n; ++k) {
    if (env_find(envp, g_check_env[k], name_len(g_check_env[k])) == NULL) {
      out[n++] = (char*)g_check_env[k];
    }
  }
  out[n++] = (char*)"VG_VIA_SHIM=1";
  out[n] = NULL;
}

#define HELPER_ENV_SLOTS(envp) (env_count(envp) + KEEP_MAX + 8)

/* ---- the decision ------------------------------------------------------------- */

enum verdict {
  V_PASS = 'P',     /* not ours to judge: run it, keep the shim in its environment */
  V_SELF = 'V',     /* vectra-guard itself: run it exactly as asked */
  V_HOST = 'H',     /* judged: run on the host */
  V_SANDBOX = 'S',  /* judged: run through vectra-guard exec --sandbox */
  V_BLOCK = 'B',    /* judged: refused (vectra-guard said why) */
  V_NO_ANSWER = 'F' /* no verdict could be obtained */
};

static size_t argv_count(char* const argv[]);

static int same_file(const char* a, const char* b) {
  struct stat sa, sb;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int is_vg_binary(const char* path) {
  if (g_vg_bin[0] == '\0') return 0;
  if (strcmp(path, g_vg_bin) == 0) return 1;
  const char* b = base_name(path);
  if (strcmp(b, "vectra-guard") != 0 && strcmp(b, "vg") != 0) return 0;
  return same_file(path, g_vg_bin);
}

static int class_of(const char* name) {
  return vg_snap_lookup(g_snap, name, strlen(name));
}

/* Ask `vectra-guard agent shim-check` about path+argv; returns H, S, B or 0.
 * Works in a vfork child: vfork + execve + read + waitpid only, stack buffers. */
static int ask_vectra_guard(const char* path, char* const argv[]) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 0;
  size_t argc = 0;
  while (argv != NULL && argv[argc] != NULL) ++argc;
  char* args[argc + 12];
  size_t n = 0;
  args[n++] = (char*)g_vg_bin;
  if (g_config[0] != '\0') {
    args[n++] = (char*)"--config";
    args[n++] = (char*)g_config;
  }
  args[n++] = (char*)"agent";
  args[n++] = (char*)"shim-check";
  args[n++] = (char*)"--verdict-fd";
  args[n++] = (char*)"3";
  /* A host run that cannot go through `exec --via-shim` (no file path) is recorded
   * by the check itself. */
  if (!(path[0] == '/' && access(path, X_OK) == 0)) args[n++] = (char*)"--record-host";
  args[n++] = (char*)"--";
  args[n++] = (char*)path;
  for (size_t i = 1; i < argc; ++i) args[n++] = argv[i];
  args[n] = NULL;
  char* env[HELPER_ENV_SLOTS(environ)];
  helper_env(environ, env);

  pid_t pid = vfork();
  if (pid == 0) {
    /* The verdict pipe becomes fd 3; stdin is not the helper's to read; anything it
     * might print goes to stderr so the guarded program's stdout stays clean. */
    int w = fds[1] == 3 ? 3 : dup2(fds[1], 3);
    if (w == 3) fcntl(3, F_SETFD, 0);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(2, 1);
    real_execve(g_vg_bin, args, env);
    _exit(127);
  }
  close(fds[1]);
  char verdict = 0;
  if (pid > 0) {
    for (;;) {
      ssize_t r = read(fds[0], &verdict, 1);
      if (r < 0 && errno == EINTR) continue;
      if (r != 1) verdict = 0;
      break;
    }
    /* ECHILD (SIGCHLD ignored, or reaped by the program's handler) is fine: the
     * verdict came through the pipe, not the exit status. */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
  }
  close(fds[0]);
  return verdict == 'H' || verdict == 'S' || verdict == 'B' ? verdict : 0;
}

/* Ask the session broker: a private socketpair end goes to it over the inherited
 * socket, the question ("path\0argv0\0...") follows on the pair, one verdict byte
 * (and for a block, the line to show) comes back. A socket round trip, no process.
 * Works in a vfork child: stack buffers and system calls only. */
static int ask_broker(const char* path, char* const argv[]) {
  /* Closed since load (Python's close_fds)? Checked before the pair is made, which
   * could otherwise take the same number. The caller then asks the old way. */
  int type = 0;
  socklen_t type_len = sizeof type;
  if (getsockopt(g_broker_fd, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 || type != SOCK_SEQPACKET) return 'K';
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) return 0;
  char q = 'Q';
  struct iovec one = {&q, 1};
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &one;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &sp[1], sizeof(int));
  ssize_t n;
  do {
    n = sendmsg(g_broker_fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  close(sp[1]);
  int ok = n == 1;
  /* The question, written in slices of at most 64 strings. */
  size_t argc = argv_count(argv);
  struct iovec iov[64];
  size_t k = 0;
  iov[k].iov_base = (void*)path;
  iov[k++].iov_len = strlen(path) + 1;
  for (size_t i = 0; ok && i <= argc; ++i) {
    if (i < argc) {
      iov[k].iov_base = argv[i];
      iov[k++].iov_len = strlen(argv[i]) + 1;
    }
    if (k == 64 || i == argc) {
      size_t total = 0;
      for (size_t j = 0; j < k; ++j) total += iov[j].iov_len;
      while (ok && total > 0) {
        ssize_t w = writev(sp[0], iov, (int)k);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          ok = 0;
          break;
        }
        total -= (size_t)w;
        /* Drop what was written from the front of iov. */
        size_t done = (size_t)w, j = 0;
        while (j < k && done >= iov[j].iov_len) done -= iov[j++].iov_len;
        memmove(iov, iov + j, (k - j) * sizeof iov[0]);
        k -= j;
        if (k > 0) {
          iov[0].iov_base = (char*)iov[0].iov_base + done;
          iov[0].iov_len -= done;
        }
      }
      k = 0;
    }
  }
  char reply[1024];
  ssize_t r = 0;
  if (ok) {
    shutdown(sp[0], SHUT_WR);
    size_t have = 0;
    for (;;) {
      r = read(sp[0], reply + have, sizeof reply - 1 - have);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      have += (size_t)r;
      if (have >= sizeof reply - 1) break;
    }
    r = (ssize_t)have;
  }
  close(sp[0]);
  if (r < 1) return 0;
  reply[r] = '\0';
  if (reply[0] == 'B' && r > 1) say(reply + 1, NULL, NULL);
  return reply[0] == 'H' || reply[0] == 'S' || reply[0] == 'B' ? reply[0] : 0;
}

static void warn_inactive(void) {
  if (g_warned) return;
  g_warned = 1;
  say("vectra-guard: the exec shim is inactive in this process: no usable policy snapshot at ",
      g_snap_path[0] ? g_snap_path : "$VG_HOME/policy.snap",
      "; run 'vectra-guard agent snapshot' or start through 'vectra-guard agent start'.\n");
}

/* What to do with an exec of `path` (already resolved) with `argv`. */
static int decide(const char* path, char* const argv[]) {
  if (g_passive) return V_PASS;
  if (g_snap == NULL) {
    warn_inactive();
    return V_PASS;
  }
  if (is_vg_binary(path)) return V_SELF;
  /* Judge by the stricter of the file's name and argv[0] (symlinked multi-call
   * programs, or a misleading argv[0]). Inspect > inline code > pass. */
  int c = class_of(base_name(path));
  if (c != VG_CLASS_INSPECT && argv != NULL && argv[0] != NULL) {
    int c0 = class_of(base_name(argv[0]));
    if (c0 == VG_CLASS_INSPECT || (c0 == VG_CLASS_INLINE && c == VG_CLASS_PASS)) c = c0;
  }
  if (c == VG_CLASS_PASS) return V_PASS;
  if (c == VG_CLASS_INLINE && !vg_argv_has_inline_code(argv)) return V_PASS;
  /* A program that is not there fails on its own; asking would only cost time
   * (execvp-style callers try every PATH entry). */
  if (access(path, X_OK) != 0) return V_PASS;
  /* The broker's socket was closed by an ancestor (Python's close_fds): asked the old
   * way, so a sandbox verdict is still re-routed (the kernel's check only refuses). */
  int v = g_broker_fd >= 0 && !g_broker_lost ? ask_broker(path, argv) : 'K';
  if (v == 'K') v = ask_vectra_guard(path, argv);
  if (v == 0) return g_fail_closed ? V_NO_ANSWER : V_PASS;
  return v;
}

static int refuse(const char* path, int v) {
  if (v == V_NO_ANSWER) {
    say("vectra-guard: refusing to run ", path,
        ": no verdict could be obtained (is the vectra-guard binary still installed?).\n");
  } else if (v == 'L') {
    say("vectra-guard: refusing to run ", path,
        ": LD_AUDIT would take the exec guard out of its environment.\n");
  } else if (v == 'M') {
    say("vectra-guard: refusing to run ", path,
        ": it has no file path, so it cannot be sent to the sandbox.\n");
  }
  errno = EACCES;
  return -1;
}

/* argv for `vectra-guard [--config F] exec --via-shim [--sandbox] -- path argv[1..]`. */
static size_t via_shim_argv(const char* path, char* const argv[], char** out, int sandbox) {
  size_t n = 0;
  out[n++] = (char*)g_vg_bin;
  if (g_config[0] != '\0') {
    out[n++] = (char*)"--config";
    out[n++] = (char*)g_config;
  }
  out[n++] = (char*)"exec";
  out[n++] = (char*)"--via-shim";
  if (sandbox) out[n++] = (char*)"--sandbox";
  out[n++] = (char*)"--";
  out[n++] = (char*)path;
  for (size_t i = 1; argv != NULL && argv[0] != NULL && argv[i] != NULL; ++i) out[n++] = argv[i];
  out[n] = NULL;
  return n;
}

static size_t argv_count(char* const argv[]) {
  size_t n = 0;
  while (argv != NULL && argv[n] != NULL) ++n;
  return n;
}

/* Environment for `exec --via-shim`: the program it runs keeps the shim (as keep_env
 * gives it), vectra-guard finds its config (HOME, PATH...) and sees our marker. */
#define VIA_SHIM_ENV(envp, name)                                  \
  char name##_preload[preload_space(envp)];                       \
  char* name[env_count(envp) + KEEP_MAX + 8];                     \
  via_shim_env(envp, name, name##_preload)

static void via_shim_env(char* const envp[], char** out, char* preload_buf) {
  keep_env(envp, out, preload_buf, NULL);
  size_t n = env_count(out);
  for (int k = 0; k < g_check_env_n; ++k) {
    if (env_find(out, g_check_env[k], name_len(g_check_env[k])) == NULL) out[n++] = (char*)g_check_env[k];
  }
  out[n++] = (char*)"VG_VIA_SHIM=1";
  out[n] = NULL;
}

/* A judged exec becomes `vectra-guard exec --via-shim`: it runs the program on the
 * host (recording exit status and duration) or in the sandbox. */
static int exec_via_shim(const char* path, char* const argv[], char* const envp[], int sandbox) {
  char* args[argv_count(argv) + 12];
  via_shim_argv(path, argv, args, sandbox);
  VIA_SHIM_ENV(envp, env);
  return real_execve(g_vg_bin, args, env);
}

static int exec_in_sandbox(const char* path, char* const argv[], char* const envp[]) {
  if (path[0] != '/') return refuse(path, 'M');
  return exec_via_shim(path, argv, envp, 1);
}

/* A host-approved exec goes through vectra-guard so its exit status is recorded;
 * one with no file path (a memfd) can only run as it is. */
static int can_route_host(const char* path) { return path[0] == '/' && access(path, X_OK) == 0; }

/* With a broker, a host verdict runs the program itself: the broker recorded it. */
static int route_host(const char* path) { return (g_broker_fd < 0 || g_broker_lost) && can_route_host(path); }

/* ---- the constructor ------------------------------------------------------------ */

static void keep_entry(const char* e, size_t* used) {
  size_t len = strlen(e) + 1;
  if (g_keep_n >= KEEP_MAX || *used + len > sizeof g_keep_buf) return;
  memcpy(g_keep_buf + *used, e, len);
  g_keep[g_keep_n++] = g_keep_buf + *used;
  *used += len;
}

static const char* copy_entry(const char* e, size_t* used) {
  size_t len = strlen(e) + 1;
  if (*used + len > sizeof g_keep_buf) return NULL;
  memcpy(g_keep_buf + *used, e, len);
  const char* out = g_keep_buf + *used;
  *used += len;
  return out;
}

static void load_snapshot(void) {
  const char* p = getenv("VG_POLICY_SNAPSHOT");
  if (p != NULL && p[0] == '/' && strlen(p) < sizeof g_snap_path) {
    strcpy(g_snap_path, p);
  } else {
    const char* home = getenv("VG_HOME");
    const char* suffix = "/policy.snap";
    if (home == NULL || home[0] != '/') {
      home = getenv("HOME");
      suffix = "/.vectra-guard/policy.snap";
    }
    if (home == NULL || strlen(home) + strlen(suffix) >= sizeof g_snap_path) return;
    strcpy(g_snap_path, home);
    strcat(g_snap_path, suffix);
  }
  int fd = open(g_snap_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > (off_t)VG_SNAP_MAX_SIZE) {
    close(fd);
    return;
  }
  void* m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return;
  if (!vg_snap_valid((const unsigned char*)m, (size_t)st.st_size)) {
    munmap(m, (size_t)st.st_size);
    return;
  }
  const struct vg_snap_header* h = (const struct vg_snap_header*)m;
  g_snap = (const unsigned char*)m;
  g_snap_size = (size_t)st.st_size;
  g_vg_bin = vg_snap_string(g_snap, h->vg_bin_off);
  g_config = vg_snap_string(g_snap, h->config_off);
  g_fail_closed = h->fail_closed;
  if (g_vg_bin[0] != '/') g_snap = NULL; /* nobody to ask */
}

/* VG_BROKER_FD: kept only while it still is a SOCK_SEQPACKET socket (a program may
 * have closed it, and the number may now be something else). */
static void load_broker(void) {
  const char* v = getenv("VG_BROKER_FD");
  if (v == NULL || v[0] < '0' || v[0] > '9') return;
  int fd = atoi(v);
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET) g_broker_fd = fd;
  else g_broker_lost = 1;
}

static void resolve_real(void) {
  real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
  real_execvpe = (execvpe_fn)dlsym(RTLD_NEXT, "execvpe");
  real_execveat = (execveat_fn)dlsym(RTLD_NEXT, "execveat");
  real_fexecve = (fexecve_fn)dlsym(RTLD_NEXT, "fexecve");
  /* posix_spawn has a compat version; ask for the current one first. */
  real_posix_spawn = (spawn_fn)dlvsym(RTLD_NEXT, "posix_spawn", "GLIBC_2.15");
  if (real_posix_spawn == NULL) real_posix_spawn = (spawn_fn)dlsym(RTLD_NEXT, "posix_spawn");
  real_posix_spawnp = (spawn_fn)dlvsym(RTLD_NEXT, "posix_spawnp", "GLIBC_2.15");
  if (real_posix_spawnp == NULL) real_posix_spawnp = (spawn_fn)dlsym(RTLD_NEXT, "posix_spawnp");
  real_system = (system_fn)dlsym(RTLD_NEXT, "system");
  real_popen = (popen_fn)dlsym(RTLD_NEXT, "popen");
}

__attribute__((constructor)) static void vg_preload_init(void) {
  resolve_real();
  Dl_info info;
  if (dladdr((void*)vg_preload_init, &info) != 0 && info.dli_fname != NULL &&
      strlen(info.dli_fname) < sizeof g_self) {
    strcpy(g_self, info.dli_fname);
  }

  size_t used = 0;
  for (char** e = environ; e != NULL && *e != NULL; ++e) {
    const char* s = *e;
    if (strncmp(s, "LD_PRELOAD=", 11) == 0) {
      if (g_self[0] != '\0' && preload_has_us(s + 11)) g_preload = copy_entry(s, &used);
    } else if (strncmp(s, "LD_AUDIT=", 9) == 0) {
      g_audit = copy_entry(s, &used);
    } else if (strncmp(s, "BASH_ENV=", 9) == 0) {
      keep_entry(s, &used);
    } else if (strncmp(s, "VG_", 3) == 0 && strncmp(s, "VG_DISABLE=", 11) != 0 &&
               strncmp(s, "VG_VIA_SHIM=", 12) != 0 && strncmp(s, "VG_EXEC_CHECKED=", 16) != 0 &&
               strncmp(s, "VG_NI_ROUTED=", 13) != 0) {
      /* The session's variables; not the per-exec markers, which must not spread. */
      keep_entry(s, &used);
    } else if ((strncmp(s, "HOME=", 5) == 0 || strncmp(s, "PATH=", 5) == 0 ||
                strncmp(s, "USER=", 5) == 0 || strncmp(s, "LOGNAME=", 8) == 0) &&
               g_check_env_n < 4) {
      const char* c = copy_entry(s, &used);
      if (c != NULL) g_check_env[g_check_env_n++] = c;
    }
  }

  load_snapshot();
  load_broker();

  /* Inside vectra-guard itself the shim stands aside: it is the judge. The marker
   * is removed so the programs vectra-guard runs are guarded again. */
  if (getenv("VG_VIA_SHIM") != NULL) unsetenv("VG_VIA_SHIM");
  const char* me = program_invocation_short_name;
  if (g_snap != NULL && me != NULL && (strcmp(me, "vectra-guard") == 0 || strcmp(me, "vg") == 0)) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
      exe[n] = '\0';
      if (strcmp(exe, g_vg_bin) == 0 || same_file(exe, g_vg_bin)) g_passive = 1;
    }
  }
}

/* ---- exec family ---------------------------------------------------------------- */

/* The environment a passed or host-approved program gets, on the stack. */
#define KEPT_ENV(envp, name, verdict)                           \
  char name##_preload[preload_space(envp)];                    \
  char name##_checked[40];                                     \
  char* name[env_count(envp) + KEEP_MAX + 3];                  \
  keep_env(envp, name, name##_preload, checked_entry(verdict, name##_checked))

static int guarded_execve(const char* path, char* const argv[], char* const envp[]) {
  if (real_execve == NULL) resolve_real();
  if (path == NULL) return real_execve(path, argv, envp);
  int v = decide(path, argv);
  if (v == V_SELF || g_passive) return real_execve(path, argv, envp);
  if (v == V_BLOCK || v == V_NO_ANSWER) return refuse(path, v);
  if (audit_changed(envp)) return refuse(path, 'L');
  if (v == V_SANDBOX) return exec_in_sandbox(path, argv, envp);
  if (v == V_HOST && route_host(path)) return exec_via_shim(path, argv, envp, 0);
  KEPT_ENV(envp, env, v);
  return real_execve(path, argv, env);
}

/* PATH search like execvp: the first executable candidate, into out. */
static int resolve_in_path(const char* file, char* out, size_t out_size) {
  if (strchr(file, '/') != NULL) {
    if (strlen(file) >= out_size) return 0;
    strcpy(out, file);
    return 1;
  }
  const char* path = getenv("PATH");
  if (path == NULL) path = "/bin:/usr/bin";
  size_t flen = strlen(file);
  while (*path != '\0') {
    size_t n = strcspn(path, ":");
    if (n + flen + 2 <= out_size) {
      if (n == 0) {
        strcpy(out, file);
      } else {
        memcpy(out, path, n);
        out[n] = '/';
        memcpy(out + n + 1, file, flen + 1);
      }
      if (access(out, X_OK) == 0) return 1;
    }
    path += n;
    if (*path == ':') ++path;
  }
  return 0;
}

static int guarded_execvpe(const char* file, char* const argv[], char* const envp[]) {
  if (real_execvpe == NULL) resolve_real();
  if (file == NULL || file[0] == '\0') return real_execvpe(file, argv, envp);
  char path[PATH_MAX];
  if (!resolve_in_path(file, path, sizeof path)) {
    KEPT_ENV(envp, env, V_PASS);
    return real_execvpe(file, argv, env); /* fails with glibc's own errno */
  }
  int v = decide(path, argv);
  if (v == V_SELF || g_passive) return real_execvpe(file, argv, envp);
  if (v == V_BLOCK || v == V_NO_ANSWER) return refuse(path, v);
  if (audit_changed(envp)) return refuse(path, 'L');
  if (v == V_SANDBOX) return exec_in_sandbox(path, argv, envp);
  if (v == V_HOST && route_host(path)) return exec_via_shim(path, argv, envp, 0);
  KEPT_ENV(envp, env, v);
  return real_execvpe(file, argv, env);
}

VG_EXPORT int execve(const char* path, char* const argv[], char* const envp[]) {
  return guarded_execve(path, argv, envp);
}

VG_EXPORT int execv(const char* path, char* const argv[]) {
  return guarded_execve(path, argv, environ);
}

VG_EXPORT int execvpe(const char* file, char* const argv[], char* const envp[]) {
  return guarded_execvpe(file, argv, envp);
}

VG_EXPORT int execvp(const char* file, char* const argv[]) {
  return guarded_execvpe(file, argv, environ);
}

/* execl*: count the variadic list, copy it into a stack array, then as execv*. */
#define COLLECT_ARGS(first, ap, argv, extra_envp)               \
  size_t argc_ = 1;                                             \
  va_start(ap, first);                                          \
  while (va_arg(ap, char*) != NULL) ++argc_;                    \
  va_end(ap);                                                   \
  char* argv[argc_ + 1];                                        \
  argv[0] = (char*)first;                                       \
  va_start(ap, first);                                          \
  for (size_t i_ = 1; i_ <= argc_; ++i_) argv[i_] = va_arg(ap, char*); \
  extra_envp;                                                   \
  va_end(ap)

VG_EXPORT int execl(const char* path, const char* arg, ...) {
  va_list ap;
  COLLECT_ARGS(arg, ap, argv, (void)0);
  return guarded_execve(path, argv, environ);
}

VG_EXPORT int execlp(const char* file, const char* arg, ...) {
  va_list ap;
  COLLECT_ARGS(arg, ap, argv, (void)0);
  return guarded_execvpe(file, argv, environ);
}

VG_EXPORT int execle(const char* path, const char* arg, ...) {
  va_list ap;
  char* const* envp;
  COLLECT_ARGS(arg, ap, argv, envp = va_arg(ap, char* const*));
  return guarded_execve(path, argv, envp);
}

/* The file behind a descriptor (fexecve, execveat with AT_EMPTY_PATH). */
static void fd_path(int fd, char* out, size_t out_size) {
  char link[32] = "/proc/self/fd/";
  put_int(link + strlen(link), fd);
  ssize_t n = readlink(link, out, out_size - 1);
  if (n < 0) n = 0;
  out[n] = '\0';
}

/* An exec through a descriptor: judged by its file when it has one, else (memfd,
 * deleted file) by argv[0] at least. */
static int decide_fd(const char* path, char* const argv[]) {
  if ((path[0] == '/' && access(path, X_OK) == 0) || g_passive || g_snap == NULL) {
    return decide(path[0] ? path : "(descriptor)", argv);
  }
  if (argv == NULL || argv[0] == NULL) return V_PASS;
  int c = class_of(base_name(argv[0]));
  if (c == VG_CLASS_PASS || (c == VG_CLASS_INLINE && !vg_argv_has_inline_code(argv))) return V_PASS;
  int v = g_broker_fd >= 0 && !g_broker_lost ? ask_broker(argv[0], argv) : 'K';
  if (v == 'K') v = ask_vectra_guard(argv[0], argv);
  if (v == 0) return g_fail_closed ? V_NO_ANSWER : V_PASS;
  return v;
}

VG_EXPORT int execveat(int dirfd, const char* pathname, char* const argv[], char* const envp[],
                       int flags) {
  if (real_execveat == NULL) resolve_real();
  char path[PATH_MAX];
  if (pathname[0] == '/' || (dirfd == AT_FDCWD && pathname[0] != '\0')) {
    if (strlen(pathname) >= sizeof path) return real_execveat(dirfd, pathname, argv, envp, flags);
    strcpy(path, pathname);
  } else {
    fd_path(dirfd, path, sizeof path);
    if (pathname[0] != '\0' && strlen(path) + strlen(pathname) + 2 < sizeof path) {
      strcat(path, "/");
      strcat(path, pathname);
    }
  }
  int v = decide_fd(path, argv);
  if (v == V_SELF || g_passive) return real_execveat(dirfd, pathname, argv, envp, flags);
  if (v == V_BLOCK || v == V_NO_ANSWER) return refuse(path, v);
  if (audit_changed(envp)) return refuse(path, 'L');
  if (v == V_SANDBOX) return exec_in_sandbox(path, argv, envp);
  if (v == V_HOST && route_host(path)) return exec_via_shim(path, argv, envp, 0);
  KEPT_ENV(envp, env, v);
  return real_execveat(dirfd, pathname, argv, env, flags);
}

VG_EXPORT int fexecve(int fd, char* const argv[], char* const envp[]) {
  if (real_fexecve == NULL) resolve_real();
  char path[PATH_MAX];
  fd_path(fd, path, sizeof path);
  int v = decide_fd(path, argv);
  if (v == V_SELF || g_passive) return real_fexecve(fd, argv, envp);
  if (v == V_BLOCK || v == V_NO_ANSWER) return refuse(path[0] ? path : "(descriptor)", v);
  if (audit_changed(envp)) return refuse(path, 'L');
  if (v == V_SANDBOX) return exec_in_sandbox(path, argv, envp);
  if (v == V_HOST && route_host(path)) return exec_via_shim(path, argv, envp, 0);
  KEPT_ENV(envp, env, v);
  return real_fexecve(fd, argv, env);
}

/* ---- posix_spawn ------------------------------------------------------------------ */

static int guarded_spawn(spawn_fn real, pid_t* pid, const char* file, const char* path,
                         const posix_spawn_file_actions_t* fa, const posix_spawnattr_t* attr,
                         char* const argv[], char* const envp[]) {
  int v = decide(path, argv);
  if (v == V_SELF || g_passive) return real(pid, file, fa, attr, argv, envp);
  if (v == V_BLOCK || v == V_NO_ANSWER) {
    refuse(path, v);
    return EACCES;
  }
  if (audit_changed(envp)) {
    refuse(path, 'L');
    return EACCES;
  }
  if (v == V_SANDBOX || (v == V_HOST && route_host(path))) {
    char* args[argv_count(argv) + 12];
    via_shim_argv(path, argv, args, v == V_SANDBOX);
    VIA_SHIM_ENV(envp, env);
    return real_posix_spawn(pid, g_vg_bin, fa, attr, args, env);
  }
  KEPT_ENV(envp, env, V_PASS); /* the child's pid is not known yet */
  return real(pid, file, fa, attr, argv, env);
}

VG_EXPORT int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* fa,
                          const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  if (real_posix_spawn == NULL) resolve_real();
  return guarded_spawn(real_posix_spawn, pid, path, path, fa, attr, argv, envp);
}

VG_EXPORT int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* fa,
                           const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  if (real_posix_spawnp == NULL) resolve_real();
  char path[PATH_MAX];
  if (!resolve_in_path(file, path, sizeof path)) {
    KEPT_ENV(envp, env, V_PASS);
    return real_posix_spawnp(pid, file, fa, attr, argv, env);
  }
  return guarded_spawn(real_posix_spawnp, pid, file, path, fa, attr, argv, envp);
}

/* ---- system and popen: a shell line, judged as `sh -c LINE` --------------------- */

/* 'line' quoted for sh: 'it'\''s'. Returns malloc'd text (system/popen may allocate). */
static char* sh_quote(const char* s) {
  size_t n = 3;
  for (const char* p = s; *p; ++p) n += *p == '\'' ? 4 : 1;
  char* out = malloc(n);
  if (out == NULL) return NULL;
  char* o = out;
  *o++ = '\'';
  for (const char* p = s; *p; ++p) {
    if (*p == '\'') {
      memcpy(o, "'\\''", 4);
      o += 4;
    } else {
      *o++ = *p;
    }
  }
  *o++ = '\'';
  *o = '\0';
  return out;
}

/* "VG_VIA_SHIM=1 LD_PRELOAD= exec 'vg' [--config 'F'] exec --sandbox --no-interactive -- /bin/sh -c 'LINE'" */
static char* sandboxed_line(const char* line) {
  char* qbin = sh_quote(g_vg_bin);
  char* qcfg = sh_quote(g_config);
  char* qline = sh_quote(line);
  char* out = NULL;
  if (qbin && qcfg && qline) {
    size_t n = strlen(qbin) + strlen(qcfg) + strlen(qline) + 128;
    out = malloc(n);
    if (out != NULL) {
      snprintf(out, n, "VG_VIA_SHIM=1 LD_PRELOAD= exec %s %s%s exec --via-shim --sandbox -- /bin/sh -c %s",
               qbin, g_config[0] ? "--config " : "", g_config[0] ? qcfg : "", qline);
    }
  }
  free(qbin);
  free(qcfg);
  free(qline);
  return out;
}

static int line_verdict(const char* line) {
  char* argv[] = {(char*)"sh", (char*)"-c", (char*)line, NULL};
  return decide("/bin/sh", argv);
}

VG_EXPORT int system(const char* line) {
  if (real_system == NULL) resolve_real();
  if (line == NULL) return real_system(line);
  int v = line_verdict(line);
  if (v == V_BLOCK || v == V_NO_ANSWER) {
    refuse("/bin/sh", v);
    return 126 << 8; /* as a shell reports a command it may not run */
  }
  if (v == V_SANDBOX) {
    char* routed = sandboxed_line(line);
    if (routed == NULL) {
      errno = ENOMEM;
      return -1;
    }
    int r = real_system(routed);
    free(routed);
    return r;
  }
  return real_system(line);
}

VG_EXPORT FILE* popen(const char* line, const char* type) {
  if (real_popen == NULL) resolve_real();
  if (line == NULL) return real_popen(line, type);
  int v = line_verdict(line);
  if (v == V_BLOCK || v == V_NO_ANSWER) {
    refuse("/bin/sh", v);
    return NULL;
  }
  if (v == V_SANDBOX) {
    char* routed = sandboxed_line(line);
    if (routed == NULL) {
      errno = ENOMEM;
      return NULL;
    }
    FILE* f = real_popen(routed, type);
    free(routed);
    return f;
  }
  return real_popen(line, type);
}
