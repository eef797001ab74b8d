#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# sv_check.py --dir D --host ADDR --want PORT=SERVICE/PRODUCT/VERSION... - checks the
# outputs of one `portlens scan --sV -oN D/a.txt -oJ D/a.jsonl -oX D/a.xml -oG D/a.gnmap
# -oC D/a.csv` run (scan_sv.sh):
#   - JSON lines: every open port's "result" record is followed at once by its "service"
#     record, and service (with "ssl/" for TLS), product and version are exactly --want
#     (version "*": not checked);
#   - text, grepable, CSV and XML carry exactly what the JSON says, each in its own
#     layout and escaping, re-derived here from docs/scan.md's rules (not from the C);
#   - no file holds a control byte outside its own line and field separators.
# Exit 1 with every difference listed.
import argparse, csv, json, sys
import xml.etree.ElementTree as ET

bad = []


def check(cond, msg):
    if not cond:
        bad.append(msg)


def clean(s):
    """scan_esc_clean for text that arrived as valid UTF-8."""
    out = []
    for ch in s:
        o = ord(ch)
        if o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F or o in (0xFFFE, 0xFFFF):
            out.append("".join(f"\\x{b:02x}" for b in ch.encode()))
        else:
            out.append(ch)
    return "".join(out)


def version_text(s):
    """nmap's version text: product (or vendor), version, (os; info)."""
    v = s["product"] or s["vendor"]
    if s["version"]:
        v += (" " if v else "") + s["version"]
    if s["os"] or s["info"]:
        extra = "; ".join(x for x in (s["os"], s["info"]) if x)
        v += (" " if v else "") + f"({extra})"
    return v


def guard(v):
    return "'" + v if v[:1] in ("=", "+", "-", "@") else v


def text_escape(raw):
    """The text formats' escaping of evidence bytes (pl_probe_escape): \\r \\n \\t \\\\ \\xNN."""
    out, used = [], 0
    for b in raw:
        c = chr(b)
        t = ({"\r": "\\r", "\n": "\\n", "\t": "\\t", "\\": "\\\\"}.get(c)
             or (c if 0x20 <= b < 0x7f else f"\\x{b:02x}"))
        if used + len(t) + 4 > 512:  # the 512-byte field, cut with "..."
            out.append("...")
            break
        out.append(t)
        used += len(t)
    return "".join(out)


def json_evidence(rec):
    """JSON carries the evidence bytes once escaped (JSON only); evidence_hex when not UTF-8."""
    ev = rec.get("evidence") or ""
    check("\\r\\n" not in ev, f"json: evidence escaped twice: {ev!r}")
    raw = bytes.fromhex(rec["evidence_hex"]) if "evidence_hex" in rec else ev.encode()
    return text_escape(raw)


def load_json(path, host):
    recs = [json.loads(line) for line in open(path)]
    ports = {}
    for i, r in enumerate(recs):
        if r["type"] != "result" or r["state"] != "open":
            continue
        nxt = recs[i + 1] if i + 1 < len(recs) else {}
        check(nxt.get("type") == "service" and nxt.get("port") == r["port"]
              and nxt.get("host") == r["host"] == host,
              f"json: result for {r['port']} is not followed by its service record")
        svc = {k: (nxt.get(k) or "") for k in
               ("service", "vendor", "product", "version", "cpe", "os", "info")}
        svc["evidence"] = json_evidence(nxt)
        svc["tls"], svc["confidence"] = nxt.get("tls", False), nxt.get("confidence", 0)
        check(str(r["port"]) not in ports, f"json: port {r['port']} twice")
        ports[str(r["port"])] = (r, svc)
    check(recs[-1]["type"] == "end" and not recs[-1]["interrupted"], "json: no clean end record")
    return ports


def check_want(ports, wants):
    want = {}
    for w in wants:
        port, spec = w.split("=", 1)
        *svc, prod, ver = spec.split("/")
        want[port] = ("/".join(svc), prod, ver)
    check(set(ports) == set(want), f"open ports {sorted(ports)} != {sorted(want)}")
    for port, (svc, prod, ver) in want.items():
        if port not in ports:
            continue
        s = ports[port][1]
        got = (("ssl/" if s["tls"] else "") + s["service"] if s["service"] else "",
               s["product"], s["version"] if ver != "*" else "*")
        check(got == (svc, prod, ver), f"{port}: found {got}, want {(svc, prod, ver)}")


def service_col(r, s):
    if s["service"]:
        return ("ssl/" if s["tls"] else "") + clean(s["service"])
    return r["service"] + "?"


def cell(text, width):
    """A fixed text column: cut with the marker when longer (src/cli/render/colfit.c)."""
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def check_text(path, host, ports):
    # Rows end at their last cell: padding after it is not written (scan_out_text.c).
    lines = [line.rstrip(" ") for line in open(path, encoding="utf-8").read().split("\n")]
    check(lines[1] == f"{'PORT':<11} {'STATE':<11} {'SERVICE':<16} {'HOST':<20} "
          f"{'VERSION':<32} NOTE", f"text header: {lines[1]!r}")
    for port, (r, s) in ports.items():
        note = f"[{r['risk']}] {r['note']}" if r.get("note") else ""
        ver = clean(version_text(s)) if s['service'] else ''
        main = (f"{port + '/tcp':<11} {'open':<11} {cell(service_col(r, s), 16):<16} "
                f"{host:<20} {cell(ver, 32):<32} {note}").rstrip(" ")
        if main not in lines:
            bad.append(f"text: no line {main!r}")
            continue
        i = lines.index(main) + 1
        detail = []
        while i < len(lines) and lines[i].startswith("|"):
            detail.append(lines[i])
            i += 1
        want = [(k, v) for k, v in (("cpe", s["cpe"]), ("banner", s["evidence"])) if v]
        want = [f"|{'_' if j == len(want) - 1 else ' '}{k}: {clean(v)}"
                for j, (k, v) in enumerate(want)]
        check(detail == want, f"text {port}: detail lines {detail} != {want}")


def grep_field(v):
    return clean(v).replace("/", "|")


def check_grep(path, host, ports):
    lines = set(open(path, encoding="utf-8").read().split("\n"))
    for port, (r, s) in ports.items():
        if s["service"]:
            name = ("ssl|" if s["tls"] else "") + grep_field(s["service"])
            line = f"Host: {host} ()\tPorts: {port}/open/tcp//{name}//{grep_field(version_text(s))}/"
            line += f"\tCPE: {clean(s['cpe'])}" if s["cpe"] else ""
        else:
            line = f"Host: {host} ()\tPorts: {port}/open/tcp//{grep_field(r['service'])}///"
        line += f"\tBanner: {clean(s['evidence'])}" if s["evidence"] else ""
        check(line in lines, f"grepable: no line {line!r}")


def check_csv(path, host, ports):
    raw = open(path, "rb").read()
    check(raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""), "csv: not CRLF records")
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    check(rows[0] == ["host", "hostname", "port", "proto", "state", "reason", "service", "rtt_ms",
                      "note", "detected_service", "product", "version", "cpe", "evidence"],
          f"csv header {rows[0]}")
    got = {row[2]: row for row in rows[1:]}
    for port, (r, s) in ports.items():
        if s["service"]:
            sv = [("ssl/" if s["tls"] else "") + s["service"], s["product"] or s["vendor"],
                  s["version"], s["cpe"], s["evidence"]]
        else:
            sv = ["", "", "", "", s["evidence"]]
        want = [host, "", port, "tcp", "open", "syn-ack", r["service"], None, r.get("note", "")]
        want += [guard(clean(v)) if v else "" for v in sv]
        row = got.get(port)
        if row is None or len(row) != len(want):
            bad.append(f"csv: row for {port}: {row}")
            continue
        want[7] = row[7]
        check(row == want, f"csv {port}: {row} != {want}")


def check_xml(path, ports):
    root = ET.parse(path).getroot()
    seen = set()
    for p in root.iter("port"):
        port = p.get("portid")
        seen.add(port)
        if port not in ports:
            continue
        r, s = ports[port]
        el, cpes = p.find("service"), [c.text for c in p.iter("cpe")]
        if s["service"]:
            want = {"name": s["service"], "method": "probed",
                    "conf": str(min(10, (s["confidence"] + 5) // 10))}
            for k, v in (("product", s["product"] or s["vendor"]), ("version", s["version"]),
                         ("extrainfo", s["info"]), ("ostype", s["os"])):
                if v:
                    want[k] = clean(v)
            if s["tls"]:
                want["tunnel"] = "ssl"
            check(cpes == ([clean(s["cpe"])] if s["cpe"] else []), f"xml {port}: cpe {cpes}")
        else:
            want = {"name": r["service"], "method": "table", "conf": "3"}
        if s["evidence"]:
            want["servicefp"] = clean(s["evidence"])
        check(el is not None and el.attrib == want,
              f"xml {port}: service {el.attrib if el is not None else None} != {want}")
        check(p.find("script") is None, f"xml {port}: a script element")
    check(seen == set(ports), f"xml ports {sorted(seen)} != {sorted(ports)}")


def check_bytes(d):
    for name in ("a.txt", "a.gnmap", "a.csv", "a.jsonl", "a.xml"):
        data = open(f"{d}/{name}", "rb").read()
        ctl = {c for c in data if c < 0x20 and c not in (9, 10, 13)} | ({0x7F} & set(data))
        check(not ctl, f"{name}: control bytes {sorted(ctl)}")
        if name != "a.csv":
            check(b"\r" not in data, f"{name}: a raw CR")
        if name != "a.gnmap":
            check(b"\t" not in data or name == "a.txt", f"{name}: a raw tab")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--host", required=True)
    ap.add_argument("--want", nargs="+", required=True)
    a = ap.parse_args()
    ports = load_json(f"{a.dir}/a.jsonl", a.host)
    check_want(ports, a.want)
    check_text(f"{a.dir}/a.txt", a.host, ports)
    check_grep(f"{a.dir}/a.gnmap", a.host, ports)
    check_csv(f"{a.dir}/a.csv", a.host, ports)
    check_xml(f"{a.dir}/a.xml", ports)
    check_bytes(a.dir)
    for port, (r, s) in sorted(ports.items(), key=lambda x: int(x[0])):
        print(f"  {port:>5} {service_col(r, s):12} {version_text(s)[:40]:40} {s['evidence'][:40]}")
    if bad:
        print("sv_check FAILED:", *bad, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"sv_check: {len(ports)} open ports, the same service data in text, JSON, XML, "
          "grepable and CSV")


if __name__ == "__main__":
    main()
