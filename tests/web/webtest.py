# SPDX-License-Identifier: MIT
"""Helpers shared by the web tests (hostile.py, hostile_clients.py, serve_policy.py):
checks that record failures, a `portlens serve` on a free port of 127.0.0.1, and raw
HTTP over sockets to 127.0.0.1 only."""
import re
import signal
import socket
import subprocess

FAILURES = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def finish(name):
    """The closing line and exit status of a test file."""
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("%s: all checks passed" % name)
    return 0


class Server:
    """`portlens serve` on 127.0.0.1:0 (optionally under a wrapper command). port is None
    when it did not start; first and db_line are its two startup lines."""

    def __init__(self, exe, db, *extra, wrap=None, env=None):
        cmd = (wrap or []) + [exe, "serve", "--listen", "127.0.0.1:0", "--db", db, *extra]
        self.db = db
        self.stderr = ""
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.first = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.first)
        self.port = int(m.group(1)) if m else None
        self.db_line = self.proc.stdout.readline() if m else ""
        if not m:
            self.stop()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr = self.proc.stderr.read()
        return self.proc.returncode


def raw(port, data, timeout=10.0, read=True):
    """Sends bytes, returns everything the server answers until it closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        if not read:
            return b""
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def parse(resp):
    """(status or None, {lower-case header: [values]}, body) of a raw answer."""
    head, _, body = resp.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0]) if lines and lines[0] else None
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        hdrs.setdefault(k.strip().lower().decode("latin-1"), []).append(
            v.strip().decode("latin-1"))
    return (int(m.group(1)) if m else None), hdrs, body
