#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# check.py - the assertions of listen.sh: runs portlens and compares its rows with the
# sockets holder.py opened. Environment: PL (portlens), WORK (ready files), NS (lab
# namespace name), base (first port), CG (cgroup slice or ""), CID (container id).
import json
import os
import socket
import subprocess
import sys

PL, WORK, NS, CG, CID = (os.environ[k] for k in ("PL", "WORK", "NS", "CG", "CID"))
BASE = int(os.environ["base"])
failures = 0


def pids(name):
    with open(os.path.join(WORK, name + ".ready")) as f:
        return [int(x) for x in f.read().split()]


def run(*args, user=None, fmt="--json"):
    cmd = [PL] + list(args) + ([fmt] if fmt else [])
    if user:
        cmd = ["setpriv", "--reuid", user, "--regid", "nogroup", "--clear-groups"] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.exit("FAIL: %s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr))
    return (json.loads(r.stdout) if fmt == "--json" else r.stdout), r.stderr


def check(cond, what):
    global failures
    if cond:
        print("ok   " + what)
    else:
        failures += 1
        print("FAIL " + what)


def rows(doc, port, netns=None):
    return [s for s in doc["sockets"] if s["local_port"] == port
            and (netns is None or s["netns"] == netns)]


def one(doc, port, what, netns=None):
    r = rows(doc, port, netns)
    check(len(r) == 1, "%s: exactly one row for port %d (got %d)" % (what, port, len(r)))
    return r[0] if r else {"processes": [], "flags": []}


def holders(row):
    return sorted(p["pid"] for p in row["processes"])


prefork, nobody, unit, lab = pids("prefork"), pids("nobody"), pids("unit"), pids("lab")
sniffer = pids("sniffer")
P = [BASE + i for i in range(8)]

doc, _ = run("listen")
check(doc["source"] == "netlink sock_diag", "listen reads netlink sock_diag")
r = one(doc, P[0], "pre-fork listener")
check(r["transport"] == "tcp" and r["family"] == "ipv4" and r["state"] == "LISTEN"
      and r["local_address"] == "127.0.0.1", "pre-fork: tcp ipv4 127.0.0.1 LISTEN")
check(holders(r) == sorted(prefork), "pre-fork: held by parent and 2 children %s (got %s)"
      % (sorted(prefork), holders(r)))
check(all(p["user"] == "root" and p["name"].startswith("python") for p in r["processes"]),
      "pre-fork: every holder is root's python")
check("holder.py" in r["processes"][0]["cmdline"], "pre-fork: full command line")
r = one(doc, P[1], "dual-stack")
check(r["family"] == "dual" and r["dual_stack"] and r["local_address"] == "::",
      "dual-stack [::] listener marked dual, shown once")
check(holders(r) == [prefork[0]], "dual-stack: held by the parent only")
r = one(doc, P[2], "v6only")
check(r["family"] == "ipv6" and not r["dual_stack"], "IPV6_V6ONLY listener is ipv6 only")
r = one(doc, P[3], "udp")
check(r["transport"] == "udp" and r["state"] == "UNCONN" and holders(r) == [prefork[0]],
      "bound UDP socket listed as UNCONN with its holder")
r = one(doc, P[4], "nobody")
check(r["uid"] == 65534 and r["processes"][0]["user"] == "nobody"
      and holders(r) == nobody, "listener of user nobody: uid 65534, process %s" % nobody)
r = one(doc, P[5], "unit")
if CG:
    check(r["processes"][0]["unit"] == "pl-lab-web.service",
          "holder in cgroup pl-lab-web.service: unit shown (got %s)" % r["processes"][0]["unit"])
check(rows(doc, P[6]) == [], "lab namespace sockets are not listed without --all-netns")
check(all(s["netns"] == "host" for s in doc["sockets"]), "every row labelled host")

# Filters.
d4, _ = run("listen", "-4")
d6, _ = run("listen", "-6")
check(rows(d4, P[1]) and rows(d6, P[1]), "dual-stack listener matches both -4 and -6")
check(not rows(d4, P[2]) and rows(d6, P[2]) and not rows(d6, P[0]), "-4 / -6 filter families")
dt, _ = run("listen", "--tcp")
check(not rows(dt, P[3]) and rows(dt, P[0]), "--tcp drops UDP")
du, _ = run("listen", "--udp")
check(rows(du, P[3]) and not rows(du, P[0]), "--udp keeps only UDP")
dp, _ = run("listen", "--pid", str(prefork[1]))
check(sorted(s["local_port"] for s in dp["sockets"]) == [P[0]],
      "--pid CHILD: only the socket the child inherited")
check(all(prefork[1] in holders(s) for s in dp["sockets"]), "--pid: rows held by that pid")
dn, _ = run("listen", "--user", "nobody")
# Other tests may run things as nobody at the same time: look at this test's ports only.
check([s["local_port"] for s in dn["sockets"] if s["local_port"] in P] == [P[4]],
      "--user nobody: only its listener among this test's")
dq, err = run("listen", "--port", str(P[1]))
check([s["local_port"] for s in dq["sockets"]] == [P[1]], "--port N")
check(dq["source"] == "netlink sock_diag" and not any("netlink" in n for n in dq["notes"]),
      "--port N is filtered in the kernel (netlink bytecode accepted, no fallback)")

# The /proc/net fallback gives the same rows.
dproc, _ = run("listen", "--proc")
check(dproc["source"] == "/proc/net", "--proc reads /proc/net")
key = lambda s: (s["transport"], s["family"], s["local_address"], s["local_port"], s["state"],
                 s["inode"], tuple(holders(s)), s["uid"])
ours = lambda d: sorted(key(s) for s in d["sockets"] if P[0] <= s["local_port"] <= P[5])
check(ours(dproc) == ours(doc), "/proc/net fallback: same rows as netlink")

# Baselines: save what listens, check against it, see what is new or gone.
def pl_rc(*args):
    r = subprocess.run([PL] + list(args), capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


bl = os.path.join(WORK, "baseline.txt")
rc, _, err = pl_rc("listen", "--save-baseline", bl)
text = open(bl).read() if os.path.exists(bl) else ""
want = ["%-6s %-15s %5u  %s" % (p, a, port, "python3") for p, a, port in
        (("tcp4", "127.0.0.1", P[0]), ("tcp46", "::", P[1]), ("tcp6", "::", P[2]),
         ("udp4", "127.0.0.1", P[3]), ("tcp4", "127.0.0.1", P[4]))]
check(rc == 0 and all(w in text.splitlines() for w in want),
      "--save-baseline: one line per listener with its program (rc %d)" % rc)
check(text.count("%5u  python3" % P[0]) == 1, "--save-baseline: a shared socket is one line")
rc, out, err = pl_rc("listen", "--baseline", bl, "--json")
doc_b = json.loads(out) if out else {"sockets": [], "notes": []}
check(not any(P[0] <= s["local_port"] <= P[5] for s in doc_b["sockets"]),
      "--baseline: none of this test's listeners is new")
bl0 = os.path.join(WORK, "p0.txt")
rc0, _, _ = pl_rc("listen", "--port", str(P[0]), "--save-baseline", bl0)
rc, out, err = pl_rc("listen", "--port", str(P[0]), "--baseline", bl0)
check(rc0 == 0 and rc == 0 and "0 listeners not in it, 0 lines not listening" in err,
      "--baseline, nothing changed: exit 0 and says so (%d: %s)" % (rc, err.strip()))
extra = socket.socket()
extra.bind(("127.0.0.1", BASE + 8))
extra.listen(1)
rc, out, err = pl_rc("listen", "--port", str(BASE + 8), "--baseline", bl0, "--json")
doc_b = json.loads(out) if out else {"sockets": [], "notes": []}
check(rc == 1 and [s["local_port"] for s in doc_b["sockets"]] == [BASE + 8]
      and any("1 listener not in it" in n for n in doc_b["notes"]),
      "--baseline: a new listener is shown, exit 1 (%d)" % rc)
extra.close()
with open(bl0, "a") as f:
    f.write("tcp4 127.0.0.1 %d python3\n" % (BASE + 9))
rc, out, err = pl_rc("listen", "--port", str(P[0]), "--baseline", bl0)
check(rc == 1 and "%s:7: tcp4 127.0.0.1 %d python3 is in the baseline but not listening"
      % (bl0, BASE + 9) in err, "--baseline: a line that matches nothing is named, exit 1")
with open(bl0, "w") as f:
    f.write("tcp4 127.0.0.1 %d sshd\n" % P[0])
rc, out, err = pl_rc("listen", "--port", str(P[0]), "--baseline", bl0, "--csv")
check(rc == 1 and str(P[0]) in out, "--baseline: the same port held by another program is new")
with open(bl0, "w") as f:
    f.write("# any program on this port\ntcp * %d *\n" % P[0])
rc, out, err = pl_rc("listen", "--port", str(P[0]), "--baseline", bl0)
check(rc == 0, "--baseline: wildcards cover a listener")

# Raw and packet sockets (--raw): not in the default listing; with --raw, each with its
# interface or address, protocol, holder and flag; in the lab namespace with its name.
check(not any(s["transport"] in ("raw", "packet") for s in doc["sockets"]),
      "default listing: no raw or packet sockets")
dr, _ = run("listen", "--raw")
mine = [s for s in dr["sockets"] if holders(s) == sniffer]
pk = [s for s in mine if s["transport"] == "packet"]
rw = [s for s in mine if s["transport"] == "raw"]
check(all(s["transport"] in ("raw", "packet") for s in dr["sockets"])
      and dr["source"] == "/proc/net", "--raw alone: only raw and packet sockets, from /proc/net")
check(len(pk) == 1 and pk[0]["local_address"] == "lo" and pk[0]["local_port"] == 3
      and pk[0]["protocol"] == "all" and pk[0]["family"] == "packet"
      and [f["flag"] for f in pk[0]["flags"]] == ["capture"],
      "--raw: packet socket on lo reading every frame, flagged capture (%s)" % pk)
check(len(rw) == 1 and rw[0]["local_address"] == "127.0.0.1" and rw[0]["local_port"] == 1
      and rw[0]["protocol"] == "icmp" and rw[0]["family"] == "ipv4"
      and [f["flag"] for f in rw[0]["flags"]] == ["raw"],
      "--raw: raw ICMP socket on 127.0.0.1 with its holder, flagged raw (%s)" % rw)
drt, _ = run("listen", "--raw", "--tcp")
check(any(holders(s) == sniffer for s in drt["sockets"]) and rows(drt, P[0])
      and not rows(drt, P[3])
      and drt["source"] == "netlink sock_diag; /proc/net for raw and packet sockets",
      "--raw --tcp: raw, packet and TCP sockets, no UDP; both sources named")
txt, _ = run("listen", "--raw", fmt=None)
line = [l for l in txt.splitlines() if l.startswith("packet") and " %d " % sniffer[0] in l]
check(len(line) == 1 and " lo:all " in line[0] and "capture" in line[0]
      and any("BPFDoor" in l for l in txt.splitlines()), "--raw text: packet lo:all, reason")
check(not any(holders(s) == sniffer for s in run("listen", "--raw", "-4")[0]["sockets"]
              if s["transport"] == "packet"), "--raw -4: packet sockets are not IPv4")
dra, _ = run("listen", "--raw", "--all-netns")
pl_lab = [s for s in dra["sockets"] if s["netns"] == NS and s["transport"] == "packet"]
check(len(pl_lab) == 1 and pl_lab[0]["local_address"] == "lo" and holders(pl_lab[0]) == lab,
      "--raw --all-netns: the lab namespace's packet socket on its own lo (%s)" % pl_lab)
rbl = os.path.join(WORK, "raw.txt")
rc, _, _ = pl_rc("listen", "--raw", "--save-baseline", rbl)
rtext = open(rbl).read() if os.path.exists(rbl) else ""
check(rc == 0 and "%-6s %-15s %5u  %s" % ("packet", "lo", 3, "python3") in rtext.splitlines()
      and "%-6s %-15s %5u  %s" % ("raw4", "127.0.0.1", 1, "python3") in rtext.splitlines(),
      "--raw --save-baseline: packet and raw lines")
rc, out, _ = pl_rc("listen", "--raw", "--baseline", rbl, "--json")
check(not any(holders(s) == sniffer for s in json.loads(out)["sockets"]),
      "--raw --baseline: the saved raw and packet sockets are covered")
r = subprocess.run([PL, "conns", "--raw"], capture_output=True, text=True, timeout=60)
check(r.returncode == 2 and "--raw is for listen" in r.stderr, "conns --raw: refused")

# Holders from the kernel's task_file iterator (BPF) and from /proc/PID/fd: the same rows,
# including the nobody, unit and pre-fork holders; --all-netns too.
dbpf, _ = run("listen", "--processes-from=bpf")
dfs, _ = run("listen", "--processes-from=procfs")
check(dbpf["processes_source"] == "kernel task_file iterator (BPF)",
      "--processes-from=bpf: holders from the kernel iterator (got %s)" % dbpf["processes_source"])
check(dfs["processes_source"] == "/proc/PID/fd", "--processes-from=procfs: holders from /proc")
ours_all = lambda d: sorted(key(s) for s in d["sockets"] if P[0] <= s["local_port"] <= P[7])
check(ours_all(dbpf) == ours_all(dfs) and len(ours_all(dfs)) == 6,
      "kernel iterator and /proc give the same 6 rows and holders")
check(holders(one(dbpf, P[0], "bpf pre-fork")) == sorted(prefork),
      "kernel iterator: the pre-fork listener's 3 holders")
dab, _ = run("listen", "--all-netns", "--processes-from=bpf", "--port", str(P[6]))
check(holders(one(dab, P[6], "bpf lab netns", netns=NS)) == lab,
      "kernel iterator: holder of the lab namespace's listener")
dcb, _ = run("conns", "--port", str(P[0]), "--processes-from=bpf")
check(sorted(key(s) for s in dcb["sockets"]) == sorted(key(s) for s in
      run("conns", "--port", str(P[0]), "--processes-from=procfs")[0]["sockets"]),
      "kernel iterator: conns --port rows equal /proc's")
r = subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", PL,
                    "listen", "--processes-from=bpf"], capture_output=True, text=True, timeout=60)
check(r.returncode == 1 and "CAP_BPF" in r.stderr,
      "non-root --processes-from=bpf: exit 1 naming CAP_BPF (got %d: %s)"
      % (r.returncode, r.stderr.strip()))
# auto picks the iterator once the machine has thousands of open files: open 3,500.
import resource
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 8192), max(hard, 8192)))
spare = [os.open("/dev/null", os.O_RDONLY) for _ in range(3500)]
dauto, _ = run("listen")
check(dauto["processes_source"] == "kernel task_file iterator (BPF)",
      "auto with 3,500 more open files: the kernel iterator (got %s)" % dauto["processes_source"])
check(ours_all(dauto) == ours_all(dfs), "auto (iterator): same rows as /proc")
# The same with bpf() refused by seccomp (as in a container): /proc, with a note saying
# why; forced bpf fails naming the cause.
deny = os.environ["DENY_BPF"]
r = subprocess.run([deny, PL, "listen", "--json"], capture_output=True, text=True, timeout=60)
dden = json.loads(r.stdout) if r.returncode == 0 else {"sockets": [], "notes": []}
check(r.returncode == 0 and dden["processes_source"] == "/proc/PID/fd"
      and ours_all(dden) == ours_all(dfs),
      "bpf() refused: auto falls back to /proc with the same rows (rc %d)" % r.returncode)
check(any("loading the program" in n and "read /proc/PID/fd instead" in n
          for n in dden["notes"]), "bpf() refused: a note says why (%s)" % dden["notes"])
r = subprocess.run([deny, PL, "listen", "--processes-from=bpf"], capture_output=True, text=True,
                   timeout=60)
check(r.returncode == 1 and "Operation not permitted" in r.stderr,
      "bpf() refused, --processes-from=bpf: exit 1 with the cause (%s)" % r.stderr.strip())
for fd in spare:
    os.close(fd)

# Connections: both ends of the connection to P0, in the parent.
dc, _ = run("conns", "--port", str(P[0]))
est = [s for s in dc["sockets"] if s["state"] == "ESTAB"]
check(len(est) == 2, "conns --port: both ends of the connection (got %d)" % len(est))
check(all(holders(s) == [prefork[0]] for s in est), "conns: both ends held by the parent")
check(any(s["remote_port"] == P[0] for s in est) and any(s["local_port"] == P[0] for s in est),
      "conns: one end to the port, one from it")
check(not rows(dc, P[1]), "conns: no listeners")

# Every network namespace: the lab's listener labelled with the namespace and container.
da, _ = run("listen", "--all-netns")
r = one(da, P[6], "lab netns", netns=NS)
check(r["local_address"] == "198.18.0.1" and holders(r) == lab,
      "--all-netns: lab listener 198.18.0.1 held by %s" % lab)
r = one(da, P[7], "lab netns udp", netns=NS)
check(r["dual_stack"], "--all-netns: dual-stack UDP in the lab namespace")
ns = [n for n in da["namespaces"] if n["label"] == NS]
check(len(ns) == 1, "--all-netns: namespace %s listed" % NS)
if CG and ns:
    check(ns[0]["container"] == "docker:" + CID[:12], "--all-netns: the namespace's container "
          "from its cgroup (got %s)" % ns[0]["container"])
    check(r["processes"][0]["container"] == "docker:" + CID[:12], "container on the process")
check(rows(da, P[0], "host"), "--all-netns: host rows still there")
txt, _ = run("listen", "--all-netns", "--port", str(P[6]), fmt=None)
check(txt.splitlines()[0].startswith("NETNS") and NS in txt, "text: NETNS column and label")

# Text output: dual-stack marked tcp46; several holders on continuation lines.
txt, _ = run("listen", "--port", str(P[1]), fmt=None)
check(" tcp46 " in " " + txt.splitlines()[1], "text: dual-stack shown as tcp46")
txt, _ = run("listen", "--port", str(P[0]), fmt=None)
held = [l for l in txt.splitlines() if "holder.py" in l]
check(len(held) == 3 and all(any(" %d " % p in l for l in held) for p in prefork),
      "text: three holders on three lines")
csv, _ = run("listen", "--port", str(P[0]), fmt="--csv")
check(";".join(str(p) for p in sorted(prefork)) in csv, "csv: holders joined with ';'")

# As non-root: own sockets with their process, others' hidden with a hint.
dnr, err = run("listen", user="nobody")
r = one(dnr, P[4], "non-root own")
check(holders(r) == nobody, "non-root: sees its own listener's process")
r = one(dnr, P[0], "non-root other")
check(r["owner"] == "hidden" and r["processes"] == [], "non-root: root's socket marked hidden")
check(any("run as root" in n for n in dnr["notes"]), "non-root: note says run as root")
txt, err = run("listen", "--port", str(P[0]), user="nobody", fmt=None)
check("(hidden; run as root)" in txt and "run as root" in err, "non-root text: hidden + hint")
dnr, _ = run("listen", "--all-netns", user="nobody")
check(any("cannot enter network namespace" in n or NS in n for n in dnr["notes"]) or
      rows(dnr, P[6], NS) == [], "non-root --all-netns: says what it cannot see")

# The port page's live section.
page, _ = run(str(P[0]))
live = page.get("live")
check(live is not None and any(l["pid"] == prefork[0] for l in live.get("listeners", [])),
      "port page: live section lists the listener's process")
page, _ = run(str(P[0]), "--no-live")
check(page.get("live") is None, "port page --no-live: no live section")

print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)
