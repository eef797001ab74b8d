#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Records the netlink sock_diag dumps and /proc/net tables that tests/unit/test_sockets*.c
# replay. Run as root inside a fresh network namespace so only these sockets exist:
#   unshare -n sh -c 'ip link set lo up && python3 record.py'
# It opens, in this order: TCP listeners 127.0.0.1:47101, [::1]:47102, [::]:47103
# (dual-stack), [::]:47104 (IPV6_V6ONLY), one connection to 47101, UDP sockets
# 127.0.0.1:47105 and [::]:47106 (dual-stack), then dumps every state of each
# transport and family. Files: <proto><4|6>.nl (raw datagrams as received, concatenated)
# and proc-<tcp|tcp6|udp|udp6> (copies of /proc/net), plus inodes.txt (port inode).
import os
import socket
import struct

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300

socks = []


def tcp(fam, addr, port, v6only=None):
    s = socket.socket(fam, socket.SOCK_STREAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    s.listen(8)
    socks.append((port, s))
    return s


def udp(fam, addr, port, v6only=None):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    socks.append((port, s))


def dump(family, proto):
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    req = struct.pack("=BBBBI", family, proto, 0, 0, 0xFFF)  # family, proto, ext, pad, states
    req += b"\0" * 48  # struct inet_diag_sockid
    hdr = struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY,
                      NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
    nl.sendto(hdr + req, (0, 0))
    out = b""
    while True:
        data = nl.recv(1 << 16)
        out += data
        if struct.unpack_from("=IH", data, 0)[1] == 3:  # NLMSG_DONE in this datagram
            break
        off, done = 0, False
        while off + 16 <= len(data):
            ln, typ = struct.unpack_from("=IH", data, off)
            done = done or typ == 3
            off += (ln + 3) & ~3
        if done:
            break
    nl.close()
    return out


def main():
    tcp(socket.AF_INET, "127.0.0.1", 47101)
    tcp(socket.AF_INET6, "::1", 47102)
    tcp(socket.AF_INET6, "::", 47103, 0)
    tcp(socket.AF_INET6, "::", 47104, 1)
    client = socket.create_connection(("127.0.0.1", 47101))
    server, _ = socks[0][1].accept()
    udp(socket.AF_INET, "127.0.0.1", 47105)
    udp(socket.AF_INET6, "::", 47106, 0)
    for name, fam, proto in (("tcp4", socket.AF_INET, 6), ("tcp6", socket.AF_INET6, 6),
                             ("udp4", socket.AF_INET, 17), ("udp6", socket.AF_INET6, 17)):
        with open(name + ".nl", "wb") as f:
            f.write(dump(fam, proto))
    for name in ("tcp", "tcp6", "udp", "udp6"):
        with open("/proc/net/" + name, "rb") as src, open("proc-" + name, "wb") as dst:
            dst.write(src.read())
    with open("inodes.txt", "w") as f:
        for port, s in socks:
            f.write("%d %d\n" % (port, os.fstat(s.fileno()).st_ino))
        f.write("client %d\n" % os.fstat(client.fileno()).st_ino)
        f.write("server %d\n" % os.fstat(server.fileno()).st_ino)


main()
