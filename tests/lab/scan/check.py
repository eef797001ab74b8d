#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# check.py - assertions over `portlens scan -oJ` output for the lab tests.
#   check.py exact --results F.jsonl... [--open PAIRS] [--filtered PAIRS]
#                  [--unreachable PAIRS] [--probes N]
# PAIRS is a file of ADDR:PORT / [ADDR]:PORT lines. Fails (exit 1, with the difference)
# unless every reported probe appears exactly once, the open/filtered/unreachable sets
# are exactly the given ones, every other result is closed, and (with --probes) the
# number of results is N.
import argparse, ipaddress, json, sys


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["exact"])
    ap.add_argument("--results", nargs="+", required=True)
    ap.add_argument("--open")
    ap.add_argument("--filtered")
    ap.add_argument("--unreachable")
    ap.add_argument("--probes", type=int)
    a = ap.parse_args()
    seen, dups, states = read_results(a.results)
    bad = []
    if dups:
        bad.append(f"{len(dups)} probes reported twice, e.g. {dups[:5]}")
    for name, path in (("open", a.open), ("filtered", a.filtered), ("unreachable", a.unreachable)):
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
