# shellcheck shell=bash
# BIG TCP (issue 16 item 2): the whole path between two SNICs is Hyperion's, so it
# may raise the GSO/GRO maximum sizes (IFLA_GSO_IPV4_MAX_SIZE, IFLA_GRO_IPV4_MAX_SIZE
# and their IPv6 twins) above 64 KiB on both ends of every SNIC: hyperiond --big-tcp.
#   hyperion-bigtcp: the headline hyperion row (policy on, guard, stamp, conntrack)
#                    with hyperiond --big-tcp $HB_BIGTCP;
#   veth-tuned:      the direct veth pair with the same sizes on both ends (the plain
#                    veth gets every setting Hyperion's SNICs get).
HB_BIGTCP=${HB_BIGTCP:-196608}

setup_veth_tuned() { # CONFIG
    setup_veth
    local ns
    for ns in "$CNS" "$SNS"; do
        ip netns exec "$ns" "$PY" "$BENCH_DIR/lib/linkset.py" eth0 "$HB_BIGTCP" \
            || { fail setup "cannot set GSO/GRO max size $HB_BIGTCP on eth0 in $ns"; return 1; }
    done
    rec gso_max_size "$HB_BIGTCP"
}

setup_hyperion_bigtcp() { # CONFIG
    HYP_EXTRA_ARGS=(--big-tcp "$HB_BIGTCP")
    setup_hyperion 0
    rec gso_max_size "$HB_BIGTCP"
}

hb_scenario 'veth-tuned' setup_veth_tuned - - base \
    "direct veth pair tuned like Hyperion's SNICs with --big-tcp: GSO/GRO max size (IPv4 and IPv6) $HB_BIGTCP on both ends"
hb_scenario 'hyperion-bigtcp' setup_hyperion_bigtcp - - base \
    "hyperion (policy on, guard, stamp, conntrack) with hyperiond --big-tcp $HB_BIGTCP: BIG TCP on both ends of every SNIC"
hb_base veth-tuned hyperion-bigtcp
hb_not_quick veth-tuned
