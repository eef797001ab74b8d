#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host and port timelines of `portlens serve` against a model of what they mean, and
the same pages from SQLite and PostgreSQL.

Eight saved scans of three hosts (imported with `portlens import`) hold every shape a
scan difference has: a port open at a host's first look ("open"), opening later
("opened"), closing to closed or filtered, and by not being reported by a later scan
of the host ("closed ... not reported"), opening again, a product or a version
changing, TCP and UDP on the same port changing in the same scan, a host missing from a
scan (not a look at it: nothing changes), a host first seen in a later scan.

1. /api/timeline?host=H and ?port=N for every host and port are exactly what model()
   (the rules written out in Python) says: kinds, details, scans, times, order.
2. With PL_TEST_DB (tests/lab/store/with_pg.sh: a real PostgreSQL server), the same
   scans are imported into it and into an SQLite file: /hosts/H, /port/N/timeline and
   the API answers are byte for byte the same from both stores.

usage: timelines.py PATH/TO/portlens
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import check  # noqa: E402

EXE = os.path.abspath(sys.argv[1])
A, B, C = "198.18.0.7", "198.18.0.20", "198.18.1.3"


def o(product="", version=""):
    return ("open", product, version)


# (start, {host: {(proto, port): (state, product, version)}}), in scan order
SCANS = [
    (1000, {A: {("tcp", 22): o("OpenSSH", "9.2p1"), ("tcp", 80): ("closed", "", ""),
                ("tcp", 443): o(), ("udp", 53): o(), ("tcp", 53): ("closed", "", "")},
            B: {("tcp", 22): o("OpenSSH", "8.4p1"), ("tcp", 25): o()}}),
    (2000, {A: {("tcp", 22): o("OpenSSH", "9.2p1"), ("tcp", 80): o(),
                ("tcp", 443): ("filtered", "", ""), ("udp", 53): ("closed", "", ""),
                ("tcp", 53): o()},
            B: {("tcp", 22): o("OpenSSH", "8.4p1"), ("tcp", 25): ("closed", "", "")}}),
    (3000, {B: {("tcp", 22): o("Dropbear sshd", "8.4p1")}}),
    (4000, {A: {("tcp", 22): o("OpenSSH", "9.6p1"), ("tcp", 80): o(),
                ("tcp", 443): o(), ("udp", 53): o(), ("tcp", 53): ("closed", "", "")}}),
    (5000, {A: {("tcp", 22): o("OpenSSH", "9.6p1"), ("tcp", 443): o()},
            C: {("tcp", 8080): o("nginx", "1.22"), ("tcp", 22): ("closed", "", "")}}),
    (6000, {A: {("tcp", 22): o("OpenSSH", "9.6p1"), ("tcp", 80): o(),
                ("tcp", 443): ("closed", "", "")},
            B: {("tcp", 22): ("closed", "", ""), ("tcp", 25): o()},
            C: {("tcp", 8080): o("nginx", "1.24"), ("tcp", 22): o()}}),
    (7000, {C: {("tcp", 8080): ("closed", "", ""), ("tcp", 22): o()}}),
    (8000, {A: {("tcp", 22): o("OpenSSH", "9.6p1"), ("tcp", 80): o(),
                ("tcp", 443): ("closed", "", "")}}),
]


def product_text(product, version):
    return product + (" " if product and version else "") + version


def model():
    """Every scan difference, as the API lists them (scan ids are 1-based)."""
    out = []
    hosts = sorted({h for _, s in SCANS for h in s})
    for h in hosts:
        looks = [(i + 1, start, s[h]) for i, (start, s) in enumerate(SCANS) if h in s]
        keys = sorted({k for _, _, rows in looks for k, v in rows.items() if v[0] == "open"})
        for proto, port in keys:
            prev = None  # (state, product, version) at the previous look, None: not open
            for n, (scan, start, rows) in enumerate(looks):
                cur = rows.get((proto, port))
                now = cur if cur and cur[0] == "open" else None
                kind = detail = None
                if now and not prev:
                    kind, detail = ("open" if n == 0 else "opened"), product_text(*now[1:])
                elif prev and not now:
                    kind, detail = "closed", cur[0] if cur else "not reported"
                elif now and prev and now[1:] != prev[1:]:
                    kind = "changed"
                    detail = product_text(*prev[1:]) + " -> " + product_text(*now[1:])
                if kind:
                    out.append({"time_ms": start * 1000, "kind": kind, "host": h,
                                "proto": proto, "port": port, "scan": scan, "detail": detail})
                prev = now
    out.sort(key=lambda c: (-c["time_ms"], -c["scan"], c["port"], c["host"], c["proto"],
                            c["kind"], c["detail"]))
    return out


def write_scans(tmp):
    paths = []
    for i, (start, hosts) in enumerate(SCANS):
        path = os.path.join(tmp, "scan-%d.jsonl" % i)
        with open(path, "w") as f:
            f.write(json.dumps({"type": "start", "start": start}) + "\n")
            for h, rows in hosts.items():
                for (proto, port), (state, product, version) in rows.items():
                    f.write(json.dumps({"type": "result", "host": h, "port": port,
                                        "proto": proto, "state": state,
                                        "service": "x"}) + "\n")
                    if product:
                        f.write(json.dumps({"type": "service", "host": h, "port": port,
                                            "proto": proto, "service": "x",
                                            "product": product, "version": version}) + "\n")
        paths.append(path)
    return paths


def get(port, path):
    resp = webtest.raw(port, ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close"
                              "\r\n\r\n" % (path, port)).encode())
    return webtest.parse(resp)


PAGES = (["/hosts/" + h for h in (A, B, C)] +
         ["/port/%d/timeline" % p for p in (22, 25, 53, 80, 443, 8080)] +
         ["/api/timeline?host=" + h for h in (A, B, C)] +
         ["/api/timeline?port=%d" % p for p in (22, 25, 53, 80, 443, 8080)])


def fetch_all(db):
    srv = webtest.Server(EXE, db)
    check(srv.port is not None, "serve started on %s: %r" % (db, srv.first))
    pages = {}
    try:
        for path in PAGES if srv.port else ():
            st, _, body = get(srv.port, path)
            check(st == 200, "%s: 200 (%s)" % (path, st))
            pages[path] = body
    finally:
        srv.stop()
    return pages


def against_model(pages):
    want = model()
    for path, body in pages.items():
        if not path.startswith("/api/"):
            continue
        arg, val = path.split("?")[1].split("=")
        expect = [c for c in want if (c["host"] == val if arg == "host" else
                                      c["port"] == int(val))]
        got = json.loads(body).get("changes")
        check(got == expect, "%s is the model's %d changes%s" % (
            path, len(expect), "" if got == expect else ":\n got  %r\n want %r" % (got, expect)))


def main():
    tmp = tempfile.mkdtemp(prefix="pl-timelines-")
    try:
        scans = write_scans(tmp)
        lite = os.path.join(tmp, "t.db")
        subprocess.run([EXE, "import", "-q", "--db", lite, *scans], check=True, timeout=60)
        lite_pages = fetch_all(lite)
        against_model(lite_pages)
        pg = os.environ.get("PL_TEST_DB")
        if pg:
            subprocess.run([EXE, "import", "-q", "--db", pg, *scans], check=True, timeout=60)
            pg_pages = fetch_all(pg)
            against_model(pg_pages)
            for path in PAGES:
                a, b = lite_pages.get(path), pg_pages.get(path)
                check(a is not None and a == b,
                      "%s: the same %d bytes from SQLite and PostgreSQL" % (path, len(a or b"")))
        return webtest.finish("timelines" + (" (SQLite and PostgreSQL)" if pg else ""))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
