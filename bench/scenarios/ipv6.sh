# shellcheck shell=bash
# IPv6 (issue 17 item 6, dual stack): IPv6 rows next to IPv4, through Hyperion and
# through a plain veth pair (the anchor), every row measured with the same tools:
#   hyperion-ipv6:  the headline hyperion configuration (a NetworkPolicy selecting both
#                   ends, guard, stamp, conntrack), traffic to the server SNIC's IPv6 address;
#   hyperion-ipv4x: the same instance and tools to its IPv4 address (the twin row);
#   veth-ipv6:      a direct veth pair with an IPv6 ULA on both ends (nodad): the anchor;
#   veth-ipv4x:     the same pair over IPv4 with the same tools.
# Metrics: iperf3 1 and 4 streams (Gbit/s, CPU-s per GB), TCP and UDP request/response
# (p50/p99) and HTTP (nginx + wrk, keep-alive) to the family's address, attach time.
# Debian 12's sockperf 3.7 takes no IPv6 address, so TCP and UDP RR here are a Python
# ping-pong (64 bytes, one connection / one socket, TCP_NODELAY, client and server pinned
# like sockperf's): these four rows compare with each other, not with sockperf's tcp_rr.
HB_P6_IPERF=5801
HB_P6_RR=5802
HB_P6_HTTP=5880

write_rr_py() { # FILE: the ping-pong, server (TCP and UDP on one port) and client
    cat >"$1" <<'PY'
import socket, sys, threading, time
if sys.argv[1] == "server":
    port = int(sys.argv[2])
    def udp():
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        u.bind(("::", port))
        while True:
            d, a = u.recvfrom(2048)
            u.sendto(d, a)
    threading.Thread(target=udp, daemon=True).start()
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port)); s.listen(8)
    while True:
        c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            d = c.recv(64)
            if not d: break
            c.sendall(d)
        c.close()
proto, host, port, dur = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
msg, lat, end = b"x" * 64, [], time.monotonic() + dur
if proto == "udp":
    fam = socket.getaddrinfo(host, port, 0, socket.SOCK_DGRAM)[0][0]
    c = socket.socket(fam, socket.SOCK_DGRAM); c.connect((host, port)); c.settimeout(1)
    lost = 0
    while time.monotonic() < end:
        t0 = time.perf_counter_ns(); c.send(msg)
        try:
            c.recv(2048)
        except socket.timeout:
            lost += 1
            if lost > 5: sys.exit("udp: no answers")
            continue
        lat.append((time.perf_counter_ns() - t0) / 1000)
else:
    c = socket.create_connection((host, port), timeout=5)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while time.monotonic() < end:
        t0 = time.perf_counter_ns(); c.sendall(msg); n = 0
        while n < 64:
            d = c.recv(64 - n)
            if not d: sys.exit("closed")
            n += len(d)
        lat.append((time.perf_counter_ns() - t0) / 1000)
if not lat: sys.exit("no observations")
lat.sort()
print("obs %d p50 %.1f p99 %.1f" % (len(lat), lat[len(lat) // 2], lat[int(len(lat) * 0.99)]))
PY
}

setup_hyperion_ipv6() { # CONFIG
    setup_hyperion 0 || return 1
    SIP6=$(hctl -j snic show "hb${ID}s" | jq -r '.ip6 // empty' | cut -d/ -f1)
    [ -n "$SIP6" ] || { fail setup "the server SNIC has no IPv6 address (dual stack is the default)"; return 1; }
    SIP4=${T_IPERF%:*}
    rec ipv6 "$(is_ipv6_row "$1" && echo 1 || echo 0)"
}

is_ipv6_row() { [[ "$1" == *-ipv6 || "$1" == *-ipv6-* ]]; }   # CONFIG: traffic over IPv6?

setup_veth_ipv6() { # CONFIG: the plain veth pair, both families on both ends
    setup_veth || return 1
    local p6="fd00:4862:${B}::"
    ip -n "$CNS" addr add "${p6}2/64" dev eth0 nodad
    ip -n "$SNS" addr add "${p6}3/64" dev eth0 nodad
    SIP6=${p6}3 SIP4=${T_IPERF%:*}
    rec ipv6 "$(is_ipv6_row "$1" && echo 1 || echo 0)"
}

ipv6_servers() { # the dual-stack servers (iperf3, the ping-pong, nginx on [::])
    write_rr_py "$WD/rr.py"
    start_bg "$WD/iperf3-v6.log" ip netns exec "$SNS" taskset -c "$SCPU" iperf3 -s -p "$HB_P6_IPERF"
    wait_listen "$SNS" tcp "$HB_P6_IPERF" "$LAST_PID" iperf3-v6 || return 1
    start_bg "$WD/rr-server.log" ip netns exec "$SNS" taskset -c "$SCPU" "$PY" "$WD/rr.py" server "$HB_P6_RR"
    wait_listen "$SNS" tcp "$HB_P6_RR" "$LAST_PID" rr-server || return 1
    wait_listen "$SNS" udp "$HB_P6_RR" "$LAST_PID" rr-server-udp || return 1
    sed "s/listen [^;]*;/listen [::]:$HB_P6_HTTP ipv6only=off;/; s#pid [^;]*;#pid $WD/nginx6.pid;#" \
        "$WD/nginx.conf" >"$WD/nginx6.conf"
    start_bg "$WD/nginx6.log" ip netns exec "$SNS" taskset -c "$SCPU" nginx -p "$WD" -e "$WD/nginx6-error.log" -c "$WD/nginx6.conf"
    wait_listen "$SNS" tcp "$HB_P6_HTTP" "$LAST_PID" nginx-v6 || return 1
}

activate_veth_ipv6() { # CONFIG
    ipv6_servers
}

activate_ipv6() { # CONFIG: enforcement on, then the dual-stack servers
    activate_hyperion_rules 0 || return 1
    ipv6_servers || return 1
    # the bench policy allows the benchmark ports only: these as well, both families
    cat >"$WD/policy-ipv6.yaml" <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bench-ipv6}
spec:
  podSelector: {matchLabels: {bench-pair: "1"}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {bench-pair: "1"}}}]
    ports: [{protocol: TCP, port: $HB_P6_IPERF}, {protocol: TCP, port: $HB_P6_RR}, {protocol: UDP, port: $HB_P6_RR}, {protocol: TCP, port: $HB_P6_HTTP}]
YAML
    hctl policy apply -f "$WD/policy-ipv6.yaml" >>"$WD/hyperctl.log" 2>&1 \
        || { fail setup "policy for the IPv6 ports"; return 1; }
}

run_rr_py() { # METRIC PROTO(tcp|udp) HOST
    local m=$1 out=$WD/$1.out rc=0 obs p50 p99
    run_fg timeout $((HB_DURATION + 30)) ip netns exec "$CNS" taskset -c "$CCPU" \
        "$PY" "$WD/rr.py" "$2" "$3" "$HB_P6_RR" "$HB_DURATION" >"$out" 2>&1 || rc=$?
    read -r _ obs _ p50 _ p99 <"$out" || true
    if [ "$rc" != 0 ] || [ -z "$obs" ] || [ "$obs" = 0 ]; then
        fail "$m" "$2 ping-pong failed (exit $rc)"; tail_log "$out"; return 0
    fi
    rec "${m}_p50_us" "$p50"; rec "${m}_p99_us" "$p99"; rec "${m}_obs" "$obs"
    SUMMARY+=" $m=p50:${p50}us/p99:${p99}us"
}

metrics_ipv6() { # CONFIG
    local host=$SIP4 hhost=$SIP4
    is_ipv6_row "$1" && { host=$SIP6; hhost="[$SIP6]"; }
    T_IPERF=$host:$HB_P6_IPERF
    run_iperf tcp1_fwd 1 0
    run_iperf tcp4_fwd 4 0
    run_rr_py tcp_rr_py tcp "$host"
    run_rr_py udp_rr_py udp "$host"
    # shellcheck disable=SC2034  # read by run_wrk (bench/run)
    T_HTTP=$hhost:$HB_P6_HTTP
    run_wrk http
}

hb_scenario 'hyperion-ipv6' setup_hyperion_ipv6 activate_ipv6 - metrics_ipv6 \
    "hyperion (policy on, guard, stamp, conntrack), traffic over IPv6: iperf3, TCP/UDP RR by a Python ping-pong (sockperf 3.7 has no IPv6), HTTP to nginx on [::]"
hb_scenario 'hyperion-ipv4x' setup_hyperion_ipv6 activate_ipv6 - metrics_ipv6 \
    "the same instance and tools as hyperion-ipv6 over IPv4: its twin row"
hb_scenario 'veth-ipv6' setup_veth_ipv6 activate_veth_ipv6 - metrics_ipv6 \
    "direct veth pair with IPv6 ULAs (nodad), the tools of hyperion-ipv6: the IPv6 anchor"
hb_scenario 'veth-ipv4x' setup_veth_ipv6 activate_veth_ipv6 - metrics_ipv6 \
    "the same veth pair and tools as veth-ipv6 over IPv4: the anchor's twin"

# IPv6 BIG TCP (issue 16): IPv6 has had BIG TCP longer than IPv4 (IFLA_GSO_MAX_SIZE /
# IFLA_GRO_MAX_SIZE, Linux 5.19; hop-by-hop jumbo header inside the host):
#   hyperion-ipv6-bigtcp: hyperion-ipv6 with hyperiond --big-tcp $HB_BIGTCP;
#   veth-ipv6-tuned:      veth-ipv6 with the same sizes on both ends (what veth-tuned
#                         is to veth over IPv4).
# Before the traffic: both ends of the pair (the container ends and, for Hyperion,
# the SNIC ports in the NIC netns) must show the size. During the 1-stream iperf3
# run: the client's eth0 must have sent frames larger than 64 KiB on average (tx
# bytes / tx packets: a veth counts one GSO frame as one packet), or the BIG TCP path
# was not taken; the server's eth0 receive average is recorded too where the kernel
# counts it (a redirect into the peer, Hyperion's path, bypasses the veth's rx count).
HB_BIGTCP=${HB_BIGTCP:-196608}

bigtcp_check_link() { # NETNS IFNAME: gso_max_size and gro_max_size are HB_BIGTCP
    local j gso gro
    j=$(ip -n "$1" -d -j link show dev "$2" 2>/dev/null) || { fail setup "ip -d link: no $2 in $1"; return 1; }
    gso=$(jq -r '.[0].gso_max_size // empty' <<<"$j"); gro=$(jq -r '.[0].gro_max_size // empty' <<<"$j")
    if [ "$gso" != "$HB_BIGTCP" ] || [ "$gro" != "$HB_BIGTCP" ]; then
        fail setup "$2 in $1: gso_max_size ${gso:-?} gro_max_size ${gro:-?}, expected $HB_BIGTCP (BIG TCP not set)"; return 1
    fi
}

setup_veth_ipv6_tuned() { # CONFIG
    setup_veth_ipv6 "$1" || return 1
    local ns
    for ns in "$CNS" "$SNS"; do
        ip netns exec "$ns" "$PY" "$BENCH_DIR/lib/linkset.py" eth0 "$HB_BIGTCP" \
            || { fail setup "cannot set GSO/GRO max size $HB_BIGTCP on eth0 in $ns"; return 1; }
        bigtcp_check_link "$ns" eth0 || return 1
    done
    rec gso_max_size "$HB_BIGTCP"
}

setup_hyperion_ipv6_bigtcp() { # CONFIG
    # shellcheck disable=SC2034  # read by setup_hyperion (bench/run)
    HYP_EXTRA_ARGS=(--big-tcp "$HB_BIGTCP")
    setup_hyperion_ipv6 "$1" || return 1
    local ns l ports=0
    for ns in "$CNS" "$SNS"; do bigtcp_check_link "$ns" eth0 || return 1; done
    # the SNIC ports: every veth of the NIC netns
    for l in $(ip -n "hyp-$HYP_INST" -j link show type veth | jq -r '.[].ifname'); do
        bigtcp_check_link "hyp-$HYP_INST" "$l" || return 1
        ports=$((ports + 1))
    done
    [ "$ports" -ge 2 ] || { fail setup "found $ports SNIC port(s) in hyp-$HYP_INST, expected 2"; return 1; }
    rec gso_max_size "$HB_BIGTCP"
}

link_counts() { # NETNS DIR(rx|tx): bytes and packets of eth0
    ip -n "$1" -s -j link show dev eth0 | jq -r --arg d "$2" '.[0].stats64[$d] | "\(.bytes) \(.packets)"'
}

metrics_ipv6_bigtcp() { # CONFIG: metrics_ipv6, and the size of the frames of the 1-stream run
    local host=$SIP6 tb0 tp0 tb1 tp1 rb0 rp0 rb1 rp1 avg
    read -r tb0 tp0 <<<"$(link_counts "$CNS" tx)"; read -r rb0 rp0 <<<"$(link_counts "$SNS" rx)"
    T_IPERF=$host:$HB_P6_IPERF
    run_iperf tcp1_fwd 1 0
    read -r tb1 tp1 <<<"$(link_counts "$CNS" tx)"; read -r rb1 rp1 <<<"$(link_counts "$SNS" rx)"
    avg=$(( (tb1 - tb0) / ((tp1 - tp0) > 0 ? (tp1 - tp0) : 1) ))
    rec tx_avg_frame_b "$avg"
    SUMMARY+=" tx_avg_frame=${avg}B"
    [ "$avg" -gt 65536 ] || fail tcp1_fwd "the client's eth0 sent $avg B per frame on average during the 1-stream run: no BIG TCP frames (> 64 KiB) went through (not built, or dropped: see the drop counters)"
    if [ $((rp1 - rp0)) -gt 100 ]; then
        rec rx_avg_frame_b $(( (rb1 - rb0) / (rp1 - rp0) ))
        SUMMARY+=" rx_avg_frame=$(( (rb1 - rb0) / (rp1 - rp0) ))B"
    fi
    run_iperf tcp4_fwd 4 0
    run_rr_py tcp_rr_py tcp "$host"
    run_rr_py udp_rr_py udp "$host"
    # shellcheck disable=SC2034  # read by run_wrk (bench/run)
    T_HTTP=[$host]:$HB_P6_HTTP
    run_wrk http
}

hb_scenario 'hyperion-ipv6-bigtcp' setup_hyperion_ipv6_bigtcp activate_ipv6 - metrics_ipv6_bigtcp \
    "hyperion-ipv6 with hyperiond --big-tcp $HB_BIGTCP: IPv6 BIG TCP on both ends of every SNIC (checked with ip -d link before the traffic, and > 64 KiB frames sent by the client during it)"
hb_scenario 'veth-ipv6-tuned' setup_veth_ipv6_tuned activate_veth_ipv6 - metrics_ipv6_bigtcp \
    "veth-ipv6 tuned like Hyperion's SNICs with --big-tcp: GSO/GRO max size $HB_BIGTCP on both ends (the same checks as hyperion-ipv6-bigtcp)"
hb_group ipv6 veth-ipv4x veth-ipv6 hyperion-ipv4x hyperion-ipv6 veth-ipv6-tuned hyperion-ipv6-bigtcp
hb_not_quick hyperion-ipv6 hyperion-ipv4x veth-ipv6 veth-ipv4x veth-ipv6-tuned hyperion-ipv6-bigtcp
