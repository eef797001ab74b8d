#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The fleet in `portlens serve`: hosts, timelines per host and per port, export and
delete of saved scans, Prometheus metrics, against a real store. The store is an SQLite
file, or the PostgreSQL database named by PL_TEST_DB (tests/lab/store/with_pg.sh runs
this file against a real server, suite lab).

1. Two scans of 198.18.0.7 are imported (22 open with OpenSSH 9.2p1 then 9.6p1, 443
   open then closed, 80 opening), and `portlens watch --db` pushes this machine's
   listeners. /hosts lists both; /hosts/198.18.0.7 shows the timeline newest first
   (changed, opened, closed, then the first scan's open ports); /port/22/timeline and
   /api/timeline agree; /hosts/<script> is a 404.
2. Each export (JSON lines, CSV, nmap XML) read back by `portlens diff` is the saved
   scan (no differences); the CSV keeps a banner that starts with = from being a
   formula.
3. /metrics is Prometheus text with the store's counts and this machine's listeners.
4. Deleting: without the visitor's CSRF token 403; with it 303, the scan is gone (404),
   its results with it.

usage: fleet.py PATH/TO/portlens
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import check  # noqa: E402

EXE = os.path.abspath(sys.argv[1])


def request(port, method, path, headers=None, body=None):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port,
             "Connection: close"]
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    data = b""
    if body is not None:
        data = body.encode()
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append("Content-Length: %d" % len(data))
    return webtest.parse(webtest.raw(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + data))


def scan_file(path, start, rows):
    with open(path, "w") as f:
        f.write(json.dumps({"type": "start", "start": start}) + "\n")
        for port, state, product, version, banner in rows:
            f.write(json.dumps({"type": "result", "host": "198.18.0.7", "port": port,
                                "proto": "tcp", "state": state,
                                "service": "=SUM(A1)" if port == 443 else "x"}) + "\n")
            if product:
                f.write(json.dumps({"type": "service", "host": "198.18.0.7", "port": port,
                                    "proto": "tcp", "service": "ssh", "product": product,
                                    "version": version, "evidence": banner}) + "\n")


def run(*args, ok=(0,)):
    p = subprocess.run([EXE, *args], capture_output=True, text=True, timeout=60)
    check(p.returncode in ok, "portlens %s: exit %d %s" % (
        " ".join(args), p.returncode, p.stderr.strip().splitlines()[-1:] if p.returncode else ""))
    return p


def main():
    tmp = tempfile.mkdtemp(prefix="pl-fleet-")
    db = os.environ.get("PL_TEST_DB") or os.path.join(tmp, "fleet.db")
    try:
        s1, s2 = os.path.join(tmp, "s1.jsonl"), os.path.join(tmp, "s2.jsonl")
        scan_file(s1, 1000, [(22, "open", "OpenSSH", "9.2p1", "SSH-2.0-OpenSSH_9.2p1"),
                             (80, "closed", "", "", ""), (443, "open", "", "", "")])
        scan_file(s2, 2000, [(22, "open", "OpenSSH", "9.6p1", "SSH-2.0-OpenSSH_9.6p1"),
                             (80, "open", "", "", ""), (443, "closed", "", "", "")])
        run("import", "--db", db, s1, s2)
        run("watch", "--db", db, "--poll", "--duration", "1", "--state-dir",
            os.path.join(tmp, "state"))
        me = os.uname().nodename
        srv = webtest.Server(EXE, db)
        check(srv.port is not None, "serve started: %r" % srv.first)
        if srv.port is None:
            return webtest.finish("fleet")
        port = srv.port
        try:
            fleet_pages(port, me)
            exports(port, db, tmp)
            metrics(port)
            delete(port)
        finally:
            srv.stop()
        return webtest.finish("fleet")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fleet_pages(port, me):
    st, _, body = request(port, "GET", "/hosts")
    check(st == 200 and b'href="/hosts/198.18.0.7"' in body, "/hosts lists the scanned host")
    check(('href="/hosts/%s"' % me).encode() in body, "/hosts lists this machine (%s)" % me)
    st, _, body = request(port, "GET", "/hosts/198.18.0.7")
    kinds = re.findall(rb'<li class="change kind-([a-z]+)"', body)
    check(st == 200 and kinds == [b"changed", b"opened", b"closed", b"open", b"open"],
          "host timeline newest first: %r" % kinds)
    check(b"OpenSSH 9.2p1 -&gt; OpenSSH 9.6p1" in body, "the version change is shown")
    st, _, body = request(port, "GET", "/hosts/" + me)
    check(st == 200 and b'id="host-listeners"' in body,
          "this machine's listeners are shown (%s)" % st)
    st, _, body = request(port, "GET", "/port/22/timeline")
    # only the scanned host's entries: watch may have seen a lab's sshd come and go
    mine = [k for k, h in re.findall(rb'kind-([a-z]+)"><time[^<]*</time> <span class="badge">'
                                     rb'[a-z]+</span> <a class="mono" href="/hosts/([^"]+)"',
                                     body) if h == b"198.18.0.7"]
    check(st == 200 and mine == [b"changed", b"open"],
          "port 22 timeline of 198.18.0.7: changed, then open: %r" % mine)
    st, _, body = request(port, "GET", "/api/timeline?host=198.18.0.7")
    j = json.loads(body) if st == 200 else {}
    check([c["kind"] for c in j.get("changes", [])] ==
          ["changed", "opened", "closed", "open", "open"], "/api/timeline?host= agrees")
    st, _, _ = request(port, "GET", "/api/timeline?host=x&port=1")
    check(st == 400, "/api/timeline with host and port is a 400 (%s)" % st)
    st, _, body = request(port, "GET", "/api/hosts")
    check(st == 200 and any(h["host"] == "198.18.0.7" and h["scans"] == 2
                            for h in json.loads(body)["hosts"]), "/api/hosts")
    for bad in ("/hosts/%3Cscript%3E", "/hosts/", "/hosts/nowhere.example"):
        st, _, body = request(port, "GET", bad)
        check(st == 404 and b"<script>" not in body, "%s is a 404 (%s)" % (bad, st))


def exports(port, db, tmp):
    for fmt in ("json", "xml", "csv"):
        st, h, body = request(port, "GET", "/scans/2/export." + fmt)
        check(st == 200, "export.%s: %s" % (fmt, st))
        path = os.path.join(tmp, "export." + fmt)
        with open(path, "wb") as f:
            f.write(body)
        if fmt != "csv":
            p = subprocess.run([EXE, "diff", "--db", db, "2", path], capture_output=True,
                               text=True, timeout=60)
            check(p.returncode == 0, "export.%s read back is scan 2%s" % (
                fmt, "" if p.returncode == 0 else ": " + p.stdout))
    st, _, body = request(port, "GET", "/scans/1/export.csv")
    lines = body.decode().split("\r\n")
    check(lines[0].startswith("host,hostname,port,proto,state"), "CSV header")
    check(any(",'=SUM(A1)," in ln for ln in lines), "CSV formula guard on a service name")
    st, _, _ = request(port, "GET", "/scans/2/export.pdf")
    check(st == 404, "unknown export format is a 404")
    st, _, _ = request(port, "GET", "/scans/99/export.json")
    check(st == 404, "export of a missing scan is a 404")


def metrics(port):
    st, h, body = request(port, "GET", "/metrics")
    text = body.decode()
    check(st == 200 and h.get("content-type", [""])[0].startswith("text/plain; version=0.0.4"),
          "/metrics content type")
    want = ["portlens_store_up 1", 'portlens_scans{status="done"} 2',
            "portlens_scan_results 6", "# TYPE portlens_events gauge"]
    for w in want:
        check(w in text.splitlines(), "/metrics has %r" % w)
    m = re.search(r'^portlens_listeners\{baseline="no_baseline"\} (\d+)$', text, re.M)
    check(m is not None and int(m.group(1)) > 0, "/metrics counts the pushed listeners")
    check(re.search(r"^portlens_local_listeners \d+$", text, re.M) is not None,
          "/metrics counts this machine's listeners")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            check(re.match(r'^[a-z_]+(\{[a-z_]+="[a-z_]+"\})? \d+$', line) is not None,
                  "metric line is well formed: %r" % line)


def delete(port):
    st, h, body = request(port, "GET", "/scans/1")
    cookie = h["set-cookie"][0].split(";")[0]
    tok = re.search(rb'name="csrf" value="([0-9a-f]{32})"', body)
    check(st == 200 and b'id="scan-delete"' in body and tok, "scan page has a delete form")
    origin = {"Cookie": cookie, "Origin": "http://127.0.0.1:%d" % port}
    st, _, _ = request(port, "POST", "/scans/1/delete", origin, "csrf=" + "0" * 32)
    check(st == 403, "delete with a wrong token: 403 (%s)" % st)
    st, _, _ = request(port, "GET", "/scans/1")
    check(st == 200, "scan 1 is still there")
    st, h, _ = request(port, "POST", "/scans/1/delete", origin, "csrf=" + tok.group(1).decode())
    check(st == 303 and h.get("location", [""])[0].startswith("/scans"),
          "delete with the token: 303 to /scans (%s)" % st)
    st, _, _ = request(port, "GET", "/scans/1")
    check(st == 404, "scan 1 is gone (%s)" % st)
    st, _, body = request(port, "GET", "/api/scans")
    check([s["id"] for s in json.loads(body)["scans"]] == [2], "only scan 2 is left")


if __name__ == "__main__":
    sys.exit(main())
