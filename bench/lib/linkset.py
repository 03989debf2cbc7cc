#!/usr/bin/env python3
"""Set a link's GSO/GRO maximum sizes (BIG TCP) through rtnetlink.

    linkset.py IFNAME SIZE     (run inside the link's network namespace)

Sets IFLA_GSO_MAX_SIZE, IFLA_GRO_MAX_SIZE, IFLA_GSO_IPV4_MAX_SIZE and
IFLA_GRO_IPV4_MAX_SIZE to SIZE: what hyperiond --big-tcp SIZE sets on both ends
of every SNIC, for the bench's plain veth twin (Debian 12's iproute2 6.1 has no
gso_ipv4_max_size). Exits non-zero with the kernel's error.
"""
import os
import socket
import struct
import sys

RTM_NEWLINK, NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 16, 1, 4, 2
IFLA = {"gso_max_size": 41, "gro_max_size": 58, "gso_ipv4_max_size": 63, "gro_ipv4_max_size": 64}


def main():
    ifname, size = sys.argv[1], int(sys.argv[2])
    idx = socket.if_nametoindex(ifname)
    attrs = b"".join(struct.pack("HHI", 8, t, size) for t in IFLA.values())
    body = struct.pack("BxHiII", 0, 0, idx, 0, 0) + attrs
    msg = struct.pack("IHHII", 16 + len(body), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.send(msg)
    r = s.recv(65536)
    _, typ, _, _, _ = struct.unpack("IHHII", r[:16])
    if typ != NLMSG_ERROR:
        print(f"linkset: unexpected netlink answer {typ}", file=sys.stderr)
        return 1
    err = struct.unpack("i", r[16:20])[0]
    if err:
        print(f"linkset: {ifname}: {os.strerror(-err)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
