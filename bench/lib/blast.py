#!/usr/bin/env python3
"""One TCP stream of a given payload, for payload inspection rows.

    blast.py recv PORT OUTFILE            accept one connection, count bytes until EOF,
                                          write {"bytes": N, "seconds": S} to OUTFILE
    blast.py send HOST PORT SECONDS FILE  send FILE's bytes over and over for SECONDS

iperf3 sends random bytes (benign for a pattern matcher) and sends a -F file only
once; this sends chosen bytes (e.g. adversarial near-matches) for a fixed time.
"""
import json
import socket
import sys
import time


def recv(port, out):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(1)
    c, _ = s.accept()
    buf = bytearray(1 << 20)
    n, t0 = 0, None
    while True:
        k = c.recv_into(buf)
        if not k:
            break
        if t0 is None:
            t0 = time.monotonic()
        n += k
    el = time.monotonic() - t0 if t0 else 0
    with open(out, "w") as f:
        json.dump({"bytes": n, "seconds": el}, f)


def send(host, port, secs, path):
    data = open(path, "rb").read()
    while len(data) < (1 << 20):
        data += data
    s = socket.create_connection((host, port), timeout=10)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        s.sendall(data)
    s.close()


def main():
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), sys.argv[3])
    else:
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    return 0


if __name__ == "__main__":
    sys.exit(main())
