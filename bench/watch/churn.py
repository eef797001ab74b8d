#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# churn.py - RATE listener changes per second for SECONDS: every 1/RATE s one TCP listener
# opens on 127.0.0.1 (ports BASE, BASE+1, ...) or the oldest open one closes, so each
# listener lives HOLD seconds and half the changes are opens, half closes. Writes the
# ports it used to PORTS when done.
# Usage: churn.py RATE SECONDS HOLD BASE PORTS
import collections, socket, sys, time

rate, secs, hold, base, out = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
opened = collections.deque()
used = []
t0 = time.monotonic()
i = 0
while True:
    now = time.monotonic()
    if now - t0 >= secs and not opened:
        break
    if opened and now - opened[0][0] >= hold:
        opened.popleft()[1].close()
    elif now - t0 < secs:
        while True:  # a port some other program holds is skipped
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", base + i))
                break
            except OSError:
                s.close()
                i += 1
        s.listen()
        opened.append((now, s))
        used.append(base + i)
        i += 1
    # two changes (an open and, later, its close) per listener: RATE/2 opens a second
    time.sleep(max(0.0, t0 + (len(used) + (len(used) - len(opened))) / rate - time.monotonic()))
with open(out, "w") as f:
    f.write("\n".join(map(str, used)) + "\n")
