# shellcheck shell=bash
# IPv6 (issue 17, dual stack): the headline hyperion configuration (a NetworkPolicy
# selecting both ends, guard, stamp, conntrack) with the traffic over IPv6 between the
# two SNICs, next to the same instance's IPv4 path measured with the same tools:
#   hyperion-ipv6:  iperf3 (1 and 4 streams: Gbit/s, CPU-s per GB) and a TCP
#                   request/response ping-pong to the server SNIC's IPv6 address;
#   hyperion-ipv4x: the same, to its IPv4 address (the twin of the row above).
# Debian 12's sockperf 3.7 takes no IPv6 address, so TCP RR here is a Python
# ping-pong (64 bytes, one connection, TCP_NODELAY, client and server pinned like
# sockperf's): the two rows compare with each other, not with sockperf's tcp_rr.
HB_P6_IPERF=5801
HB_P6_RR=5802

write_rr_py() { # FILE: the ping-pong, server and client
    cat >"$1" <<'PY'
import socket, sys, time
if sys.argv[1] == "server":
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(sys.argv[2]))); s.listen(8)
    while True:
        c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            d = c.recv(64)
            if not d: break
            c.sendall(d)
        c.close()
host, port, dur = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
c = socket.create_connection((host, port), timeout=5)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
msg, lat, end = b"x" * 64, [], time.monotonic() + dur
while time.monotonic() < end:
    t0 = time.perf_counter_ns(); c.sendall(msg); n = 0
    while n < 64:
        d = c.recv(64 - n)
        if not d: sys.exit("closed")
        n += len(d)
    lat.append((time.perf_counter_ns() - t0) / 1000)
lat.sort()
print("obs %d p50 %.1f p99 %.1f" % (len(lat), lat[len(lat) // 2], lat[int(len(lat) * 0.99)]))
PY
}

setup_hyperion_ipv6() { # CONFIG
    setup_hyperion 0 || return 1
    SIP6=$(hctl -j snic show "hb${ID}s" | jq -r '.ip6 // empty' | cut -d/ -f1)
    [ -n "$SIP6" ] || { fail setup "the server SNIC has no IPv6 address (dual stack is the default)"; return 1; }
    SIP4=${T_IPERF%:*}
    rec ipv6 "$([ "$1" = hyperion-ipv6 ] && echo 1 || echo 0)"
}

activate_ipv6() { # CONFIG: enforcement on, then the dual-stack servers
    activate_hyperion_rules 0 || return 1
    write_rr_py "$WD/rr.py"
    start_bg "$WD/iperf3-v6.log" ip netns exec "$SNS" taskset -c "$SCPU" iperf3 -s -p "$HB_P6_IPERF"
    wait_listen "$SNS" tcp "$HB_P6_IPERF" "$LAST_PID" iperf3-v6 || return 1
    start_bg "$WD/rr-server.log" ip netns exec "$SNS" taskset -c "$SCPU" "$PY" "$WD/rr.py" server "$HB_P6_RR"
    wait_listen "$SNS" tcp "$HB_P6_RR" "$LAST_PID" rr-server || return 1
    # the bench policy allows the benchmark ports only: these two as well, both families
    cat >"$WD/policy-ipv6.yaml" <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bench-ipv6}
spec:
  podSelector: {matchLabels: {bench-pair: "1"}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {bench-pair: "1"}}}]
    ports: [{protocol: TCP, port: $HB_P6_IPERF}, {protocol: TCP, port: $HB_P6_RR}]
YAML
    hctl policy apply -f "$WD/policy-ipv6.yaml" >>"$WD/hyperctl.log" 2>&1 \
        || { fail setup "policy for the IPv6 ports"; return 1; }
}

run_rr_py() { # METRIC HOST
    local m=$1 out=$WD/$1.out rc=0 obs p50 p99
    run_fg timeout $((HB_DURATION + 30)) ip netns exec "$CNS" taskset -c "$CCPU" \
        "$PY" "$WD/rr.py" client "$2" "$HB_P6_RR" "$HB_DURATION" >"$out" 2>&1 || rc=$?
    read -r _ obs _ p50 _ p99 <"$out" || true
    if [ "$rc" != 0 ] || [ -z "$obs" ] || [ "$obs" = 0 ]; then
        fail "$m" "TCP ping-pong failed (exit $rc)"; tail_log "$out"; return 0
    fi
    rec "${m}_p50_us" "$p50"; rec "${m}_p99_us" "$p99"; rec "${m}_obs" "$obs"
    SUMMARY+=" $m=p50:${p50}us/p99:${p99}us"
}

metrics_ipv6() { # CONFIG
    local host=$SIP4
    [ "$1" = hyperion-ipv6 ] && host=$SIP6
    T_IPERF=$host:$HB_P6_IPERF
    run_iperf tcp1_fwd 1 0
    run_iperf tcp4_fwd 4 0
    run_rr_py tcp_rr_py "$host"
}

hb_scenario 'hyperion-ipv6' setup_hyperion_ipv6 activate_ipv6 - metrics_ipv6 \
    "hyperion (policy on, guard, stamp, conntrack), traffic over IPv6: iperf3, and TCP RR by a Python ping-pong (sockperf 3.7 has no IPv6)"
hb_scenario 'hyperion-ipv4x' setup_hyperion_ipv6 activate_ipv6 - metrics_ipv6 \
    "the same instance and tools as hyperion-ipv6 over IPv4: its twin row"
hb_group ipv6 hyperion-ipv6 hyperion-ipv4x
hb_not_quick hyperion-ipv6 hyperion-ipv4x
