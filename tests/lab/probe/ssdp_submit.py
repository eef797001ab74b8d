#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ssdp_submit.py SOCKET DESC_URL - hands a UPnP device's services to minissdpd, the way
a UPnP daemon that cannot bind port 1900 itself does (minidlna's "Trying to use
MiniSSDPd" path): reads the device description at DESC_URL (the real server's
rootDesc.xml and Server header), then submits, over minissdpd's unix SOCKET (request
type 4: ST, USN, Server, Location as length-prefixed strings), the root device and the
device type. minissdpd then answers M-SEARCH for them. Written for the portlens lab.
"""
import re
import socket
import sys
import time
import urllib.request


def length(n):
    out = b""
    for shift in (28, 21, 14, 7):
        if n >= 1 << shift:
            out += bytes([(n >> shift) & 0x7F | 0x80])
    return out + bytes([n & 0x7F])


def field(s):
    b = s.encode()
    return length(len(b)) + b


sock_path, url = sys.argv[1], sys.argv[2]
for _ in range(100):  # the daemons start in the background
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            server, desc = r.headers["Server"], r.read().decode()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit(f"ssdp_submit: no device description at {url}")
udn = re.search(r"<UDN>([^<]+)</UDN>", desc).group(1)
dtype = re.search(r"<deviceType>([^<]+)</deviceType>", desc).group(1)
for st, usn in (("upnp:rootdevice", f"{udn}::upnp:rootdevice"), (dtype, f"{udn}::{dtype}")):
    for _ in range(100):
        try:
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(sock_path)
            break
        except OSError:
            time.sleep(0.1)
    c.sendall(b"\x04" + field(st) + field(usn) + field(server) + field(url))
    c.close()
