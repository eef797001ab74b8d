#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent check of the registry table: Python's csv module (not portlens's
parser) reads the shipped IANA CSV, expands every record to (port, transport, service,
line) and the result must equal `portlens registry dump` exactly, for every port
0-65535. Rows without a transport count for tcp and udp."""
import csv
import subprocess
import sys

portlens, csv_path = sys.argv[1], sys.argv[2]

# csv.reader's line_num is the line a record ends on, so a record starts on the line
# after the previous record ended.
expected, starts = [], []
with open(csv_path, newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    next(reader)
    prev_end = reader.line_num
    for row in reader:
        expected.append(row)
        starts.append(prev_end + 1)
        prev_end = reader.line_num

want = []
for row, start in zip(expected, starts):
    service, port, proto, desc = row[0], row[1], row[2], row[3]
    if not port:
        continue
    lo, _, hi = port.partition("-")
    lo, hi = int(lo), int(hi or lo)
    protos = [proto.lower()] if proto else ["tcp", "udp"]
    if service:
        status = "assigned"
    elif desc.lower().startswith("unassigned"):
        status = "unassigned"
    elif desc.lower().startswith("reserved"):
        status = "reserved"
    else:
        status = "assigned"
    for p in range(lo, hi + 1):
        for pr in protos:
            want.append((p, pr, status, service, start))

order = {"tcp": 0, "udp": 1, "sctp": 2, "dccp": 3}
key = lambda t: (t[0], t[4], order[t[1]])
want.sort(key=key)
ports = len({t[0] for t in want})

# Both the table compiled into the binary and a run-time --registry load must agree.
for label, extra in (("built-in", []), ("--registry", ["--registry", csv_path])):
    got = []
    out = subprocess.run([portlens, "registry", "dump"] + extra,
                         check=True, capture_output=True, text=True).stdout
    for ln in out.splitlines():
        p, pr, st, sv, li = ln.split("\t")
        got.append((int(p), pr, st, sv, int(li)))
    got.sort(key=key)
    if want != got:
        ws, gs = set(want), set(got)
        print(f"{label}: missing from portlens:", sorted(ws - gs)[:10])
        print(f"{label}: unexpected in portlens:", sorted(gs - ws)[:10])
        sys.exit(1)
    print(f"registry oracle ({label}): {len(want)} (port, transport, record) triples "
          f"agree, {ports} distinct ports")
