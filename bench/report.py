#!/usr/bin/env python3
"""Summarise bench/run raw results: medians, ratios vs veth, goals, gnuplot script.

Reads the raw CSV (round,config,metric,value), the failures CSV and the meta TSV
written by bench/run; writes OUT/latest.md, OUT/latest-summary.csv,
OUT/latest-plot.dat and OUT/latest.gp (bench/run then runs gnuplot on it).
Standard library only.
"""
import argparse
import csv
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_more  # noqa: E402  (bench/report_more.py: IPv6, apply-N, cell check, time)

ORDER = ["veth", "veth-tuned", "bridge", "iptables", "iptables-best", "nftables",
         "nftables-best", "mtls", "wireguard", "hyperion", "hyperion-bigtcp",
         "hyperion-noguard", "hyperion-nopolicy", "hyperion-baseline"]

# key, column label, unit, better ("higher"/"lower"/None), decimals
METRICS = {
    "tcp1_fwd_gbps": ("TCP 1 stream A->B", "Gbit/s", "higher", 2),
    "tcp1_rev_gbps": ("TCP 1 stream B->A", "Gbit/s", "higher", 2),
    "tcp4_fwd_gbps": ("TCP 4 streams A->B", "Gbit/s", "higher", 2),
    "tcp4_rev_gbps": ("TCP 4 streams B->A", "Gbit/s", "higher", 2),
    "tcp1_fwd_cpu_s_per_gb": ("CPU-s/GB, 1 stream", "CPU-s/GB", "lower", 2),
    "tcp4_fwd_cpu_s_per_gb": ("CPU-s/GB, 4 streams", "CPU-s/GB", "lower", 2),
    "tcp1_fwd_retrans": ("retransmits, 1 stream", "segments", None, 0),
    "tcp_rr_p50_us": ("TCP RR p50", "us", "lower", 1),
    "tcp_rr_p99_us": ("TCP RR p99", "us", "lower", 1),
    "udp_rr_p50_us": ("UDP RR p50", "us", "lower", 1),
    "udp_rr_p99_us": ("UDP RR p99", "us", "lower", 1),
    "http_rps": ("HTTP req/s", "req/s", "higher", 0),
    "http_p50_us": ("HTTP p50", "us", "lower", 1),
    "http_p99_us": ("HTTP p99", "us", "lower", 1),
    "attach_ms": ("attach per container", "ms", "lower", 1),
    "infra_ms": ("one-off node setup", "ms", "lower", 1),
    "http_cc_rps": ("HTTP, new connection per request", "req/s", "higher", 0),
    "http_cc_p50_us": ("HTTP new-conn p50", "us", "lower", 1),
    "rules_load_ms": ("rule load", "ms", "lower", 0),
    "rule_entries": ("entries loaded", "entries", None, 0),
    "patterns": ("patterns", "", None, 0),
    "dfa_states": ("DFA states", "", None, 0),
    "conn_per_s": ("new connections/s (one at a time)", "conn/s", "higher", 0),
    "conn_p50_us": ("first-packet (connect) p50", "us", "lower", 1),
    "conn_p99_us": ("first-packet (connect) p99", "us", "lower", 1),
    "gso_max_size": ("GSO/GRO max size", "bytes", None, 0),
}

BASE = ORDER[:]
RULES_RE = re.compile(r"^(.+?)-rules-(\d+)$")
INSPECT_RE = re.compile(r"^(hyperion-inspect(?:-adv)?|suricata(?:-adv)?)-(\d+)$")

TABLES = [
    ("Throughput and CPU cost (iperf3, median Gbit/s; CPU-seconds of the whole "
     "machine per GB received)",
     ["tcp1_fwd_gbps", "tcp1_rev_gbps", "tcp4_fwd_gbps", "tcp4_rev_gbps",
      "tcp1_fwd_cpu_s_per_gb", "tcp4_fwd_cpu_s_per_gb", "tcp1_fwd_retrans"]),
    ("Request/response latency (sockperf ping-pong --full-rtt, pinned; microseconds) "
     "and HTTP (nginx + wrk, 2 connections, pinned)",
     ["tcp_rr_p50_us", "tcp_rr_p99_us", "udp_rr_p50_us", "udp_rr_p99_us",
      "http_rps", "http_p50_us", "http_p99_us"]),
    ("Container attach time (create a network namespace and connect it, per "
     "container) and one-off node setup (bridge, rules, CA, daemon start)",
     ["attach_ms", "infra_ms"]),
]

CONFIG_DOC = {
    "veth": "direct veth pair between the two namespaces (the machine's limit)",
    "bridge": "Linux bridge in a host-like namespace (docker default), br_netfilter off",
    "iptables": "bridge + br_netfilter + N non-matching FORWARD rules then ACCEPT",
    "nftables": "bridge + br_netfilter + nft inet forward chain of N rules then accept",
    "mtls": "bridge + stunnel mutual-TLS sidecars (TLS 1.3, P-256 certs) in both namespaces",
    "wireguard": "bridge underlay + wireguard-go (userspace) tunnel between the namespaces",
    "hyperion": "Hyperion secure bridge (own netns, eBPF datapath, guard + source stamp)",
    "hyperion-noguard": "Hyperion with --no-guard (no container-side guard, no stamp)",
    "hyperion-baseline": "the hyperion setup with another build (HB_BASELINE_DIR), for before/after",
    "hyperion-nopolicy": "hyperion without any policy (no endpoint selected: no rule lookup at all)",
}
CONFIG_DOC["hyperion"] = ("Hyperion secure bridge with enforcement on: a NetworkPolicy selecting both "
                          "endpoints (allowing the benchmark ports), guard + source stamp, conntrack")
CONFIG_DOC["hyperion-noguard"] = "hyperion (policy on) with --no-guard (no container-side guard, no stamp)"


def fmt(v, dec):
    if v is None:
        return "n/a"
    if dec == 0:
        return f"{v:,.0f}".replace(",", " ")
    if abs(v) >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.{dec}f}"

PKTCOST_METRICS = [f"pkt_{t}_{p}" for t in ("rr", "bulk") for p in ("guard_ns", "port_ns", "ns", "runs")]


def pktcost_section(w, cfgs, get, spread, verdict, extra_goals):
    """Per-packet cost (issue 16 item 5): bench/scenarios/pktcost.sh, bpf_stats."""
    if not cfgs:
        return
    w("### Per-packet cost of the datapath (issue 16 item 5): guard + bridge, timed by bpf_stats")
    w("")
    w("ns per run of the guard (`hyp_guard_egress`, tcx egress of the SNIC) and of the bridge "
      "port program (`hyp_port_ingress`), from the kernel's own run-time statistics "
      "(`kernel.bpf_stats_enabled`, on only around the measured traffic; it adds its own "
      "~20-40 ns to each figure). Every frame crosses one guard and one port: their sum is the "
      "cost per packet. RR: sockperf TCP ping-pong, 64 B, pinned; bulk: one iperf3 stream "
      "(per GSO frame). Medians over the rounds.")
    w("")
    w("| config | RR guard ns | RR port ns | RR guard + port ns | bulk guard ns | bulk port ns "
      "| bulk guard + port ns | RR spread |")
    w("|---|---|---|---|---|---|---|---|")
    for c in cfgs:
        cells = [fmt(get(c, f"pkt_{t}_{p}"), 0) for t in ("rr", "bulk") for p in ("guard_ns", "port_ns", "ns")]
        sp = spread(c, "pkt_rr_ns")
        w(f"| `{c}` | " + " | ".join(cells) + f" | {'n/a' if sp is None else f'{sp * 100:.0f} %'} |")
    w("")
    w("Reproduce: `bench/run --configs hyperion-pktcost` (with `HB_BASELINE_DIR=<build/ of another "
      "commit>`, add `hyperion-pktcost-baseline` for before/after); per program and with perf: "
      "`bench/profile.sh rr bulk`.")
    w("")
    v = get("hyperion-pktcost", "pkt_rr_ns")
    if v is not None:
        noise = spread("hyperion-pktcost", "pkt_rr_ns")
        extra_goals.append(("guard + bridge ns per packet, TCP RR (bpf_stats, `hyperion-pktcost`)",
                            f"{v:.0f} ns", "<= 500 ns", verdict(v / 500, noise, 1.0)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--fails", required=True)
    ap.add_argument("--warns", default=None)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    meta = {}
    with open(a.meta) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            meta[k] = v

    samples = {}  # (config, metric) -> [values]
    by_round = {}  # (config, metric) -> {round: first value of that round}
    with open(a.raw) as f:
        for row in csv.DictReader(f):
            try:
                val = float(row["value"])
            except ValueError:
                continue
            samples.setdefault((row["config"], row["metric"]), []).append(val)
            by_round.setdefault((row["config"], row["metric"]), {}).setdefault(row["round"], val)

    fails = []
    with open(a.fails) as f:
        for row in csv.reader(f):
            if len(row) >= 4:
                fails.append(row[:3] + [",".join(row[3:])])

    warns = []
    if a.warns and os.path.exists(a.warns):
        with open(a.warns) as f:
            for row in csv.reader(f):
                if len(row) >= 4:
                    warns.append(row[:3] + [",".join(row[3:])])

    for k, v in meta.items():
        if k.startswith("doc:"):
            CONFIG_DOC[k[4:]] = v
    ran = meta.get("configs", "").split()
    skipped = meta.get("skipped", "").split()
    configs = [c for c in ORDER if c in ran] + [c for c in ran if c not in ORDER
                                                 and not RULES_RE.match(c) and not INSPECT_RE.match(c)]
    rules_cfgs = [c for c in ran if RULES_RE.match(c)]
    psystems = (meta.get("policy_systems") or "hyperion iptables nftables").split()
    psystems += sorted({RULES_RE.match(c).group(1) for c in rules_cfgs} - set(psystems))
    insp_cfgs = [c for c in ran if INSPECT_RE.match(c)]

    med = {}
    for (c, m), vals in samples.items():
        med[(c, m)] = statistics.median(vals)

    def get(c, m):
        return med.get((c, m))

    def ratio(c, m):
        v, base = get(c, m), get("veth", m)
        if v is None or base in (None, 0):
            return None
        return v / base

    out = []
    w = out.append
    w("# Hyperion benchmark results")
    w("")
    w(f"- command: `{meta.get('command', '?')}`")
    w(f"- kernel: `{meta.get('kernel', '?')}`, {meta.get('cpus', '?')} CPUs "
      f"({meta.get('cpu_model', '?')})")
    w(f"- date (UTC): {meta.get('date', '?')}, elapsed {meta.get('elapsed_s', '?')} s")
    w(f"- {meta.get('rounds')} round(s), configurations interleaved round-robin, "
      f"{meta.get('duration')} s per test; cells are medians over rounds, "
      f"`(x.xx)` is the ratio to `veth`")
    if meta.get("secondary_rounds") and meta.get("secondary_rounds") != meta.get("rounds"):
        w(f"- headline configurations ({', '.join(f'`{c}`' for c in meta.get('headline', '').split())}) "
          f"ran all {meta.get('rounds')} rounds; every other configuration only the first "
          f"{meta.get('secondary_rounds')} (its spread comes from that many samples)")
    if meta.get("jobs", "1") != "1":
        w(f"- **{meta.get('jobs')} configurations ran at once (`--jobs`): a sanity run, every "
          f"figure below is meaningless**")
    w(f"- latency pinning: {meta.get('pinning', '?')}; firewall rules: "
      f"{meta.get('rules')} (iptables backend `{meta.get('iptables')}`)")
    w(f"- tools: {meta.get('versions', '?')}; {meta.get('suricata', '') or 'suricata not installed'}")
    if meta.get("hyperion_build"):
        w(f"- Hyperion build measured (copied at start): {meta.get('hyperion_build')}")
    if meta.get("build_note"):
        w(f"- **build note: {meta.get('build_note')}**")
    if meta.get("load_note"):
        w(f"- **machine load: {meta.get('load_note')}** (load average at start "
          f"{meta.get('loadavg_start', '?')}, at end {meta.get('loadavg_end', '?')})")
    elif meta.get("loadavg_start"):
        w(f"- load average at start {meta.get('loadavg_start')}, at end {meta.get('loadavg_end', '?')}")
    if meta.get("quick") == "1":
        w("- **--quick run: a sanity check, not a measurement** (1 s tests; the TCP and "
          "UDP ping-pong runs overlap, so their latency figures are indicative only)")
    if skipped:
        w(f"- **SKIPPED: {', '.join(skipped)}** (build/hyperiond or build/hyperctl missing)")
    if fails:
        w(f"- **{len(fails)} FAILURE(S)**: see the end of this file")
    ndrops = sum(1 for _, _, m_, _ in warns if m_ == "drops")
    if ndrops:
        w(f"- **{ndrops} Hyperion run(s) with unexpected datapath drops** (every drop counter "
          "is checked after every Hyperion run): see Warnings at the end of this file")
    if warns:
        w(f"- {len(warns)} warning(s) (stalled flows, unexpected drops): see the end of this file")
    missing = report_more.missing_cells(ran, skipped, samples, fails, meta)
    if missing:
        w(f"- **WARNING: {len(missing)} missing cell(s)**: "
          + ", ".join(f"`{c}` {m}" for c, m, _ in missing[:12]) + (" ..." if len(missing) > 12 else "")
          + " (reasons under \"Missing cells\" at the end of this file)")
    else:
        w(f"- every configuration of the run produced every cell of its metric set "
          f"({len(ran)} configurations checked)")
    if meta.get("full") == "1":
        w(f"- the full run (`--full`): throughput (iperf3) {meta.get('tput_duration')} s per run, "
          f"the other tests {meta.get('duration')} s; {meta.get('order', '')}; "
          f"{', '.join(meta.get('run_last', '').split()) or 'nothing'} run once after every round; "
          f"{', '.join(meta.get('once', '').split()) or 'nothing'} in the first round only (time)")
    elif meta.get("tput_duration") and meta.get("tput_duration") != meta.get("duration"):
        w(f"- throughput (iperf3) {meta.get('tput_duration')} s per run, the other tests {meta.get('duration')} s")
    w("")
    w("Higher is better for Gbit/s and req/s; lower is better for latency, CPU-s/GB "
      "and times. Ratios are value / veth in both cases.")
    w("")

    # IPv6, apply-N and pktcost rows have sections of their own (other tools or metrics):
    # in the base tables they would be rows of n/a
    tconfigs = [c for c in configs if not report_more.own_section(c)]
    for title, keys in TABLES:
        if not tconfigs:
            break
        w(f"### {title}")
        w("")
        hdr = ["config"] + [f"{METRICS[k][0]} ({METRICS[k][1]})" for k in keys]
        w("| " + " | ".join(hdr) + " |")
        w("|" + "---|" * len(hdr))
        for c in tconfigs:
            cells = [f"`{c}`"]
            for k in keys:
                label, unit, better, dec = METRICS[k]
                v = get(c, k)
                if v is None:
                    if any(fc == c and (k.startswith(fm + "_") or fm in ("setup", "connectivity"))
                           for _, fc, fm, _ in fails):
                        cells.append("**FAIL**")
                    elif c == "mtls" and k.startswith("udp_"):
                        cells.append("n/a (TCP-only proxy)")
                    else:
                        cells.append("n/a")
                    continue
                s = fmt(v, dec)
                r = ratio(c, k)
                if better and c != "veth" and r is not None and k != "infra_ms":
                    s += f" ({r:.2f})"
                cells.append(s)
            w("| " + " | ".join(cells) + " |")
        w("")

    def div(x, y):
        return None if x is None or y in (None, 0) else x / y

    def spread(c, k):
        """Round-to-round spread of one configuration: (max - min) / median."""
        vals = samples.get((c, k), [])
        if len(vals) < 2 or not statistics.median(vals):
            return None
        return (max(vals) - min(vals)) / statistics.median(vals)

    def verdict(worst, noise, limit=0.05):
        """A PASS or a FAIL whose distance to the limit is smaller than the run's
        round-to-round spread is not shown either way."""
        if noise is None:
            return "PASS" if worst <= limit else "FAIL"
        if abs(worst - limit) <= noise:
            return f"NOT SHOWN: within the run's noise ({noise * 100:.0f} % round-to-round spread)"
        return "PASS" if worst <= limit else "FAIL"

    def cell(c, k, base_cfg=None, dec=None):
        v = get(c, k)
        if v is None:
            if any(fc == c for _, fc, _, _ in fails):
                return "**FAIL**"
            return "n/a"
        d = METRICS[k][3] if dec is None else dec
        out_s = fmt(v, d)
        if base_cfg and base_cfg != c:
            r = div(v, get(base_cfg, k))
            if r is not None:
                out_s += f" ({r:.2f})"
        return out_s

    extra_goals = []  # (name, measured, target, verdict)

    # ---------------------------------------------------------- policy scaling
    if rules_cfgs:
        counts = sorted({int(RULES_RE.match(c).group(2)) for c in rules_cfgs})
        systems = [s_ for s_ in psystems if any(c.startswith(s_ + "-rules-") for c in rules_cfgs)]
        w("### Policy scaling (issue 4): the same traffic with 0 to "
          f"{counts[-1]} rules")
        w("")
        w("Hyperion: a NetworkPolicy selecting both endpoints (allowing the benchmark ports "
          "between them, as in the headline `hyperion` row) plus N rules on the server each "
          "allowing one other (protocol, port) from the "
          "client, applied with `hyperctl policy apply` (in policies of 8000 rules: the API "
          "takes at most 1 MiB per request); `entries` counts the active generation of the "
          "pinned LPM map `hyp_policy` (N + 16). Before the traffic a probe to TCP 12345 "
          "(listening, not allowed) is refused by policy and the benchmark ports connect. "
          "iptables / nftables: the Linux bridge with br_netfilter, N non-matching rules, "
          "then the accept (whose counter must move). Ratios `(x.xx)` are to the same "
          "system with 0 rules. `HTTP new-conn` sends `Connection: close`: a new TCP flow "
          "per request, the only path on which Hyperion looks a rule up (established "
          "flows hit conntrack only).")
        w("")
        w("`-best` systems: ESTABLISHED,RELATED (conntrack) accepted first, the N rules in one "
          "ipset (iptables) or one verdict map (nftables); the others walk a linear list. "
          "`first-packet` is the time connect() takes (SYN out, SYN-ACK back: the packet on "
          "which the rules are looked up), `new connections/s` opens one connection at a time "
          "(`bench/lib/connlat.py`, closed with a reset), `HTTP new-conn` one request per "
          "connection (wrk, `Connection: close`).")
        w("")
        for title_, k in (("TCP 1 stream A->B (Gbit/s)", "tcp1_fwd_gbps"),
                          ("TCP RR p50 (us)", "tcp_rr_p50_us"),
                          ("new connections/s, one at a time", "conn_per_s"),
                          ("first-packet latency: connect() p50 (us)", "conn_p50_us"),
                          ("HTTP requests/s, one request per connection", "http_cc_rps")):
            w(f"Side by side, {title_}; `(x.xx)` = ratio to the same system at {counts[0]} rules:")
            w("")
            hdr = ["rules"] + systems
            w("| " + " | ".join(hdr) + " |")
            w("|" + "---|" * len(hdr))
            for n in counts:
                w("| " + " | ".join([str(n)] + [cell(f"{s_}-rules-{n}", k, f"{s_}-rules-{counts[0]}")
                                                for s_ in systems]) + " |")
            w("")
        keys = ["rule_entries", "rules_load_ms", "tcp1_fwd_gbps", "tcp1_fwd_cpu_s_per_gb",
                "tcp_rr_p50_us", "tcp_rr_p99_us", "udp_rr_p50_us", "http_rps", "http_p50_us",
                "http_cc_rps", "conn_per_s", "conn_p50_us", "conn_p99_us"]
        w("All metrics:")
        w("")
        hdr = ["config"] + [f"{METRICS[k][0]} ({METRICS[k][1]})" if METRICS[k][1] else METRICS[k][0]
                            for k in keys]
        w("| " + " | ".join(hdr) + " |")
        w("|" + "---|" * len(hdr))
        for s_ in systems:
            for n in counts:
                c = f"{s_}-rules-{n}"
                if c not in ran:
                    continue
                w("| " + " | ".join([f"`{c}`"] + [cell(c, k, None if k in ("rule_entries", "rules_load_ms") else f"{s_}-rules-{counts[0]}") for k in keys]) + " |")
        w("")
        flat_keys = ["tcp1_fwd_gbps", "tcp_rr_p50_us", "udp_rr_p50_us", "http_rps", "http_p50_us",
                     "http_cc_rps", "conn_per_s", "conn_p50_us"]
        w("Flatness: largest deviation from the 0-rule value over all rule counts (goal for "
          "Hyperion: within 5 %), and below each system the round-to-round spread of one "
          "configuration ((max - min) / median over the rounds, median over the rule counts) and, "
          "where the system has a headline row that ran every round (the same datapath with no "
          "extra rules), that row's spread: the rule-count rows run one or two rounds, and two "
          "samples understate the noise. The goal's verdict takes the larger of the two: "
          "deviations smaller than that spread are noise, not an effect of the rules:")
        w("")
        w("| system | " + " | ".join(METRICS[k][0] for k in flat_keys) + " |")
        w("|" + "---|" * (len(flat_keys) + 1))
        for s_ in systems:
            row = [s_]
            worst = 0.0
            worst_noise = None
            complete = True
            for k in flat_keys:
                b = get(f"{s_}-rules-{counts[0]}", k)
                devs = [div(get(f"{s_}-rules-{n}", k), b) for n in counts[1:]]
                devs = [d for d in devs if d is not None]
                if b is None or not devs:
                    row.append("n/a")
                    complete = False
                    continue
                d = max(devs, key=lambda x: abs(x - 1))
                if abs(d - 1) >= worst:
                    worst = abs(d - 1)
                    sp = [spread(f"{s_}-rules-{n}", k) for n in counts]
                    sp = [x for x in sp if x is not None]
                    worst_noise = statistics.median(sp) if sp else None
                    # the rule-count rows run 1-2 rounds: two samples understate the
                    # noise; the headline row (same datapath, every round) states it
                    hl = spread(s_, k) if len(samples.get((s_, k), [])) >= 3 else None
                    if hl is not None and (worst_noise is None or hl > worst_noise):
                        worst_noise = hl
                row.append(f"{(d - 1) * 100:+.1f} %")
            w("| " + " | ".join(row) + " |")
            # noise: round-to-round spread of the same configuration, (max - min) / median,
            # the median over the rule counts: deviations below it are not measurable here
            nrow = [f"{s_}: round-to-round spread"]
            for k in flat_keys:
                sp = []
                for n in counts:
                    vals = samples.get((f"{s_}-rules-{n}", k), [])
                    if len(vals) >= 2 and statistics.median(vals):
                        sp.append((max(vals) - min(vals)) / statistics.median(vals))
                nrow.append(f"{statistics.median(sp) * 100:.1f} %" if sp else "n/a")
            w("| " + " | ".join(nrow) + " |")
            hrow = [f"{s_} (headline row, every round): round-to-round spread"]
            for k in flat_keys:
                vals = samples.get((s_, k), [])
                hrow.append(f"{spread(s_, k) * 100:.1f} % ({len(vals)} rounds)"
                            if len(vals) >= 3 and spread(s_, k) is not None else "n/a")
            if any(x != "n/a" for x in hrow[1:]):
                w("| " + " | ".join(hrow) + " |")
            if s_ == "hyperion" and len(counts) > 1 and complete:
                extra_goals.append((f"policy flat across {', '.join(map(str, counts))} rules "
                                    "(worst of Gbit/s, TCP/UDP RR p50, HTTP req/s and p50, "
                                    "new connections/s, first-packet p50)",
                                    f"{worst * 100:.1f} %", "<= 5 %",
                                    verdict(worst, worst_noise)))
        w("")
        w(f"Reproduce this section alone: `bench/run --configs policy-scale --rule-counts "
          f"{','.join(map(str, counts))}`")
        w("")

    # ---------------------------------------------------------- inspection
    if insp_cfgs:
        pcounts = sorted({int(INSPECT_RE.match(c).group(2)) for c in insp_cfgs})
        w("### Payload inspection (issue 6): inspection off, Hyperion with N patterns, "
          "Suricata inline with the same N patterns")
        w("")
        w("Hyperion: an InspectionPolicy (action drop) on the server's ingress with N random "
          "8-16 byte alphanumeric patterns (the same file for both systems; `DFA states` is "
          "the Aho-Corasick automaton's size). Suricata: AF_PACKET IPS mode (copy-mode ips) "
          "between two veths in a middle namespace, offloads off on both veth pairs (IPS "
          "mode needs it), one `drop tcp ... content:\"PATTERN\"` rule per pattern, "
          + ("in the pinned configuration (HB_SURICATA_PROFILE=pinned: each worker pinned by "
             "cpu-affinity, the inspected direction's away from the iperf3 client; ring-size "
             "16384, max-pending-packets 8192, Hyperscan). "
             if meta.get("suricata_profile", "default") == "pinned" else
             "its workers unpinned, Suricata's defaults otherwise (Hyperscan matcher). ") +
          "Before "
          "the traffic, GETs carrying the first and the last pattern must be dropped and a "
          "GET without one answered. Inspected direction: A->B (client to server). "
          "Ratios `(x.xx)` are to `hyperion` (same datapath, inspection off).")
        w("")
        base_c = "hyperion" if "hyperion" in ran else None
        keys = ["patterns", "dfa_states", "tcp1_fwd_gbps", "tcp4_fwd_gbps", "tcp1_fwd_cpu_s_per_gb",
                "http_rps", "http_p50_us", "http_p99_us"]
        hdr = ["config"] + [f"{METRICS[k][0]} ({METRICS[k][1]})" if METRICS[k][1] else METRICS[k][0]
                            for k in keys]
        w("| " + " | ".join(hdr) + " |")
        w("|" + "---|" * len(hdr))
        rows = ([base_c] if base_c else []) + [f"hyperion-inspect-{n}" for n in pcounts] + \
            [f"suricata-{n}" for n in pcounts] + [f"hyperion-inspect-adv-{n}" for n in pcounts] + \
            [f"suricata-adv-{n}" for n in pcounts]
        for c in rows:
            if c not in ran:
                continue
            w("| " + " | ".join([f"`{c}`"] + [cell(c, k, None if k in ("patterns", "dfa_states") else base_c) for k in keys]) + " |")
        w("")
        def insp_goal(name, h, s_, key, target, higher, label=""):
            """Hyperion / Suricata against a target. The noise is the largest of the two
            configurations' own round-to-round spreads (over every round each ran) and
            the spread of their per-round ratio (same rounds): a ratio of two noisy
            figures is as noisy as the noisier one, or more. One round, no spread: not
            shown (a verdict is never better than the evidence). The spread printed
            is relative ((max - min) / median), as in every other goal (up to
            session 6 these printed it multiplied by the target: "472 %" was 118 %)."""
            r = div(get(h, key), get(s_, key))
            if r is None:
                return
            ps = report_more.paired_spread(by_round, h, s_, key)
            sps = [x for x in (spread(h, key), spread(s_, key), ps) if x is not None]
            if not sps:
                v = "NOT SHOWN: one round, spread unknown"
            else:
                # normalised to the target, so that the spread printed is the relative one
                v = verdict(-r / target if higher else r / target, max(sps), -1.0 if higher else 1.0)
                n_h, n_s = len(samples.get((h, key), [])), len(samples.get((s_, key), []))
                v += f" ({n_h} / {n_s} rounds)"
            extra_goals.append((name, f"{r:.2f}x", f"{'>=' if higher else '<='} {target:g}x{label}", v, ps))

        for n in pcounts:
            insp_goal(f"inspection throughput vs Suricata inline, {n} patterns (1 stream)",
                      f"hyperion-inspect-{n}", f"suricata-{n}", "tcp1_fwd_gbps", 4, True)
            g = get(f"hyperion-inspect-{n}", "tcp1_fwd_gbps")
            if g is not None and n >= 1000:
                sp = spread(f"hyperion-inspect-{n}", "tcp1_fwd_gbps")
                extra_goals.append((f"inspection throughput, {n} patterns, 1 stream",
                                    f"{g:.2f} Gbit/s", ">= 5.6 Gbit/s",
                                    verdict(-g / 5.6, sp, -1.0) if sp is not None
                                    else "NOT SHOWN: one round, spread unknown"))
            insp_goal(f"inspection throughput vs Suricata, adversarial payload, {n} patterns",
                      f"hyperion-inspect-adv-{n}", f"suricata-adv-{n}", "tcp1_fwd_gbps", 4, True, " (worst case)")
            insp_goal(f"inspection CPU-s/GB vs Suricata, {n} patterns",
                      f"hyperion-inspect-{n}", f"suricata-{n}", "tcp1_fwd_cpu_s_per_gb", 0.25, False)
            r = div(get(f"hyperion-inspect-{n}", "tcp1_fwd_gbps"), get(base_c, "tcp1_fwd_gbps")) if base_c else None
            if r is not None:
                extra_goals.append((f"inspection on ({n} patterns) / off, 1 stream Gbit/s",
                                    f"{r:.2f}x", "informational", "-"))
        w(f"Reproduce this section alone: `bench/run --configs inspect --pattern-counts "
          f"{','.join(map(str, pcounts))}`")
        w("")

    # ---------------------------------------------------------- guard cost
    if "hyperion" in ran and "hyperion-noguard" in ran:
        w("### Guard and source stamp cost (issue 3): `hyperion` vs `hyperion-noguard`")
        w("")
        w("The same datapath with the container-side guard and the per-frame SipHash stamp "
          "(`hyperion`) and without (`hyperiond --no-guard`). Cost = how much worse "
          "`hyperion` is: for Gbit/s and req/s 1 - guard/noguard, for latency and "
          "CPU-s/GB guard/noguard - 1. Goal: within 5 %.")
        w("")
        w("| metric | hyperion | hyperion-noguard | guard / noguard | cost | within 5 % | round-to-round spread (larger of the two) |")
        w("|---|---|---|---|---|---|---|")
        worst = None
        worst_noise = None
        for k in ["tcp1_fwd_gbps", "tcp1_rev_gbps", "tcp4_fwd_gbps", "tcp4_rev_gbps",
                  "tcp_rr_p50_us", "udp_rr_p50_us", "http_rps", "http_p50_us",
                  "tcp1_fwd_cpu_s_per_gb"]:
            g_v, ng_v = get("hyperion", k), get("hyperion-noguard", k)
            r = div(g_v, ng_v)
            if r is None:
                continue
            cost = (1 - r) if METRICS[k][2] == "higher" else (r - 1)
            ok = cost <= 0.05
            sps = [x for x in (spread("hyperion", k), spread("hyperion-noguard", k)) if x is not None]
            noise = max(sps) if sps else None
            if k in ("tcp1_fwd_gbps", "tcp4_fwd_gbps", "tcp_rr_p50_us", "udp_rr_p50_us", "http_p50_us"):
                if worst is None or cost > worst:
                    worst, worst_noise = cost, noise
            w(f"| {METRICS[k][0]} ({METRICS[k][1]}) | {fmt(g_v, METRICS[k][3])} | {fmt(ng_v, METRICS[k][3])} "
              f"| {r:.3f} | {cost * 100:+.1f} % | {'yes' if ok else 'NO'} | "
              f"{'n/a' if noise is None else f'{noise * 100:.0f} %'} |")
        w("")
        w("Reproduce this section alone: `bench/run --configs hyperion,hyperion-noguard`")
        w("")
        if worst is not None:
            extra_goals.append(("guard + stamp cost (worst of 1/4-stream Gbit/s, TCP/UDP RR p50, HTTP p50)",
                                f"{worst * 100:+.1f} %", "<= 5 %", verdict(worst, worst_noise)))

    pktcost_section(w, [c for c in ("hyperion-pktcost", "hyperion-pktcost-baseline") if c in ran],
                    get, spread, verdict, extra_goals)
    report_more.ipv6_section(w, ran, get, spread, fmt, extra_goals, by_round)
    report_more.apply_section(w, ran, get, samples, spread, fmt, extra_goals)

    # ---------------------------------------------------------- other metrics
    # metrics a scenario recorded that no table above shows (bench/scenarios/*.sh)
    shown = set(METRICS) | {"drops", "http_cc_p99_us"} | set(PKTCOST_METRICS) | report_more.SHOWN
    other = sorted({m for (c, m) in samples if m not in shown and not m.startswith("drops_")
                    and not m.endswith(("_obs", "_retrans", "_cpu_s_per_gb"))})
    if other:
        w("### Other metrics (recorded by scenarios; medians over the rounds)")
        w("")
        w("| config | metric | median | samples | round-to-round spread |")
        w("|---|---|---|---|---|")
        for c in sorted({c for (c, m) in samples if m in other}):
            for m in other:
                if (c, m) in samples:
                    sp = spread(c, m)
                    w(f"| `{c}` | {m} | {fmt(get(c, m), 3)} | {len(samples[(c, m)])} | "
                      f"{'n/a' if sp is None else f'{sp * 100:.0f} %'} |")
        w("")

    # goals
    w("### Goals (Hyperion vs. the anchors)")
    w("")
    w("The verdict of a goal is NOT SHOWN when its distance to the target is smaller than the "
      "round-to-round spread ((max - min) / median over the rounds) of the configurations involved. "
      "The last column is informational: the spread of the per-round ratio of the two "
      "configurations (they ran in the same rounds, so a drift of the machine common to both "
      "cancels in it); it does not change the verdict.")
    w("")
    w("| goal | measured | target | verdict | per-round ratio spread |")
    w("|---|---|---|---|---|")
    if "hyperion" in ran:
        hf = [x for x in fails if x[1] in ("hyperion", "hyperion-bigtcp")]
        w("| headline Hyperion rows with enforcement on (policy selecting both ends, guard, stamp, "
          "conntrack) | " + ("set-up failed" if hf else "active generation holds the policy's entries, "
                             "a probe to a listening port it does not allow is refused: checked before "
                             "the traffic of every round") + f" | every round | {'FAIL' if hf else 'PASS'} | - |")
    nd = sum(1 for _, _, m_, _ in warns if m_ == "drops")
    w(f"| every drop counter checked after every Hyperion run | {nd} run(s) with unexpected drops "
      f"| 0 | {'see Warnings' if nd else 'PASS'} | - |")

    def goal(name, num, target, ok_fn, unit="", cfgs=(), metric=None, tval=None):
        """A FAIL whose distance to the target is smaller than the round-to-round
        spread of the configurations involved is marked as within noise."""
        if num is None:
            w(f"| {name} | n/a | {target} | not measured | - |")
            return
        v = "PASS" if ok_fn(num) else "FAIL"
        if metric and tval:
            sps = [x for x in (spread(c, metric) for c in cfgs) if x is not None]
            if not sps:
                v += " (one round: spread unknown)"
            elif abs(num / tval - 1) <= max(sps):
                v = (f"NOT SHOWN ({v.lower()} by less than the run's spread: "
                     f"{max(sps) * 100:.0f} % round-to-round)")
        ps = report_more.paired_spread(by_round, cfgs[0], cfgs[1], metric) if len(cfgs) == 2 else None
        w(f"| {name} | {num:.2f}{unit} | {target} | {v} | {'-' if ps is None else f'{ps * 100:.0f} %'} |")

    for h in [x for x in ("hyperion", "hyperion-bigtcp") if x in ran]:
        hn = f"`{h}`"
        goal(f"{hn} throughput vs veth (1 stream A->B)", div(get(h, "tcp1_fwd_gbps"), get("veth", "tcp1_fwd_gbps")),
             ">= 0.95x", lambda x: x >= 0.95, "x", (h, "veth"), "tcp1_fwd_gbps", 0.95)
        goal(f"{hn} throughput above the default veth pair (1 stream A->B)",
             div(get(h, "tcp1_fwd_gbps"), get("veth", "tcp1_fwd_gbps")),
             "> 1x", lambda x: x > 1, "x", (h, "veth"), "tcp1_fwd_gbps", 1)
        goal(f"{hn} throughput vs veth (4 streams A->B)", div(get(h, "tcp4_fwd_gbps"), get("veth", "tcp4_fwd_gbps")),
             ">= 0.95x", lambda x: x >= 0.95, "x", (h, "veth"), "tcp4_fwd_gbps", 0.95)
        goal(f"{hn} TCP RR p50 latency vs veth", div(get(h, "tcp_rr_p50_us"), get("veth", "tcp_rr_p50_us")),
             "<= 1.05x", lambda x: x <= 1.05, "x", (h, "veth"), "tcp_rr_p50_us", 1.05)
        goal(f"{hn} UDP RR p50 latency vs veth", div(get(h, "udp_rr_p50_us"), get("veth", "udp_rr_p50_us")),
             "<= 1.05x", lambda x: x <= 1.05, "x", (h, "veth"), "udp_rr_p50_us", 1.05)
        goal(f"{hn} throughput vs mTLS (1 stream A->B)", div(get(h, "tcp1_fwd_gbps"), get("mtls", "tcp1_fwd_gbps")),
             ">= 5x", lambda x: x >= 5, "x", (h, "mtls"), "tcp1_fwd_gbps", 5)
        goal(f"{hn} HTTP p50 latency: mTLS / Hyperion", div(get("mtls", "http_p50_us"), get(h, "http_p50_us")),
             ">= 2.25x", lambda x: x >= 2.25, "x", (h, "mtls"), "http_p50_us", 2.25)
        goal(f"{hn} CPU-s/GB vs the direct veth (1 stream)",
             div(get(h, "tcp1_fwd_cpu_s_per_gb"), get("veth", "tcp1_fwd_cpu_s_per_gb")),
             "<= 1x", lambda x: x <= 1, "x", (h, "veth"), "tcp1_fwd_cpu_s_per_gb", 1)
        goal(f"{hn} CPU-s/GB: Hyperion / mTLS (1 stream)", div(get(h, "tcp1_fwd_cpu_s_per_gb"), get("mtls", "tcp1_fwd_cpu_s_per_gb")),
             "<= 0.25", lambda x: x <= 0.25, "", (h, "mtls"), "tcp1_fwd_cpu_s_per_gb", 0.25)
    # issue 16 item 4: the spread is that of the samples of one change (bench/scenarios/policy-apply.sh)
    if "apply-1000" in ran:
        goal("single policy change at 1 000 endpoints, end to end (`apply-1000`, median)",
             get("apply-1000", "apply_one_ms"), "< 100 ms", lambda x: x < 100, " ms",
             ("apply-1000",), "apply_one_ms", 100)
    for g in extra_goals:
        name, measured, target, verdict = g[:4]
        ps = g[4] if len(g) > 4 and g[4] is not None else None
        w(f"| {name} | {measured} | {target} | {verdict} | {'-' if ps is None else f'{ps * 100:.0f} %'} |")
    w("")
    report_more.time_section(w, ran, samples, meta)

    w("### Configurations")
    w("")
    for c in configs + skipped:
        w(f"- `{c}`: {CONFIG_DOC.get(c, '')}" + (" **(skipped)**" if c in skipped else ""))
    w("")
    w("Notes: the kernel here has no WireGuard module and no IPsec ESP/AEAD, so the "
      "only tunnel-encryption point is userspace wireguard-go, and there is no IPsec "
      "configuration. stunnel carries TCP only, so `mtls` has no UDP figure (sidecar "
      "meshes do not encrypt UDP either). CPU-s/GB counts busy jiffies of the whole "
      "machine (/proc/stat) during the iperf3 run, so anything else running inflates it.")
    w("")
    if fails:
        w("### FAILURES")
        w("")
        for r, c, m, msg in fails:
            w(f"- round {r}, config `{c}`, metric `{m}`: {msg}")
        w("")

    if warns:
        w("### Warnings")
        w("")
        for r_, c, m, msg in warns:
            w(f"- round {r_}, config `{c}`, metric `{m}`: {msg}")
        w("")
    if missing:
        w("### Missing cells")
        w("")
        for c, m, why in missing:
            w(f"- `{c}` {m}: {why}")
        w("")

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "latest.md"), "w") as f:
        f.write("\n".join(out))

    # summary CSV: config, metric, median, n, ratio_vs_veth
    with open(os.path.join(a.out, "latest-summary.csv"), "w", newline="") as f:
        cw = csv.writer(f)
        cw.writerow(["config", "metric", "median", "samples", "ratio_vs_veth"])
        for c in configs + [c for c in ran if c not in configs]:
            for k in sorted({m for (cc, m) in samples if cc == c}):
                r = ratio(c, k)
                cw.writerow([c, k, f"{get(c, k):.4f}", len(samples[(c, k)]),
                             "" if r is None else f"{r:.4f}"])

    # gnuplot data + script
    cols = ["tcp1_fwd_gbps", "tcp1_rev_gbps", "tcp4_fwd_gbps", "tcp4_rev_gbps",
            "tcp_rr_p50_us", "udp_rr_p50_us", "http_p50_us", "http_rps",
            "tcp1_fwd_cpu_s_per_gb", "tcp4_fwd_cpu_s_per_gb"]
    dat = os.path.join(a.out, "latest-plot.dat")
    with open(dat, "w") as f:
        f.write("# config " + " ".join(cols) + "\n")
        for c in configs:
            vals = []
            for k in cols:
                v = get(c, k)
                vals.append("NaN" if v is None else f"{v:.4f}")
            f.write(f'"{c}" ' + " ".join(vals) + "\n")
    # policy-scale and inspection panels
    pdat = os.path.join(a.out, "latest-plot-policy.dat")
    counts = sorted({int(RULES_RE.match(c).group(2)) for c in rules_cfgs})
    psys = [s_ for s_ in psystems if any(c.startswith(s_ + "-rules-") for c in rules_cfgs)]
    with open(pdat, "w") as f:
        f.write("# rules " + " ".join(psys) + "\n")
        for n in counts:
            vals = []
            for s_ in psys:
                v = get(f"{s_}-rules-{n}", "tcp1_fwd_gbps")
                vals.append("NaN" if v is None else f"{v:.4f}")
            f.write(f'"{n}" ' + " ".join(vals) + "\n")
    if psys:
        pol_plot = ", ".join(
            (f'"{pdat}" using {i + 2}:xtic(1)' if i == 0 else f'"" using {i + 2}') + f' title "{s_}"'
            for i, s_ in enumerate(psys))
    else:
        pol_plot = "NaN notitle"
    idat = os.path.join(a.out, "latest-plot-inspect.dat")
    with open(idat, "w") as f:
        f.write("# config tcp1_fwd_gbps tcp4_fwd_gbps\n")
        for c in (["hyperion"] if "hyperion" in ran else []) + sorted(insp_cfgs, key=lambda c: (c.startswith("suricata"), int(INSPECT_RE.match(c).group(2)))):
            v1, v4 = get(c, "tcp1_fwd_gbps"), get(c, "tcp4_fwd_gbps")
            f.write(f'"{c}" ' + " ".join("NaN" if v is None else f"{v:.4f}" for v in (v1, v4)) + "\n")
    empty = 'set label 1 "not run" at graph 0.5,0.5 center\nplot [0:1][0.1:1] NaN notitle\nunset label 1'
    have_base = bool(configs)
    have_insp = bool(insp_cfgs)

    def pl(cmd, ok):
        return cmd if ok else empty
    png = os.path.join(a.out, "latest.png")
    title = (f"Hyperion bench - kernel {meta.get('kernel', '?')} - {meta.get('date', '?')} - "
             f"{meta.get('rounds')} round(s) x {meta.get('duration')} s, medians")
    cmd = meta.get("command", "").replace('"', "'").replace("_", "\\\\_")  # no subscripts
    gp = f'''set terminal pngcairo size 1400,1500 font "sans,10"
set output "{png}"
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key inside top right opaque box samplen 2
set offsets 0,0,graph 0.25,0
set xtics rotate by -25
set yrange [0:*]
set multiplot layout 3,2 title "{title}\\n{cmd}"
set title "TCP throughput (iperf3), Gbit/s - higher is better"
{pl(f'plot "{dat}" using 2:xtic(1) title "1 stream A->B", "" using 3 title "1 stream B->A", "" using 4 title "4 streams A->B", "" using 5 title "4 streams B->A"', have_base)}
set title "p50 round-trip latency, us - lower is better"
{pl(f'plot "{dat}" using 6:xtic(1) title "TCP RR (sockperf)", "" using 7 title "UDP RR (sockperf)", "" using 8 title "HTTP (wrk)"', have_base)}
set title "HTTP requests/s (nginx + wrk, 2 connections) - higher is better"
{pl(f'plot "{dat}" using 9:xtic(1) title "req/s"', have_base)}
set title "CPU-seconds per GB moved (log scale) - lower is better"
set logscale y
set yrange [0.1:*]
set offsets 0,0,0,0
{pl(f'plot "{dat}" using 10:xtic(1) title "1 stream", "" using 11 title "4 streams"', have_base)}
unset logscale y
set yrange [0:*]
set offsets 0,0,graph 0.25,0
set title "Policy scaling: TCP 1 stream Gbit/s by rule count (log) - flat is the goal"
set logscale y
set yrange [0.01:*]
{pl("plot " + pol_plot, bool(psys))}
unset logscale y
set yrange [0:*]
set title "Payload inspection: TCP Gbit/s (A->B, inspected direction)"
{pl(f'plot "{idat}" using 2:xtic(1) title "1 stream", "" using 3 title "4 streams"', have_insp)}
unset multiplot
'''
    with open(os.path.join(a.out, "latest.gp"), "w") as f:
        f.write(gp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
