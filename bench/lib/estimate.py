#!/usr/bin/env python3
"""Time estimate of a bench/run invocation, printed before it starts.

A model of each configuration's wall time (set-up, every test of its metric set,
clean-up) fitted to measured per-configuration wall times (`wall_s` in
latest-raw.csv, quiet 2-vCPU machine); see bench/README.md "Time". Prints one line
per group and the total, in seconds and minutes. Standard library only.

usage: estimate.py --duration S --tput-duration S --rounds N --sec-rounds N
                   --headline "A B" --last "C D" CONFIG...
"""
import argparse
import re
import sys

# seconds on top of the test's own duration (tool start, sockperf's 2 s sleep, JSON)
IPERF, SOCKPERF, WRK, CONNLAT, PYRR, BLAST = 0.4, 1.2, 0.5, 0.5, 0.5, 1.0
SETUP_PLAIN, SETUP_HYP = 0.8, 5.5


def tests(d, t, iperf=0, sockperf=0, wrk=0, connlat=0, pyrr=0, blast=0):
    return (iperf * (t + IPERF) + sockperf * (d + SOCKPERF) + wrk * (d + WRK)
            + connlat * (d + CONNLAT) + pyrr * (d + PYRR) + blast * (d + BLAST))


def one(c, d, t):
    """(group, seconds) of one run of configuration c."""
    hyp = c.startswith(("hyperion", "apply-"))
    setup = SETUP_HYP if hyp else SETUP_PLAIN
    m = re.match(r"^(.+?)-rules-(\d+)$", c)
    if m:
        sysname, n = m.group(1), int(m.group(2))
        # rule load, the checks that dump the policy map (hyperion) and a linear list slowing
        # the set-up's pings and probes; measured at 100 000 rules, 1 s tests, loaded machine:
        # hyperion 48 s, nftables 26 s, nftables-best 24 s, iptables(-best) 13 s
        load = {"hyperion": 2.5e-4, "iptables": 1e-5, "nftables": 1.3e-4,
                "nftables-best": 1.1e-4}.get(sysname, 1e-5) * n
        return "policy-scale", setup + load + tests(d, t, iperf=1, sockperf=2, wrk=2, connlat=1)
    m = re.match(r"^apply-(\d+)$", c)
    if m:
        n = int(m.group(1))
        # SNIC add ~47 ms quiet, 2 x 5 samples, hyp-polbench
        # teardown ~37 ms per SNIC quiet (measured under load: 60 ms, and 75 ms per add)
        return "policy-apply", setup + n * 0.084 + 10 * 0.1 + 3
    if re.match(r"^(hyperion-inspect|suricata)-adv-\d+$", c):
        return "inspect", setup + (12 if c.startswith("suricata") else 2) + tests(d, t, blast=1)
    if re.match(r"^(hyperion-inspect|suricata)-\d+$", c):
        return "inspect", setup + (12 if c.startswith("suricata") else 2) + tests(d, t, iperf=2, wrk=1)
    if c in ("hyperion-ipv6", "hyperion-ipv4x", "veth-ipv6", "veth-ipv4x", "veth-ipv6-tuned",
             "hyperion-ipv6-bigtcp"):
        return "ipv6", setup + 1 + tests(d, t, iperf=2, pyrr=2, wrk=1)
    if c.startswith("hyperion-pktcost"):
        return "pktcost", setup + 1 + tests(d, t, iperf=1, sockperf=1)
    if c in ("hyperion-snat", "hyperion-publish", "iptables-masq", "iptables-dnat", "nftables-masq"):
        return "northsouth", setup + 1.5 + tests(d, t, iperf=4, sockperf=2, wrk=1)
    extra = {"mtls": 1.5, "wireguard": 2.0}.get(c, 0.3)
    return "base", setup + extra + tests(d, t, iperf=4, sockperf=1 if c == "mtls" else 2, wrk=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, required=True)
    ap.add_argument("--tput-duration", type=int, required=True)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--sec-rounds", type=int, required=True)
    ap.add_argument("--headline", default="")
    ap.add_argument("--last", default="")
    ap.add_argument("configs", nargs="*")
    a = ap.parse_args()
    head, last = set(a.headline.split()), set(a.last.split())
    groups, total = {}, 0.0
    for c in a.configs:
        g, s = one(c, a.duration, a.tput_duration)
        if c in last:
            runs = 1
        elif c in head:
            runs = a.rounds
            g = "headline (every round)"
        else:
            runs = min(a.sec_rounds, a.rounds)
        n, secs = groups.get(g, (0, 0.0))
        groups[g] = (n + runs, secs + runs * s)
        total += runs * s
    print(f"bench: estimated time (quiet 2-vCPU machine; a loaded one: x2-4): "
          f"{total:.0f} s = {total / 60:.0f} min")
    for g, (n, secs) in sorted(groups.items(), key=lambda x: -x[1][1]):
        print(f"  {g}: {n} run(s), ~{secs:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
