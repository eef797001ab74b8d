#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end test of `portlens scan --save` and the web view of saved scans.

1. A scan of 127.0.0.1 (ports 1024-65535, rate-limited so it runs for many seconds)
   with --save is killed with SIGKILL as soon as the database holds its first result:
   every result reported before the kill must be in the file, and the scan stays
   "running". 2. A complete scan of two listeners is saved as "done" with both ports.
3. `portlens serve` on the same database lists both scans and shows their results
   (HTML and /api/scans/ID). Traffic goes to 127.0.0.1 only.

usage: scan_save.py PATH/TO/portlens
"""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

FAILURES = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s, s.getsockname()[1]


def ssh_banner_server():
    """A listener that greets every client as OpenSSH 9.2p1 would, until closed."""
    s, port = listener()

    def serve():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            try:
                c.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
                c.settimeout(2)
                c.recv(256)
            except OSError:
                pass
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    return s, port


def rows(db, sql, args=()):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


def main():
    exe = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="pl-scansave-")
    db = os.path.join(tmp, "scans.db")
    socks = [listener() for _ in range(2)]
    ports = sorted(p for _, p in socks)
    procs = []
    try:
        # 1. Killed mid-scan.
        scan = subprocess.Popen([exe, "scan", "127.0.0.1", "-p", "1024-65535", "--rate", "3000",
                                 "--save", "--db", db, "--no-progress"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(scan)
        deadline = time.monotonic() + 40
        found = []
        while time.monotonic() < deadline and scan.poll() is None:
            found = rows(db, "SELECT port FROM results WHERE scan_id = 1")
            if found:
                break
            time.sleep(0.05)
        still_running = scan.poll() is None
        scan.send_signal(signal.SIGKILL)
        scan.wait(timeout=10)
        check(still_running and found, "scan reported a result before it was killed")
        after = rows(db, "SELECT port, state FROM results WHERE scan_id = 1")
        check(len(after) >= len(found) and all(s == "open" for _, s in after),
              "every result reported before SIGKILL is in the database (%d)" % len(after))
        # (Other programs on this machine may listen on 127.0.0.1 too: any open port
        # found is a real result, so the set is not compared with ours here.)
        st = rows(db, "SELECT status, finished_at FROM scans WHERE id = 1")
        check(st == [("running", 0)], "killed scan stays 'running': %s" % st)
        check(rows(db, "PRAGMA integrity_check") == [("ok",)], "database intact after SIGKILL")

        # 2. A complete scan.
        spec = ",".join(str(p) for p in ports) + ",1"
        r = subprocess.run([exe, "scan", "127.0.0.1", "-p", spec, "--save", "--db", db,
                            "--no-progress"], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0 and "saved as #2" in r.stderr, "second scan saved as #2")
        check(rows(db, "SELECT status FROM scans WHERE id = 2") == [("done",)], "status done")
        check(sorted(p for (p,) in rows(db, "SELECT port FROM results WHERE scan_id = 2"))
              == ports, "both open ports saved")

        # 2b. With service detection: product, version and CPE are saved beside the banner.
        ssh, ssh_port = ssh_banner_server()
        socks.append((ssh, ssh_port))
        r = subprocess.run([exe, "scan", "127.0.0.1", "-p", str(ssh_port), "--sV", "--save",
                            "--db", db, "--no-progress"], capture_output=True, text=True,
                           timeout=60)
        check(r.returncode == 0 and "saved as #3" in r.stderr, "--sV scan saved as #3")
        got = rows(db, "SELECT service, product, version, cpe, banner FROM results "
                   "WHERE scan_id = 3")
        check(len(got) == 1 and got[0][:3] == ("ssh", "OpenSSH", "9.2p1")
              and got[0][3].startswith("cpe:/a:openbsd:openssh") and "SSH-2.0" in got[0][4],
              "--sV result saved with product OpenSSH, version 9.2p1, CPE: %s" % got)

        # 3. The web shows them.
        srv = subprocess.Popen([exe, "serve", "--listen", "127.0.0.1:0", "--db", db],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(srv)
        m = re.search(r"http://127\.0\.0\.1:\d+/", srv.stdout.readline())
        check(m is not None, "serve started")
        base = m.group(0)
        html = urllib.request.urlopen(base + "scans", timeout=10).read().decode()
        check('href="/scans/1"' in html and 'href="/scans/2"' in html, "/scans lists both")
        html = urllib.request.urlopen(base + "scans/2", timeout=10).read().decode()
        check(all(">%d<" % p in html for p in ports), "/scans/2 shows both ports")
        html = urllib.request.urlopen(base + "scans/3", timeout=10).read().decode()
        check("OpenSSH 9.2p1" in html and "cpe:/a:openbsd:openssh" in html,
              "/scans/3 shows product, version and CPE")
        data = json.load(urllib.request.urlopen(base + "api/scans/3", timeout=10))
        res = data["results_list"]
        check(len(res) == 1 and res[0]["product"] == "OpenSSH" and res[0]["version"] == "9.2p1"
              and res[0]["cpe"].startswith("cpe:/a:openbsd:openssh"),
              "/api/scans/3: product, version, cpe")
        data = json.load(urllib.request.urlopen(base + "api/scans/1", timeout=10))
        check(data["status"] == "running" and data["results"] == len(after),
              "/api/scans/1: running with %d results" % len(after))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        for s, _ in socks:
            s.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % len(FAILURES) if FAILURES else "scan_save: all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
