#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves (issue 17, IPv6-only north-south): an IPv6-only instance (--pool
# none) takes an uplink that carries IPv6 only, given at start
# (--uplink IF --uplink-addr6 --uplink-gateway6, no --uplink-addr) or by
# uplink set IF --addr6: a SNIC's ping -6 and TCP reach an outside host
# with its own address, the outside reaches a routed-mode SNIC (ping -6 and
# TCP), and the host netns never sees a container's frame. IPv4 the outside
# sends at the uplink (to a would-be address behind it) and its ARP are
# dropped by the uplink with a counted reason and reach no container. Bad
# combinations (an IPv4 address or gateway on it, no IPv6 address, --cluster
# with --pool none) are refused with nothing changed. A restart adopts the
# uplink; uplink clear gives it back.
. "$(dirname "$0")/lib.sh"
plan 20

INST=u6o-$UNIQ OUT=u6oo-$UNIQ A=u6oa-$UNIQ R=u6or-$UNIQ UP=hq$UNIQ
N=$((RANDOM % 200 + 20))
NET=100.64.$N NET6=2001:db8:$N
O6=$NET6::1 U6=$NET6::2
TMP=$(mktemp -d /tmp/hyp-u6o.XXXXXX)
on_exit "rm -rf $TMP"
for n in "$OUT" "$A" "$R"; do mkns "$n" || finish; done
ip link add "$UP" type veth peer name eth0 netns "$OUT"
on_exit "ip link del $UP 2>/dev/null; ip -n $OUT link del eth0 2>/dev/null"
ip -n "$OUT" link set eth0 up
ip -n "$OUT" addr add "$O6/64" dev eth0 nodad
ip -n "$OUT" addr add "$NET.1/24" dev eth0
udrops() { hctl -j status | jq -r ".uplink.counters.drops[\"$1\"] // 0"; }
grew() { # REASON BEFORE: the uplink's drop count for it went up
	for _ in $(seq 30); do
		(($(udrops "$1") > $2)) && return 0
		sleep 0.1
	done
	return 1
}
no_uplink() { [ "$(hctl -j uplink show | jq -r '.ifname // "none"')" = none ]; }
host_has() { ip link show "$UP" >/dev/null 2>&1; }

# --- refused at start: nothing made, the interface stays in the host netns ---
"$HYPERIOND" --instance "$INST" --pool none --uplink "$UP" --uplink-addr "$NET.2/24" \
	--uplink-addr6 "$U6/64" >"$TMP/r1" 2>&1
rc1=$?
"$HYPERIOND" --instance "$INST" --pool none --cluster http://127.0.0.1:1 --node n1 >"$TMP/r2" 2>&1
rc2=$?
check "--pool none with --uplink-addr, or with --cluster: refused, saying why, no state" \
	bash -c "[ $rc1 != 0 ] && grep -q 'uplink carries IPv6 only' $TMP/r1 &&
		[ $rc2 != 0 ] && grep -q 'no --cluster' $TMP/r2 &&
		[ ! -e /var/lib/hyperion/$INST ] && ! ip netns list | grep -q 'hyp-$INST\b' &&
		ip link show $UP >/dev/null"

# --- at start: --uplink with --uplink-addr6 only ---
start_daemon "$INST" --pool none --uplink "$UP" --uplink-addr6 "$U6/64" --uplink-gateway6 "$O6" ||
	finish
check "the uplink is taken: uplink show -j has address6 and gateway6, no IPv4 address" \
	bash -c "$HYPERCTL --instance $INST -j uplink show |
		jq -e '.address6 == \"$U6/64\" and .gateway6 == \"$O6\" and (has(\"address\") | not)' >/dev/null &&
		! ip link show $UP >/dev/null 2>&1"
hctl snic add a --netns "$A" >/dev/null || finish
hctl snic add r --netns "$R" --routed >/dev/null || finish
IA=$(snic_ip6 a) IR=$(snic_ip6 r)
P6=$(hctl -j status | jq -r .pool6)
UMAC=$(hctl -j uplink show | jq -r .mac)
ip -n "$OUT" -6 route add "$P6" via "$U6"
note "pool6 $P6 a $IA r $IR uplink $U6 ($UMAC) outside $O6"

# --- out and back ---
mkdir -p "$TMP/www" && echo "outside6" >"$TMP/www/index.html"
ip netns exec "$OUT" busybox httpd -f -p "[$O6]:8080" -h "$TMP/www" &
_CLEAN_PIDS+=($!)
for _ in $(seq 50); do ip netns exec "$OUT" ss -ltn | grep -q ":8080 " && break; sleep 0.1; done
check "ping -6 from a SNIC to the outside host, the replies back" \
	ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 3 "$O6"
check "TCP over IPv6 from a SNIC to the outside: the page comes back" \
	bash -c "ip netns exec $A timeout 5 busybox wget -q -O - http://[$O6]:8080/ | grep -q outside6"
check "the outside sees the SNIC's own address; the host netns sees none of its frames" \
	bash -c "$(declare -f cap_in cap_count); _CLEAN_PIDS=(); cap_in $OUT $TMP/o.pcap 'icmp6' \
		ip netns exec $A ping -6 -c 1 -W 3 $O6 >/dev/null &&
		(( \$(cap_count $TMP/o.pcap 'src host $IA') >= 1 ))"
timeout 8 tcpdump -i any -nn -U -c 1 -w "$TMP/host.pcap" "host $IA or host $IR" >"$TMP/host.err" 2>&1 &
HCAP=$!
for _ in $(seq 50); do grep -qs "listening on" "$TMP/host.err" && break; sleep 0.1; done
# --- from the outside: a routed-mode SNIC ---
mkdir -p "$TMP/rw" && echo "routed6" >"$TMP/rw/index.html"
ip netns exec "$R" busybox httpd -f -p "[::]:8081" -h "$TMP/rw" &
_CLEAN_PIDS+=($!)
for _ in $(seq 50); do ip netns exec "$R" ss -ltn | grep -q ":8081 " && break; sleep 0.1; done
check "the outside reaches a routed-mode SNIC over IPv6 (ping -6)" \
	ip netns exec "$OUT" ping -6 -c 2 -i 0.2 -W 3 "$IR"
check "... and its TCP port" \
	bash -c "ip netns exec $OUT timeout 5 busybox wget -q -O - http://[$IR]:8081/ | grep -q routed6"
ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 3 "$O6" >/dev/null
wait "$HCAP"
check "the host netns capture (any interface) saw no frame of a or r meanwhile" \
	bash -c "$(declare -f cap_count); (( \$(cap_count $TMP/host.pcap ip6) == 0 ))"
D=$(udrops uplink-not-ours)
check_fails "the outside cannot open a flow to a SNIC not in routed mode" \
	ip netns exec "$OUT" ping -6 -c 1 -W 1 "$IA"
check "... dropped (uplink-not-ours)" grew uplink-not-ours "$D"

# --- IPv4 at the uplink: dropped, counted, no container sees it ---
ip -n "$OUT" route add 10.250.0.0/24 dev eth0
ip -n "$OUT" neigh replace 10.250.0.9 lladdr "$UMAC" dev eth0 nud permanent
D=$(udrops uplink-not-ours) DA=$(udrops uplink-arp-other)
check "IPv4 sent at the uplink towards the pool is dropped (uplink-not-ours), no SNIC sees IPv4" \
	bash -c "$(declare -f cap_in cap_count); _CLEAN_PIDS=(); cap_in $R $TMP/r.pcap 'ip or arp' \
		bash -c 'ip netns exec $OUT ping -c 3 -i 0.2 -W 1 10.250.0.9 >/dev/null; true' &&
		(( \$(cap_count $TMP/r.pcap 'ip or arp') == 0 )) &&
		(( \$($HYPERCTL --instance $INST -j status | jq -r '.uplink.counters.drops[\"uplink-not-ours\"]') >= $D + 3 ))"
ip netns exec "$OUT" busybox arping -c 2 -w 2 -I eth0 "$NET.2" >/dev/null 2>&1
check "ARP at the uplink (it has no IPv4 address) is dropped (uplink-arp-other)" grew uplink-arp-other "$DA"

# --- uplink set / clear through the API; bad combinations change nothing ---
check "uplink clear gives it back to the host netns" \
	bash -c "$HYPERCTL --instance $INST uplink clear && ip link show $UP >/dev/null"
check_fails "uplink set with an IPv4 --addr on the IPv6-only instance is refused" \
	hctl uplink set "$UP" --addr "$NET.2/24" --addr6 "$U6/64"
check_fails "uplink set without --addr6 is refused" hctl uplink set "$UP"
check_fails "uplink set with an IPv4 --gateway is refused" \
	hctl uplink set "$UP" --addr6 "$U6/64" --gateway "$NET.1"
refused_nothing() { no_uplink && host_has; }
check "after the refusals: no uplink, the interface still in the host netns" refused_nothing
check "uplink set IF --addr6 --gateway6: ping -6 out works again" \
	bash -c "$HYPERCTL --instance $INST uplink set $UP --addr6 $U6/64 --gateway6 $O6 >/dev/null &&
		ip netns exec $A ping -6 -c 2 -i 0.2 -W 3 $O6 >/dev/null"

# --- a restart adopts it ---
stop_daemon "$DAEMON_PID"
start_daemon "$INST" || finish
check "after a restart: the same uplink (address6, no IPv4), ping -6 out and in work" \
	bash -c "$HYPERCTL --instance $INST -j uplink show |
		jq -e '.address6 == \"$U6/64\" and (has(\"address\") | not)' >/dev/null &&
		ip netns exec $A ping -6 -c 1 -W 3 $O6 >/dev/null &&
		ip netns exec $OUT ping -6 -c 1 -W 3 $IR >/dev/null"
check "uplink clear: given back" \
	bash -c "$HYPERCTL --instance $INST uplink clear && ip link show $UP >/dev/null"
finish
