#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send crafted IPv6 frames from an outside host (AF_PACKET, run in its netns).

    frame6.py IFNAME DSTMAC KIND SRC DST [ARG] [COUNT]

KIND: ns ARG        neighbour solicitation for target ARG
      na ARG        neighbour advertisement (override) that ARG is at IFNAME's MAC
      ra            router advertisement: default router, prefix 2001:db8:bad::/64
      udp           UDP to port 9 carrying "HYPFRAME6-MARK"
      ptb ARG       packet too big (MTU 1280) quoting a UDP packet DST -> ARG
ND messages get hop limit 255 and a link-layer address option.
"""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip6(src, dst, nh, payload, hlim=64):
    s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    if nh == 58 or nh == 17:
        pseudo = s + d + struct.pack("!II", len(payload), nh)
        off = 2 if nh == 58 else 6
        c = csum(pseudo + payload)
        payload = payload[:off] + struct.pack("!H", c) + payload[off + 2:]
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, hlim) + s + d + payload


def main():
    ifname, dmac, kind, src, dst = sys.argv[1:6]
    arg = sys.argv[6] if len(sys.argv) > 6 else None
    count = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((ifname, 0))
    smac = sock.getsockname()[4][:6]
    lla = lambda t: struct.pack("!BB", t, 1) + smac
    if kind == "ns":
        pkt = ip6(src, dst, 58, struct.pack("!BBHI", 135, 0, 0, 0) +
                  socket.inet_pton(socket.AF_INET6, arg) + lla(1), 255)
    elif kind == "na":
        pkt = ip6(src, dst, 58, struct.pack("!BBHI", 136, 0, 0, 0x20000000) +
                  socket.inet_pton(socket.AF_INET6, arg) + lla(2), 255)
    elif kind == "ra":
        prefix = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + \
            socket.inet_pton(socket.AF_INET6, "2001:db8:bad::")
        pkt = ip6(src, dst, 58, struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) +
                  lla(1) + prefix, 255)
    elif kind == "udp":
        pkt = ip6(src, dst, 17, struct.pack("!HHHH", 40000, 9, 22, 0) + b"HYPFRAME6-MARK")
    elif kind == "ptb":
        quoted = ip6(dst, arg, 17, struct.pack("!HHHH", 40000, 9, 22, 0) + b"HYPFRAME6-MARK")
        pkt = ip6(src, dst, 58, struct.pack("!BBHI", 2, 0, 0, 1280) + quoted)
    else:
        sys.exit("frame6.py: unknown kind " + kind)
    frame = bytes.fromhex(dmac.replace(":", "")) + smac + struct.pack("!H", 0x86DD) + pkt
    for _ in range(count):
        sock.send(frame)


if __name__ == "__main__":
    main()
