#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves, with real IPv6 traffic (a smoke test of the IPv6 datapath; the
# full IPv6 namespace tests are test_ip6*): two dual-stack SNICs ping each
# other over IPv6 through the secure bridge, each learns the other's MAC
# from the bridge's neighbour advertisement; a container pinging from an
# address not bound to its SNIC gets nothing through, and the guard counts
# the drop (ip6-spoofed-src); IPv4 still works next to it.
. "$(dirname "$0")/lib.sh"
plan 7

INST=s6-$UNIQ
A=s6a-$UNIQ B=s6b-$UNIQ
mkns "$A" && mkns "$B"
start_daemon "$INST" || finish
check "snic add a" hctl snic add a --netns "$A" --label app=web
check "snic add b" hctl snic add b --netns "$B" --label app=db
ip6_of() { hctl -j snic show "$1" | jq -r '.ip6 // empty' | cut -d/ -f1; }
IPA=$(ip6_of a) IPB=$(ip6_of b)
MACB=$(hctl -j snic show b | jq -r .mac)
note "a=$IPA b=$IPB"
ping6_ok() { # NS IP: polls (the address may still be tentative)
	for _ in $(seq 10); do
		ip netns exec "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
		sleep 0.3
	done
	return 1
}
check "ping -6 a -> b" ping6_ok "$A" "$IPB"
check "ping -6 b -> a" ping6_ok "$B" "$IPA"
check "a's neighbour entry for b carries b's MAC (the bridge's NA)" \
	bash -c "ip -n $A -6 neigh show $IPB | grep -qi '$MACB'"
check "IPv4 next to it: ping a -> b" ping_ok "$A" "$(snic_ip b)"
FORGED=${IPB%:*}:beef
ip -n "$A" addr add "$FORGED/128" dev eth0 nodad
spoofed() { hctl -j status | jq -r '.guards.a.drops["ip6-spoofed-src"] // 0'; }
before=$(spoofed)
ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 1 -I "$FORGED" "$IPB" >/dev/null 2>&1
after=$(spoofed)
check "a ping from an address not bound to a fails, counted by its guard ($before -> $after)" \
	test "$after" -ge $((before + 2))
finish
