#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# hold.py - N listening TCP sockets spread over P processes, for bench/listen/run.sh.
# Usage: hold.py N P READY_FILE
# Sockets bind 127.77.A.B:PORT with PORT in 20000-39999 and A.B counting up every 20,000
# sockets (so 100,000 sockets use 127.77.0.1-127.77.0.5). Each process writes a line to
# READY_FILE when all of its sockets listen, then waits to be killed.
import os
import resource
import signal
import socket
import sys
import time

n, procs, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
per = (n + procs - 1) // procs
resource.setrlimit(resource.RLIMIT_NOFILE, (per + 64, per + 64))
kids = []
for p in range(procs):
    pid = os.fork()
    if pid == 0:
        socks = []
        for k in range(p * per, min(n, (p + 1) * per)):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.77.%d.%d" % (k // 20000 // 254, 1 + (k // 20000) % 254), 20000 + k % 20000))
            s.listen(1)
            socks.append(s)
        with open(ready, "a") as f:
            f.write("%d\n" % os.getpid())
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        while True:
            time.sleep(3600)
    kids.append(pid)


def stop(*_):
    for k in kids:
        try:
            os.kill(k, signal.SIGTERM)
        except ProcessLookupError:
            pass
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
while True:
    time.sleep(3600)
