#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves (issue 17 item 1, IPv6-only): an instance started with --pool none
# (and an IPv6 pool) gives every SNIC only IPv6 (its address, link-local,
# default route; no IPv4 address or route) with a MAC derived from its IPv6
# address; ping -6 and TCP work; the attacker inside one (root, CAP_NET_RAW/
# ADMIN) who sends from 0.0.0.0 or gives itself an IPv4 address gets every
# IPv4 frame and every ARP dropped by the guard with a counted reason and
# reaches nobody; bad input (no family at all, an IPv4 address or family 4
# on this instance, an unknown family, an IPv6 address whose MAC would be
# another SNIC's, another pool at restart) is refused with nothing changed;
# a daemon restart keeps it as it was; a delete leaves nothing. The CNI
# plugin on it returns only an IPv6 address and route; DEL leaves nothing. The per-SNIC
# IPv6-only SNIC of a dual-stack instance (snic add --family 6) is in
# test_ipv6.sh.
. "$(dirname "$0")/lib.sh"
plan 23

INST=v6o-$UNIQ
A=v6oa-$UNIQ B=v6ob-$UNIQ D=v6od-$UNIQ
for n in "$A" "$B" "$D"; do mkns "$n" || finish; done
TMP=$(mktemp -d /tmp/hyp-v6o.XXXXXX)
on_exit "rm -rf $TMP"
"$HYPERIOND" --instance "$INST" --pool none --pool6 none >"$TMP/none" 2>&1
rc=$?
check "--pool none --pool6 none is refused (exit $rc), saying why, leaving no state or bridge" \
	bash -c "[ $rc != 0 ] && grep -q 'no address family' $TMP/none &&
	[ ! -e /var/lib/hyperion/$INST ] && ! ip netns list | grep -q 'hyp-$INST\b'"
start_daemon "$INST" --pool none || finish
hctl snic add a --netns "$A" --label app=a >"$TMP/add-a" || finish
hctl snic add b --netns "$B" --label app=b >/dev/null || finish
IP6A=$(snic_ip6 a) IP6B=$(snic_ip6 b)
MACA=$(hctl -j snic show a | jq -r .mac) MACB=$(hctl -j snic show b | jq -r .mac)
note "a $IP6A ($MACA) b $IP6B ($MACB)"

check "the instance has pool none and a pool6; a has an ip6, link-local and gateway6, no ip or gateway; the add prints its IPv6 address" \
	bash -c "$HYPERCTL --instance $INST -j status | jq -e '.pool == \"none\" and (.pool6 | endswith(\"/64\")) and (has(\"gateway\") | not)' &&
	$HYPERCTL --instance $INST -j snic show a |
	jq -e '(.ip6 | endswith(\"/64\")) and .link_local and .gateway6 and (has(\"ip\") | not) and (has(\"gateway\") | not)' &&
	grep -q 'snic a: $IP6A/64 on eth0' $TMP/add-a"
check "status text: the pool line says 'IPv4: none', no count of IPv4 addresses ('0/0')" \
	bash -c "$HYPERCTL --instance $INST status >$TMP/st && grep -q '^pool  *IPv4: none' $TMP/st && ! grep -q '0/0' $TMP/st"
read -r _ _ m2 m3 m4 m5 <<<"$(python3 -c "import ipaddress,sys; b=ipaddress.ip_address(sys.argv[1]).packed; print(*b[10:16])" "$IP6A")"
check "its MAC is 0a:66 and the last 4 bytes of its IPv6 address" \
	[ "$MACA" = "$(printf '0a:66:%02x:%02x:%02x:%02x' "$m2" "$m3" "$m4" "$m5")" ]
check "in the container: the IPv6 address and a default route via gateway6, no IPv4 address or route" \
	bash -c "ip -n $A -6 addr show dev eth0 | grep -q 'inet6 $IP6A/64' &&
	ip -n $A -6 route show default | grep -q 'via ' &&
	[ -z \"\$(ip -n $A -4 addr show dev eth0)\" ] && [ -z \"\$(ip -n $A -4 route show)\" ]"
check "snic list shows '-' for its IPv4 address, snic check passes" \
	bash -c "$HYPERCTL --instance $INST snic list | awk '\$1 == \"a\" && \$3 == \"-\"' | grep -q . &&
	$HYPERCTL --instance $INST snic check a"

note "== traffic over IPv6"
check "ping -6 a -> b" ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 2 "$IP6B"
mkdir -p "$TMP/www" && echo "v6 only" >"$TMP/www/index.html"
ip netns exec "$B" busybox httpd -f -p "[::]:8080" -h "$TMP/www" &
_CLEAN_PIDS+=($!)
sleep 0.3
check "TCP a -> b over IPv6" \
	bash -c "timeout 5 ip netns exec $A busybox wget -q -O - 'http://[$IP6B]:8080/' | grep -q 'v6 only'"

note "== IPv4 and ARP from the IPv6-only container (root in it)"
# the guard (on by default) drops them first: its counters, not the port's
gdrops() { hctl -j status | jq -r ".guards.a.drops[\"$1\"] // 0"; }
ip netns exec "$B" tcpdump -i eth0 -nn -U --immediate-mode -w "$TMP/b.pcap" 'ip or arp' 2>"$TMP/b.err" &
CAP=$!
_CLEAN_PIDS+=("$CAP")
for _ in $(seq 50); do grep -qs "listening on" "$TMP/b.err" && break; sleep 0.1; done
S0=$(gdrops spoofed-src-ip) R0=$(gdrops arp-spoof)
# no IPv4 address yet: DHCP discovers and ARP probes from 0.0.0.0
ip netns exec "$A" busybox udhcpc -i eth0 -n -q -t 2 -T 1 -s /bin/true >/dev/null 2>&1
ip netns exec "$A" busybox arping -D -c 2 -w 2 -I eth0 10.9.0.3 >/dev/null 2>&1
S1=$(gdrops spoofed-src-ip) R1=$(gdrops arp-spoof)
# then it gives itself an IPv4 address, and b one (b's MAC by hand)
ip -n "$A" addr add 10.9.0.2/24 dev eth0
ip -n "$B" addr add 10.9.0.3/24 dev eth0
ip -n "$A" neigh replace 10.9.0.3 lladdr "$MACB" dev eth0
ip netns exec "$A" ping -c 3 -i 0.2 -W 1 10.9.0.3 >/dev/null 2>&1
ip -n "$A" neigh flush dev eth0
ip netns exec "$A" busybox arping -c 2 -w 2 -I eth0 10.9.0.3 >/dev/null 2>&1
S2=$(gdrops spoofed-src-ip) R2=$(gdrops arp-spoof)
sleep 0.3
kill -INT "$CAP"
wait "$CAP"
note "a's guard: spoofed-src-ip $S0 -> $S1 -> $S2, arp-spoof $R0 -> $R1 -> $R2"
check "from 0.0.0.0: the DHCP discovers dropped as spoofed-src-ip, the ARP probes as arp-spoof (the guard)" \
	[ $((S1 - S0)) -ge 2 -a $((R1 - R0)) -ge 2 ]
check "from a forged IPv4 address: the pings dropped as spoofed-src-ip, the ARP requests as arp-spoof" \
	[ $((S2 - S1)) -ge 3 -a $((R2 - R1)) -ge 2 ]
check "b (IPv4 address added by hand too) saw none of it: no IPv4, no ARP (capture in b)" \
	bash -c "[ \"\$($(declare -f cap_count); cap_count $TMP/b.pcap 'ip or arp')\" = 0 ]"

note "== bad input, nothing changed"
before=$(hctl -j status | jq -c '[.snics, .addresses_used, .addresses6_used]')
hctl snic add d --netns "$D" --ip 10.9.0.7/24 >"$TMP/v4" 2>&1
check "an IPv4 address is refused: the instance has no IPv4 pool" grep -q "has no IPv4 pool" "$TMP/v4"
check_fails "family 4 is refused" hctl snic add d --netns "$D" --family 4
check_fails "an unknown family is refused" hctl snic add d --netns "$D" --family 5
# the same last 4 bytes as a, another address: the MAC would be a's
OTHER=$(python3 -c "import ipaddress,sys; a=bytearray(ipaddress.ip_address(sys.argv[1]).packed); a[8]^=0x40; print(ipaddress.ip_address(bytes(a)))" "$IP6A")
hctl snic add d --netns "$D" --family 6 --ip "$OTHER/64" >"$TMP/dup" 2>&1
check "an IPv6 address whose MAC would be a's is refused, naming a" grep -q "is used by a" "$TMP/dup"
check "nothing changed: no SNIC d, no address taken, no interface in d" \
	bash -c "[ '$before' = \"\$($HYPERCTL --instance $INST -j status | jq -c '[.snics, .addresses_used, .addresses6_used]')\" ] &&
	! $HYPERCTL --instance $INST snic show d 2>/dev/null && [ -z \"\$(ip -n $D -o link show | grep -v ' lo:')\" ]"

note "== CNI: the plugin on this instance"
X=v6ox-$UNIQ
mkns "$X" || finish
CONF="{\"cniVersion\":\"1.0.0\",\"name\":\"v6net-$UNIQ\",\"type\":\"hyperion\",\"instance\":\"$INST\"}"
plugin() { # COMMAND [STDIN]: the CNI plugin for container v6o-$UNIQ, eth0 in X
	printf '%s' "${2:-$CONF}" | env -i PATH="$PATH" CNI_COMMAND="$1" CNI_CONTAINERID="v6o-$UNIQ" \
		CNI_IFNAME=eth0 CNI_NETNS="/run/netns/$X" CNI_PATH=/usr/lib/cni "$BUILD/hyperion"
}
plugin ADD >"$TMP/cni-add" 2>&1
check "CNI ADD: one ips entry, IPv6, with gateway6, and only an IPv6 default route; the interface has it" \
	bash -c "jq -e '(.ips | length) == 1 and (.ips[0].address | contains(\":\")) and
	(.ips[0].gateway | contains(\":\")) and ([.routes[].dst] == [\"::/0\"])' $TMP/cni-add &&
	ip -n $X -6 addr show dev eth0 | grep -q \"\$(jq -r '.ips[0].address' $TMP/cni-add)\" &&
	[ -z \"\$(ip -n $X -4 addr show dev eth0)\" ]"
PREV=$(jq -c --argjson c "$CONF" '$c + {prevResult: .}' "$TMP/cni-add")
n6=$(hctl -j status | jq .addresses6_used)
check "CNI CHECK passes, then DEL leaves nothing (no SNIC, no interface, the IPv6 address back)" \
	bash -c "$(declare -f plugin); CONF='$CONF' BUILD=$BUILD X=$X UNIQ=$UNIQ; plugin CHECK '$PREV' &&
	plugin DEL && [ \$($HYPERCTL --instance $INST -j snic list | jq 'map(select(.owner)) | length') = 0 ] &&
	[ \$(($n6 - 1)) = \$($HYPERCTL --instance $INST -j status | jq .addresses6_used) ] &&
	[ -z \"\$(ip -n $X -o link show | grep -v ' lo:')\" ]"

note "== restart"
USED=$(hctl -j status | jq -c '[.addresses_used, .addresses6_used]')
stop_daemon "$DAEMON_PID"
"$HYPERIOND" --instance "$INST" --pool 10.9.0.0/24 >"$TMP/other" 2>&1
check "a restart with an IPv4 pool is refused: the instance is IPv6-only (pool none)" \
	grep -q "uses pool none; teardown to change it" "$TMP/other"
start_daemon "$INST" || finish
check "after a restart: still pool none, a still IPv6-only with the same MAC, checked, the pools' use unchanged" \
	bash -c "$HYPERCTL --instance $INST -j status | jq -e '.pool == \"none\"' && $HYPERCTL --instance $INST -j snic show a | jq -e --arg m '$MACA' '.mac == \$m and (has(\"ip\") | not)' &&
	$HYPERCTL --instance $INST snic check a &&
	[ '$USED' = \"\$($HYPERCTL --instance $INST -j status | jq -c '[.addresses_used, .addresses6_used]')\" ]"
check "ping -6 a -> b after the restart" ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 2 "$IP6B"
check "an IPv6-only d whose address is free is added after the restart" \
	hctl snic add d --netns "$D" --family 6
check "snic del a: gone, its IPv6 address back in the pool" \
	bash -c "u=\$($HYPERCTL --instance $INST -j status | jq .addresses6_used) &&
	$HYPERCTL --instance $INST snic del a && v=\$($HYPERCTL --instance $INST -j status | jq .addresses6_used) &&
	[ \$((v + 1)) = \$u ] &&
	[ -z \"\$(ip -n $A -o link show | grep -v ' lo:')\" ]"
finish
