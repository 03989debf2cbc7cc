# shellcheck shell=bash
# North-south (issue 13 item 7): traffic between a container and a server in a
# namespace playing the outside network, through the node's NAT.
#   hyperion-snat:    client SNIC -> secure bridge SNAT (BPF) -> uplink -> outside server
#   hyperion-publish: outside client -> uplink address, published ports -> SNIC server
#   iptables-masq:    podman's default bridge path: the container on a Linux bridge in
#                     a router namespace, iptables MASQUERADE out of its outside link
#   iptables-dnat:    the same router, iptables DNAT of its outside address's ports to
#                     the container (the CNI portmap plugin's path)
#   nftables-masq:    the same router with nftables masquerade
# The client runs the base metric set against the server's ports (iperf3, sockperf
# TCP and UDP, nginx); the published and DNAT rows publish exactly those ports.
# Side by side: hyperion-snat with iptables-masq and nftables-masq, hyperion-publish
# with iptables-dnat. bench/northsouth.sh is the older stand-alone script (iperf3 only).

ns_outside_link() { # NS IFNAME-IN-HOST ADDR/LEN: a veth whose eth0 end is in NS
    # no IPv6 outside: its neighbour discovery would only count as uplink drops
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip link add "$2" type veth peer name eth0 netns "$1"
    ip -n "$1" addr add "$3" dev eth0
    ip -n "$1" link set eth0 up
}

# Hyperion with a veth uplink into the outside namespace (the uplink 100.70.B.2,
# the outside .1); setup_hyperion makes the client and server SNICs.
setup_ns_hyperion() { # CONFIG
    local out=hb-$ID-o up=hu$ID onet=100.70.$B
    mk_ns "$out"
    ns_outside_link "$out" "$up" "$onet.1/24" \
        || { fail setup "cannot make the uplink veth"; return 1; }
    HYP_EXTRA_ARGS=(--uplink "$up" --uplink-addr "$onet.2/24" --uplink-gateway "$onet.1")
    setup_hyperion 0 || return 1
    if [ "$1" = hyperion-snat ]; then
        SNS=$out # the server is outside; the client SNIC's flows are translated
        common_targets "$onet.1"
        return 0
    fi
    local m
    for m in "$P_IPERF:$P_IPERF" "$P_SP_TCP:$P_SP_TCP" "$P_SP_UDP:$P_SP_UDP/udp" "$P_HTTP:$P_HTTP"; do
        hctl publish add "hb${ID}s" "$m" >>"$WD/hyperctl.log" 2>&1 \
            || { fail setup "hyperctl publish add $m failed"; tail_log "$WD/hyperctl.log"; return 1; }
    done
    CNS=$out
    common_targets "$onet.2"
    # the uplink address answers no ping: the connectivity check pings the
    # outside's own link, activate_ns proves the published path with TCP
    PING_IP=$onet.1
}

# The router: br0 (the container's bridge, $NET.1) and an outside link 100.71.B.2.
setup_ns_router() { # CONFIG
    HNS=hb-$ID-h
    local kns=hb-$ID-k xns=hb-$ID-x onet=100.71.$B t0
    t0=$(now_us)
    bridge_infra "$HNS" br0 0
    ip -n "$HNS" addr add "$NET.1/24" dev br0
    local ta; ta=$(now_us)
    bridge_attach "$HNS" br0 "$kns" vk "$NET.10/24"
    ip -n "$kns" route add default via "$NET.1"
    ta=$(( $(now_us) - ta ))
    mk_ns "$xns"
    ip -n "$HNS" link add vo type veth peer name eth0 netns "$xns"
    ip -n "$HNS" addr add "$onet.2/24" dev vo
    ip -n "$HNS" link set vo up
    ip -n "$xns" addr add "$onet.1/24" dev eth0
    ip -n "$xns" link set eth0 up
    ip netns exec "$HNS" sysctl -qw net.ipv4.ip_forward=1
    local p proto port
    case $1 in
    iptables-masq)
        ip netns exec "$HNS" "$HB_IPTABLES" -w -t nat -A POSTROUTING -s "$NET.0/24" -o vo -j MASQUERADE ;;
    nftables-masq)
        ip netns exec "$HNS" nft add table ip "hb$ID"
        ip netns exec "$HNS" nft add chain ip "hb$ID" post '{ type nat hook postrouting priority 100; }'
        ip netns exec "$HNS" nft add rule ip "hb$ID" post oifname vo ip saddr "$NET.0/24" counter masquerade ;;
    iptables-dnat)
        for p in "tcp $P_IPERF" "tcp $P_SP_TCP" "udp $P_SP_UDP" "tcp $P_HTTP"; do
            read -r proto port <<<"$p"
            ip netns exec "$HNS" "$HB_IPTABLES" -w -t nat -A PREROUTING -i vo -p "$proto" \
                --dport "$port" -j DNAT --to-destination "$NET.10:$port"
        done ;;
    esac
    rec attach_ms "$(us_to_ms "$ta")"
    rec infra_ms "$(us_to_ms $(( $(now_us) - t0 - ta )))"
    if [ "$1" = iptables-dnat ]; then
        CNS=$xns SNS=$kns
        common_targets "$onet.2"
    else
        CNS=$kns SNS=$xns
        common_targets "$onet.1"
    fi
}

# After the servers listen: the path carries TCP (the published port's, the NAT's).
activate_ns() { # CONFIG
    probe_tcp "$CNS" "${T_HTTP%:*}" "$P_HTTP" \
        || { fail setup "$1: no TCP connection to ${T_HTTP}"; return 1; }
}

# After the traffic: the NAT did the work (its rule or table matched).
postcheck_ns() { # CONFIG
    local n
    case $1 in
    iptables-masq | iptables-dnat)
        n=$(ip netns exec "$HNS" "$HB_IPTABLES" -w -t nat -L -v -x -n |
            awk '$3 == "MASQUERADE" || $3 == "DNAT" {s += $1} END {print s + 0}')
        [ "$n" -gt 0 ] || fail traffic "the NAT rule matched 0 packets" ;;
    nftables-masq)
        n=$(ip netns exec "$HNS" nft list chain ip "hb$ID" post | sed -n 's/.*packets \([0-9]*\).*/\1/p')
        [ "${n:-0}" -gt 0 ] || fail traffic "the masquerade rule matched 0 packets" ;;
    hyperion-snat)
        n=$(bpftool map dump pinned "/sys/fs/bpf/hyperion/$HYP_INST/hyp_nat" -j 2>/dev/null | jq length)
        [ "${n:-0}" -gt 0 ] || fail traffic "no SNAT translation in hyp_nat after the traffic" ;;
    hyperion-publish)
        n=$(hctl -j publish list | jq length)
        [ "$n" = 4 ] || fail traffic "$n published ports after the traffic, want 4" ;;
    esac
}

hb_scenario 'hyperion-snat' setup_ns_hyperion activate_ns postcheck_ns base \
    "hyperion SNIC -> SNAT in the secure bridge (BPF) -> uplink -> a server in the outside namespace"
hb_scenario 'hyperion-publish' setup_ns_hyperion activate_ns postcheck_ns base \
    "outside client -> uplink address, published ports (DNAT in BPF) -> hyperion SNIC server"
hb_scenario 'iptables-masq' setup_ns_router activate_ns postcheck_ns base \
    "container on a Linux bridge in a router netns, iptables MASQUERADE to the outside (podman's default)"
hb_scenario 'iptables-dnat' setup_ns_router activate_ns postcheck_ns base \
    "outside client -> router address, iptables DNAT to the container on its bridge (CNI portmap)"
hb_scenario 'nftables-masq' setup_ns_router activate_ns postcheck_ns base \
    "container on a Linux bridge in a router netns, nftables masquerade to the outside"
hb_group northsouth hyperion-snat hyperion-publish iptables-masq iptables-dnat nftables-masq
# in the full run ("all", "base"), not in --quick's (CI's sanity run): --configs northsouth
hb_base hyperion-snat hyperion-publish iptables-masq iptables-dnat nftables-masq
hb_not_quick hyperion-snat hyperion-publish iptables-masq iptables-dnat nftables-masq
