#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regression tests for `portlens serve` policies, against the real binary on 127.0.0.1.

Each test reproduces a defect the way a user or an attacker meets it (issues 10 and 11):
  - the database: created 0600 (with its -wal/-shm); a read-only file still serves,
    read-only, and every page says so; a corrupt file is a 503 with the same reason on
    /scans and /api/scans, never an empty 200;
  - a reloaded port page (served from the page cache) keeps its Content-Type;
  - two Host headers are a 400; a NUL in the path (/api/port/22%00x) is never a 200;
  - --allow-remote refuses empty and short tokens and generates a strong one;
  - /api/listen lists listeners only, however many connections the machine has;
  - control bytes (ESC, BEL ...) from stored scans never reach a page raw;
  - a saved scan's results are listed by host (numeric order), transport and port;
  - an address in use is named in the error, with the option that chooses another.

usage: serve_policy.py PATH/TO/portlens
"""
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

from webtest import Server, check, finish, parse, raw

DEADLINE = time.monotonic() + 200


def get(port, path, headers=None, host=None):
    lines = ["GET %s HTTP/1.1" % path, "Host: " + (host or "127.0.0.1:%d" % port),
             "Connection: close"]
    lines += ["%s: %s" % kv for kv in (headers or {}).items()]
    return parse(raw(port, ("\r\n".join(lines) + "\r\n\r\n").encode()))


def ctype(h):
    return h.get("content-type", [""])[0]


def saved_scan(exe, db):
    """A real `scan --save` of one listener on 127.0.0.1; returns (scan id, port)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    port = ls.getsockname()[1]
    r = subprocess.run([exe, "scan", "127.0.0.1", "-p", str(port), "--save", "--db", db,
                        "--no-progress"], capture_output=True, text=True, timeout=60)
    ls.close()
    m = re.search(r"saved as #(\d+)", r.stderr)
    if not m:
        raise SystemExit("scan --save failed: " + r.stderr)
    return int(m.group(1)), port


# ---- the database ------------------------------------------------------------------


def test_db_mode(exe, tmp):
    d = os.path.join(tmp, "mode")
    os.mkdir(d, 0o755)
    old = os.umask(0o022)
    try:
        db = os.path.join(d, "new.db")
        srv = Server(exe, db)
        check(srv.port is not None, "serve starts with a new database")
        modes = {}
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                modes[suffix or "db"] = os.stat(db + suffix).st_mode & 0o777
        srv.stop()
        check(modes.get("db") == 0o600, "serve creates the database 0600: %s" % {
            k: oct(v) for k, v in modes.items()})
        check(all(m == 0o600 for m in modes.values()), "its -wal and -shm are 0600 too: %s" %
              {k: oct(v) for k, v in modes.items()})
        db2 = os.path.join(d, "scan.db")
        saved_scan(exe, db2)
        check(os.stat(db2).st_mode & 0o777 == 0o600, "scan --save creates the database 0600 "
              "(%s)" % oct(os.stat(db2).st_mode & 0o777))
    finally:
        os.umask(old)


def test_db_readonly(exe, tmp):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("skip: the read-only database test needs root and unshare (CI runs as root)")
        return
    d = os.path.join(tmp, "ro")
    os.mkdir(d)
    db = os.path.join(d, "ro.db")
    sid, port = saved_scan(exe, db)
    # A read-only bind mount: even root cannot write there.
    wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c",
            'mount --bind -o ro "$0" "$0" && exec "$@"', d]
    srv = Server(exe, db, wrap=wrap)
    try:
        if not check(srv.port is not None, "serve starts on a read-only database: %r" %
                     srv.first):
            return
        check("read-only" in srv.db_line, "serve says the database is read-only: %r" %
              srv.db_line)
        st, h, body = get(srv.port, "/scans")
        check(st == 200 and b'href="/scans/%d"' % sid in body,
              "read-only: /scans lists the saved scan (%s)" % st)
        check(b'id="db-notice"' in body and b"read-only" in body,
              "read-only: the page says the database is read-only")
        st, _, body = get(srv.port, "/port/22")
        check(st == 200 and b'id="db-notice"' in body, "read-only: the port page says so too")
        st, _, body = get(srv.port, "/api/scans/%d" % sid)
        check(st == 200 and json.loads(body)["results_list"][0]["port"] == port,
              "read-only: /api/scans/ID answers")
    finally:
        srv.stop()


def corrupt(db):
    """Overwrites every page after the first (the schema) with garbage."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    size = os.path.getsize(db)
    with open(db, "r+b") as f:
        for off in range(page, size, page):
            f.seek(off)
            f.write(b"\xa5" * page)


def test_db_corrupt(exe, tmp):
    for kind in ("pages", "file"):
        db = os.path.join(tmp, "corrupt-%s.db" % kind)
        sid, _ = saved_scan(exe, db)
        if kind == "pages":
            corrupt(db)
        else:
            with open(db, "wb") as f:
                f.write(b"this is not a database\n" * 300)
        srv = Server(exe, db)
        try:
            if not check(srv.port is not None, "%s: serve starts on a corrupt database: %r" %
                         (kind, srv.first)):
                continue
            st, h, body = get(srv.port, "/scans")
            m = re.search(rb'id="error-detail"[^>]*>([^<]*)<', body)
            check(st == 503 and m is not None,
                  "%s: /scans is a 503 with the reason, not an empty list (%s)" % (kind, st))
            st2, h2, body2 = get(srv.port, "/api/scans")
            detail = json.loads(body2).get("detail", "") if st2 == 503 else ""
            check(st2 == 503 and "database unreadable" in detail,
                  "%s: /api/scans is a 503 with the reason (%s %r)" % (kind, st2, detail))
            check(m is not None and m.group(1).decode().replace("&#39;", "'").replace(
                "&quot;", '"') == detail, "%s: the page and the API give the same reason" %
                kind)
            st, _, body = get(srv.port, "/port/22")
            check(st == 200, "%s: port pages still served" % kind)
            st, _, _ = get(srv.port, "/scans/%d" % sid)
            check(st == 503, "%s: /scans/ID is a 503 (%s)" % (kind, st))
        finally:
            srv.stop()


def test_scan_sorted(exe, tmp):
    db = os.path.join(tmp, "sorted.db")
    sid, port = saved_scan(exe, db)
    # Results as a permuted scan finds them: no order at all.
    rows = [("127.0.0.10", 80, "tcp", "open"), ("::1", 22, "tcp", "open"),
            ("127.0.0.9", 443, "tcp", "closed"), ("127.0.0.9", 53, "udp", "open"),
            ("127.0.0.2", 8080, "tcp", "open"), ("127.0.0.9", 22, "tcp", "open"),
            ("198.18.0.1", 1, "tcp", "filtered"), ("127.0.0.10", 7, "tcp", "closed")]
    con = sqlite3.connect(db)
    con.execute("DELETE FROM results WHERE scan_id = ?", (sid,))
    for a, p, proto, state in rows:
        con.execute("INSERT INTO results(scan_id, addr, port, proto, state, observed_at) "
                    "VALUES (?, ?, ?, ?, ?, 1)", (sid, a, p, proto, state))
    con.commit()
    con.close()
    want = [("127.0.0.2", 8080, "tcp"), ("127.0.0.9", 22, "tcp"),
            ("127.0.0.9", 443, "tcp"), ("127.0.0.9", 53, "udp"), ("127.0.0.10", 7, "tcp"),
            ("127.0.0.10", 80, "tcp"), ("198.18.0.1", 1, "tcp"), ("::1", 22, "tcp")]
    srv = Server(exe, db)
    try:
        st, _, body = get(srv.port, "/scans/%d" % sid)
        cells = re.findall(rb'<tr class="state-\w+"><td class="mono">([^<]*)</td>'
                           rb'<td class="num"><a href="/port/\d+">(\d+)</a></td><td>(\w+)<',
                           body)
        got = [(a.decode(), int(p), t.decode()) for a, p, t in cells]
        check(st == 200 and got == want, "scan page sorted by host, transport, port: %s" % got)
        st, _, body = get(srv.port, "/api/scans/%d" % sid)
        got = [(r["addr"], r["port"], r["proto"]) for r in json.loads(body)["results_list"]]
        check(got == want, "/api/scans/ID in the same order: %s" % got)
    finally:
        srv.stop()


CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")


def test_control_bytes(exe, tmp):
    db = os.path.join(tmp, "ctl.db")
    sid, port = saved_scan(exe, db)
    evil = "\x1b]0;owned\x07\x1b[2J\x9b31m"
    con = sqlite3.connect(db)
    con.execute("UPDATE scans SET targets = ?, command = ? WHERE id = ?",
                ("127.0.0.1" + evil, "portlens scan " + evil, sid))
    con.execute("UPDATE results SET banner = ?, product = ?, version = ?, cpe = ?, "
                "service = ? WHERE scan_id = ?", ("SSH-2.0-" + evil, "Open" + evil, evil,
                                                 "cpe:/a:" + evil, "ssh" + evil, sid))
    con.commit()
    con.close()
    # A local process whose name carries an escape sequence, listening on loopback.
    name = "ev\x1b[31mil"
    proc = subprocess.Popen(
        [sys.executable, "-c",
         "import ctypes,socket,sys,time\n"
         "ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)\n"
         "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\n"
         "print(s.getsockname()[1], flush=True); time.sleep(60)", name],
        stdout=subprocess.PIPE, text=True)
    lport = int(proc.stdout.readline())
    srv = Server(exe, db)
    try:
        for path in ("/scans", "/scans/%d" % sid, "/", "/listen"):
            st, _, body = get(srv.port, path)
            bad = CONTROL.findall(body)
            check(st == 200 and not bad, "%s: no raw control bytes (%s, found %r)" %
                  (path, st, bad[:4]))
            check("\u241b".encode() in body, "%s: ESC shown as a visible symbol" % path)
        st, _, body = get(srv.port, "/listen")
        check(b'data-port="%d"' % lport in body, "/listen shows the process with the "
              "escape in its name")
    finally:
        srv.stop()
        proc.kill()
        proc.wait()


# ---- requests ----------------------------------------------------------------------


def test_cache_ctype(exe, tmp):
    srv = Server(exe, os.path.join(tmp, "cache.db"), "--cache-ms", "60000")
    try:
        for path in ("/port/2326", "/port/2326?lang=ar", "/port/22?lang=ko"):
            seen = []
            for _ in range(3):  # the second and third come from the page cache
                st, h, body = get(srv.port, path)
                seen.append((st, ctype(h), body.startswith(b"<!DOCTYPE html>")))
            check(all(x == (200, "text/html; charset=utf-8", True) for x in seen),
                  "%s reloaded keeps text/html: %s" % (path, seen))
    finally:
        srv.stop()


def test_host_and_nul(exe, tmp):
    srv = Server(exe, os.path.join(tmp, "host.db"))
    try:
        me = "127.0.0.1:%d" % srv.port
        for first, second in ((me, "evil.example"), ("evil.example", me), (me, me)):
            r = raw(srv.port, ("GET /api/listen HTTP/1.1\r\nHost: %s\r\nHost: %s\r\n"
                               "Connection: close\r\n\r\n" % (first, second)).encode())
            st = parse(r)[0]
            check(st == 400, "two Host headers (%s, %s) answered %s" % (first, second, st))
        for path in ("/api/port/22%00x", "/port/22%00x", "/api/port/22%00", "/scans/1%00",
                     "/api/scans/1%00x", "/listen%00.html", "/static/app.css%00.js"):
            st, h, body = get(srv.port, path)
            check(st in (400, 404), "%s answered %s" % (path, st))
        st, h, body = get(srv.port, "/search?q=tel%00net")
        check(st == 200 and b"\x00" not in body, "a NUL in a query argument never reaches "
              "the page raw (%s)" % st)
        st, _, _ = get(srv.port, "/api/port/22")
        check(st == 200, "/api/port/22 still answers")
    finally:
        srv.stop()


def test_token(exe, tmp):
    db = os.path.join(tmp, "token.db")
    base = [exe, "serve", "--allow-remote", "--listen", "127.0.0.1:0", "--db", db]
    env = dict(os.environ)
    env.pop("PORTLENS_TOKEN", None)
    for extra, envtok in ((["--token", ""], None), (["--token", "a"], None),
                          (["--token", "0123456789abcde"], None), ([], ""), ([], "short")):
        e = dict(env)
        if envtok is not None:
            e["PORTLENS_TOKEN"] = envtok
        try:
            r = subprocess.run(base + extra, capture_output=True, text=True, timeout=5, env=e)
            code, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired:
            code, err = "still running (the token was accepted)", ""
        check(code == 2 and "at least 16" in err,
              "token %r (env %r) refused naming the minimum: %s %r" % (extra, envtok, code,
                                                                     err.strip()))
    srv = Server(exe, db, "--allow-remote", env=env)
    try:
        m = re.search(r"\?token=([0-9a-f]+)$", srv.first.strip())
        tok = m.group(1) if m else ""
        check(len(tok) >= 64, "a generated token has 256 bits: %r" % srv.first)
        check(srv.first.count(tok) == 1 and tok not in srv.db_line, "printed once")
        for auth in ("Bearer ", "Bearer", "Bearer " + tok[:-1], "Bearer " + tok + "x",
                     "Bearer " + tok[:16]):
            st, _, _ = get(srv.port, "/api/listen", {"Authorization": auth})
            check(st == 401, "Authorization %r answered %s" % (auth[:24], st))
        st, _, _ = get(srv.port, "/api/port/22", {"Authorization": "Bearer " + tok})
        check(st == 200, "the right token gets in (%s)" % st)
    finally:
        srv.stop()


def test_port_in_use(exe, tmp):
    """A taken address is named in the error (it said "cannot listen there")."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    port = ls.getsockname()[1]
    try:
        r = subprocess.run([exe, "serve", "--listen", "127.0.0.1:%d" % port, "--db",
                            os.path.join(tmp, "inuse.db")], capture_output=True, text=True,
                           timeout=10)
        code, err = r.returncode, r.stderr.strip()
    except subprocess.TimeoutExpired:
        code, err = "still running", ""
    finally:
        ls.close()
    check(code == 1 and ("127.0.0.1:%d" % port) in err and "--listen" in err,
          "a port in use is named, with the way out: %s %r" % (code, err))


# ---- live data ---------------------------------------------------------------------


def test_api_listen_only_listeners(exe, tmp):
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(512)
    conns = []
    try:
        for _ in range(300):  # established pairs, as any client's traffic makes them
            c = socket.create_connection(ls.getsockname(), timeout=5)
            a, _ = ls.accept()
            conns += [c, a]
        srv = Server(exe, os.path.join(tmp, "listen.db"))
        try:
            st, h, body = get(srv.port, "/api/listen")
            socks = json.loads(body)["sockets"] if st == 200 else []
            states = sorted({x["state"] for x in socks})
            check(st == 200 and socks and all(x["state"] in ("LISTEN", "UNCONN") for x in socks),
                  "/api/listen holds listeners only: %d sockets, states %s" % (len(socks), states))
            check(not any(x["remote_port"] for x in socks), "/api/listen names no remote peer")
            cli = json.loads(subprocess.run([exe, "listen", "--json"], capture_output=True,
                                            timeout=30).stdout)["sockets"]
            check(abs(len(socks) - len(cli)) <= 5, "/api/listen lists what listen --json does "
                  "(%d vs %d)" % (len(socks), len(cli)))
            check(any(x["local_port"] == ls.getsockname()[1] for x in socks),
                  "the test's own listener is there")
        finally:
            srv.stop()
    finally:
        for c in conns:
            c.close()
        ls.close()


def test_listen_hidden_as_root(exe, tmp):
    """A root server without CAP_SYS_PTRACE (nor the BPF iterator's capabilities) cannot
    see another user's sockets' holders: it must not tell the reader to run as root."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("skip: the hidden-holder test needs root and setpriv (CI runs as root)")
        return
    py = "/usr/bin/python3"
    other = subprocess.Popen(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", py, "-c",
         "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); "
         "print(s.getsockname()[1], flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    port = int(other.stdout.readline())
    srv = Server(exe, os.path.join(tmp, "hidden.db"),
                 wrap=["setpriv", "--inh-caps=-sys_ptrace,-bpf,-perfmon,-sys_admin",
                       "--bounding-set=-sys_ptrace,-bpf,-perfmon,-sys_admin"])
    try:
        st, _, body = get(srv.port, "/listen")
        m = re.search(rb'<tr[^>]*data-port="%d">(.*?)</tr>' % port, body)
        row = m.group(1).decode() if m else ""
        check(st == 200 and row, "/listen shows the other user's listener")
        check("run as root" not in row and "not visible" in row,
              "as root, no advice to run as root: %r" % re.sub("<[^>]+>", "|", row)[:160])
    finally:
        srv.stop()
        other.kill()
        other.wait()


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="pl-policy-")
    try:
        for t in TESTS:
            if time.monotonic() > DEADLINE:
                check(False, "out of time before " + t.__name__)
                break
            print("--", t.__name__, flush=True)
            t(exe, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish("serve-policy")


TESTS = [test_db_mode, test_db_readonly, test_db_corrupt, test_scan_sorted, test_cache_ctype,
         test_host_and_nul, test_token, test_port_in_use, test_api_listen_only_listeners,
         test_listen_hidden_as_root, test_control_bytes]

if __name__ == "__main__":
    sys.exit(main())
