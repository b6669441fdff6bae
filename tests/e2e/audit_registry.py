#!/usr/bin/env python3
"""A loopback npm registry for `vectra-guard audit npm` tests: answers the bulk advisory
endpoint with a fixed advisory for vg-vulnerable-lib (or none with --clean) and serves
that package's document. Usage: audit_registry.py PORT [--clean]"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT = int(sys.argv[1])
CLEAN = "--clean" in sys.argv[2:]
BASE = "http://127.0.0.1:%d" % PORT

ADVISORIES = {} if CLEAN else {
    "vg-vulnerable-lib": [{
        "id": 1001,
        "url": "https://advisories.test/1001",
        "title": "Prototype pollution in vg-vulnerable-lib",
        "severity": "high",
        "vulnerable_versions": "<2.0.0",
        "cwe": ["CWE-1321"],
        "cvss": {"score": 7.5, "vectorString": None},
    }]
}


def packument(name):
    versions = {}
    for v in ("1.0.0", "2.0.0"):
        versions[v] = {"name": name, "version": v,
                       "dist": {"tarball": "%s/%s/-/%s-%s.tgz" % (BASE, name, name, v)}}
    return {"name": name, "dist-tags": {"latest": "2.0.0"}, "versions": versions}


class Handler(BaseHTTPRequestHandler):
    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/-/npm/v1/security/advisories/bulk"):
            self.reply(200, ADVISORIES)
        else:
            self.reply(404, {"error": "not found"})

    def do_GET(self):
        name = self.path.strip("/").split("?")[0]
        if name == "vg-vulnerable-lib":
            self.reply(200, packument(name))
        else:
            self.reply(404, {"error": "not found"})

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
