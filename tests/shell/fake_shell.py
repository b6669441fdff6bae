#!/usr/bin/env python3
"""A stand-in for a hooked shell talking to `vectra-guard hook SHELL --serve` (issue 18):
it sends requests, answers the server's lookup records from a table of definitions
(core/shell_defs.h) and prints what happened, one JSON object per request.

  fake_shell.py [--fifo] [--defs JSON] -- VECTRA-GUARD hook bash --serve ...  < steps

With --fifo the server is started with `--fifo DIR` (the fish protocol: request ids, and
"ID\\n" before every record the server sends). Steps, one per line on stdin:
  line TEXT     send TEXT (a final line) and print {"asked": [[names]...], "answer": "..."}
  reply MODE    how to answer the next lookups: table (default), garbage, close
  sh COMMAND    run COMMAND with /bin/sh (e.g. replace the binary between lines)
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def main():
    args = sys.argv[1:]
    fifo = "--fifo" in args[: args.index("--")]
    defs = {"aliases": {}, "functions": {}}
    if "--defs" in args[: args.index("--")]:
        defs = json.loads(args[args.index("--defs") + 1])
    cmd = args[args.index("--") + 1:]
    if fifo:
        d = tempfile.mkdtemp(prefix="vg-fake-fish.")
        proc = subprocess.Popen(cmd + ["--fifo", d])
        for _ in range(200):
            if os.path.exists(d + "/req"):
                break
            time.sleep(0.05)
        w = os.open(d + "/req", os.O_WRONLY)
        r = os.open(d + "/resp", os.O_RDONLY)
    else:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        w, r = proc.stdin.fileno(), proc.stdout.fileno()
    buf = b""

    def record():
        nonlocal buf
        while b"\0" not in buf:
            chunk = os.read(r, 65536)
            if not chunk:
                return None
            buf += chunk
        rec, buf = buf.split(b"\0", 1)
        return rec.decode()

    mode = "table"
    req = 0
    for step in sys.stdin.read().splitlines():
        verb, _, rest = step.partition(" ")
        if verb == "reply":
            mode = rest
            continue
        if verb == "sh":
            subprocess.run(["/bin/sh", "-c", rest], check=False)
            continue
        req += 1
        head = f"{req}\0" if fifo else ""
        os.write(w, f"{head}1\0{os.getcwd()}\0{rest}\0".encode())
        asked = []
        out = {"asked": asked}
        while True:
            rec = record()
            if rec is None:
                out["answer"] = None
                break
            if fifo:
                rid, _, rec = rec.partition("\n")
                if rid != str(req):
                    out["bad_id"] = rid
            if not rec.startswith("?"):
                out["answer"] = rec
                break
            names = rec[1:].split("\n")
            asked.append(names)
            if mode == "close":
                os.close(w)
                w = os.open("/dev/null", os.O_WRONLY)
                continue
            reply = b""
            for n in names:
                for kind in ("aliases", "functions"):
                    v = defs[kind].get(n)
                    reply += (b"-" if v is None else b"=" + v.encode()) + b"\0"
            if mode == "garbage":
                reply = b"what?\0"
            os.write(w, reply)
        print(json.dumps(out), flush=True)
        if out["answer"] is None:
            break
    os.close(w)
    if fifo:
        proc.terminate()  # the FIFO server lives as long as its shell
    proc.wait(timeout=10)


main()
