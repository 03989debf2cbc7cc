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
import statistics
import sys

ORDER = ["veth", "bridge", "iptables", "nftables", "mtls", "wireguard",
         "hyperion", "hyperion-noguard"]

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
}

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
}


def fmt(v, dec):
    if v is None:
        return "n/a"
    if dec == 0:
        return f"{v:,.0f}".replace(",", " ")
    if abs(v) >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.{dec}f}"


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
    with open(a.raw) as f:
        for row in csv.DictReader(f):
            try:
                val = float(row["value"])
            except ValueError:
                continue
            samples.setdefault((row["config"], row["metric"]), []).append(val)

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

    ran = meta.get("configs", "").split()
    skipped = meta.get("skipped", "").split()
    configs = [c for c in ORDER if c in ran] + [c for c in ran if c not in ORDER]

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
    w(f"- latency pinning: {meta.get('pinning', '?')}; firewall rules: "
      f"{meta.get('rules')} (iptables backend `{meta.get('iptables')}`)")
    w(f"- tools: {meta.get('versions', '?')}")
    if meta.get("quick") == "1":
        w("- **--quick run: a sanity check, not a measurement** (1 s tests; the TCP and "
          "UDP ping-pong runs overlap, so their latency figures are indicative only)")
    if skipped:
        w(f"- **SKIPPED: {', '.join(skipped)}** (build/hyperiond or build/hyperctl missing)")
    if fails:
        w(f"- **{len(fails)} FAILURE(S)**: see the end of this file")
    if warns:
        w(f"- {len(warns)} warning(s) (e.g. stalled flows): see the end of this file")
    w("")
    w("Higher is better for Gbit/s and req/s; lower is better for latency, CPU-s/GB "
      "and times. Ratios are value / veth in both cases.")
    w("")

    for title, keys in TABLES:
        w(f"### {title}")
        w("")
        hdr = ["config"] + [f"{METRICS[k][0]} ({METRICS[k][1]})" for k in keys]
        w("| " + " | ".join(hdr) + " |")
        w("|" + "---|" * len(hdr))
        for c in configs:
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

    # goals
    w("### Goals (Hyperion vs. the anchors)")
    w("")
    w("| goal | measured | target | verdict |")
    w("|---|---|---|---|")

    def goal(name, num, target, ok_fn, unit=""):
        if num is None:
            w(f"| {name} | n/a | {target} | not measured |")
        else:
            w(f"| {name} | {num:.2f}{unit} | {target} | {'PASS' if ok_fn(num) else 'FAIL'} |")

    def div(x, y):
        return None if x is None or y in (None, 0) else x / y

    h = "hyperion"
    goal("throughput vs veth (1 stream A->B)", div(get(h, "tcp1_fwd_gbps"), get("veth", "tcp1_fwd_gbps")),
         ">= 0.95x", lambda x: x >= 0.95, "x")
    goal("throughput vs veth (4 streams A->B)", div(get(h, "tcp4_fwd_gbps"), get("veth", "tcp4_fwd_gbps")),
         ">= 0.95x", lambda x: x >= 0.95, "x")
    goal("TCP RR p50 latency vs veth", div(get(h, "tcp_rr_p50_us"), get("veth", "tcp_rr_p50_us")),
         "<= 1.1x", lambda x: x <= 1.1, "x")
    goal("UDP RR p50 latency vs veth", div(get(h, "udp_rr_p50_us"), get("veth", "udp_rr_p50_us")),
         "<= 1.1x", lambda x: x <= 1.1, "x")
    goal("throughput vs mTLS (1 stream A->B)", div(get(h, "tcp1_fwd_gbps"), get("mtls", "tcp1_fwd_gbps")),
         ">= 5x", lambda x: x >= 5, "x")
    goal("HTTP p50 latency: mTLS / Hyperion", div(get("mtls", "http_p50_us"), get(h, "http_p50_us")),
         ">= 2.25x", lambda x: x >= 2.25, "x")
    goal("CPU-s/GB: Hyperion / mTLS (1 stream)", div(get(h, "tcp1_fwd_cpu_s_per_gb"), get("mtls", "tcp1_fwd_cpu_s_per_gb")),
         "<= 0.25", lambda x: x <= 0.25)
    w("")

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

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "latest.md"), "w") as f:
        f.write("\n".join(out))

    # summary CSV: config, metric, median, n, ratio_vs_veth
    with open(os.path.join(a.out, "latest-summary.csv"), "w", newline="") as f:
        cw = csv.writer(f)
        cw.writerow(["config", "metric", "median", "samples", "ratio_vs_veth"])
        for c in configs:
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
    png = os.path.join(a.out, "latest.png")
    title = (f"Hyperion bench - kernel {meta.get('kernel', '?')} - {meta.get('date', '?')} - "
             f"{meta.get('rounds')} round(s) x {meta.get('duration')} s, medians")
    cmd = meta.get("command", "").replace('"', "'")
    gp = f'''set terminal pngcairo size 1400,1000 font "sans,10"
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
set multiplot layout 2,2 title "{title}\\n{cmd}"
set title "TCP throughput (iperf3), Gbit/s - higher is better"
plot "{dat}" using 2:xtic(1) title "1 stream A->B", "" using 3 title "1 stream B->A", \\
     "" using 4 title "4 streams A->B", "" using 5 title "4 streams B->A"
set title "p50 round-trip latency, us - lower is better"
plot "{dat}" using 6:xtic(1) title "TCP RR (sockperf)", "" using 7 title "UDP RR (sockperf)", \\
     "" using 8 title "HTTP (wrk)"
set title "HTTP requests/s (nginx + wrk, 2 connections) - higher is better"
plot "{dat}" using 9:xtic(1) title "req/s"
set title "CPU-seconds per GB moved (log scale) - lower is better"
set logscale y
set yrange [0.1:*]
set offsets 0,0,0,0
plot "{dat}" using 10:xtic(1) title "1 stream", "" using 11 title "4 streams"
unset multiplot
'''
    with open(os.path.join(a.out, "latest.gp"), "w") as f:
        f.write(gp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
