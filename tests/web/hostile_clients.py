#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile clients against `portlens serve`: slowloris and its kin (issue 11, holes 7, 11).

Each attack runs against a fresh server on 127.0.0.1 from several loopback addresses
(127.0.0.2 ... 127.0.0.9, and 127.0.0.1 itself, the address every local client shares),
and while it runs a normal client on 127.0.0.1 must get /port/22 within 1 s, several
times over. The attacks:
  - slow headers: a header line every 2 s (never idle long enough for an idle timeout),
    1,200 connections, more than the server's connection limit;
  - slow headers from the normal client's own address (300 connections from 127.0.0.1);
  - slow bodies: complete headers, then one body byte every 2 s;
  - a connection flood that sends nothing;
  - chunked bodies: one that passes the 4 KiB limit is answered 413 at once, not read to
    its end; a slow chunked body is cut off like any slow body.
Every loop is bounded in count and time; only 127.0.0.0/8 is ever contacted.

usage: hostile_clients.py PATH/TO/portlens
"""
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

import webtest
from webtest import check, finish

DEADLINE = time.monotonic() + 150
SERVE_WITHIN = 1.0
ATTACKERS = ["127.0.0.%d" % i for i in range(2, 10)]


class Server(webtest.Server):
    def __init__(self, exe, tmp):
        super().__init__(exe, os.path.join(tmp, "h.db"))
        if self.port is None:
            raise SystemExit("server did not start: " + self.stderr)


def normal_get(port, timeout=5.0):
    """A normal client: returns (seconds taken, status) for GET /port/22 from 127.0.0.1."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(b"GET /port/22 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n"
                  % port)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        m = re.match(rb"HTTP/1\.1 (\d+)", data)
        return time.monotonic() - t0, int(m.group(1)) if m else None
    except OSError as e:
        return time.monotonic() - t0, str(e)


class Attack:
    """Keeps up to n connections per source address open, feeding each with feed(sock)
    every `every` seconds, reopening closed ones (at most `reopen` per second per source);
    runs until stop() or `seconds`."""

    def __init__(self, port, sources, n, opener, feed=None, every=2.0, reopen=100,
                 seconds=30):
        self.port, self.sources, self.n = port, sources, n
        self.opener, self.feed, self.every, self.reopen = opener, feed, every, reopen
        self.end = time.monotonic() + seconds
        self.socks = {src: [] for src in sources}
        self.opened = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def connect(self, src):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=2,
                                         source_address=(src, 0))
            s.settimeout(0.05)
            self.opener(s)
            self.opened += 1
            return s
        except OSError:
            return None

    def fill(self, src, budget):
        socks = self.socks[src]
        while len(socks) < self.n and budget > 0 and not self.stopped.is_set():
            s = self.connect(src)
            budget -= 1
            if s:
                socks.append(s)

    def start(self):
        for src in self.sources:  # the first wave at full speed
            self.fill(src, self.n)
        self.thread.start()
        return self

    def run(self):
        last_feed = time.monotonic()
        while not self.stopped.is_set() and time.monotonic() < self.end:
            now = time.monotonic()
            feed = self.feed and now - last_feed >= self.every
            for src in self.sources:
                alive = []
                for s in self.socks[src]:
                    try:
                        if feed:
                            self.feed(s)
                        alive.append(s)
                    except OSError:
                        s.close()
                self.socks[src] = alive
                self.fill(src, max(1, int(self.reopen * 0.1)))
            if feed:
                last_feed = now
            self.stopped.wait(0.1)

    def stop(self):
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        for socks in self.socks.values():
            for s in socks:
                s.close()


def slow_header_open(port):
    def opener(s):
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port)
    return opener


def slow_header_feed(s):
    s.sendall(b"X-Slow: 1\r\n")


def slow_body_open(port):
    def opener(s):
        s.sendall(b"POST /port/22/vote HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                  b"application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nc" % port)
    return opener


def slow_chunked_open(port):
    def opener(s):
        s.sendall(b"POST /port/22/vote HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                  b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                  % port)
    return opener


def body_feed(s):
    s.sendall(b"x")


def chunk_feed(s):
    s.sendall(b"1\r\nx\r\n")


def probe_during(srv, attack, what, probes=3, spacing=1.0):
    """The attack is running: the normal client must be served within 1 s each time."""
    results = []
    for _ in range(probes):
        if time.monotonic() > DEADLINE:
            break
        took, st = normal_get(srv.port)
        results.append((round(took, 3), st))
        time.sleep(spacing)
    worst = max((t for t, _ in results), default=99)
    check(results and all(st == 200 and t < SERVE_WITHIN for t, st in results),
          "%s (%d connections opened): normal client served within %.0f s each time: %s" %
          (what, attack.opened, SERVE_WITHIN, results))
    return worst


def run_attack(exe, tmp, what, sources, n, opener, feed, every=2.0, seconds=14,
               after=None):
    srv = Server(exe, tmp)
    attack = Attack(srv.port, sources, n, opener(srv.port), feed, every=every,
                    seconds=seconds).start()
    try:
        time.sleep(0.3)
        probe_during(srv, attack, what)
        if after:
            after(srv, attack)
    finally:
        attack.stop()
        check(srv.proc.poll() is None, what + ": server still running")
        check(srv.stop() == 0, what + ": clean exit after SIGTERM")


def slow_headers_cut_off(srv, attack):
    """A slow-header connection opened now is closed by the server within the header
    deadline (10 s), though it keeps sending a line every 2 s."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=1,
                                 source_address=("127.0.0.10", 0))
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % srv.port)
    t0, closed = time.monotonic(), False
    while time.monotonic() - t0 < 14 and not closed:
        try:
            s.sendall(b"X-Slow: 1\r\n")
            s.settimeout(2)
            if s.recv(4096) == b"":
                closed = True
        except socket.timeout:
            pass
        except OSError:
            closed = True
    s.close()
    took = time.monotonic() - t0
    check(closed and took < 13, "a header line every 2 s is cut off by the header deadline "
          "(%s after %.1f s)" % ("closed" if closed else "still open", took))


def test_chunked_413(exe, tmp):
    srv = Server(exe, tmp)
    try:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"POST /port/22/vote HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: "
                  b"application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                  % srv.port)
        chunk = b"1000\r\n" + b"a" * 4096 + b"\r\n"
        s.setblocking(False)
        sent, resp, t0 = 0, b"", time.monotonic()
        # Up to 256 MiB in 10 s: the old server read every byte before its 413.
        while time.monotonic() - t0 < 10 and sent < (256 << 20):
            try:
                sent += s.send(chunk)
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                break
            try:
                d = s.recv(4096)
                if not d:
                    break
                resp += d
                if b"\r\n\r\n" in resp:
                    break
            except BlockingIOError:
                pass
            except OSError:
                break
        s.setblocking(True)
        s.settimeout(2)
        try:
            while b"\r\n\r\n" not in resp:
                d = s.recv(4096)
                if not d:
                    break
                resp += d
        except OSError:
            pass
        s.close()
        took = time.monotonic() - t0
        check(resp.startswith(b"HTTP/1.1 413"), "chunked body over 4 KiB answered 413: %r" %
              resp[:30])
        # What the client could push before the answer is its own socket buffers (a few
        # MiB on loopback), not the body: the old server read all 256 MiB first.
        check(sent < (32 << 20) and took < 5, "413 came at once (%.1f MiB pushed, %.2f s)" %
              (sent / 1048576, took))
        # Content-Length over the limit: refused before the body is read.
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"POST /port/22/vote HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: "
                  b"1073741824\r\n\r\n" % srv.port)
        t0 = time.monotonic()
        s.settimeout(2)
        try:
            r = s.recv(4096)
        except OSError:
            r = b""
        s.close()
        check(r.startswith(b"HTTP/1.1 413") and time.monotonic() - t0 < 1,
              "Content-Length: 1 GiB answered 413 before the body: %r" % r[:30])
        took, st = normal_get(srv.port)
        check(st == 200, "server answers after the 413s (%s)" % st)
    finally:
        srv.stop()


def test_slow_headers(exe, tmp):
    run_attack(exe, tmp, "slow headers from 8 addresses", ATTACKERS, 150,
               slow_header_open, slow_header_feed, after=slow_headers_cut_off)


def test_slow_headers_same_address(exe, tmp):
    run_attack(exe, tmp, "slow headers from 127.0.0.1 itself", ["127.0.0.1"], 300,
               slow_header_open, slow_header_feed, seconds=10)


def test_slow_bodies(exe, tmp):
    run_attack(exe, tmp, "slow bodies from 8 addresses", ATTACKERS, 150, slow_body_open,
               body_feed, seconds=10)


def test_slow_chunked(exe, tmp):
    run_attack(exe, tmp, "slow chunked bodies from 8 addresses", ATTACKERS, 150,
               slow_chunked_open, chunk_feed, seconds=10)


def test_silent_flood(exe, tmp):
    run_attack(exe, tmp, "silent connection flood from 8 addresses", ATTACKERS, 150,
               lambda port: (lambda s: None), None, seconds=10)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 8192 if hard == resource.RLIM_INFINITY else min(hard, 8192)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    tmp = tempfile.mkdtemp(prefix="pl-hostile-clients-")
    for t in (test_chunked_413, test_slow_headers, test_slow_headers_same_address,
              test_slow_bodies, test_slow_chunked, test_silent_flood):
        if time.monotonic() > DEADLINE:
            check(False, "out of time before " + t.__name__)
            break
        print("--", t.__name__, flush=True)
        t(exe, tmp)
    subprocess.run(["rm", "-rf", tmp])
    return finish("hostile-clients")


if __name__ == "__main__":
    sys.exit(main())
