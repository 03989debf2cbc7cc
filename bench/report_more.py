"""Sections of latest.md added for the one full run (issue 16 "done when", issue 17
item 6): the IPv6 rows, policy changes at scale, the check that every configuration
produced its cells, the time each group took. Imported by report.py; standard
library only."""
import re
import statistics

RULES_RE = re.compile(r"^(.+?)-rules-(\d+)$")
IPV6_ROWS = ["veth-ipv4x", "veth-ipv6", "hyperion-ipv4x", "hyperion-ipv6", "veth-ipv6-tuned",
             "hyperion-ipv6-bigtcp"]
NORTHSOUTH = ["hyperion-snat", "hyperion-publish", "iptables-masq", "iptables-dnat", "nftables-masq"]
BASE_KEYS = ["tcp1_fwd_gbps", "tcp1_rev_gbps", "tcp4_fwd_gbps", "tcp4_rev_gbps",
             "tcp1_fwd_cpu_s_per_gb", "tcp_rr_p50_us", "udp_rr_p50_us", "http_rps",
             "http_p50_us", "attach_ms"]
IPV6_KEYS = ["tcp1_fwd_gbps", "tcp4_fwd_gbps", "tcp1_fwd_cpu_s_per_gb", "tcp_rr_py_p50_us",
             "tcp_rr_py_p99_us", "udp_rr_py_p50_us", "udp_rr_py_p99_us", "http_rps",
             "http_p50_us", "attach_ms"]
IPV6_LABEL = {"tcp1_fwd_gbps": "TCP 1 stream (Gbit/s)", "tcp4_fwd_gbps": "TCP 4 streams (Gbit/s)",
              "tcp1_fwd_cpu_s_per_gb": "CPU-s/GB, 1 stream",
              "tcp_rr_py_p50_us": "TCP RR p50 (us)", "tcp_rr_py_p99_us": "TCP RR p99 (us)",
              "udp_rr_py_p50_us": "UDP RR p50 (us)", "udp_rr_py_p99_us": "UDP RR p99 (us)",
              "http_rps": "HTTP req/s", "http_p50_us": "HTTP p50 (us)",
              "attach_ms": "attach per container (ms)"}
IPV6_HIGHER = {"tcp1_fwd_gbps", "tcp4_fwd_gbps", "http_rps"}
APPLY_KEYS = [("endpoints", "endpoints", 0), ("policy_entries", "active entries", 0),
              ("apply_all_ms", "apply all (ms)", 1), ("apply_one_ms", "one change (ms)", 1),
              ("snic_add_ms", "SNIC add, policies in place (ms)", 1),
              ("snic_add_empty_ms", "SNIC add before policies, mean (ms)", 1),
              ("daemon_rss_kb", "hyperiond RSS (kB)", 0), ("sys_mem_delta_mb", "system memory growth (MB)", 0),
              ("compile_one_full_ms", "compile one change, full (CPU ms)", 2),
              ("compile_one_inc_ms", "compile one change, incremental (CPU ms)", 2),
              ("scenario_s", "scenario (s)", 0)]
# metrics these sections show: report.py leaves them out of "Other metrics"
SHOWN = set(IPV6_KEYS) | {k for k, _, _ in APPLY_KEYS} | {
    "wall_s", "ipv6", "compile_add_full_ms", "compile_add_inc_ms", "sys_mem_mb", "gso_max_size",
    "tx_avg_frame_b", "rx_avg_frame_b"}


def is_ipv6_row(c):
    """Rows whose traffic is IPv6 (bench/scenarios/ipv6.sh is_ipv6_row)."""
    return c.endswith("-ipv6") or "-ipv6-" in c


def own_section(c):
    """Rows shown in a section of their own, not in the base tables."""
    return c in IPV6_ROWS or bool(re.match(r"^apply-\d+$", c)) or c.startswith("hyperion-pktcost")


def expected(c):
    """The metrics a configuration must produce (its cells), by its metric set."""
    if RULES_RE.match(c):
        return ["tcp1_fwd_gbps", "tcp_rr_p50_us", "udp_rr_p50_us", "http_rps", "http_cc_rps",
                "conn_per_s", "conn_p50_us", "rule_entries"]
    if re.match(r"^(hyperion-inspect|suricata)-adv-\d+$", c):
        return ["tcp1_fwd_gbps"]
    if re.match(r"^(hyperion-inspect|suricata)-\d+$", c):
        return ["tcp1_fwd_gbps", "tcp4_fwd_gbps", "tcp1_fwd_cpu_s_per_gb", "http_rps"]
    m = re.match(r"^apply-(\d+)$", c)
    if m:
        return ["apply_all_ms", "apply_one_ms", "snic_add_ms", "daemon_rss_kb"] + (
            ["snic_add_empty_ms"] if int(m.group(1)) > 2 else [])
    if c in IPV6_ROWS:
        return IPV6_KEYS
    if c.startswith("hyperion-pktcost"):
        return ["pkt_rr_ns", "pkt_bulk_ns"]
    if c.startswith("hyperion-obs-"):
        return ["tcp1_fwd_gbps", "tcp_rr_p50_us", "http_rps"]
    if c == "mtls":
        return [k for k in BASE_KEYS if not k.startswith("udp_")]
    return BASE_KEYS


def missing_cells(ran, skipped, samples, fails, meta):
    """(config, metric, reason) for every expected cell without a value, and for every
    configuration that ran fewer rounds than it should have."""
    out = []
    rounds = int(meta.get("rounds") or 1)
    sec = int(meta.get("secondary_rounds") or rounds)
    head = set(meta.get("headline", "").split())
    last = set(meta.get("run_last", "").split())
    last |= set(meta.get("once", "").split())
    for c in ran:
        why = [f"round {r}: {m}: {msg}" for r, fc, m, msg in fails if fc == c]
        for k in expected(c):
            if (c, k) not in samples:
                out.append((c, k, why[0] if why else "no value recorded and no failure: look at the run's log"))
        want = 1 if c in last or c.startswith("apply-") else (rounds if c in head else min(sec, rounds))
        got = max((len(v) for (cc, m), v in samples.items() if cc == c and m == "wall_s"), default=None)
        if got is not None and got < want:
            out.append((c, "rounds", f"ran {got} of {want} round(s)"))
    for c in skipped:
        out.append((c, "all", "skipped (binaries or tools missing)"))
    return out


def verdict(num, target, ok, spreads):
    """Same rule as report.py's goal(): within the spread of the configurations
    involved = NOT SHOWN, either way."""
    v = "PASS" if ok else "FAIL"
    sps = [x for x in spreads if x is not None]
    if not sps:
        return v + " (one round: spread unknown)"
    if abs(num / target - 1) <= max(sps):
        return f"NOT SHOWN ({v.lower()} by less than the run's spread: {max(sps) * 100:.0f} % round-to-round)"
    return v


def ipv6_section(w, ran, get, spread, fmt, extra_goals, by_round):
    rows = [c for c in IPV6_ROWS if c in ran]
    if not rows:
        return
    w("### IPv6 next to IPv4 (issue 17 item 6)")
    w("")
    w("The same traffic over IPv6 and over IPv4 through Hyperion (the headline configuration: "
      "a NetworkPolicy selecting both ends, guard, stamp, conntrack) and through a direct veth "
      "pair (the anchor), every row with the same tools: iperf3, a Python ping-pong for TCP "
      "and UDP request/response (64 B, pinned; Debian 12's sockperf 3.7 has no IPv6, so these "
      "figures compare with each other, not with the sockperf columns above), nginx + wrk for "
      "HTTP (keep-alive). `(x.xx)` is the ratio to the direct veth pair of the same family "
      "(`veth-ipv6` for IPv6 rows, `veth-ipv4x` for IPv4 rows).")
    w("")
    w("| config | " + " | ".join(IPV6_LABEL[k] for k in IPV6_KEYS) + " |")
    w("|" + "---|" * (len(IPV6_KEYS) + 1))
    for c in rows:
        anchor = "veth-ipv6" if is_ipv6_row(c) else "veth-ipv4x"
        cells = []
        for k in IPV6_KEYS:
            v = get(c, k)
            s = fmt(v, 0 if k == "http_rps" else (2 if k.endswith(("gbps", "per_gb")) else 1))
            b = get(anchor, k)
            if v is not None and b and c != anchor:
                s += f" ({v / b:.2f})"
            cells.append(s)
        w(f"| `{c}` | " + " | ".join(cells) + " |")
    w("")
    if any(c in ran for c in ("veth-ipv6-tuned", "hyperion-ipv6-bigtcp")):
        avg = [f"`{c}` {fmt(get(c, 'tx_avg_frame_b'), 0)} B" for c in ("veth-ipv6-tuned", "hyperion-ipv6-bigtcp")
               if get(c, "tx_avg_frame_b") is not None]
        w("`veth-ipv6-tuned` and `hyperion-ipv6-bigtcp`: GSO/GRO max size "
          f"{fmt(get('hyperion-ipv6-bigtcp', 'gso_max_size') or get('veth-ipv6-tuned', 'gso_max_size'), 0)} "
          "(IPv6 BIG TCP) on both ends of the pair, checked with `ip -d link` before the traffic; "
          "the client's eth0 must send frames above 64 KiB on average during the 1-stream run "
          "(median bytes per frame: " + (", ".join(avg) if avg else "n/a") + "). Their ratios are "
          "to `veth-ipv6` (the untuned pair) like `hyperion-bigtcp`'s to `veth` over IPv4; the "
          "fair twin of `hyperion-ipv6-bigtcp` is `veth-ipv6-tuned` (the goals below give both).")
        w("")
    w("Reproduce this section alone: `bench/run --configs ipv6`")
    w("")
    goals = (("tcp1_fwd_gbps", "throughput vs the veth, 1 stream", 0.95, "higher"),
             ("tcp4_fwd_gbps", "throughput vs the veth, 4 streams", 0.95, "higher"),
             ("tcp_rr_py_p50_us", "TCP RR p50 vs the veth", 1.05, "lower"),
             ("udp_rr_py_p50_us", "UDP RR p50 vs the veth", 1.05, "lower"),
             ("tcp1_fwd_cpu_s_per_gb", "CPU-s/GB vs the veth, 1 stream", 1.0, "lower"))
    # hyperion-ipv6-bigtcp: against the default IPv6 veth (as hyperion-bigtcp is against
    # veth over IPv4) and against the veth with the same BIG TCP settings (the fair twin)
    pairs = [("hyperion-ipv6", "veth-ipv6", "IPv6 (IPv4's goal)", goals)]
    if "hyperion-ipv6-bigtcp" in ran:
        pairs.append(("hyperion-ipv6-bigtcp", "veth-ipv6", "IPv6 (IPv4's goal)", goals))
        pairs.append(("hyperion-ipv6-bigtcp", "veth-ipv6-tuned", "IPv6, both BIG TCP", goals))
    for h, a, what, gl in pairs:
        for key, name, target, better in gl:
            hv, av = get(h, key), get(a, key)
            if hv is None or not av:
                extra_goals.append((f"`{h}` {name} (`{a}`), {what}", "n/a", "", "not measured"))
                continue
            r = hv / av
            ok = r >= target if better == "higher" else r <= target
            extra_goals.append((f"`{h}` {name}" + ("" if a == "veth-ipv6" else f" (`{a}`)") + f", {what}",
                                f"{r:.2f}x", f"{'>=' if better == 'higher' else '<='} {target}x",
                                verdict(r, target, ok, (spread(h, key), spread(a, key))),
                                paired_spread(by_round, h, a, key)))
    for key in ("tcp1_fwd_gbps", "tcp_rr_py_p50_us", "http_p50_us"):
        v6, v4 = get(h, key), get("hyperion-ipv4x", key)
        if v6 is not None and v4:
            extra_goals.append((f"`{h}` / `hyperion-ipv4x` (same instance), {IPV6_LABEL.get(key, key)}",
                                f"{v6 / v4:.2f}x", "informational", "-"))


def apply_section(w, ran, get, samples, spread, fmt, extra_goals):
    rows = sorted((c for c in ran if re.match(r"^apply-\d+$", c)), key=lambda c: int(c[6:]))
    if not rows:
        return
    w("### Policy changes and SNIC add at scale (issue 16 item 4)")
    w("")
    w("`apply-N`: the hyperion setup with N endpoints in all (2 containers + N - 2 SNICs) and "
      "1000 NetworkPolicies, end to end through `hyperctl` (process start included). One change "
      "and SNIC add: median of the samples (their spread in brackets). Compile: the compiler "
      "alone on the same world (`build/tests/hyp-polbench`, CPU ms). Run once, after every round "
      "of the other configurations (thousands of SNICs must not overlap their measurements).")
    w("")
    w("| config | " + " | ".join(lbl for _, lbl, _ in APPLY_KEYS) + " |")
    w("|" + "---|" * (len(APPLY_KEYS) + 1))
    for c in rows:
        cells = []
        for k, _, dec in APPLY_KEYS:
            s = fmt(get(c, k), dec)
            n = len(samples.get((c, k), []))
            sp = spread(c, k)
            if n > 1 and sp is not None:
                s += f" ({n} samples, {sp * 100:.0f} %)"
            cells.append(s)
        w(f"| `{c}` | " + " | ".join(cells) + " |")
    w("")
    w("Reproduce this section alone: `bench/run --configs policy-apply` (`HB_APPLY_SAMPLES`, "
      "`HB_APPLY_POLICIES`)")
    w("")
    for c in rows:
        if c == "apply-1000":
            continue  # report.py's goal row
        v, s = get(c, "apply_one_ms"), get(c, "snic_add_ms")
        if v is not None:
            extra_goals.append((f"one policy change / SNIC add at {c[6:]} endpoints (`{c}`, recorded)",
                                f"{v:.1f} ms / {fmt(s, 1)} ms", "recorded (goal only at 1 000)", "-"))


def time_section(w, ran, samples, meta):
    walls = {c: samples.get((c, "wall_s"), []) for c in ran}
    if not any(walls.values()):
        return
    w("### Time (wall seconds per configuration run: set-up, traffic, clean-up)")
    w("")
    if meta.get("estimate"):
        w(f"Estimated at the start: {meta['estimate'].replace('bench: ', '')}; "
          f"took {meta.get('elapsed_s', '?')} s.")
        w("")
    w("| config | runs | median s | total s |")
    w("|---|---|---|---|")
    for c in ran:
        v = walls[c]
        if v:
            w(f"| `{c}` | {len(v)} | {statistics.median(v):.1f} | {sum(v):.0f} |")
    w("")


def paired_spread(samples_by_round, a, b, key):
    """Round-to-round spread of the per-round ratio a/b (both ran in the same rounds)."""
    ra, rb = samples_by_round.get((a, key), {}), samples_by_round.get((b, key), {})
    rs = [ra[r] / rb[r] for r in ra if r in rb and rb[r]]
    if len(rs) < 2 or not statistics.median(rs):
        return None
    return (max(rs) - min(rs)) / statistics.median(rs)
