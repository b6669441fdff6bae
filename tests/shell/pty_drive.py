#!/usr/bin/env python3
"""Drive a real interactive shell through a pseudo-terminal, the way a person types.

usage: pty_drive.py [--timeout S] [--prompt REGEX] -- SHELL ARGS...  < script

The shell's prompts must match REGEX (default "VG[PC]> ": PS1='VGP> ', PS2='VGC> ').

Script lines (one command each):
  send TEXT     type TEXT and Enter, then wait for the next prompt
  type TEXT     type TEXT and Enter, do not wait (the line will ask a question)
  keys TEXT     type TEXT without Enter (\\r, \\n, \\x1b escapes are decoded)
  expect TEXT   wait until TEXT appears in the output after the last match
  wait          wait for the next prompt (PS1 or PS2)
  repeat N TEXT type TEXT and Enter N times, each after the prompt; time on stderr
The whole transcript (carriage returns and terminal escapes removed) goes to stdout. Exit status 3 when a
wait timed out, so a hung shell fails the test instead of blocking it.
"""
import os
import re
import pty
import select
import signal
import sys
import time


def kill_session(sid):
    """SIGKILL every process of the shell's session (pty.fork made the shell its leader):
    background jobs and runaway children must not outlive the test."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[3]) == sid:  # field 6 of stat: session id
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass


def main():
    args = sys.argv[1:]
    timeout = 15.0
    prompt = r"VG[PC]> "
    while args and args[0] != "--":
        if args[0] == "--timeout":
            timeout = float(args[1])
            args = args[2:]
        elif args[0] == "--prompt":
            prompt = args[1]
            args = args[2:]
        else:
            sys.exit("pty_drive.py: unknown option " + args[0])
    argv = args[1:]
    script = sys.stdin.read().splitlines()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out = bytearray()
    seen = 0  # position after the last expect / prompt match

    def pump(pattern, deadline):
        nonlocal seen
        needle = re.compile(pattern.encode())
        while True:
            m = needle.search(out, seen)
            if m:
                seen = m.end()
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([fd], [], [], left)
            if fd in r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                out.extend(data)

    def settle(quiet=0.3):
        while True:
            r, _, _ = select.select([fd], [], [], quiet)
            if fd not in r:
                return
            try:
                data = os.read(fd, 65536)
            except OSError:
                return
            if not data:
                return
            out.extend(data)

    def decode(text):
        return text.encode().decode("unicode_escape").encode("latin-1")

    status = 0
    if not pump(prompt, time.monotonic() + timeout):
        status = 3
    settle()
    for line in script if status == 0 else []:
        cmd, _, rest = line.partition(" ")
        if cmd == "send":
            os.write(fd, rest.encode() + b"\r")
            # Line editors redraw the prompt while typing: the next prompt is the one
            # after the Enter's newline, and the output must have settled.
            ok = pump(r"\n", time.monotonic() + timeout) and pump(prompt, time.monotonic() + timeout)
            settle()
        elif cmd == "type":
            os.write(fd, rest.encode() + b"\r")
            ok = True
        elif cmd == "keys":
            os.write(fd, decode(rest))
            ok = True
        elif cmd == "expect":
            ok = pump(re.escape(rest), time.monotonic() + timeout)
        elif cmd == "wait":
            ok = pump(prompt, time.monotonic() + timeout)
            settle()
        elif cmd == "repeat":
            # repeat N TEXT: type TEXT + Enter N times, each after the previous prompt;
            # the elapsed time goes to stderr (tests/bench/bench_hook.sh reads it).
            count, _, text = rest.partition(" ")
            start = time.monotonic()
            ok = True
            for _ in range(int(count)):
                os.write(fd, text.encode() + b"\r")
                ok = pump(r"\n", time.monotonic() + timeout) and pump(prompt, time.monotonic() + timeout)
                if not ok:
                    break
            sys.stderr.write("repeat: %s lines in %.3f ms\n" % (count, (time.monotonic() - start) * 1000))
        elif cmd == "":
            ok = True
        else:
            sys.exit("pty_drive.py: unknown script command " + cmd)
        if not ok:
            out.extend(("\n[pty_drive: timed out at: %s]\n" % line).encode())
            status = 3
            break
    try:
        os.write(fd, b"exit\r")
        end = time.monotonic() + 3
        while time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.2)
            if fd in r:
                data = os.read(fd, 65536)
                if not data:
                    break
                out.extend(data)
            else:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
    except OSError:
        pass
    kill_session(pid)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    # Terminal control sequences (bracketed paste, colours) are not part of what a
    # test checks: drop them with the carriage returns.
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", b"", bytes(out))
    sys.stdout.write(text.decode("utf-8", "replace").replace("\r", ""))
    sys.exit(status)


if __name__ == "__main__":
    main()
