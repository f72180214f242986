#!/usr/bin/env python3
"""A tiny upstream API for the `listen --proxy` tests (Python stdlib only,
loopback only). It logs what arrives and answers like a provider:

    upstream.py LOG ECHO [CERT KEY]

Prints its port on the first line. Each request is appended to LOG as one
JSON line {"method", "path", "authorization", "body"} exactly as received.
While the file ECHO is not empty, each request is answered 401 with its
content as the body (a provider's echo of its base string); otherwise 200
"upstream ok". With CERT and KEY (PEM) it serves HTTPS.
"""
import http.server
import json
import ssl
import sys

log_path, echo_path = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        with open(log_path, "a") as f:
            f.write(json.dumps({
                "method": self.command,
                "path": self.path,
                "host": self.headers.get("Host"),
                "authorization": self.headers.get("Authorization"),
                "proxy_authorization": self.headers.get("Proxy-Authorization"),
                "body": body,
            }) + "\n")
        with open(echo_path, "rb") as f:
            out = f.read()
        status = 401
        if not out:
            out, status = b"upstream ok\n", 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = handle_one

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) > 4:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
