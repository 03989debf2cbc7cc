#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves (issue 17 item 1, IPv6-only): `snic add --family 6` on a dual-stack
# instance gives a SNIC only IPv6 (its address, link-local, default route;
# no IPv4 address or route) with a MAC derived from its IPv6 address; ping -6
# and TCP work to and from it; the attacker inside it (root, CAP_NET_RAW/ADMIN)
# who gives itself an IPv4 address, or sends from 0.0.0.0, gets every IPv4
# frame and every ARP dropped with a counted reason and reaches nobody; nothing
# reaches it over IPv4 (a neighbour aiming IPv4 at its MAC); bad input (an
# IPv4 address for an IPv6-only SNIC, an unknown family, an IPv6 address
# whose MAC would be another SNIC's) is refused with nothing changed; a
# daemon restart keeps it as it was; a delete leaves nothing.
. "$(dirname "$0")/lib.sh"
plan 19

INST=v6o-$UNIQ
A=v6oa-$UNIQ B=v6ob-$UNIQ C=v6oc-$UNIQ D=v6od-$UNIQ
for n in "$A" "$B" "$C" "$D"; do mkns "$n" || finish; done
start_daemon "$INST" || finish
TMP=$(mktemp -d /tmp/hyp-v6o.XXXXXX)
on_exit "rm -rf $TMP"
hctl snic add a --netns "$A" --family 6 --label app=a >"$TMP/add-a" || finish
hctl snic add b --netns "$B" --family 6 --label app=b >/dev/null || finish
hctl snic add c --netns "$C" --label app=c >/dev/null || finish
IP6A=$(snic_ip6 a) IP6B=$(snic_ip6 b) IP6C=$(snic_ip6 c) IP4C=$(snic_ip c)
MACA=$(hctl -j snic show a | jq -r .mac) MACC=$(hctl -j snic show c | jq -r .mac)
note "a $IP6A ($MACA) b $IP6B c $IP4C $IP6C"

check "a is IPv6-only: an ip6, link-local and gateway6, no ip or gateway; the add prints its IPv6 address" \
	bash -c "$HYPERCTL --instance $INST -j snic show a |
	jq -e '(.ip6 | endswith(\"/64\")) and .link_local and .gateway6 and (has(\"ip\") | not) and (has(\"gateway\") | not)' &&
	grep -q 'snic a: $IP6A/64 on eth0' $TMP/add-a"
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
check "ping -6 a -> b (both IPv6-only)" ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 2 "$IP6B"
check "ping -6 c (dual stack) -> a" ip netns exec "$C" ping -6 -c 2 -i 0.2 -W 2 "$IP6A"
mkdir -p "$TMP/www" && echo "v6 only" >"$TMP/www/index.html"
ip netns exec "$B" busybox httpd -f -p "[::]:8080" -h "$TMP/www" &
_CLEAN_PIDS+=($!)
sleep 0.3
check "TCP a -> b over IPv6" \
	bash -c "timeout 5 ip netns exec $A busybox wget -q -O - 'http://[$IP6B]:8080/' | grep -q 'v6 only'"

note "== IPv4 and ARP from the IPv6-only container (root in it)"
# the guard (on by default) drops them first: its counters, not the port's
gdrops() { hctl -j status | jq -r ".guards.a.drops[\"$1\"] // 0"; }
rm -f "$TMP/c.pcap"
ip netns exec "$C" tcpdump -i eth0 -nn -U --immediate-mode -w "$TMP/c.pcap" 'ip or arp' 2>"$TMP/c.err" &
CAP=$!
_CLEAN_PIDS+=("$CAP")
for _ in $(seq 50); do grep -qs "listening on" "$TMP/c.err" && break; sleep 0.1; done
S0=$(gdrops spoofed-src-ip) R0=$(gdrops arp-spoof)
# no IPv4 address yet: DHCP discovers and ARP probes from 0.0.0.0
ip netns exec "$A" busybox udhcpc -i eth0 -n -q -t 2 -T 1 -s /bin/true >/dev/null 2>&1
ip netns exec "$A" busybox arping -D -c 2 -w 2 -I eth0 "$IP4C" >/dev/null 2>&1
S1=$(gdrops spoofed-src-ip) R1=$(gdrops arp-spoof)
# then it gives itself an IPv4 address in c's subnet, c's MAC by hand
ip -n "$A" addr add "${IP4C%.*}.250/$(hctl -j snic show c | jq -r .ip | cut -d/ -f2)" dev eth0
ip -n "$A" neigh replace "$IP4C" lladdr "$MACC" dev eth0
ip netns exec "$A" ping -c 3 -i 0.2 -W 1 "$IP4C" >/dev/null 2>&1
ip -n "$A" neigh flush dev eth0
ip netns exec "$A" busybox arping -c 2 -w 2 -I eth0 "$IP4C" >/dev/null 2>&1
S2=$(gdrops spoofed-src-ip) R2=$(gdrops arp-spoof)
sleep 0.3
kill -INT "$CAP"
wait "$CAP"
note "a's guard: spoofed-src-ip $S0 -> $S1 -> $S2, arp-spoof $R0 -> $R1 -> $R2"
check "from 0.0.0.0: the DHCP discovers dropped as spoofed-src-ip, the ARP probes as arp-spoof (the guard)" \
	[ $((S1 - S0)) -ge 2 -a $((R1 - R0)) -ge 2 ]
check "from a forged IPv4 address: the pings dropped as spoofed-src-ip, the ARP requests as arp-spoof" \
	[ $((S2 - S1)) -ge 3 -a $((R2 - R1)) -ge 2 ]
check "c saw none of it: no IPv4, no ARP (capture in c)" \
	bash -c "[ \"\$($(declare -f cap_count); cap_count $TMP/c.pcap 'ip or arp')\" = 0 ]"

note "== nothing reaches it over IPv4"
ip -n "$C" neigh replace "${IP4C%.*}.250" lladdr "$MACA" dev eth0
cap_in "$A" "$TMP/a.pcap" "" ip netns exec "$C" ping -c 3 -i 0.2 -W 1 "${IP4C%.*}.250" >/dev/null 2>&1 ||
	note "capture in a: $CAP_WHY"
check "c's IPv4 ping aimed at a's MAC never arrives in a" \
	bash -c "[ \"\$($(declare -f cap_count); cap_count $TMP/a.pcap 'ip or arp')\" = 0 ]"

note "== bad input, nothing changed"
before=$(hctl -j status | jq -c '[.snics, .addresses_used, .addresses6_used]')
check_fails "an IPv4 address for an IPv6-only SNIC is refused" \
	hctl snic add d --netns "$D" --family 6 --ip "${IP4C%.*}.77/24"
check_fails "an unknown family is refused" hctl snic add d --netns "$D" --family 5
# the same last 4 bytes as a, another address: the MAC would be a's
OTHER=$(python3 -c "import ipaddress,sys; a=bytearray(ipaddress.ip_address(sys.argv[1]).packed); a[8]^=0x40; print(ipaddress.ip_address(bytes(a)))" "$IP6A")
hctl snic add d --netns "$D" --family 6 --ip "$OTHER/64" >"$TMP/dup" 2>&1
check "an IPv6 address whose MAC would be a's is refused, naming a" grep -q "is used by a" "$TMP/dup"
check "nothing changed: no SNIC d, no address taken, no interface in d" \
	bash -c "[ '$before' = \"\$($HYPERCTL --instance $INST -j status | jq -c '[.snics, .addresses_used, .addresses6_used]')\" ] &&
	! $HYPERCTL --instance $INST snic show d 2>/dev/null && [ -z \"\$(ip -n $D -o link show | grep -v ' lo:')\" ]"

note "== restart"
USED=$(hctl -j status | jq -c '[.addresses_used, .addresses6_used]')
stop_daemon "$DAEMON_PID"
start_daemon "$INST" || finish
check "after a restart: a still IPv6-only with the same MAC, checked, the pools' use unchanged" \
	bash -c "$HYPERCTL --instance $INST -j snic show a | jq -e --arg m '$MACA' '.mac == \$m and (has(\"ip\") | not)' &&
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
