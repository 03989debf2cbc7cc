#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves (issue 17 item 4): routed IPv6 through the uplink. The uplink gets
# an IPv6 address and gateway next to its IPv4 ones (bad IPv6 input refused,
# nothing changed); the outside routes the pool6 to it. A SNIC's ping -6 and
# TCP reach an outside host with the SNIC's own address (no translation)
# and the replies come back; the outside opens flows only to a routed-mode
# SNIC (to another SNIC, or to the uplink's address: dropped by reason).
# The outside host's attacks are dropped and counted next to their allowed
# twins: an NA claiming the uplink's address or a pool address, an
# unsolicited NA, an NS for a pool address, a router advertisement (the
# bridge netns's routes stay as they were), a frame with a pool source (its
# twin from the outside's own address arrives), an ICMPv6 error about no
# flow. An egress policy without the world stops a SNIC's IPv6 to the
# outside, and policy trace of the outside IPv6 address says so (world);
# an egress ipBlock with the outside's IPv6 prefix (one host excepted)
# lets the SNIC reach a host in it, not the excepted one (counted).
# A packet bigger than the uplink's MTU is answered with a packet too big,
# and the SNIC's path MTU drops to the uplink's. A restart adopts the IPv6
# side; uplink clear takes it away.
. "$(dirname "$0")/lib.sh"
plan 37

INST=u6-$UNIQ OUT=u6o-$UNIQ A=u6a-$UNIQ R=u6r-$UNIQ UP=hw$UNIQ
N=$((RANDOM % 200 + 20))
NET=100.64.$N NET6=2001:db8:$N
O6=$NET6::1 U6=$NET6::2
FRAME6="ip netns exec $OUT /usr/bin/python3 $ROOT/tests/ns/frame6.py eth0"
for n in "$OUT" "$A" "$R"; do mkns "$n" || finish; done
ip link add "$UP" type veth peer name eth0 netns "$OUT"
on_exit "ip link del $UP"
ip link set "$UP" mtu 1400
ip -n "$OUT" link set eth0 up
ip -n "$OUT" addr add "$O6/64" dev eth0 nodad
ip -n "$OUT" addr add "$NET.1/24" dev eth0
start_daemon "$INST" || finish
# added before the uplink: they keep their MTU 1500 (the uplink's is 1400)
hctl snic add a --netns "$A" >/dev/null || finish
hctl snic add r --netns "$R" --routed >/dev/null || finish
udrops() { hctl -j status | jq -r ".uplink.counters.drops[\"$1\"] // 0"; }
grew() { # REASON BEFORE [PORT]: the uplink's (or PORT's) drop count for it went up
	for _ in $(seq 30); do
		if [ -n "${3:-}" ]; then (($(drops "$3" "$1") > $2)) && return 0
		else (($(udrops "$1") > $2)) && return 0; fi
		sleep 0.1
	done
	return 1
}
no_uplink() { [ "$(hctl -j uplink show | jq -r '.ifname // "none"')" = none ]; }

# --- refusals: each changes nothing ---
check_fails "an IPv6 address inside the pool6 is refused" \
	hctl uplink set "$UP" --addr "$NET.2/24" --addr6 "$(hctl -j status | jq -r .gateway6 | sed 's/::1$/::99/')/64"
check_fails "a multicast IPv6 address is refused" hctl uplink set "$UP" --addr "$NET.2/24" --addr6 ff02::5/64
check_fails "an IPv6 gateway off the subnet is refused" \
	hctl uplink set "$UP" --addr "$NET.2/24" --addr6 "$U6/64" --gateway6 2001:db8:ffff::1
check "after the refusals: no uplink" no_uplink

check "uplink set with --addr6 and --gateway6" \
	hctl uplink set "$UP" --addr "$NET.2/24" --gateway "$NET.1" --addr6 "$U6/64" --gateway6 "$O6"
check "uplink show -j: address6, gateway6, the uplink's link-local" \
	bash -c "$HYPERCTL --instance $INST -j uplink show | jq -e '.address6 == \"$U6/64\" and .gateway6 == \"$O6\" and (.link_local | startswith(\"fe80::\"))' >/dev/null"
UMAC=$(hctl -j uplink show | jq -r .mac)
P6=$(hctl -j status | jq -r .pool6)
ip -n "$OUT" -6 route add "$P6" via "$U6"
IA=$(snic_ip6 a) IR=$(snic_ip6 r)
dad_done "$A" "$IA"
dad_done "$R" "$IR"
note "pool6 $P6 a $IA r $IR uplink $U6 outside $O6"

# --- out and back, routed: the SNIC's own address ---
check "ping -6 from a SNIC to the outside host, the replies back" \
	ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 3 "$O6"
check "the outside sees the SNIC's own address (routed, no translation)" \
	bash -c "$(declare -f cap_in cap_count); _CLEAN_PIDS=(); cap_in $OUT /tmp/u6-$UNIQ.pcap 'icmp6' \
		ip netns exec $A ping -6 -c 1 -W 3 $O6 >/dev/null &&
		(( \$(cap_count /tmp/u6-$UNIQ.pcap 'src host $IA') >= 1 ))"
on_exit "rm -f /tmp/u6-$UNIQ.pcap /tmp/u6-$UNIQ.pcap.err"
mkdir -p "/tmp/u6w-$UNIQ" && echo "outside6" >"/tmp/u6w-$UNIQ/index.html"
on_exit "rm -rf /tmp/u6w-$UNIQ"
ip netns exec "$OUT" busybox httpd -f -p "[$O6]:8080" -h "/tmp/u6w-$UNIQ" &
_CLEAN_PIDS+=($!)
for _ in $(seq 50); do ip netns exec "$OUT" ss -ltn | grep -q ":8080 " && break; sleep 0.1; done
check "TCP over IPv6 from a SNIC to the outside: the page comes back" \
	bash -c "ip netns exec $A timeout 5 busybox wget -q -O - http://[$O6]:8080/ | grep -q outside6"

# --- from the outside ---
check "the outside reaches a routed-mode SNIC by its IPv6 address" \
	ip netns exec "$OUT" ping -6 -c 2 -i 0.2 -W 3 "$IR"
D=$(udrops uplink-not-ours)
check_fails "the outside cannot open a flow to a SNIC not in routed mode" \
	ip netns exec "$OUT" ping -6 -c 1 -W 1 "$IA"
check "... dropped (uplink-not-ours)" grew uplink-not-ours "$D"
D=$(udrops uplink-to-bridge)
check_fails "the outside cannot ping the uplink's IPv6 address" \
	ip netns exec "$OUT" ping -6 -c 1 -W 1 "$U6"
check "... dropped (uplink-to-bridge)" grew uplink-to-bridge "$D"

# --- the outside's attacks, each next to its twin ---
D=$(udrops uplink-spoofed-src)
$FRAME6 "$UMAC" na "$O6" ff02::1 "$U6" 3
check "an NA claiming the uplink's IPv6 address is dropped (uplink-spoofed-src)" \
	grew uplink-spoofed-src "$D"
D=$(udrops uplink-spoofed-src)
$FRAME6 "$UMAC" na "$O6" "$U6" "$IR" 3
check "an NA (even to the uplink) claiming a pool address is dropped (uplink-spoofed-src)" \
	grew uplink-spoofed-src "$D"
D=$(udrops uplink-nd-other)
$FRAME6 "$UMAC" na "$O6" ff02::1 "$NET6::77" 3
$FRAME6 "$UMAC" ns "$O6" "$U6" "$IR" 3
check "an unsolicited NA to all nodes and an NS for a pool address are dropped (uplink-nd-other)" \
	grew uplink-nd-other "$((D + 5))"
ip -n "$OUT" -6 neigh flush dev eth0
check "twin: the outside's NS for the uplink's address is answered (its MAC learnt)" \
	bash -c "ip netns exec $OUT ping -6 -c 1 -W 3 $IR >/dev/null && ip -n $OUT -6 neigh show $U6 | grep -q $UMAC"
ROUTES=$(ip -n "hyp-$INST" -6 route show | sort)
D=$(udrops uplink-ra)
$FRAME6 "$UMAC" ra "fe80::bad" ff02::1 "" 3
check "a router advertisement from the outside is dropped (uplink-ra)" grew uplink-ra "$D"
check "the bridge netns's IPv6 routes are as they were (no RA taken)" \
	bash -c "[ \"\$(ip -n hyp-$INST -6 route show | sort)\" = \"$ROUTES\" ]"
D=$(udrops uplink-spoofed-src)
check "a frame with a pool source is dropped (uplink-spoofed-src); its twin from the outside's address arrives" \
	bash -c "$(declare -f cap_in cap_count); _CLEAN_PIDS=(); cap_in $R /tmp/u6-$UNIQ.pcap 'udp port 9' \
		bash -c '$FRAME6 $UMAC udp $IA $IR \"\" 2; $FRAME6 $UMAC udp $O6 $IR \"\" 2' &&
		(( \$(cap_count /tmp/u6-$UNIQ.pcap 'src host $O6') == 2 )) &&
		(( \$(cap_count /tmp/u6-$UNIQ.pcap 'src host $IA') == 0 )) &&
		(( \$($HYPERCTL --instance $INST -j status | jq -r '.uplink.counters.drops[\"uplink-spoofed-src\"]') >= $D + 2 ))"
D=$(udrops icmp-unrelated)
$FRAME6 "$UMAC" ptb "$O6" "$IR" "$NET6::99" 2
check "an ICMPv6 error about no flow of the SNIC's is dropped (icmp-unrelated)" \
	grew icmp-unrelated "$D"

# --- policy: the outside is the world ---
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-egress}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {}}]}]
EOF2
check_fails "an egress policy without the world stops ping -6 to the outside" \
	ip netns exec "$A" ping -6 -c 1 -W 1 "$O6"
check_fails "... and TCP over IPv6 to the outside" \
	bash -c "ip netns exec $A timeout 3 busybox wget -q -O - http://[$O6]:8080/ | grep -q outside6"
check "policy trace agrees: the outside IPv6 address is the world (identity 2), denied" \
	bash -c "$HYPERCTL --instance $INST -j policy trace a $O6 tcp 8080 | \
		jq -e '.dst.identity == 2 and .dst.snic == \"world\" and .verdict == \"denied\"' >/dev/null"
hctl policy delete --yes a-egress >/dev/null
check "twin: without it, ping -6 to the outside works again" \
	ip netns exec "$A" ping -6 -c 1 -W 3 "$O6"
check "... and trace says allowed" \
	bash -c "$HYPERCTL --instance $INST -j policy trace a $O6 tcp 8080 | jq -e '.verdict == \"allowed\"' >/dev/null"

# --- an ipBlock with an outside IPv6 prefix selects the world in it ---
X6=$NET6::3
ip -n "$OUT" addr add "$X6/64" dev eth0 nodad
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-out6}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: "$NET6::/64", except: ["$X6/128"]}}]}]
EOF2
check "an egress ipBlock with the outside's IPv6 prefix: ping -6 to a host in it works" \
	ip netns exec "$A" ping -6 -c 1 -W 3 "$O6"
D=$(drops a policy-egress-denied)
check_fails "... to the outside host it excepts: refused" ip netns exec "$A" ping -6 -c 1 -W 1 "$X6"
check "... dropped (policy-egress-denied)" grew policy-egress-denied "$D" a
check "policy trace agrees: the block's host allowed, the excepted one denied" \
	bash -c "$HYPERCTL --instance $INST -j policy trace a $O6 tcp 8080 | jq -e '.verdict == \"allowed\"' >/dev/null &&
		$HYPERCTL --instance $INST -j policy trace a $X6 tcp 8080 | jq -e '.verdict == \"denied\"' >/dev/null"
hctl policy delete --yes a-out6 >/dev/null

# --- too big: the gateway's packet too big, the path MTU lowered ---
D=$(drops a uplink-too-big)
ip netns exec "$A" ping -6 -c 1 -W 2 -s 1440 -M do "$O6" >/dev/null 2>&1
check "a 1488-byte packet for the 1400-byte uplink is dropped (uplink-too-big)" \
	grew uplink-too-big "$D" a
check "... and answered: the SNIC's path MTU to the outside is now 1400" \
	bash -c "ip -n $A -6 route get $O6 | grep -q 'mtu 1400'"
check "pings that fit still pass" ip netns exec "$A" ping -6 -c 1 -W 3 -s 1300 "$O6"

# --- a restart adopts the IPv6 side too (store meta uplink6) ---
stop_daemon "$DAEMON_PID"
start_daemon "$INST" || finish
check "after a restart: uplink show still has address6 and gateway6, and ping -6 out works" \
	bash -c "$HYPERCTL --instance $INST -j uplink show | jq -e '.address6 == \"$U6/64\" and .gateway6 == \"$O6\"' >/dev/null &&
		ip netns exec $A ping -6 -c 1 -W 3 $O6 >/dev/null"
check "uplink clear" hctl uplink clear
check "after the clear: the IPv6 table is empty (no IPv6 leaves: ip6-outside)" \
	bash -c "! ip netns exec $A ping -6 -c 1 -W 1 $O6 >/dev/null 2>&1 &&
		(( \$($HYPERCTL --instance $INST -j status | jq -r '.ports.a.drops[\"ip6-outside\"] // 0') > 0 ))"
finish
