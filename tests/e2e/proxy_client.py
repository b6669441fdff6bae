#!/usr/bin/env python3
"""A raw client of vg-proxy, run inside the sandbox, for hosts no ordinary tool would
send (NUL and control bytes, numeric forms curl would rewrite). Each argument is one
request, PROTOCOL|HOST|PORT, HOST with Python escapes (\\x00); the proxy's port comes
from $HTTP_PROXY. Prints one line per request:

    http    status code, then the last line of the body
    connect status code, then the last line of the body (only the code for a 200)
    socks   the SOCKS5 reply code in hex
"""
import os
import socket
import sys

PROXY = ("127.0.0.1", int(os.environ["HTTP_PROXY"].rsplit(":", 1)[1]))


def read_all(s, until=None):
    got = b""
    while until is None or until not in got:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    return got


def http_answer(data):
    head, _, body = data.partition(b"\r\n\r\n")
    code = head.split(b" ", 2)[1].decode() if head else "none"
    last = body.rstrip(b"\n").split(b"\n")[-1].decode("latin-1") if body else ""
    return (code + " " + last).rstrip()


def one(protocol, host, port):
    s = socket.create_connection(PROXY, timeout=20)
    try:
        if protocol == "http":
            s.sendall(b"GET http://" + host + b":" + port + b"/index.html HTTP/1.1\r\n\r\n")
            return http_answer(read_all(s))
        if protocol == "connect":
            s.sendall(b"CONNECT " + host + b":" + port + b" HTTP/1.1\r\n\r\n")
            data = read_all(s, b"\r\n\r\n")
            return "200" if data.startswith(b"HTTP/1.1 200") else http_answer(data + read_all(s))
        s.sendall(b"\x05\x01\x00")
        read_all(s, b"\x00")
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(host)]) + host + int(port).to_bytes(2, "big"))
        reply = b""
        while len(reply) < 10:
            chunk = s.recv(10 - len(reply))
            if not chunk:
                break
            reply += chunk
        return reply[1:2].hex() or "closed"
    finally:
        s.close()


for request in sys.argv[1:]:
    protocol, host, port = request.split("|")
    print(one(protocol, host.encode("latin-1").decode("unicode_escape").encode("latin-1"), port.encode()))
