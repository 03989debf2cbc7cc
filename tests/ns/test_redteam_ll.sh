#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Red team, for real: a container sends UDP from its IPv6 link-local
# (bound with the scope of eth0, as any root in the container can) to a
# neighbour's global address. The bridge is a router and a router forwards
# no link-local source off its link (RFC 4291 2.5.6): the neighbour gets
# nothing, the drops are counted ip6-link-local on the sender's port; the
# twin from the sender's global address arrives. (Before the fix the
# neighbour received the link-local-sourced datagrams and could not answer
# them: its NS for the sender's link-local goes unanswered.)
. "$(dirname "$0")/lib.sh"
plan 4

INST=redteam-$UNIQ
A=redteam-a-$UNIQ B=redteam-b-$UNIQ
for n in "$A" "$B"; do mkns "$n" || finish; done
start_daemon "$INST" || finish
TMP=$(mktemp -d /tmp/hyp-redteam.XXXXXX)
on_exit "rm -rf $TMP"
hctl snic add a --netns "$A" >/dev/null || finish
hctl snic add b --netns "$B" >/dev/null || finish
IP6A=$(snic_ip6 a) IP6B=$(snic_ip6 b)
LLA=$(hctl -j snic show a | jq -r .link_local)
note "a $IP6A ($LLA) b $IP6B"
check "a's link-local is on its eth0" bash -c "ip -n $A -6 addr show dev eth0 | grep -q 'inet6 $LLA/64 scope link'"

ip netns exec "$B" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 9999))
s.settimeout(4)
try:
    while True:
        d, a = s.recvfrom(100)
        print(a[0], d.decode(), flush=True)
except socket.timeout:
    pass' >"$TMP/rx" &
RX=$!
_CLEAN_PIDS+=($RX)
for i in $(seq 50); do # until b listens
	ss -N "$B" -Hlun "sport = :9999" 2>/dev/null | grep -q . && break
	sleep 0.1
done
before=$(drops a ip6-link-local)
send() { # SOURCE WORD
	ip netns exec "$A" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0, 0, socket.if_nametoindex("eth0")))
s.sendto(sys.argv[2].encode(), (sys.argv[3], 9999))' "$1" "$2" "$IP6B"
}
# warm-up: a and b resolve the gateway (a first datagram waiting on ND was lost)
ip netns exec "$A" ping -6 -c 1 -W 2 "$IP6B" >/dev/null || note "warm-up ping a -> b failed"
send "$IP6A" twin
sleep 0.3
for i in 1 2 3; do send "$LLA" forged; done
wait $RX
note "b received: $(tr '\n' ';' <"$TMP/rx")"
check "the twin from a's global address reaches b" grep -q "^$IP6A twin" "$TMP/rx"
check "nothing from a's link-local reaches b" bash -c "! grep -q forged $TMP/rx"
check "the 3 counted ip6-link-local on a's port" test "$(drops a ip6-link-local)" -ge $((before + 3))
finish
