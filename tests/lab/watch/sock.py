#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# sock.py - one listener for tests/lab/watch: PROTO (tcp/udp) on ADDR:PORT, held for
# HOLD seconds, then closed. Writes "OPEN_MS CLOSE_MS" (wall clock, after listen/bind and
# after close) to TIMES. With COUNT > 1 (churn), opens and closes COUNT listeners on
# PORT, PORT+1, ... one after another (skipping ports another program took).
# Usage: sock.py PROTO ADDR PORT HOLD TIMES [COUNT]
import socket, sys, time

proto, addr, port, hold, times = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
count = int(sys.argv[6]) if len(sys.argv) > 6 else 1
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
out = []
p = port
for i in range(count):
    while True:
        s = socket.socket(fam, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((addr, p))
            break
        except OSError:
            # churn only: another program took this port since it was checked
            s.close()
            if count == 1:
                raise
            p += 1
    if proto == "tcp":
        s.listen()
    t_open = time.time() * 1000
    time.sleep(hold)
    s.close()
    out.append("%d %d %d" % (p, t_open, time.time() * 1000))
    p += 1
with open(times, "w") as f:
    f.write("\n".join(out) + "\n")
