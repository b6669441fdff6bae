# Shared setup for tests/e2e/exec_*.bats and audit_concurrency.bats: a private HOME,
# VG_HOME and session per test, a workspace to run in, and small JSON helpers.

exec_setup() {
  VG="${VG_BIN:?VG_BIN is set by ctest}/vectra-guard"
  [[ -x $VG ]] || { echo "build vectra-guard first: $VG is missing" >&2; return 1; }
  T=$BATS_TEST_TMPDIR
  export HOME=$T/home VG_HOME=$T/state VG_SESSION=e2e-session
  unset VG_AGENT VG_DISABLE BASH_ENV LD_PRELOAD VG_POLICY_SNAPSHOT NO_COLOR
  mkdir -p "$HOME" "$T/ws"
  cd "$T/ws"
  # mode auto: harmless commands run on the host, medium ones in the sandbox.
  printf '[sandbox]\nmode = auto\n' >"$T/auto.ini"
  printf '[sandbox]\nmode = auto\nlog_output = true\n' >"$T/capture.ini"
}

LOG() { echo "$VG_HOME/sessions/$VG_SESSION.jsonl"; }

# json_get FILE LINE EXPR: evaluate a Python expression over event `e` (line LINE, 1-based).
json_get() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, line, expr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, encoding="utf-8") as f:
    e = json.loads(f.read().split("\n")[line - 1])  # not splitlines(): U+2028 is data
v = eval(expr, {"e": e})
print(json.dumps(v) if not isinstance(v, str) else v)
PY
}

# Number of lines in the session log.
log_lines() { [[ -f $(LOG) ]] && wc -l <"$(LOG)" || echo 0; }

# user_vg DIR: a copy of vectra-guard (and its sandbox helper) in DIR/bin that the
# unprivileged user can run even when the build tree is private (e.g. under /root).
user_vg() {
  mkdir -p "$1/bin"
  cp "$VG_BIN/vectra-guard" "$1/bin/"
  [[ -x $VG_BIN/vg-init ]] && cp "$VG_BIN/vg-init" "$1/bin/"
  [[ -x $VG_BIN/vg-proxy ]] && cp "$VG_BIN/vg-proxy" "$1/bin/"
  chmod -R a+rX "$1/bin"
  echo "$1/bin/vectra-guard"
}

# Run "$@" as an unprivileged user when we are root (CI), else as ourselves: the
# end-to-end behaviour must hold for both.
as_user() {
  if [[ $(id -u) == 0 ]]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- "$@"
  else
    "$@"
  fi
}

# pty_run ANSWER CMD...: run CMD (through bash -c) with a pseudo-terminal as its
# controlling terminal, stdin, stdout and stderr; when "Run it?" shows up, type
# ANSWER and Enter. Prints the transcript; exits with CMD's status (3 on a hang).
pty_run() {
  python3 - "$@" <<'PY'
import os, pty, select, sys, time
answer, cmd = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "-c", cmd])
out, answered, deadline = b"", False, time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if not answered and b"Run it?" in out:
        os.write(fd, answer.encode() + b"\n")
        answered = True
else:
    os.kill(pid, 9)
    sys.stdout.write(out.decode(errors="replace"))
    sys.exit(3)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 3)
PY
}

# pty_run_keys AHEAD ANSWER... -- CMD: like pty_run, but AHEAD (and Enter) is typed at
# once, before any question (typed-ahead input; "" for none), and each time "Run it?"
# shows up the next ANSWER is typed.
pty_run_keys() {
  python3 - "$@" <<'PY'
import os, pty, select, sys, time
args = sys.argv[1:]
cut = args.index("--")
ahead, answers, cmd = args[0], args[1:cut], args[cut + 1]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "-c", cmd])
if ahead:
    os.write(fd, ahead.encode() + b"\n")
out, asked, deadline = b"", 0, time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    while out.count(b"Run it?") > asked and answers:
        asked += 1
        os.write(fd, answers.pop(0).encode() + b"\n")
else:
    os.kill(pid, 9)
    sys.stdout.write(out.decode(errors="replace"))
    sys.exit(3)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 3)
PY
}

# pty_interrupt CMD: run CMD on a pseudo-terminal, press ^C once "ready" shows up.
# Prints the transcript; exits with CMD's status (3 on a hang).
pty_interrupt() {
  python3 - "$@" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "-c", sys.argv[1]])
out, sent, deadline = b"", False, time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if not sent and b"ready" in out:
        time.sleep(0.2)
        os.write(fd, b"\x03")
        sent = True
else:
    os.kill(pid, 9)
    sys.exit(3)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 3)
PY
}
