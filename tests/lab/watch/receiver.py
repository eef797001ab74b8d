#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# receiver.py - a webhook receiver for tests/lab/watch that misbehaves on purpose:
# requests 1..FAIL are answered 500, the next HANG are read and never answered (the
# sender's timeout must fire), every later one is accepted (200) and its event id
# (Idempotency-Key) appended to ACCEPTED. An id accepted twice is written to
# ACCEPTED.dup. Writes READY (its port) when listening.
# With CERT and KEY it speaks HTTPS (the certificate the test made).
# Usage: receiver.py PORT READY ACCEPTED FAIL HANG [CERT KEY]
import http.server, json, os, socketserver, sys, threading, time

port, ready, accepted_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
fail_n, hang_n = int(sys.argv[4]), int(sys.argv[5])
lock = threading.Lock()
count = 0
seen = set()
answered_in = {}  # id -> seconds its first acceptance took to answer
FAST = 1.0


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        global count
        t0 = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count += 1
            n = count
        if n <= fail_n:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if n <= fail_n + hang_n:
            time.sleep(4)  # longer than the sender's timeout: it gives up first
            return
        ev = json.loads(body)
        key = self.headers.get("Idempotency-Key")
        assert key == ev["id"], (key, ev["id"])
        with lock:
            if key not in seen:
                name = accepted_path
            elif answered_in.get(key, FAST) < FAST:
                name = accepted_path + ".dup"
            else:  # the first answer was late or is still on its way
                name = accepted_path + ".late"
            seen.add(key)
            with open(name, "a") as f:
                f.write(key + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.wfile.flush()
        with lock:
            answered_in.setdefault(key, time.monotonic() - t0)


class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = S(("127.0.0.1", port), H)
if len(sys.argv) > 7:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[6], sys.argv[7])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(ready + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(ready + ".tmp", ready)
srv.serve_forever()
