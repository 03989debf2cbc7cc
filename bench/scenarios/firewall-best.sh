# shellcheck shell=bash
# Firewalls in their best configuration, next to bench/run's naive linear rule lists
# (iptables, nftables, iptables-rules-N, nftables-rules-N): the same N non-matching
# (source address, TCP port) rules, but
#   iptables-best: conntrack ESTABLISHED,RELATED accepted first, the N rules as one
#                  ipset (hash:ip,port) matched by one rule, then the accept;
#   nftables-best: ct state established,related accepted first, the N rules as one
#                  verdict map (ipv4_addr . inet_service : drop), then the accept.
# Only a flow's first packet walks past the conntrack rule, so the rule count should
# not matter on established traffic, and a hash lookup replaces the linear walk.

best_rule_count() { # CONFIG: N of *-rules-N, else the base --rules
    case $1 in *-rules-*) echo "${1##*-}" ;; *) echo "$HB_RULES" ;; esac
}

setup_iptables_best() { # CONFIG
    local nr; nr=$(best_rule_count "$1")
    setup_bridge_like 1
    local t0 f=$WD/rules.ipset g=$WD/rules.iptables set=hb$ID
    t0=$(now_us)
    {
        echo "create $set hash:ip,port family inet hashsize 1024 maxelem $(( nr + 1024 ))"
        nm_rules "$nr" "add $set %s,tcp:%d\n"
    } > "$f"
    ip netns exec "$HNS" ipset restore < "$f"
    {
        echo '*filter'
        echo ':FORWARD ACCEPT [0:0]'
        echo '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
        echo "-A FORWARD -p tcp -m set --match-set $set src,dst -j DROP"
        echo '-A FORWARD -j ACCEPT'
        echo 'COMMIT'
    } > "$g"
    ip netns exec "$HNS" "$HB_IPTABLES-restore" -w < "$g"
    rec attach_ms "$(us_to_ms "$ATTACH_US" 2)"
    rec infra_ms "$(us_to_ms $(( INFRA_US + $(now_us) - t0 )))"
    rec rules_load_ms "$(us_to_ms $(( $(now_us) - t0 )))"
    local n
    n=$(ip netns exec "$HNS" ipset list "$set" -t | awk -F': ' '/^Number of entries/{print $2}')
    [ "$n" = "$nr" ] || { fail setup "ipset $set holds ${n:-?} entries, expected $nr"; return 1; }
    rec rule_entries "$n"
}

setup_nftables_best() { # CONFIG
    local nr; nr=$(best_rule_count "$1")
    setup_bridge_like 1
    local t0 f=$WD/rules.nft
    t0=$(now_us)
    {
        echo "table inet hb$ID {"
        echo "  map hbrules {"
        echo "    type ipv4_addr . inet_service : verdict"
        if [ "$nr" -gt 0 ]; then
            echo "    elements = {"
            nm_rules "$nr" '      %s . %d : drop,\n'
            echo "    }"
        fi
        echo "  }"
        echo "  chain hbfwd {"
        echo "    type filter hook forward priority 0; policy accept;"
        echo "    ct state established,related counter accept"
        echo "    meta l4proto tcp ip saddr . tcp dport vmap @hbrules"
        echo "    counter accept"
        echo "  }"
        echo "}"
    } > "$f"
    ip netns exec "$HNS" nft -f "$f"
    rec attach_ms "$(us_to_ms "$ATTACH_US" 2)"
    rec infra_ms "$(us_to_ms $(( INFRA_US + $(now_us) - t0 )))"
    rec rules_load_ms "$(us_to_ms $(( $(now_us) - t0 )))"
    local n
    n=$(ip netns exec "$HNS" nft list map inet "hb$ID" hbrules | { grep -o ': drop' || true; } | wc -l)
    [ "$n" = "$nr" ] || { fail setup "nft verdict map holds $n elements, expected $nr"; return 1; }
    rec rule_entries "$n"
}

post_iptables_best() { # CONFIG: both the conntrack accept and the final accept counted
    local est fin
    est=$(ip netns exec "$HNS" "$HB_IPTABLES" -w -L FORWARD -v -x -n | awk '$3=="ACCEPT" && /ESTABLISHED/{print $1; exit}')
    fin=$(ip netns exec "$HNS" "$HB_IPTABLES" -w -L FORWARD -v -x -n | awk '$3=="ACCEPT" && !/ESTABLISHED/{p=$1} END{print p+0}')
    [ "${est:-0}" -gt 0 ] || fail traffic "the ESTABLISHED,RELATED accept matched 0 packets (br_netfilter off?)"
    [ "${fin:-0}" -gt 0 ] || fail traffic "the final ACCEPT (new flows) matched 0 packets"
}

post_nftables_best() { # CONFIG
    local c
    c=$(ip netns exec "$HNS" nft list chain inet "hb$ID" hbfwd | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | tr '\n' ' ')
    set -- $c
    [ "${1:-0}" -gt 0 ] || fail traffic "the ct established,related accept counted 0 packets (br_netfilter off?)"
    [ "${2:-0}" -gt 0 ] || fail traffic "the final accept (new flows) counted 0 packets"
}

hb_scenario 'iptables-best' setup_iptables_best - post_iptables_best base \
    "bridge + br_netfilter, iptables best practice: ESTABLISHED,RELATED accept first, the N rules as one ipset (hash:ip,port), then ACCEPT"
hb_scenario 'iptables-best-rules-*' setup_iptables_best - post_iptables_best rules \
    "iptables-best with N rules in the ipset"
hb_scenario 'nftables-best' setup_nftables_best - post_nftables_best base \
    "bridge + br_netfilter, nftables best practice: ct state established,related accept first, the N rules as one verdict map, then accept"
hb_scenario 'nftables-best-rules-*' setup_nftables_best - post_nftables_best rules \
    "nftables-best with N elements in the verdict map"
hb_base iptables-best nftables-best
hb_policy_system iptables-best
hb_policy_system nftables-best
# --quick (bench/test-quick.sh, in the suite) runs without them: name them to run them
hb_not_quick iptables-best nftables-best
