#!/usr/bin/env python3
"""New TCP connections, one at a time: connect() time and connections per second.

    connlat.py HOST PORT SECONDS  ->  one JSON object on stdout

connect() returns when the SYN-ACK arrived: its duration is the round trip of a
flow's first packet (where a firewall or Hyperion looks the policy up). Each
connection is closed with a reset (SO_LINGER 0), so no TIME_WAIT piles up.
"""
import json
import socket
import struct
import sys
import time


def main():
    host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    linger = struct.pack("ii", 1, 0)
    lat, errors, first_error = [], 0, ""
    t_end = time.monotonic() + secs
    t_start = time.monotonic()
    while time.monotonic() < t_end:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        s.settimeout(2)
        t0 = time.perf_counter_ns()
        try:
            s.connect((host, port))
            lat.append((time.perf_counter_ns() - t0) / 1000)
        except OSError as e:
            errors += 1
            first_error = first_error or str(e)
        s.close()
    el = time.monotonic() - t_start
    lat.sort()

    def pct(p):
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else None
    json.dump({"connections": len(lat), "errors": errors, "first_error": first_error,
               "per_s": round(len(lat) / el, 1) if el > 0 else 0,
               "p50_us": pct(0.50), "p99_us": pct(0.99)}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
