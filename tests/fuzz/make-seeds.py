#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the generated part of the seed corpora (tests/fuzz/corpus/):
frames for fuzz_frame, pattern strings for fuzz_pattern, JSON forms of the
example policies. Run from the repository root; the output is committed."""
import json, os, struct, sys

import yaml  # Debian's python3-yaml, for the JSON forms of the examples

C = "tests/fuzz/corpus"

def write(target, name, data):
    os.makedirs(f"{C}/{target}", exist_ok=True)
    with open(f"{C}/{target}/{name}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def mac(ip):
    return bytes([0x0a, 0x58]) + struct.pack("!I", ip)

def csum(b):
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

A, B, C_, GW = 0x0af00002, 0x0af00003, 0x0af00004, 0x0af00001
GW_MAC = bytes([0x0a, 0x58, 10, 240, 0, 1])

def ipv4(dmac, saddr, daddr, proto, l4, frag=0x4000):
    h = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(l4), 0x1234, frag, 64, proto, 0,
                    saddr, daddr)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return dmac + mac(A) + b"\x08\x00" + h + l4

def tcp(sport, dport, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, flags, 65535, 0, 0) + payload

def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload

def icmp(t, code=0):
    return struct.pack("!BBHHH", t, code, 0, 7, 1) + b"ping"

frames = {
    "tcp-syn-b-80": ipv4(mac(B), A, B, 6, tcp(40000, 80, 0x02)),
    "tcp-ack-b-80": ipv4(mac(B), A, B, 6, tcp(40000, 80, 0x10, b"GET / HTTP/1.0\r\n\r\n")),
    "tcp-syn-b-22": ipv4(mac(B), A, B, 6, tcp(40000, 22, 0x02)),
    "tcp-syn-c-80": ipv4(mac(C_), A, C_, 6, tcp(40000, 80, 0x02)),
    "udp-b-53": ipv4(mac(B), A, B, 17, udp(5353, 53, b"q")),
    "udp-b-54": ipv4(mac(B), A, B, 17, udp(5353, 54, b"q")),
    "icmp-echo-b": ipv4(mac(B), A, B, 1, icmp(8)),
    "icmp-unreach-b": ipv4(mac(B), A, B, 1, icmp(3, 4) + bytes(28)),
    "frag-b": ipv4(mac(B), A, B, 17, udp(1, 53), frag=0x2000),
    "spoofed-src": ipv4(mac(B), C_, B, 6, tcp(40000, 80, 0x02)),
    "to-gw": ipv4(GW_MAC, A, GW, 17, udp(1, 53)),
    "arp-gw": b"\xff" * 6 + mac(A) + b"\x08\x06" +
              struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac(A) + struct.pack("!I", A) +
              bytes(6) + struct.pack("!I", GW),
}
for name, fr in frames.items():
    write("frame", f"guard-{name}", b"\x00" + fr)  # through the guard
    write("frame", f"stamped-{name}", b"\x01" + fr)  # past the guard, stamped
write("frame", "raw-tcp-syn-b-80", b"\x03" + frames["tcp-syn-b-80"])

for i, p in enumerate([r"/etc/passwd", r"..\\..\\", r"\xde\xad\xbe\xef\x00\x01",
                       "union select", r"\x", r"\xg0", "\\", r"a\\\x41"]):
    write("pattern", f"p{i}", p)

for d, t in (("examples/policy", "policy"), ("examples/inspection", "inspect")):
    for f in sorted(os.listdir(d)):
        text = open(f"{d}/{f}").read()
        write(t, f, text)
        docs = [x for x in yaml.safe_load_all(text) if x]
        write(t, f.replace(".yaml", ".json"), "\n".join(json.dumps(x) for x in docs[:1]))

# fuzz_cluster: watch streams of etcd's JSON gateway (mode byte, chunk byte,
# stream); keys and values base64 as the gateway sends them
import base64

def kv(key, value=None, rev=5):
    d = {"key": base64.b64encode(key.encode()).decode(), "mod_revision": str(rev),
         "create_revision": "2"}
    if value is not None:
        d["value"] = base64.b64encode(value.encode()).decode()
    return d

def msg(*events, created=False):
    r = {"header": {"revision": "9"}}
    if created:
        r["created"] = True
    if events:
        r["events"] = [dict(e) for e in events]
    return json.dumps({"result": r})

def put(key, value):
    return {"kv": kv(key, value)}

def dele(key):
    return {"type": "DELETE", "kv": kv(key)}

P = "/hyperion/"
node_b = json.dumps({"name": "b", "id": 2, "addr": "192.0.2.2", "block": "10.100.1.0/24",
                     "pubkey": base64.b64encode(bytes(range(1, 33))).decode(),
                     "key_epoch": 1, "key_time": 1700000000000})
events = [put(P + "nodes/b", node_b),
          put(P + "identities/ids/7", "app=web"),
          put(P + "endpoints/10.100.1.5", json.dumps({"node": 2, "identity": 7})),
          put(P + "policies/networkpolicy/default/b-web",
              json.dumps({"origin": "b", "doc": {"kind": "NetworkPolicy",
                                                 "metadata": {"name": "b-web"}}})),
          put(P + "nslabels/prod", json.dumps({"origin": "b", "labels": {"team": "x"}}))]
stream = msg(created=True) + "\n" + msg(*events) + "\n" + \
    msg(dele(P + "endpoints/10.100.1.5"), dele(P + "nodes/b"), dele(P + "policies/x/y/z"),
        dele(P + "nslabels/prod"), dele(P + "identities/ids/7"))
write("cluster", "stream", b"\x00\x00" + stream.encode())
write("cluster", "stream-chunked", b"\x00\x07" + stream.encode())
write("cluster", "resync", b"\x01\x00" + msg(*events).encode())
write("cluster", "own-endpoint", b"\x00\x00" +
      msg(put(P + "endpoints/10.100.0.9", json.dumps({"node": 1, "identity": 3}))).encode())
write("cluster", "compacted", b"\x00\x00" + json.dumps(
    {"result": {"compact_revision": "4", "canceled": True}}).encode())
write("cluster", "error", b"\x00\x00" + json.dumps({"error": {"code": 14}}).encode())

# fuzz_cni: portMappings (runtimeConfig, as podman passes them)
write("cni", "add-portmappings",
      "CNI_COMMAND=ADD\nCNI_CONTAINERID=pm1\nCNI_NETNS=/run/netns/fz-a\nCNI_IFNAME=eth0\n\0" +
      json.dumps({"cniVersion": "1.0.0", "name": "hyperion", "type": "hyperion",
                  "instance": "fz-cni", "capabilities": {"portMappings": True},
                  "runtimeConfig": {"portMappings": [
                      {"hostPort": 8080, "containerPort": 80, "protocol": "tcp"},
                      {"hostPort": 5353, "containerPort": 53, "protocol": "udp",
                       "hostIP": "192.0.2.1"}]}}))

# fuzz_addr: addresses and CIDRs as --ip, --pool, --pool6 and ipBlock take them
for i, a in enumerate(["10.1.2.3", "10.0.0.0/8", "192.168.1.1/32", "010.1.1.1", "1.2.3",
                       "fd00:a:b::5/112", "fd00:a:b::1/112", "::1", "2001:db8::/32",
                       "fe80::1%eth0", "::ffff:1.2.3.4", "fd00:a:b::ffff/112", "::/0"]):
    write("addr", f"a{i}", a)
