#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""responders.py KIND ADDR PORT [VARIANT [CERT]] - minimal protocol-correct servers for products
Debian does not package (MongoDB, Elasticsearch/OpenSearch, Jenkins, Siemens S7, the
Kubernetes API server and kubelet) or whose Debian package cannot run here (docker.io's
dockerd exits for want of the devices cgroup; its answers were checked against the
second its API answers before that). Each parses the request
it gets and builds its answer from the protocol, the way the real product does, so a
probe that sent the wrong bytes gets no answer. Written for the portlens lab tests.

  mongodb   OP_MSG (opcode 2013): buildInfo -> version; listDatabases -> the names when
            VARIANT is "open", else ok 0 / code 13 Unauthorized (MongoDB with --auth)
  s7        TPKT/COTP Connection Request -> Confirm with TSAPs; S7 Setup Communication ->
            Ack-Data; userdata Read SZL 0x0011 -> order number and firmware records
  http      VARIANT jenkins | docker | kubernetes | elasticsearch | opensearch | kubelet:
            the paths and headers those products answer on; kubernetes401, kubelet401,
            kubelet403: the same products refusing anonymous clients (CERT: over TLS,
            with CERT.pem and CERT.key, as a kubelet serves on 10250); go401: any Go
            service's http.Error 401 (must not be taken for a kubelet)
"""
import json
import socketserver
import struct
import sys


def bson(doc):
    out = b""
    for k, v in doc.items():
        name = k.encode() + b"\0"
        if isinstance(v, bool):
            out += b"\x08" + name + (b"\1" if v else b"\0")
        elif isinstance(v, float):
            out += b"\x01" + name + struct.pack("<d", v)
        elif isinstance(v, int):
            out += b"\x10" + name + struct.pack("<i", v)
        elif isinstance(v, str):
            s = v.encode() + b"\0"
            out += b"\x02" + name + struct.pack("<i", len(s)) + s
        elif isinstance(v, list):
            out += b"\x04" + name + bson({str(i): x for i, x in enumerate(v)})
        elif isinstance(v, dict):
            out += b"\x03" + name + bson(v)
    return struct.pack("<i", len(out) + 5) + out + b"\0"


def bson_first_key(body):
    # The command name is the first element's name.
    return body[5:body.index(b"\0", 5)].decode()


def recv_exact(rfile, n):
    data = rfile.read(n)
    return data if data and len(data) == n else None


class Mongo(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            head = recv_exact(self.rfile, 16)
            if not head:
                return
            length, req_id, _, opcode = struct.unpack("<iiii", head)
            if not 16 < length <= 48000000:  # MongoDB's maxMessageSizeBytes: it hangs up
                return
            body = recv_exact(self.rfile, length - 16)
            if body is None or opcode != 2013 or body[4] != 0:
                return
            cmd = bson_first_key(body[5:])
            if cmd == "buildInfo":
                doc = {"version": "7.0.4", "gitVersion": "38f3e37057a43d2e9f41a39142681a76062d582e",
                       "modules": [], "allocator": "tcmalloc", "ok": 1.0}
            elif cmd == "listDatabases" and VARIANT == "open":
                doc = {"databases": [{"name": "admin"}, {"name": "shop"}], "ok": 1.0}
            elif cmd == "listDatabases":
                doc = {"ok": 0.0, "errmsg": "command listDatabases requires authentication",
                       "code": 13, "codeName": "Unauthorized"}
            else:
                doc = {"ok": 0.0, "errmsg": "no such command", "code": 59}
            msg = struct.pack("<I", 0) + b"\0" + bson(doc)
            self.wfile.write(struct.pack("<iiii", 16 + len(msg), 1000 + req_id, req_id, 2013) + msg)


def tpkt(payload):
    return struct.pack(">BBH", 3, 0, 4 + len(payload)) + payload


def szl_record(index, order, ver=b"\0\0\0\0\0\0"):
    return struct.pack(">H", index) + order.ljust(20, b" ") + ver


class S7(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            head = recv_exact(self.rfile, 4)
            if not head or head[0] != 3:
                return
            pdu = recv_exact(self.rfile, struct.unpack(">H", head[2:])[0] - 4)
            if pdu is None:
                return
            if pdu[1] == 0xE0:  # COTP CR: confirm with its TSAPs; no TSAPs, no connection
                params = pdu[7:]
                if b"\xc1" not in params[::1] or b"\xc2" not in params:
                    return
                cc = bytes([0xD0, 0, 1, 0, 1, 0]) + params
                self.wfile.write(tpkt(bytes([len(cc)]) + cc))
            elif pdu[1] == 0xF0 and pdu[3] == 0x32 and pdu[4] == 0x01 and pdu[13] == 0xF0:
                param = bytes([0xF0, 0, 0, 1, 0, 1, 0x01, 0xE0])
                s7 = bytes([0x32, 0x03, 0, 0]) + pdu[7:9] + struct.pack(">HH", len(param), 0) + b"\0\0"
                self.wfile.write(tpkt(bytes([2, 0xF0, 0x80]) + s7 + param))
            elif pdu[1] == 0xF0 and pdu[3] == 0x32 and pdu[4] == 0x07:
                szl_id, index = struct.unpack(">HH", pdu[-4:])
                if szl_id != 0x0011:
                    return
                recs = (szl_record(1, b"6ES7 315-2EH14-0AB0") + szl_record(6, b"6ES7 315-2EH14-0AB0")
                        + szl_record(7, b"", b"\0\0V\x03\x02\x06"))
                data = bytes([0xFF, 0x09]) + struct.pack(">H", 8 + len(recs)) + \
                    struct.pack(">HHHH", 0x0011, 0, 28, 3) + recs
                param = bytes([0, 1, 0x12, 8, 0x12, 0x84, 0x01, 0x01, 0, 0, 0, 0])
                s7 = bytes([0x32, 0x07, 0, 0]) + pdu[7:9] + struct.pack(">HH", len(param), len(data))
                self.wfile.write(tpkt(bytes([2, 0xF0, 0x80]) + s7 + param + data))
            else:
                return


HTTP = {
    "jenkins": {"/": (403, {"X-Jenkins": "2.426.1", "X-Hudson": "1.395", "Server": "Jetty(10.0.18)"},
                      "<html><head><title>Dashboard [Jenkins]</title></head></html>")},
    "docker": {"/version": (200, {"Api-Version": "1.43", "Server": "Docker/24.0.7 (linux)",
                                  "Content-Type": "application/json"},
                            json.dumps({"Platform": {"Name": "Docker Engine - Community"},
                                        "Version": "24.0.7", "ApiVersion": "1.43",
                                        "GoVersion": "go1.20.10", "Os": "linux"})),
               # dockerd's router has no route for /: its bare 404, without the
               # Api-Version and Server headers its routes' middleware adds.
               "*": (404, {"Content-Type": "application/json"},
                     '{"message":"page not found"}\n')},
    "kubernetes": {"/version": (200, {"Content-Type": "application/json"},
                                json.dumps({"major": "1", "minor": "28", "gitVersion": "v1.28.4",
                                            "goVersion": "go1.20.11", "platform": "linux/amd64"})),
                   "*": (403, {"Content-Type": "application/json"},
                         json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                     "message": "forbidden: User \"system:anonymous\" cannot get path \"/\"",
                                     "reason": "Forbidden", "code": 403}))},
    "elasticsearch": {"/": (200, {"X-elastic-product": "Elasticsearch", "Content-Type": "application/json"},
                            json.dumps({"name": "lab", "cluster_name": "lab", "version": {
                                "number": "8.11.1", "build_flavor": "default"},
                                "tagline": "You Know, for Search"}))},
    "opensearch": {"/": (200, {"Content-Type": "application/json"},
                         json.dumps({"name": "lab", "cluster_name": "lab", "version": {
                             "distribution": "opensearch", "number": "2.11.0"},
                             "tagline": "The OpenSearch Project: https://opensearch.org/"}))},
    # An API server with anonymous access off: every path, /version too, is a 401 Status.
    "kubernetes401": {"*": (401, {"Content-Type": "application/json", "Cache-Control": "no-cache, private"},
                            json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                                        "status": "Failure", "message": "Unauthorized",
                                        "reason": "Unauthorized", "code": 401}, indent=2))},
    # A kubelet's authentication filter (go-restful WriteErrorString; Go sniffs the
    # type): anonymous off, every path 401 "Unauthorized"; anonymous on but not
    # authorised, every path 403 naming the attributes it checked.
    "kubelet401": {"*": (401, {"Content-Type": "text/plain; charset=utf-8",
                               "Date": "Mon, 07 Dec 2026 18:00:00 GMT"}, "Unauthorized")},
    "kubelet403": {"*": (403, {"Content-Type": "text/plain; charset=utf-8",
                               "Date": "Mon, 07 Dec 2026 18:00:00 GMT"},
                         "Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)")},
    # A Go service behind an auth middleware (http.Error): not a kubelet.
    "go401": {"*": (401, {"Content-Type": "text/plain; charset=utf-8",
                          "X-Content-Type-Options": "nosniff"}, "Unauthorized\n")},
    "kubelet": {"/pods": (200, {"Content-Type": "application/json"},
                          json.dumps({"kind": "PodList", "apiVersion": "v1", "items": []})),
                "*": (404, {"Content-Type": "text/plain"}, "404 page not found\n")},
}


class Http(socketserver.StreamRequestHandler):
    def handle(self):
        req = self.rfile.readline(4096).decode("latin-1").split()
        while self.rfile.readline(4096) not in (b"\r\n", b"\n", b""):
            pass
        if len(req) != 3 or not req[2].startswith("HTTP/"):
            return
        routes = HTTP[VARIANT]
        code, hdr, body = routes.get(req[1]) or routes.get("*") or (404, {}, "not found")
        head = f"HTTP/1.1 {code} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdr.items())
        head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        self.wfile.write(head.encode() + body.encode())


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 drops a probe wave's SYNs


class TLSServer(Server):
    """HTTPS, as a kubelet serves: the handshake runs in the handler's thread (at its first
    read), so a client that never speaks holds up nobody else."""

    def get_request(self):
        sock, addr = super().get_request()
        return CTX.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr


KIND, ADDR, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
VARIANT = sys.argv[4] if len(sys.argv) > 4 else ""
CERT = sys.argv[5] if len(sys.argv) > 5 else ""  # CERT.pem and CERT.key: serve HTTPS
handler = {"mongodb": Mongo, "s7": S7, "http": Http}[KIND]
if CERT:
    import ssl
    CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    CTX.load_cert_chain(CERT + ".pem", CERT + ".key")
with (TLSServer if CERT else Server)((ADDR, PORT), handler) as srv:
    srv.serve_forever()
