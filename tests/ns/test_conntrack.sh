#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: conntrack is not fooled (a bare ACK, a RST, an ICMP echo reply
# without a request never start a flow); IPv4 fragments (first, non-first,
# overlapping) carry nothing past policy; a full table refuses new flows
# while established ones keep working; policy updates are hitless for
# still-allowed flows and cut a flow a change now denies at its next packet.
. "$(dirname "$0")/lib.sh"

RAW=$ROOT/build/tests/hyp-rawsend
INST=ct-$UNIQ
A=cta-$UNIQ B=ctb-$UNIQ C=ctc-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" || finish
hctl snic add a --netns "$A" --label app=a >/dev/null
hctl snic add b --netns "$B" --label app=b >/dev/null
hctl snic add c --netns "$C" --label app=c >/dev/null
IPA=$(snic_ip a) IPB=$(snic_ip b) IPC=$(snic_ip c)
http_serve "$B" 80
get() { timeout 2 ip netns exec "$1" busybox wget -q -O /dev/null "http://$2/" 2>/dev/null; }
drops() { hctl -j status | jq -r ".ports.$1.drops[\"$2\"] // 0"; }

hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-web-only}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: a}}}]
    ports: [{port: 80}, {protocol: UDP, port: 9000, endPort: 9999}]
EOF2
check "allowed flow: a -> b:80" get "$A" "$IPB:80"

# b's view of what arrives, while a sends crafted packets
capture_b() { # pcap-filter command... -> count of matching frames b received
	local f=$1; shift
	local pcap=/tmp/hyp-ct-$UNIQ.pcap
	ip netns exec "$B" tcpdump -i eth0 -nn -U --immediate-mode -w "$pcap" "$f" 2>/dev/null &
	local t=$!
	sleep 0.8
	"$@" >/dev/null 2>&1
	sleep 0.3
	kill -INT $t; wait $t
	tcpdump -nn -r "$pcap" 2>/dev/null | wc -l
	rm -f "$pcap"
}
before=$(drops a ct-invalid)
n=$(capture_b "tcp port 81" "$RAW" "$A" eth0 tcp-ack "$IPB" 81 3)
check "bare ACK to a denied port: b got nothing ($n)" test "$n" -eq 0
n=$(capture_b "tcp port 80" "$RAW" "$A" eth0 tcp-ack "$IPB" 80 3)
check "bare ACK to an allowed port without a flow: b got nothing ($n)" test "$n" -eq 0
n=$(capture_b "tcp port 81" "$RAW" "$A" eth0 tcp-rst "$IPB" 81 3)
check "RST to a denied port: b got nothing ($n)" test "$n" -eq 0
n=$(capture_b "icmp" "$RAW" "$A" eth0 icmp-reply "$IPB" 0 3)
check "ICMP echo reply without a request: b got nothing ($n)" test "$n" -eq 0
check "counted as ct-invalid" test "$(drops a ct-invalid)" -ge $((before + 12))
n=$(capture_b "tcp port 80" "$RAW" "$A" eth0 tcp-syn "$IPB" 80 1)
check "a SYN to the allowed port does reach b ($n)" test "$n" -ge 1
n=$(capture_b "tcp port 81" "$RAW" "$A" eth0 tcp-syn "$IPB" 81 1)
check "a SYN to a denied port does not ($n)" test "$n" -eq 0
check "replies of a's flows come back (HTTP a -> b)" get "$A" "$IPB:80"

before=$(drops a fragment)
n=$(capture_b "udp or (ip[6:2] & 0x3fff != 0)" bash -c "$RAW $A eth0 frag-first $IPB 9000 1; $RAW $A eth0 frag-next $IPB 9000 1; $RAW $A eth0 frag-overlap $IPB 9000 1")
check "first, non-first and overlapping fragments: b got nothing ($n)" test "$n" -eq 0
check "counted as fragment drops" test "$(drops a fragment)" -ge $((before + 3))
n=$(capture_b "udp port 9000" "$RAW" "$A" eth0 udp "$IPB" 9000 1)
check "the same datagram unfragmented is allowed ($n)" test "$n" -ge 1

# the daemon gone (crashed): enforcement stays, allowed flows stay up
stop_daemon "$DAEMON_PID" KILL
check "daemon killed: an allowed flow still works (a -> b:80)" get "$A" "$IPB:80"
n=$(capture_b "tcp port 81" "$RAW" "$A" eth0 tcp-syn "$IPB" 81 1)
check "daemon killed: a denied flow is still denied ($n)" test "$n" -eq 0
check "daemon killed: c is still default-denied into b" bash -c "! timeout 2 ip netns exec $C busybox wget -q -O /dev/null http://$IPB/"
start_daemon "$INST" || finish

# hitless policy updates under continuous traffic
ip netns exec "$A" ping -i 0.01 -c 400 -W 1 "$IPB" >/tmp/hyp-ping-$UNIQ.log 2>&1 &
PING=$!
_CLEAN_PIDS+=("$PING")
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-icmp}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
EOF2
sleep 0.3
pre_rev=$(drops a policy-revoked) pre_ing=$(drops a policy-ingress-denied)
for i in $(seq 10); do
	hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: churn-$((i % 3))}
spec:
  podSelector: {matchLabels: {app: c}}
  ingress: [{ports: [{port: $((1000 + i))}]}]
EOF2
	hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-icmp}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}, {podSelector: {matchLabels: {app: c$i}}}]}]
EOF2
done
wait "$PING"
loss=$(grep -oE '[0-9.]+% packet loss' /tmp/hyp-ping-$UNIQ.log)
check "20 policy updates under 400 pings: $loss" test "$loss" = "0% packet loss"
check "no policy drop on the still-allowed flow" test "$(drops a policy-revoked)" -eq "$pre_rev" -a "$(drops a policy-ingress-denied)" -eq "$pre_ing"

# a change that now denies an established flow cuts it at its next packet
ip netns exec "$A" ping -i 0.05 -c 60 -W 1 "$IPB" >/tmp/hyp-ping-$UNIQ.log 2>&1 &
PING=$!
_CLEAN_PIDS+=("$PING")
sleep 1
t0=$(date +%s%N)
hctl policy delete b-icmp >/dev/null # b-web-only remains: ICMP no longer allowed
check "a new flow is denied at once after the change" bash -c "! timeout 2 ip netns exec $A ping -c 1 -W 1 $IPB >/dev/null"
wait "$PING"
check "the established ping flow was cut (policy-revoked counted)" test "$(drops a policy-revoked)" -gt "$pre_rev"
received=$(grep -oE '[0-9]+ received' /tmp/hyp-ping-$UNIQ.log | cut -d' ' -f1)
check "pings after the change were not answered ($received of 60 before it)" test "$received" -lt 40
rm -f /tmp/hyp-ping-$UNIQ.log

# a full conntrack table refuses new flows, established ones keep working
for i in 0 1 2; do hctl policy delete "churn-$i" >/dev/null; done
ip netns exec "$A" ping -i 0.1 -c 100 -W 1 "$IPC" >/tmp/hyp-ping2-$UNIQ.log 2>&1 &
PING=$!
_CLEAN_PIDS+=("$PING")
sleep 0.5
"$RAW" "$A" eth0 udp-flows "$IPC" 40000 66000
check "table full: a new flow is refused" bash -c "! timeout 2 ip netns exec $A busybox wget -q -O /dev/null http://$IPB/"
check "counted as ct-full" test "$(drops a ct-full)" -gt 0
wait "$PING"
loss=$(grep -oE '[0-9.]+% packet loss' /tmp/hyp-ping2-$UNIQ.log)
check "the established ping flow kept working while full: $loss" test "$loss" = "0% packet loss"
rm -f /tmp/hyp-ping2-$UNIQ.log
check "status reports the conntrack size" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.conntrack_entries > 60000'"
finish
