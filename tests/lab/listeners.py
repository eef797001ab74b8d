#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# listeners.py - many TCP listeners in one process for the lab (tests/lab/lab.sh).
# Usage: listeners.py --ready FILE --mode open|hold|reset ADDR:PORT... ([v6]:PORT)
# Binds every pair (IP_FREEBIND, so addresses of a "route local" prefix work), then
# creates FILE and serves until killed: open = accept and close, hold = accept and keep
# the connection silent, reset = accept and close with RST (SO_LINGER 0).
import argparse, selectors, socket, struct, sys

IP_FREEBIND = 15
IPV6_FREEBIND = 78


def bind(spec):
    if spec.startswith("["):
        host, port = spec[1:].split("]:")
        fam = socket.AF_INET6
    else:
        host, port = spec.rsplit(":", 1)
        fam = socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        if fam == socket.AF_INET:
            s.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
        else:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    except OSError:
        pass
    s.bind((host, int(port)))
    s.listen(1024)
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ready", required=True)
    ap.add_argument("--mode", default="open", choices=["open", "hold", "reset"])
    ap.add_argument("pairs", nargs="+")
    a = ap.parse_args()
    sel = selectors.DefaultSelector()
    for spec in a.pairs:
        sel.register(bind(spec), selectors.EVENT_READ)
    held = []
    open(a.ready, "w").close()
    while True:
        for key, _ in sel.select():
            try:
                c, _ = key.fileobj.accept()
            except OSError:
                continue
            if a.mode == "hold":
                held.append(c)
                if len(held) > 4096:
                    held.pop(0).close()
            elif a.mode == "reset":
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()
            else:
                c.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
