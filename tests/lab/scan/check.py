#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# check.py - assertions over `portlens scan -oJ` output for the lab tests.
#   check.py exact --results F.jsonl... [--open PAIRS] [--filtered PAIRS]
#                  [--unreachable PAIRS] [--open-filtered PAIRS] [--probes N]
# PAIRS is a file of ADDR:PORT / [ADDR]:PORT lines. Fails (exit 1, with the difference)
# unless every reported probe appears exactly once, the open/filtered/unreachable sets
# are exactly the given ones, every other result is closed, and (with --probes) the
# number of results is N.
#   check.py vs-nmap --results F.jsonl --nmap NMAP.xml
# Fails unless, for every host nmap reports, portlens gives every port the state nmap
# gives it (nmap folds ICMP unreachables into "filtered"; portlens calls them
# "unreachable", so those count as filtered), including the ports nmap folds into
# <extraports> (compared by state and count). With --open-only, only the open sets.
import argparse, ipaddress, json, sys
import xml.etree.ElementTree as ET


def norm(host, port):
    return f"{ipaddress.ip_address(host)}|{int(port)}"


def read_pairs(path):
    out = set()
    if not path:
        return out
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        if line.startswith("["):
            h, p = line[1:].split("]:")
        else:
            h, p = line.rsplit(":", 1)
        out.add(norm(h, p))
    return out


def read_results(paths):
    seen, dups, states = set(), [], {}
    for path in paths:
        for line in open(path):
            rec = json.loads(line)
            if rec.get("type") != "result":
                continue
            k = norm(rec["host"], rec["port"])
            if k in seen:
                dups.append(k)
            seen.add(k)
            states.setdefault(rec["state"], set()).add(k)
    return seen, dups, states


def vs_nmap(results, xml, open_only=False):
    mine = {}
    for path in results:
        for line in open(path):
            rec = json.loads(line)
            if rec.get("type") == "result":
                st = "filtered" if rec["state"] == "unreachable" else rec["state"]
                mine.setdefault(str(ipaddress.ip_address(rec["host"])), {})[int(rec["port"])] = st
    bad, hosts = [], 0
    for h in ET.parse(xml).getroot().iter("host"):
        addr = str(ipaddress.ip_address(h.find("address").get("addr")))
        hosts += 1
        ports = h.find("ports")
        got = mine.get(addr, {})
        theirs = {int(p.get("portid")): p.find("state").get("state") for p in ports.iter("port")}
        if open_only:
            a = {p for p, st in theirs.items() if st == "open"}
            b = {p for p, st in got.items() if st == "open"}
            if a != b:
                bad.append(f"{addr}: open ports nmap {sorted(a)} portlens {sorted(b)}")
            continue
        for p, st in theirs.items():
            if got.get(p) != st:
                bad.append(f"{addr}:{p} nmap {st} portlens {got.get(p)}")
        for ex in ports.iter("extraports"):
            st, n = ex.get("state"), int(ex.get("count"))
            mine_n = sum(1 for p, s2 in got.items() if s2 == st and p not in theirs)
            if mine_n != n:
                bad.append(f"{addr}: nmap {n} more {st} ports, portlens {mine_n}")
    if hosts == 0:
        bad.append("nmap reported no host")
    if bad:
        print("vs-nmap failed:", *bad[:20], sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"vs-nmap ok: {hosts} hosts, " + ("the same open ports" if open_only else "every port in nmap's state"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["exact", "vs-nmap"])
    ap.add_argument("--results", nargs="+", required=True)
    ap.add_argument("--nmap")
    ap.add_argument("--open-only", action="store_true")
    ap.add_argument("--open")
    ap.add_argument("--filtered")
    ap.add_argument("--unreachable")
    ap.add_argument("--open-filtered")
    ap.add_argument("--probes", type=int)
    a = ap.parse_args()
    if a.mode == "vs-nmap":
        vs_nmap(a.results, a.nmap, a.open_only)
        return
    seen, dups, states = read_results(a.results)
    bad = []
    if dups:
        bad.append(f"{len(dups)} probes reported twice, e.g. {dups[:5]}")
    for name, path in (("open", a.open), ("filtered", a.filtered), ("unreachable", a.unreachable),
                       ("open|filtered", a.open_filtered)):
        if path is None:
            continue
        want, got = read_pairs(path), states.get(name, set())
        if want != got:
            bad.append(f"{name}: missing {sorted(want - got)[:10]} unexpected {sorted(got - want)[:10]}")
    if a.probes is not None and len(seen) != a.probes:
        bad.append(f"{len(seen)} distinct results, expected {a.probes}")
    summary = {k: len(v) for k, v in states.items()}
    if bad:
        print("check failed:", *bad, f"(states: {summary})", sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"check ok: {len(seen)} results {summary}")


if __name__ == "__main__":
    main()
