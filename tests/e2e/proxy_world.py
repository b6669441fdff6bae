#!/usr/bin/env python3
"""A loopback test world for the restricted network: serve DIR on ADDRESS:PORT over
HTTP, or HTTPS when CERT and KEY are given. Prints "ready" once it listens.

    proxy_world.py ADDRESS PORT DIR [CERT KEY]
"""
import functools
import http.server
import ssl
import sys


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    address, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    handler = functools.partial(Quiet, directory=root)
    server = http.server.ThreadingHTTPServer((address, port), handler)
    if len(sys.argv) > 5:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
