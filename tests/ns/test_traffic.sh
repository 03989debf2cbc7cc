#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: two SNICs talk (ICMP, TCP) through the secure bridge; the host
# netns cannot reach a container (ping and TCP fail and nothing arrives in
# the container, while the same commands work from a neighbour container);
# no host interface is linked to a secure container (and the check does
# see a host veth that is); a host-netns capture during the traffic records
# zero frames of it (while it does record the host's own control frames);
# hyperctl shows the counters and the drops by reason.
. "$(dirname "$0")/lib.sh"
plan 23

INST=tr-$UNIQ
A=tra-$UNIQ B=trb-$UNIQ
mkns "$A" && mkns "$B"
start_daemon "$INST" || finish
check "snic add a" hctl snic add a --netns "$A" --label app=web
check "snic add b" hctl snic add b --netns "$B" --label app=db
IPA=$(snic_ip a) IPB=$(snic_ip b)
MACB=$(hctl -j snic show b | jq -r .mac)
note "a=$IPA b=$IPB"
check "ping a -> b" ping_ok "$A" "$IPB"
check "ping b -> a" ping_ok "$B" "$IPA"
http_serve "$B" 8080
check "TCP (HTTP) a -> b" bash -c "$(declare -f http_get); http_get $A http://$IPB:8080/ | grep -q 'hello from $B'"
check "ping of an unknown address fails (its ARP goes unanswered)" ping_fails "$A" 10.240.0.250
# with a static neighbour entry a sends the IPv4 frame itself: dropped as unknown-dst
ip -n "$A" neigh replace 10.240.0.250 lladdr "$MACB" dev eth0 nud permanent
check "ping of an unknown address with a static neighbour entry fails" ping_fails "$A" 10.240.0.250
ip -n "$A" neigh del 10.240.0.250 dev eth0

# The host netns tries to reach the containers. SO_DONTROUTE (ping -r): over
# any link of the host, never through its default route, so no test packet
# leaves the machine. The same commands from a neighbour container are the
# positive control.
tcp_connect() { # IP PORT: a TCP connection with SO_DONTROUTE within 2 s
	/usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.settimeout(2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
s.connect((sys.argv[1], int(sys.argv[2]))); print("connected")' "$1" "$2"
}
host_ping() { ping -r -c 2 -i 0.2 -W 1 "$IPA"; }
ns_ping() { ip netns exec "$B" ping -r -c 2 -i 0.2 -W 1 "$IPA"; }
check "control: b reaches a with ping -r (on its own link)" ns_ping
check_fails "the host netns cannot ping a (ping -r)" host_ping
check "control: a opens a TCP connection to b:8080 (SO_DONTROUTE)" \
	ip netns exec "$A" bash -c "$(declare -f tcp_connect); tcp_connect $IPB 8080"
check_fails "the host netns cannot open a TCP connection to b:8080 (SO_DONTROUTE)" tcp_connect "$IPB" 8080

# capture_in NS FILTER command...: frames eth0 of NS sees while the command
# runs; fails (printing why) when tcpdump does
capture_in() {
	local ns=$1 filter=$2 pcap=/tmp/hyp-cap-$UNIQ-$RANDOM.pcap tp rc; shift 2
	ip netns exec "$ns" tcpdump -i eth0 -nn -U --immediate-mode -w "$pcap" "$filter" 2>"$pcap.err" &
	tp=$!
	for _ in $(seq 30); do grep -q listening "$pcap.err" && break; sleep 0.1; done
	kill -0 "$tp" 2>/dev/null || { cat "$pcap.err"; rm -f "$pcap" "$pcap.err"; return 1; }
	"$@" >/dev/null 2>&1
	sleep 0.3
	kill -INT "$tp"
	wait "$tp"
	rc=$?
	if ((rc != 0 && rc != 130)); then cat "$pcap.err"; rm -f "$pcap" "$pcap.err"; return 1; fi
	tcpdump -nn -r "$pcap" 2>/dev/null | wc -l
	rm -f "$pcap" "$pcap.err"
}
host_tries() { host_ping; tcp_connect "$IPA" 22; }
n=$(capture_in "$A" icmp ns_ping)
if [ "$n" -ge 4 ] 2>/dev/null; then ok "control: a capture in a's netns sees b's ping ($n frames)"; else
	notok "control: a capture in a's netns sees b's ping: '$n'"; fi
n=$(capture_in "$A" "icmp or tcp" host_tries)
if [ "$n" = "0" ]; then ok "nothing of the host's ping and TCP attempts arrives in a's netns"; else
	notok "the host's attempts and a's netns: capture saw '$n'"; fi

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
	ip -j addr show | jq -r '.[].addr_info[].local' | grep -qxF -e "$IPA" -e "$IPB" && bad=1
	rm -f /tmp/hyp-links.$$
	return $bad
}
# control: a veth from the host into a's netns is what the check must see
HV=hv-$UNIQ
on_exit "ip link del $HV"
ip link add "$HV" type veth peer name hvp0 netns "$A"
check_fails "control: the check sees a host veth peering into a's netns" host_links_clean
ip link del "$HV"
check "no host interface is linked to a secure container" host_links_clean

# Every container-side SNIC's peer lives in the bridge netns, nowhere else.
peer_in_bridge() {
	local ns=$1 brid
	brid=$(ip -n "$ns" netns list-id | tr -d ')' | awk -v br="hyp-$INST" '$NF == br {print $2}')
	[ -n "$brid" ] && ip -n "$ns" -j -d link show eth0 | jq -e ".[0].link_netnsid == $brid" >/dev/null
}
check "a's SNIC peer is in the bridge netns" peer_in_bridge "$A"
check "b's SNIC peer is in the bridge netns" peer_in_bridge "$B"

# A host capture of the containers' traffic, with the host's own ping of
# 127.0.0.2 as the control that the capture records what the host carries.
traffic() {
	ping -c 2 -i 0.2 -W 1 127.0.0.2
	ip netns exec "$A" ping -c 5 -i 0.1 -W 1 "$IPB"
	http_get "$A" "http://$IPB:8080/"
	http_get "$A" "http://$IPB:8080/"
}
host_capture() {
	local pcap=/tmp/hyp-cap-$UNIQ-host.pcap tp rc ctl leak
	tcpdump -i any -nn -U --immediate-mode -w "$pcap" "host $IPA or host $IPB or arp or host 127.0.0.2" 2>"$pcap.err" &
	tp=$!
	for _ in $(seq 30); do grep -q listening "$pcap.err" && break; sleep 0.1; done
	kill -0 "$tp" 2>/dev/null || { cat "$pcap.err"; return 1; }
	traffic >/dev/null 2>&1
	sleep 0.5
	kill -INT "$tp"
	wait "$tp"
	rc=$?
	if ((rc != 0 && rc != 130)); then cat "$pcap.err"; return 1; fi
	ctl=$(tcpdump -nn -r "$pcap" host 127.0.0.2 2>/dev/null | wc -l)
	leak=$(tcpdump -nn -r "$pcap" "host $IPA or host $IPB or arp" 2>/dev/null | wc -l)
	rm -f "$pcap" "$pcap.err"
	echo "$ctl $leak"
}
read -r ctl leak <<<"$(host_capture)"
if [ "${ctl:-0}" -ge 4 ] 2>/dev/null; then ok "control: the host capture records the host's own ping ($ctl frames)"; else
	notok "control: the host capture records the host's own ping: '$ctl'"; fi
if [ "$leak" = "0" ]; then ok "host capture during the containers' traffic saw 0 frames of it"; else
	notok "host capture saw '$leak' frames of the containers' traffic"; fi

status_counts() {
	hctl -j status | jq -e '.ports.a.forwarded > 0 and .ports.b.forwarded > 0 and .ports.a.arp_replies > 0'
}
check "status shows forwarded and ARP-reply counters" status_counts
check "status counts a's ARP for the unknown address as arp-unknown-target" bash -c \
	"$HYPERCTL --instance $INST -j status | jq -e '.ports.a.drops[\"arp-unknown-target\"] > 0 and .drops[\"arp-unknown-target\"] > 0'"
check "status counts a's IPv4 frame to the unknown address as unknown-dst" bash -c \
	"$HYPERCTL --instance $INST -j status | jq -e '.ports.a.drops[\"unknown-dst\"] > 0 and .drops[\"unknown-dst\"] > 0'"
check "human status output names both reasons" bash -c \
	"out=\$($HYPERCTL --instance $INST status); grep -q 'arp-unknown-target' <<<\"\$out\" && grep -q 'unknown-dst' <<<\"\$out\""
finish
