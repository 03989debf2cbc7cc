# shellcheck shell=bash
# Per-packet cost of the datapath (issue 16 item 5): the guard (tcx egress of the
# client's and the server's SNIC) and the bridge port program (tcx ingress of every
# bridge port) timed by the kernel itself, free of the scheduling noise that dominates
# end-to-end latency here. kernel.bpf_stats_enabled is switched on only around the
# measured traffic; run_cnt / run_time_ns of the instance's programs (bpftool) give ns
# per run. Every frame crosses one guard and one bridge port, so "guard + bridge ns per
# packet" = guard ns/run + port ns/run.
#   hyperion-pktcost:          the headline hyperion setup (policy on, guard, stamp,
#                              conntrack); sockperf TCP ping-pong (64 B, pinned) for
#                              --duration s, then one iperf3 stream
#   hyperion-pktcost-baseline: the same with HB_BASELINE_DIR's binaries (before/after
#                              in the same minutes)
# bpf_stats adds two clock reads to every BPF program run on the machine while on
# (its own ~20-40 ns in each figure): the headline rows never run with it.

pktcost_snap() { # the instance's programs: id name run_cnt run_time_ns, one per line
    local l id ids=""
    for l in /sys/fs/bpf/hyperion/"$HYP_INST"/links/*; do
        id=$(bpftool -j link show pinned "$l" 2>/dev/null | jq -r '.prog_id // empty')
        [ -n "$id" ] || continue
        case " $ids " in *" $id "*) ;; *) ids+=" $id" ;; esac
    done
    for id in $ids; do
        bpftool -j prog show id "$id" | jq -r '"\(.id) \(.name) \(.run_cnt // 0) \(.run_time_ns // 0)"'
    done
}

pktcost_ns() { # BEFORE AFTER NAME: ns per run of program NAME between two snapshots
    awk -v n="$3" 'NR == FNR { if ($2 == n) { c0 = $3; t0 = $4 }; next }
        $2 == n { c = $3 - c0; t = $4 - t0 } END { if (c > 0) printf "%.1f %d", t / c, c }' "$1" "$2"
}

pktcost_measure() { # METRIC CMD...: run CMD with bpf_stats on; record METRIC_{guard,port,}_ns
    local m=$1; shift
    local old g p
    old=$(sysctl -n kernel.bpf_stats_enabled)
    pktcost_snap > "$WD/$m.snap0"
    sysctl -qw kernel.bpf_stats_enabled=1
    "$@"
    sysctl -qw "kernel.bpf_stats_enabled=$old"
    pktcost_snap > "$WD/$m.snap1"
    g=$(pktcost_ns "$WD/$m.snap0" "$WD/$m.snap1" hyp_guard_egress)
    p=$(pktcost_ns "$WD/$m.snap0" "$WD/$m.snap1" hyp_port_ingress)
    if [ -z "$g" ] || [ -z "$p" ]; then
        fail "$m" "bpf_stats: no runs of hyp_guard_egress / hyp_port_ingress (guard '$g', port '$p')"
        return 0
    fi
    rec "${m}_guard_ns" "${g% *}"; rec "${m}_port_ns" "${p% *}"
    rec "${m}_ns" "$(awk -v a="${g% *}" -v b="${p% *}" 'BEGIN{printf "%.1f", a + b}')"
    rec "${m}_runs" "${p#* }"
    SUMMARY+=" $m=guard:${g% *}ns+port:${p% *}ns"
}

metrics_pktcost() { # CONFIG
    command -v bpftool >/dev/null || { fail pkt_rr "bpftool missing"; return 0; }
    pktcost_measure pkt_rr eval 'sockperf_start tcp_rr tcp "$T_SP_TCP"; sockperf_collect tcp_rr tcp'
    pktcost_measure pkt_bulk run_iperf tcp1_fwd 1 0
}

setup_hyperion_pktcost() { # CONFIG
    if [ "$1" = hyperion-pktcost-baseline ]; then
        [ -n "${HB_BASELINE_HYPERIOND:-}" ] || { fail setup "hyperion-pktcost-baseline needs HB_BASELINE_DIR"; return 1; }
        # shellcheck disable=SC2034  # read by bench/run's setup_hyperion and hctl
        HYPERIOND=$HB_BASELINE_HYPERIOND HYPERCTL=$HB_BASELINE_HYPERCTL
    fi
    setup_hyperion 0
}

activate_hyperion_pktcost() { activate_hyperion_rules 0; }

hb_scenario 'hyperion-pktcost-baseline' setup_hyperion_pktcost activate_hyperion_pktcost - metrics_pktcost \
    "hyperion-pktcost with HB_BASELINE_DIR's binaries (before/after in one run)"
hb_scenario 'hyperion-pktcost' setup_hyperion_pktcost activate_hyperion_pktcost - metrics_pktcost \
    "hyperion (policy on, guard, stamp, conntrack), timed by bpf_stats: guard + bridge port ns per packet on TCP RR (sockperf 64 B) and on one iperf3 stream"
hb_base hyperion-pktcost
