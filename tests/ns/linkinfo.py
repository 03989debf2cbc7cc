#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print a link's GSO/GRO maximum sizes as the kernel reports them (rtnetlink).

    linkinfo.py IFNAME   (in the link's netns) -> "gso G gro R gso_ipv4 G4 gro_ipv4 R4"

Debian 12's iproute2 6.1 does not show the IPv4 (BIG TCP) sizes.
"""
import socket
import struct
import sys

NAMES = {41: "gso", 58: "gro", 63: "gso_ipv4", 64: "gro_ipv4"}


def main():
    idx = socket.if_nametoindex(sys.argv[1])
    body = struct.pack("BxHiII", 0, 0, idx, 0, 0)
    msg = struct.pack("IHHII", 16 + len(body), 18, 1, 1, 0) + body  # RTM_GETLINK, REQUEST
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.send(msg)
    r = s.recv(65536)
    ln, typ = struct.unpack("IH", r[:6])
    if typ != 16:  # RTM_NEWLINK
        return 1
    off, got = 16 + 16, {}
    while off + 4 <= ln:
        alen, atype = struct.unpack("HH", r[off:off + 4])
        if alen < 4:
            break
        if atype in NAMES and alen == 8:
            got[NAMES[atype]] = struct.unpack("I", r[off + 4:off + 8])[0]
        off += (alen + 3) & ~3
    print(" ".join(f"{k} {got.get(k, '?')}" for k in NAMES.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
