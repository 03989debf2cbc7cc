#!/usr/bin/env bash
# Per-packet cost of the Hyperion datapath, free of the scheduling noise that dominates
# end-to-end latency on a shared 2-vCPU machine: kernel BPF run-time statistics
# (sysctl kernel.bpf_stats_enabled=1, then run_cnt / run_time_ns of every program of
# the instance from `bpftool prog show`) around a fixed piece of traffic, optionally
# with a system-wide `perf record -e cpu-clock` (software event: this machine has no
# hardware counters).
#
#   bench/profile.sh [--perf] MODE...
#
# MODE:
#   bulk            iperf3, 1 TCP stream A->B, 5 s (guard + stamp on)
#   bulk6 / rr6     the same over IPv6 (the SNICs' dual-stack addresses): iperf3 -6;
#                   a TCP ping-pong of 64 B by Python (sockperf 3.7 has no IPv6), 4 s
#   bulk-noguard    the same with hyperiond --no-guard
#   rr              sockperf ping-pong --tcp -m 64, 4 s, client CPU 0, server CPU 1
#   rr-noguard      the same with --no-guard
#   inspect-N       bulk with an InspectionPolicy of N patterns on the server's ingress
#                   (the same generator as bench/run's hyperion-inspect-N)
#   warm            the cost of one established-flow packet with warm caches, free of
#                   any scheduling: a client data segment and the server's echo of it
#                   (a TCP connection held open, its frames captured on the bridge
#                   ports) run 20000 times each (HB_WARM_RUNS) through the instance's
#                   guard and port programs with BPF_PROG_TEST_RUN (bench/lib/testrun.py),
#                   in the netns of the device they came from. Before/after of a change
#                   shows here first; the RR figures add cache misses and wakeups
#   newflows-N      20000 new UDP flows (one packet each, distinct source ports) to an
#                   allowed port, with the policy of bench/run's hyperion-rules-N applied:
#                   the cost of a conntrack miss + policy lookup + insert per new flow
#
# Prints, per BPF program of the instance (hyp_port_ingress serves every bridge port,
# hyp_guard_egress every guard, so runs add up both directions: data and ACKs): xlated /
# jited size, runs, ns per run (and, for bulk modes, program time per received byte). Needs root; uses HB_HYPERIOND /
# HB_HYPERCTL like bench/run (default build/), copied first. bpf_stats is switched on
# only for the measured traffic and restored after; note that it adds two clock reads to
# every run of every BPF program on the machine while on, and its own ~20-40 ns to each
# figure here.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
PERF=0
if [ "${1:-}" = --perf ]; then PERF=1; shift; fi
[ $# -gt 0 ] || { sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/profile.sh: needs root" >&2; exit 2; }
for t in bpftool jq iperf3 sockperf busybox; do
    command -v "$t" >/dev/null || { echo "bench/profile.sh: $t missing (bench/setup.sh)" >&2; exit 2; }
done
[ "$PERF" = 0 ] || command -v perf >/dev/null || { echo "bench/profile.sh: perf missing" >&2; exit 2; }

WORK=$(mktemp -d /tmp/hbprof.XXXXXX)
cp "${HB_HYPERIOND:-$ROOT/build/hyperiond}" "$WORK/hyperiond"
cp "${HB_HYPERCTL:-$ROOT/build/hyperctl}" "$WORK/hyperctl"
HYPERIOND=$WORK/hyperiond; HYPERCTL=$WORK/hyperctl
STATS_OLD=$(sysctl -n kernel.bpf_stats_enabled)

INST=""; HP=""; PIDS=()
teardown() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
    if [ -n "$INST" ]; then
        timeout 20 "$HYPERCTL" --instance "$INST" teardown --yes >/dev/null 2>&1 || true
        [ -z "$HP" ] || { kill "$HP" 2>/dev/null || true; wait "$HP" 2>/dev/null || true; }
        ip netns del "$INST-c" 2>/dev/null || true
        ip netns del "$INST-s" 2>/dev/null || true
    fi
    INST=""; HP=""
}
cleanup() {
    sysctl -qw "kernel.bpf_stats_enabled=$STATS_OLD" || true
    teardown
    [ -n "${HB_KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

hctl() { "$HYPERCTL" --instance "$INST" "$@"; }

up() { # NOGUARD(0|1): instance + client (bench=client) + server (bench=server)
    INST=hp$(printf '%x%02x' $$ $((RANDOM % 256)))
    NET=10.76.$((RANDOM % 250))
    local args=(--instance "$INST" --pool "$NET.0/24")
    [ "$1" = 1 ] && args+=(--no-guard)
    "$HYPERIOND" "${args[@]}" >"$WORK/hyperiond-$INST.log" 2>&1 &
    HP=$!
    for _ in $(seq 300); do hctl status >/dev/null 2>&1 && break; sleep 0.1; done
    ip netns add "$INST-c"; ip netns add "$INST-s"
    hctl snic add "${INST}c" --netns "$INST-c" --ip "$NET.10/24" --label bench=client >/dev/null
    hctl snic add "${INST}s" --netns "$INST-s" --ip "$NET.11/24" --label bench=server >/dev/null
    ip netns exec "$INST-c" busybox ping -c1 -W1 -q "$NET.11" >/dev/null
}

snap() { # per BPF program of the instance (one program serves every port, one every guard)
    local l id ids=""
    for l in /sys/fs/bpf/hyperion/"$INST"/links/*; do
        id=$(bpftool -j link show pinned "$l" | jq .prog_id)
        case " $ids " in *" $id "*) ;; *) ids+=" $id" ;; esac
    done
    for id in $ids; do
        bpftool -j prog show id "$id" | jq -c '{id, name, runs: (.run_cnt // 0), ns: (.run_time_ns // 0),
            xlated: .bytes_xlated, jited: .bytes_jited}'
    done | jq -s -c .
}

report() { # BEFORE AFTER [BYTES]: links that ran, in link order
    jq -n -r --argjson a "$1" --argjson b "$2" --argjson bytes "${3:-0}" '
        $b[] as $x | ($a[] | select(.id == $x.id)) as $y |
        ($x.runs - $y.runs) as $r | ($x.ns - $y.ns) as $t | select($r > 0) |
        "  \($x.name) (xlated \($x.xlated) B = \($x.xlated / 8) insns, jited \($x.jited) B): "
        + "\($r) runs, \($t / $r | floor) ns/run"
        + (if $bytes > 0 then ", \($t / $bytes * 1000 | floor / 1000) ns per received byte" else "" end)'
}

perf_start() {
    [ "$PERF" = 1 ] || return 0
    (sleep 1; perf record -q -a -g -e cpu-clock -F 1999 -o "$WORK/perf.data" -- sleep 3 >/dev/null 2>&1) &
    PERF_PID=$!
}
perf_report() {
    [ "$PERF" = 1 ] || return 0
    wait "$PERF_PID" 2>/dev/null || true
    echo "  perf record -a -e cpu-clock, top symbols (all CPUs, incl. idle):"
    perf report -i "$WORK/perf.data" --no-children --sort sym -g none --stdio -q 2>/dev/null \
        | grep '%' | head -n 12 | sed 's/^/    /' || true   # head closes the pipe early
}

gen_patterns() { # N FILE: as bench/run
    awk -v n="$1" 'BEGIN{ srand(4242 + n)
        a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        while (k < n) { l = 8 + int(rand() * 9); s = ""
            for (j = 0; j < l; j++) s = s substr(a, 1 + int(rand() * 62), 1)
            if (!(s in seen)) { seen[s] = 1; print s; k++ } } }' > "$2"
}

apply_rules() { # N: bench/run's hyperion-rules-N policy (allow 5201/11111/80 TCP, 11112 UDP + N rules)
    local n=$1 c f
    f=$WORK/allow.yaml
    printf '%s\n' 'apiVersion: networking.k8s.io/v1' 'kind: NetworkPolicy' 'metadata: {name: bench-allow}' 'spec:' \
        '  podSelector: {matchLabels: {bench: server}}' '  policyTypes: [Ingress]' '  ingress:' \
        '  - from: [{podSelector: {matchLabels: {bench: client}}}]' \
        '    ports: [{protocol: TCP, port: 5201}, {protocol: TCP, port: 11111}, {protocol: UDP, port: 11112}, {protocol: TCP, port: 80}]' > "$f"
    hctl policy apply -f "$f" >/dev/null
    for ((c = 0; c * 8000 < n; c++)); do
        awk -v n="$n" -v c="$c" -v per=8000 'BEGIN{ split("TCP UDP SCTP", P, " ")
            lo = c * per; hi = lo + per; if (hi > n) hi = n
            print "apiVersion: networking.k8s.io/v1"; print "kind: NetworkPolicy"
            print "metadata: {name: bench-rules-" c "}"; print "spec:"
            print "  podSelector: {matchLabels: {bench: server}}"; print "  policyTypes: [Ingress]"; print "  ingress:"
            for (i = lo; i < hi; i++)
                printf "  - {from: [{podSelector: {matchLabels: {bench: client}}}], ports: [{protocol: %s, port: %d}]}\n", P[int(i / 40000) + 1], 20000 + i % 40000
        }' > "$WORK/rules-$c.yaml"
        hctl policy apply -f "$WORK/rules-$c.yaml" >/dev/null
    done
    local gen
    gen=$(bpftool -j map dump pinned "/sys/fs/bpf/hyperion/$INST/hyp_config" | jq '[.[0].formatted.value | .. | objects | .policy_gen? | numbers] | .[0]')
    bpftool -j map dump pinned "/sys/fs/bpf/hyperion/$INST/hyp_policy" | jq --argjson g "$gen" '[.[] | select(.formatted.key.gen == $g)] | length'
}

bulk() { # [ADDRESS of the server, default its IPv4]
    ip netns exec "$INST-s" iperf3 -s -p 5201 >/dev/null 2>&1 &
    PIDS+=("$!")
    sleep 0.5
    local a b
    a=$(snap); sysctl -qw kernel.bpf_stats_enabled=1; perf_start
    ip netns exec "$INST-c" iperf3 -c "${1:-$NET.11}" -p 5201 -t 5 -J > "$WORK/iperf.json"
    sysctl -qw "kernel.bpf_stats_enabled=$STATS_OLD"; b=$(snap)
    local bytes
    bytes=$(jq '.end.sum_received.bytes' "$WORK/iperf.json")
    echo "  iperf3 1 stream: $(jq '.end.sum_received.bits_per_second / 1e9 * 100 | floor / 100' "$WORK/iperf.json") Gbit/s, drops $(hctl -j status | jq -c .drops)"
    report "$a" "$b" "$bytes"
    perf_report
}

rr() {
    ip netns exec "$INST-s" taskset -c 1 sockperf server --tcp -i "$NET.11" -p 11111 >/dev/null 2>&1 &
    PIDS+=("$!")
    sleep 1
    local a b
    a=$(snap); sysctl -qw kernel.bpf_stats_enabled=1; perf_start
    ip netns exec "$INST-c" taskset -c 0 sockperf ping-pong --tcp -i "$NET.11" -p 11111 -t 4 -m 64 --full-rtt \
        > "$WORK/rr.out" 2>&1
    sysctl -qw "kernel.bpf_stats_enabled=$STATS_OLD"; b=$(snap)
    sed -i 's/\x1b\[[0-9;]*m//g' "$WORK/rr.out"
    echo "  sockperf TCP RR: $(sed -n 's/.*SentMessages=\([0-9]*\).*/\1/p' "$WORK/rr.out" | tail -n1) round trips," \
        "p50 $(awk '/percentile 50.000 =/{print $NF}' "$WORK/rr.out") us"
    report "$a" "$b"
    perf_report
}

rr6() { # a 64-byte TCP ping-pong over IPv6 for 4 s (Python: sockperf 3.7 has no IPv6)
    local sip6 a b
    sip6=$(hctl -j snic show "${INST}s" | jq -r '.ip6 // empty' | cut -d/ -f1)
    ip netns exec "$INST-s" taskset -c 1 /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 11113)); s.listen(1); c, _ = s.accept()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while True:
    d = c.recv(64)
    if not d: break
    c.sendall(d)' &
    PIDS+=("$!")
    sleep 1
    a=$(snap); sysctl -qw kernel.bpf_stats_enabled=1; perf_start
    ip netns exec "$INST-c" taskset -c 0 /usr/bin/python3 -c '
import socket, sys, time
c = socket.create_connection((sys.argv[1], 11113)); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
n, end = 0, time.monotonic() + 4
while time.monotonic() < end:
    c.sendall(b"x" * 64); got = 0
    while got < 64: got += len(c.recv(64 - got))
    n += 1
print(n)' "$sip6" > "$WORK/rr6.out"
    sysctl -qw "kernel.bpf_stats_enabled=$STATS_OLD"; b=$(snap)
    echo "  TCP ping-pong over IPv6 ($sip6): $(cat "$WORK/rr6.out") round trips, drops $(hctl -j status | jq -c .drops)"
    report "$a" "$b"
    perf_report
}

warm_frame() { # PORT(hpN) NS(netns of the sender) OUT: one frame of the held connection, captured on the port
    local cap=$WORK/cap-$1.pcap
    timeout 20 nsenter --net="/run/netns/hyp-$INST" tcpdump -i "$1" -c 1 -s 0 -U -w "$cap" \
        'tcp port 7777 and (tcp[tcpflags] & tcp-push != 0)' >/dev/null 2>&1 &
    local tp=$!
    sleep 1.5
    echo "$2" > "$WORK/warm.fifo"
    wait "$tp" || { echo "bench/profile.sh: no frame captured on $1" >&2; return 1; }
    /usr/bin/python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
caplen = struct.unpack("<I", d[32:36])[0]
open(sys.argv[2], "wb").write(d[40:40 + caplen])' "$cap" "$3"
}

warm_run() { # NETNS PROG_NAME FRAME IFINDEX: ns per run (bench/lib/testrun.py)
    local id
    id=$(snap | jq -r --arg n "$2" '[.[] | select(.name == $n)][0].id')
    ip netns exec "$1" /usr/bin/python3 "$BENCH_DIR/lib/testrun.py" "$id" "$3" "$4" "${HB_WARM_RUNS:-20000}"
}

warm() {
    local cport sport cif sif
    ip netns exec "$INST-s" /usr/bin/python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 7777)); s.listen(1); c, _ = s.accept()
while True:
    d = c.recv(4096)
    if not d: break
    c.sendall(d)' &
    PIDS+=("$!")
    sleep 1
    rm -f "$WORK/warm.fifo"; mkfifo "$WORK/warm.fifo"
    # the client: one connection, held open; each line of the fifo is sent as one segment
    ip netns exec "$INST-c" /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 7777)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while True:
    for line in open(sys.argv[2]):
        s.sendall(line.encode()); s.recv(4096)' "$NET.11" "$WORK/warm.fifo" &
    PIDS+=("$!")
    sleep 1
    cif=$(hctl -j snic list | jq -r --arg n "${INST}c" '.[] | select(.name == $n) | .port_ifindex')
    sif=$(hctl -j snic list | jq -r --arg n "${INST}s" '.[] | select(.name == $n) | .port_ifindex')
    cport=$(nsenter --net="/run/netns/hyp-$INST" ip -o link show | awk -F': ' -v i="$cif" '$1 == i { sub(/@.*/, "", $2); print $2 }')
    sport=$(nsenter --net="/run/netns/hyp-$INST" ip -o link show | awk -F': ' -v i="$sif" '$1 == i { sub(/@.*/, "", $2); print $2 }')
    warm_frame "$cport" "client data, 64 bytes or so, on a connection held open......" "$WORK/c.bin"
    warm_frame "$sport" "another segment, whose echo the server sends back to the client" "$WORK/s.bin"
    echo "  client data segment ($(stat -c %s "$WORK/c.bin") B), established flow:"
    echo "    hyp_guard_egress (client SNIC): $(warm_run "$INST-c" hyp_guard_egress "$WORK/c.bin" \
        "$(ip netns exec "$INST-c" cat /sys/class/net/eth0/ifindex)")"
    echo "    hyp_port_ingress (client port): $(warm_run "hyp-$INST" hyp_port_ingress "$WORK/c.bin" "$cif")"
    echo "  server echo (a reply of the flow):"
    echo "    hyp_guard_egress (server SNIC): $(warm_run "$INST-s" hyp_guard_egress "$WORK/s.bin" \
        "$(ip netns exec "$INST-s" cat /sys/class/net/eth0/ifindex)")"
    echo "    hyp_port_ingress (server port): $(warm_run "hyp-$INST" hyp_port_ingress "$WORK/s.bin" "$sif")"
    echo "  drops: $(hctl -j status | jq -c .drops)"
}

newflows() {
    local a b
    a=$(snap); sysctl -qw kernel.bpf_stats_enabled=1
    ip netns exec "$INST-c" /usr/bin/python3 -c '
import socket, sys
for i in range(20000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", 30000 + i)); s.sendto(b"x" * 16, (sys.argv[1], 11112)); s.close()
' "$NET.11"
    sysctl -qw "kernel.bpf_stats_enabled=$STATS_OLD"; b=$(snap)
    echo "  20000 new UDP flows client -> server:11112 (allowed); drops $(hctl -j status | jq -c .drops)"
    report "$a" "$b"
    echo "  (runs = the UDP packets at the client's port + the ICMP answers at the server's port)"
}

echo "# bench/profile.sh $* -- $(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(uname -r)," \
    "hyperiond sha256 $(sha256sum "$HYPERIOND" | cut -c1-16)"
for mode in "$@"; do
    case $mode in
        warm)
            up 0
            echo "## warm (BPF_PROG_TEST_RUN, one run per call, median; bpf_stats off)"
            warm ;;
        bulk6)
            up 0
            echo "## bulk6"
            bulk "$(hctl -j snic show "${INST}s" | jq -r '.ip6 // empty' | cut -d/ -f1)" ;;
        rr6)
            up 0
            echo "## rr6"
            rr6 ;;
        bulk|bulk-noguard|rr|rr-noguard)
            up "$([[ $mode == *-noguard ]] && echo 1 || echo 0)"
            echo "## $mode"
            "${mode%-noguard}" ;;
        inspect-[0-9]*)
            n=${mode#inspect-}
            up 0
            gen_patterns "$n" "$WORK/patterns.txt"
            { printf '%s\n' 'apiVersion: hyperion.io/v1' 'kind: InspectionPolicy' "metadata: {name: prof-$n}" 'spec:' \
                  '  podSelector: {matchLabels: {bench: server}}' '  direction: ingress' '  action: drop' '  patterns:'
              sed 's/.*/  - pattern: "&"/' "$WORK/patterns.txt"; } > "$WORK/inspect.yaml"
            hctl policy apply -f "$WORK/inspect.yaml" >/dev/null
            echo "## $mode ($n patterns)"
            bulk ;;
        newflows-[0-9]*)
            n=${mode#newflows-}
            up 0
            ent=$(apply_rules "$n")
            echo "## $mode ($ent policy entries in the active generation)"
            newflows ;;
        *) echo "bench/profile.sh: unknown mode $mode" >&2; exit 2 ;;
    esac
    teardown
done
