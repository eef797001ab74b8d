#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# holder.py - opens sockets with known properties for the `portlens listen` lab test.
# Usage: HOLDER_READY=FILE holder.py [--forks N] [--user NAME] SPEC... [+ SPEC...]
# SPEC is KIND:ADDR:PORT with KIND tcp, tcp6dual, tcp6only, udp, udp6dual, or
# conn:ADDR:PORT (connect to a listener opened before it, and accept the connection),
# raw:ADDR:PROTO (a raw IPv4 socket for IP protocol PROTO bound to ADDR), or
# packet:IFACE:ETHERTYPE (a packet socket reading ETHERTYPE frames on IFACE).
# Specs before "+" are opened, then the process forks N children that inherit them
# (a pre-fork server: several holders of one socket); specs after "+" are opened by the
# parent only. FILE gets "PID..." (parent first) when everything is open. Runs until
# killed; children exit with the parent.
import argparse
import os
import pwd
import signal
import socket
import sys
import time

opened = []


def open_spec(spec):
    kind, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    addr = addr.strip("[]")
    port = int(port)
    if kind == "raw":
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, port)
        s.bind((addr, 0))
        opened.append((kind, port, s))
        return
    if kind == "packet":
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(port))
        s.bind((addr, port))
        opened.append((kind, port, s))
        return
    if kind == "conn":
        c = socket.create_connection((addr, port))
        for lst_kind, lst_port, s in opened:
            if lst_port == port and lst_kind.startswith("tcp"):
                srv, _ = s.accept()
                opened.append(("accepted", port, srv))
        opened.append(("conn", port, c))
        return
    fam = socket.AF_INET6 if "6" in kind else socket.AF_INET
    typ = socket.SOCK_DGRAM if kind.startswith("udp") else socket.SOCK_STREAM
    s = socket.socket(fam, typ)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if kind.endswith("only") else 0)
    s.bind((addr, port))
    if typ == socket.SOCK_STREAM:
        s.listen(16)
    opened.append((kind, port, s))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--forks", type=int, default=0)
    ap.add_argument("--user")
    ap.add_argument("specs", nargs="*")
    a = ap.parse_args()
    a.ready = os.environ["HOLDER_READY"]
    if a.user:
        pw = pwd.getpwnam(a.user)
        os.setgroups([])
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    shared, own = a.specs, []
    if "+" in a.specs:
        i = a.specs.index("+")
        shared, own = a.specs[:i], a.specs[i + 1:]
    for spec in shared:
        open_spec(spec)
    pids = [os.getpid()]
    parent = os.getpid()
    for _ in range(a.forks):
        pid = os.fork()
        if pid == 0:
            # A child: live as long as the parent does.
            while os.getppid() == parent:
                time.sleep(0.2)
            os._exit(0)
        pids.append(pid)
    for spec in own:
        open_spec(spec)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    tmp = a.ready + ".tmp"
    with open(tmp, "w") as f:
        f.write(" ".join(str(p) for p in pids) + "\n")
    os.rename(tmp, a.ready)
    while True:
        time.sleep(3600)


main()
