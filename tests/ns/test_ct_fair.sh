#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: one container flooding new UDP flows (the conntrack-exhaustion
# attack) is held at its quota: its own new flows are refused (ct-quota)
# while another container's new TCP connections still work, and its
# established flow goes on; a deleted SNIC's flows are flushed, so a new
# SNIC given its address inherits none of them (a "reply" on an old flow
# of the address is a new flow to it, checked by policy); an ICMP
# fragmentation needed about a tracked flow reaches that flow's sender and
# its path MTU drops, one about no flow is dropped (icmp-unrelated) and
# changes nothing.
# The daemon collects expired entries only when told (hyperctl reconcile):
# what the table holds between two steps is the datapath's doing.
. "$(dirname "$0")/lib.sh"

plan 17

RAW=$BUILD/tests/hyp-rawsend
INST=cf-$UNIQ
A=cfa-$UNIQ B=cfb-$UNIQ C=cfc-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" --reconcile-ms 3600000 || finish
hctl snic add a --netns "$A" --label app=a >/dev/null
hctl snic add b --netns "$B" --label app=b >/dev/null
hctl snic add c --netns "$C" --label app=c >/dev/null
IPA=$(snic_ip a) IPB=$(snic_ip b) IPC=$(snic_ip c)
http_serve "$C" 80
stat() { hctl -j status | jq -r ".ports.$1[\"$2\"] // 0"; }
# entries of the conntrack table with address $1 as source ($2 = saddr) or
# destination (daddr), or either (any)
u32() { # dotted quad -> the u32 bpftool prints for a network-order address
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	echo $((a | b << 8 | c << 16 | d << 24))
}
entries() {
	local ip k
	ip=$(u32 "$1")
	case ${2:-any} in
	saddr | daddr) k=".key.$2 == $ip" ;;
	*) k=".key.saddr == $ip or .key.daddr == $ip" ;;
	esac
	bpftool map dump pinned "/sys/fs/bpf/hyperion/$INST/hyp_ct" -j 2>/dev/null |
		jq "[.[].formatted | select($k)] | length"
}
QUOTA=$(hctl -j status | jq -r .conntrack_quota)
check "status shows the default per-endpoint quota ($QUOTA)" test "$QUOTA" = 8192

# the flood: a opens a new UDP flow per datagram to c, more than the table
# holds (the first one a:1024 -> c:20000). Before it, b starts a flow to a,
# and a's ingress closes (a policy, which a2 below shares).
check "before the flood: b opens a connection to c:80" get "$B" "$IPC:80"
"$RAW" "$B" eth0 udp "$IPA" 7000 1
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-closed}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Ingress]
EOF2
ip netns exec "$A" ping -i 0.05 -c 40 -W 1 "$IPB" >/tmp/hyp-cf-ping-$UNIQ.log 2>&1 &
PING=$!
_CLEAN_PIDS+=("$PING")
sleep 0.5
"$RAW" "$A" eth0 udp-flows "$IPC" 20000 70000
# c answers a's first flow: a reply, which a's closed ingress lets through;
# it makes the flow an answered one (it lives 60 s)
state() { # state of the entry a:1024 -> c:20000 UDP (-1: none)
	bpftool map dump pinned "/sys/fs/bpf/hyperion/$INST/hyp_ct" -j 2>/dev/null |
		jq "[.[].formatted | select(.key.saddr == $(u32 "$IPA") and .key.sport == 1024 and .key.dport == 20000 and .key.proto == 17) | .value.state] | .[0] // -1"
}
s0=$(state)
pre=$(drops c policy-ingress-denied)
"$RAW" "$C" eth0 udp "$IPA" 1024 1 # source port 20000
check "c's answer on a's first flow passes as its reply: the flow is answered (state $s0 -> $(state), 6 answered), policy-ingress-denied +$(($(drops c policy-ingress-denied) - pre))" \
	test "$s0" = 0 -a "$(state)" = 6 -a "$(drops c policy-ingress-denied)" -eq "$pre"
ok_b=0
for i in $(seq 10); do get "$B" "$IPC:80" && ok_b=$((ok_b + 1)); done
check "a at its quota: 10 of 10 new connections of b to c:80 work ($ok_b)" test "$ok_b" -eq 10
check "a at its quota: a's own new connection to c:80 is refused" bash -c "! timeout 2 ip netns exec $A busybox wget -q -O /dev/null http://$IPC/"
q=$(drops a ct-quota)
check "a's flood past its quota counted as ct-quota ($q of 70000 + 1)" test "$q" -ge $((70000 - QUOTA))
n=$(entries "$IPA" saddr)
check "a holds its quota of entries ($n: the flood's and its ping's)" test "$n" -eq "$QUOTA"
wait "$PING"
loss=$(grep -oE '[0-9.]+% packet loss' /tmp/hyp-cf-ping-$UNIQ.log)
check "a's established ping flow went on through the flood: $loss" test "$loss" = "0% packet loss"
rm -f /tmp/hyp-cf-ping-$UNIQ.log

# a deleted SNIC's flows go with it; its address comes back to a new SNIC
nb=$(entries "$IPB" saddr)
n=$(entries "$IPA")
hctl snic del a >/dev/null
check "a's delete removes every entry of its address ($n before, $(entries "$IPA") after), none of b's own ($nb)" \
	test "$n" -gt "$QUOTA" -a "$(entries "$IPA")" -eq 0 -a "$(entries "$IPB" saddr)" -eq $((nb - 1))
ip netns del "$A"
mkns "$A"
hctl snic add a2 --netns "$A" --label app=a --ip "$IPA/16" >/dev/null
check "a2 has a's address ($(snic_ip a2)) and no entry of it ($(entries "$IPA"))" \
	test "$(snic_ip a2)" = "$IPA" -a "$(entries "$IPA")" -eq 0
# c's same answer again: to a2 it is a new flow, which a2's policy closes
pre=$(drops c policy-ingress-denied)
"$RAW" "$C" eth0 udp "$IPA" 1024 1
check "c's answer on a's old flow is a new flow to a2, denied (policy-ingress-denied +$(($(drops c policy-ingress-denied) - pre)))" \
	test "$(drops c policy-ingress-denied)" -eq $((pre + 1))
check "a2's own new connection to c:80 works (a's count is not its)" get "$A" "$IPC:80"

# path MTU: c, as a router on a narrower path would, tells b its echo
# requests are too big; only the error about b's tracked flow reaches b
ip netns exec "$B" ping -M do -s 1200 -e 4242 -i 0.2 -c 15 -W 1 "$IPC" >/tmp/hyp-cf-ping-$UNIQ.log 2>&1 &
PING=$!
_CLEAN_PIDS+=("$PING")
sleep 1
mtu() { ip -n "$B" route get "$IPC" | grep -oE 'mtu [0-9]+' || echo none; }
pre=$(drops c icmp-unrelated)
"$RAW" "$C" eth0 icmp-frag-echo "$IPB" 4243 1000 # about an echo id b never used
sleep 0.3
check "a fragmentation needed about no flow of b is dropped (icmp-unrelated +$(($(drops c icmp-unrelated) - pre))); b's path MTU unchanged ($(mtu))" \
	test "$(drops c icmp-unrelated)" -ge $((pre + 1)) -a "$(mtu)" = none
pre=$(stat c icmp_related)
"$RAW" "$C" eth0 icmp-frag-echo "$IPB" 4242 1280
sleep 0.3
check "a fragmentation needed about b's ping reaches b (icmp-related +$(($(stat c icmp_related) - pre))): b's path MTU to c is now $(mtu | cut -d' ' -f2)" \
	test "$(stat c icmp_related)" -ge $((pre + 1)) -a "$(mtu)" = "mtu 1280"
wait "$PING"
check "b's ping was told: $(grep -oE 'Frag needed.*' /tmp/hyp-cf-ping-$UNIQ.log | head -1)" \
	grep -q 'mtu = 1280' /tmp/hyp-cf-ping-$UNIQ.log
rm -f /tmp/hyp-cf-ping-$UNIQ.log

# unanswered flows are reclaimed: a2 floods to its quota; after the
# unreplied timeout, a collection gives its quota back
"$RAW" "$A" eth0 udp-flows "$IPC" 30000 9000
check "a2 flooded to its quota: its new connection is refused" bash -c "! timeout 2 ip netns exec $A busybox wget -q -O /dev/null http://$IPC/"
sleep 11
hctl reconcile >/dev/null
n=$(entries "$IPA" saddr)
check "after the unreplied timeout ($n entries of a2 left) a2 connects again" \
	bash -c "test $n -lt 10 && timeout 2 ip netns exec $A busybox wget -q -O /dev/null http://$IPC/"
finish
