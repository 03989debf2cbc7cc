#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: two SNICs talk (ICMP, TCP) through the secure bridge; no host
# interface is linked to a secure container; a host-netns capture during
# the traffic records zero frames of it; hyperctl shows the counters.
. "$(dirname "$0")/lib.sh"

INST=tr-$UNIQ
A=tra-$UNIQ B=trb-$UNIQ
mkns "$A" && mkns "$B"
start_daemon "$INST" || finish
check "snic add a" hctl snic add a --netns "$A" --label app=web
check "snic add b" hctl snic add b --netns "$B" --label app=db
IPA=$(snic_ip a) IPB=$(snic_ip b)
note "a=$IPA b=$IPB"
check "ping a -> b" ping_ok "$A" "$IPB"
check "ping b -> a" ping_ok "$B" "$IPA"
http_serve "$B" 8080
check "TCP (HTTP) a -> b" bash -c "$(declare -f http_get); http_get $A http://$IPB:8080/ | grep -q 'hello from $B'"
check "ping of an unknown address fails" ping_fails "$A" 10.240.0.250

# The host netns holds no interface linked to a secure container or the bridge.
host_links_clean() {
	local bad=0 ids
	# netns ids the host has for the container and bridge namespaces
	ids=$(ip netns list-id 2>/dev/null | tr -d ')' | awk -v a="$A" -v b="$B" -v br="hyp-$INST" \
		'$NF == a || $NF == b || $NF == br {print $2}')
	ip -d -j link show | jq -r '.[] | "\(.ifname) \(.link_netnsid // "none")"' >/tmp/hyp-links.$$
	while read -r ifname nsid; do
		for id in $ids; do
			if [ "$nsid" = "$id" ]; then echo "host link $ifname peers into a secure netns"; bad=1; fi
		done
	done </tmp/hyp-links.$$
	# and nothing in the host carries a container's address or MAC
	ip -j addr show | jq -r '.[].addr_info[].local' | grep -qxE "$IPA|$IPB" && bad=1
	rm -f /tmp/hyp-links.$$
	return $bad
}
check "no host interface is linked to a secure container" host_links_clean

# Every container-side SNIC's peer lives in the bridge netns, nowhere else.
peer_in_bridge() {
	local ns=$1 brid
	brid=$(ip -n "$ns" netns list-id | tr -d ')' | awk -v br="hyp-$INST" '$NF == br {print $2}')
	[ -n "$brid" ] && ip -n "$ns" -j -d link show eth0 | jq -e ".[0].link_netnsid == $brid" >/dev/null
}
check "a's SNIC peer is in the bridge netns" peer_in_bridge "$A"
check "b's SNIC peer is in the bridge netns" peer_in_bridge "$B"

traffic() {
	ip netns exec "$A" ping -c 5 -i 0.1 -W 1 "$IPB"
	http_get "$A" "http://$IPB:8080/"
	http_get "$A" "http://$IPB:8080/"
}
n=$(capture_host "host $IPA or host $IPB or arp" traffic)
if [ "$n" = "0" ]; then ok "host capture during traffic saw 0 frames"; else notok "host capture saw '$n' frames"; fi

status_counts() {
	hctl -j status | jq -e '.ports.a.forwarded > 0 and .ports.b.forwarded > 0 and .ports.a["arp-replies"] > 0'
}
check "status shows forwarded and ARP-reply counters" status_counts
check "status shows unknown-dst drops by reason" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.ports.a.drops[\"unknown-dst\"] > 0 or .ports.a.drops[\"arp-unknown-target\"] > 0'"
check "human status output names the reason" bash -c "$HYPERCTL --instance $INST status | grep -qE 'unknown-(dst|target)'"
finish
