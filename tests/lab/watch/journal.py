#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# journal.py - stands in for systemd-journald's native socket in tests/lab/watch: a unix
# datagram socket at PATH; each entry (KEY=VALUE lines, or KEY, 64-bit length, binary
# value) is decoded and appended to OUT as one JSON object per line.
# Usage: journal.py PATH OUT
import json, os, socket, struct, sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
while True:
    data = s.recv(1 << 20)
    fields, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            n = struct.unpack("<Q", data[nl + 1:nl + 9])[0]
            v = data[nl + 9:nl + 9 + n]
            assert data[nl + 9 + n:nl + 10 + n] == b"\n"
            i = nl + 10 + n
        fields[k.decode()] = v.decode()
    with open(out, "a") as f:
        f.write(json.dumps(fields) + "\n")
