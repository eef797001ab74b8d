# SPDX-License-Identifier: MIT
"""hostile_server.py - the hostile TCP servers of hostile_text.sh, on 127.0.0.1 only.

Usage: hostile_server.py READY MODE BYTES [PORT...]
  READY   file the port number is written to once the server listens
  MODE    banner: send BYTES as soon as a client connects (20 connections at most);
          reply: send BYTES once the client has sent something (60 connections at most)
  BYTES   a Python bytes literal, e.g. b"SSH-2.0-x\\x1b[31m\\r\\n"
  PORT    ports to try in order (the first free one); none: a port the kernel picks
The server stops after 30 s without a connection.
"""
import ast
import os
import socket
import sys

ready, mode, payload = sys.argv[1], sys.argv[2], ast.literal_eval(sys.argv[3])
ports = [int(p) for p in sys.argv[4:]] or [0]
for port in ports:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        break
    except OSError:
        s.close()
else:
    sys.exit(1)
s.listen(8)
s.settimeout(30)
open(ready + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(ready + ".tmp", ready)
for _ in range(20 if mode == "banner" else 60):
    try:
        c, _ = s.accept()
    except OSError:
        break
    try:  # a port scan's connect() resets at once: that is no reason to stop
        if mode == "banner":
            c.sendall(payload)
            c.settimeout(2)
            c.recv(100)
        else:
            c.settimeout(5)
            if c.recv(1000):
                c.sendall(payload)
    except OSError:
        pass
    c.close()
