#!/usr/bin/env python3
"""A tiny npm registry on 127.0.0.1 for the cache tests.

usage: npm_registry.py DIR PORTFILE LOG
DIR holds <name>.json (the package document, with "@TARBALL_BASE@" where the tarball
URL goes) and <name>-<version>.tgz. The chosen port is written to PORTFILE; each request
path is appended to LOG, so a test can tell what reached the network.
VG_REGISTRY_DELAY_MS (default 0) delays every answer, like a registry far away.
"""
import http.server
import os
import sys
import time

root, portfile, log = sys.argv[1], sys.argv[2], sys.argv[3]
delay = int(os.environ.get("VG_REGISTRY_DELAY_MS", "0")) / 1000.0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a", encoding="utf-8") as f:
            f.write(self.path + "\n")
        if delay:
            time.sleep(delay)
        path = self.path.split("?", 1)[0].lstrip("/").replace("%2f", "/").replace("%2F", "/")
        if "/-/" in path:  # <name>/-/<name>-<version>.tgz
            file = os.path.join(root, os.path.basename(path))
            ctype = "application/octet-stream"
            body = open(file, "rb").read() if os.path.isfile(file) else None
        else:
            file = os.path.join(root, os.path.basename(path) + ".json")
            ctype = "application/json"
            body = None
            if os.path.isfile(file):
                base = "http://127.0.0.1:%d/%s/-/" % (self.server.server_address[1], os.path.basename(path))
                body = open(file, encoding="utf-8").read().replace("@TARBALL_BASE@", base).encode()
        if body is None:
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error":"not found"}')
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
tmp = portfile + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, portfile)
server.serve_forever()
