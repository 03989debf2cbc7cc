#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: IPv6 crosses the cluster overlay between two nodes of a cluster
# made dual stack by default (cluster init generates a ULA /48 pool6;
# cluster status shows it) (each its own
# instance and bridge netns, joined over a real etcd on loopback, uplinks
# on a fabric bridge in a netns of its own). Each node publishes its
# endpoints' IPv6 addresses in etcd (an IPv6-only SNIC too, keyed by its
# IPv6 address) and the other fills them into hyp_ovl_eps6 with their
# identity; a record whose ip6 is not in the publishing node's /64 is
# refused, its twin inside it taken. ping -6, TCP and UDP between pods on
# the two nodes; a label policy applied on node A allows web and denies
# client over IPv6 at node B; the fabric carries only UDP 7471 (no inner
# IPv6 in the clear) and the host netns sees nothing. A forger on the
# fabric sending overlay frames with inner IPv6: a guessed key is dropped
# overlay-auth-failed; with node A's real pair key (a compromised node A)
# and an inner source in node B's own /64, overlay-src6, while the same
# frame with A's own address is delivered. A deleted SNIC leaves the
# other node's table.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_etcd.sh"

plan 21

OVL=$ROOT/build/tests/hyp-ovlsend
FAB=c6f-$UNIQ
etcd_start || { notok "etcd started on loopback"; finish; }
mkns "$FAB"
ip -n "$FAB" link add br0 type bridge ageing_time 0 # a hub: the forger sees every frame
ip -n "$FAB" link set br0 up
for i in 1 2; do
	ip link add "c6u$i-$UNIQ" mtu 1600 type veth peer name "f$i" netns "$FAB"
	ip -n "$FAB" link set "f$i" mtu 1600 master br0 up
	on_exit "ip link del c6u$i-$UNIQ"
done
ip -n "$FAB" link add rogue mtu 1600 type veth peer name r0
ip -n "$FAB" link set r0 mtu 1600 master br0 up
ip -n "$FAB" link set rogue up
# dual stack is the default: a generated unique local /48 unless --pool6 none
"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.218.0.0/16 >/dev/null ||
	{ notok "cluster init"; finish; }
check "cluster init again without --pool6 is accepted (the generated pool6 stays)" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.218.0.0/16
node() { # I: starts node I (n1, n2), uplink c6uI, address 192.0.2.(40+I)
	start_daemon "c6$1-$UNIQ" --cluster "$ETCD_URL" --node "n$1" --node-addr "192.0.2.4$1" \
		--uplink "c6u$1-$UNIQ" --uplink-addr "192.0.2.4$1/24"
}
node 1 || finish
node 2 || finish
h() { local i=$1; shift; "$HYPERCTL" --instance "c6$i-$UNIQ" "$@"; }
for n in web cli db six; do mkns "c6$n-$UNIQ"; done
h 1 snic add web --netns "c6web-$UNIQ" --label app=web >/dev/null
h 1 snic add cli --netns "c6cli-$UNIQ" --label app=client >/dev/null
h 2 snic add db --netns "c6db-$UNIQ" --label app=db >/dev/null
h 2 snic add six --netns "c6six-$UNIQ" --label app=six --family 6 >/dev/null
ip6of() { h "$1" -j snic show "$2" | jq -r .ip6 | cut -d/ -f1; }
WEB6=$(ip6of 1 web) CLI6=$(ip6of 1 cli) DB6=$(ip6of 2 db) SIX6=$(ip6of 2 six)
WID=$(h 1 -j snic show web | jq .identity)
ID1=$(h 1 -j cluster status | jq .node.id)
ID2=$(h 2 -j cluster status | jq .node.id)
BLK1=$(h 1 -j cluster status | jq -r .node.block6)
BLK2=$(h 2 -j cluster status | jq -r .node.block6)
POOL6=$(h 1 -j cluster status | jq -r .node.pool6)
if [[ "$POOL6" == fd*::/48 ]] && in_net6 "${BLK1%/64}" "$POOL6" && in_net6 "${BLK2%/64}" "$POOL6" &&
	h 1 cluster status | grep -q "^pool6 *$POOL6"; then
	ok "cluster status shows the default pool6, a ULA /48 holding both nodes' /64s ($POOL6)"
else notok "cluster status shows the default pool6 ($POOL6: $BLK1 $BLK2)"; fi
for p in web cli; do dad_done "c6$p-$UNIQ" "$(ip6of 1 $p)"; done
for p in db six; do dad_done "c6$p-$UNIQ" "$(ip6of 2 $p)"; done

# eps6 INST ADDR: "IDENTITY NODE" of ADDR in INST's hyp_ovl_eps6, nothing when absent
eps6() {
	bpftool -j map dump pinned "/sys/fs/bpf/hyperion/$1/hyp_ovl_eps6" 2>/dev/null |
		python3 -c "
import ipaddress, json, struct, sys
want = ipaddress.IPv6Address('$2').packed
for e in json.load(sys.stdin):
    if bytes(int(x, 16) for x in e['key']) == want:
        print(*struct.unpack('<II', bytes(int(x, 16) for x in e['value'])))"
}
has6() { [ "$(eps6 "$1" "$2")" = "$3" ]; }
no6() { [ -z "$(eps6 "$1" "$2")" ]; }

rec=$(etcdc get "/hyperion/endpoints/$(h 1 -j snic show web | jq -r .ip | cut -d/ -f1)" \
	--print-value-only)
check "node A's endpoint record carries web's IPv6 address ($rec)" \
	test "$(jq -r .ip6 <<<"$rec")" = "$WEB6"
check "node B's hyp_ovl_eps6 holds web's IPv6 with its identity and node ($WEB6 -> $WID $ID1)" \
	wait_for 20 has6 "c62-$UNIQ" "$WEB6" "$WID $ID1"
SID=$(h 2 -j snic show six | jq .identity)
check "an IPv6-only SNIC is published under its IPv6 address and in node A's table ($SIX6)" \
	bash -c "$(declare -f eps6 has6 wait_for etcdc); ETCD_URL=$ETCD_URL
		etcdc get /hyperion/endpoints/$SIX6 --print-value-only | grep -q '\"identity\":$SID' &&
		wait_for 20 has6 c61-$UNIQ $SIX6 '$SID $ID2'"

# a node that publishes an address outside its /64 (here: one of B's, in the
# name of node A) is not believed; the twin inside A's /64 is
FAKE=${BLK2%::/64}::99 TWIN=${BLK1%::/64}::99
etcdc put /hyperion/endpoints/10.218.250.1 \
	"{\"node\":$ID1,\"identity\":$WID,\"name\":\"x\",\"ip6\":\"$FAKE\"}" >/dev/null
etcdc put /hyperion/endpoints/10.218.250.2 \
	"{\"node\":$ID1,\"identity\":$WID,\"name\":\"y\",\"ip6\":\"$TWIN\"}" >/dev/null
wait_for 20 has6 "c62-$UNIQ" "$TWIN" "$WID $ID1"
if has6 "c62-$UNIQ" "$TWIN" "$WID $ID1" && no6 "c62-$UNIQ" "$FAKE" &&
	! h 2 -j cluster status | jq -e '.remote_endpoints[] | select(.ip == "10.218.250.1")' >/dev/null; then
	ok "an endpoint record with an ip6 outside its node's /64 is refused ($FAKE), its twin taken ($TWIN)"
else notok "record with ip6 outside its node's /64 refused ($FAKE: $(eps6 "c62-$UNIQ" "$FAKE"), twin: $(eps6 "c62-$UNIQ" "$TWIN"))"; fi
etcdc del /hyperion/endpoints/10.218.250.1 >/dev/null
etcdc del /hyperion/endpoints/10.218.250.2 >/dev/null
check "a deleted record leaves the other node's table" wait_for 20 no6 "c62-$UNIQ" "$TWIN"

# traffic: ping -6, TCP, UDP across the nodes
reach6() { ip netns exec "$1" ping -6 -c 1 -W 1 "$2" >/dev/null; }
check "cross-node ping -6 A -> B ($WEB6 -> $DB6)" wait_for 20 reach6 "c6web-$UNIQ" "$DB6"
check "cross-node ping -6 to an IPv6-only SNIC ($SIX6)" wait_for 20 reach6 "c6cli-$UNIQ" "$SIX6"
http_serve "c6db-$UNIQ" 80
get6() { timeout 5 ip netns exec "$1" busybox wget -q -O - "http://[$DB6]/" 2>/dev/null | grep -q 'hello from'; }
check "cross-node TCP over IPv6 (HTTP web -> db)" get6 "c6web-$UNIQ"
RX=/tmp/hyp-c6-rx.$$
on_exit "rm -f $RX"
ip netns exec "c6db-$UNIQ" /usr/bin/python3 -c "
import socket
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM); s.bind(('::',9999))
f=open('$RX','a')
while True:
    d,a=s.recvfrom(2048); f.write(d.decode(errors='replace').strip()+' '+a[0]+'\n'); f.flush()" &
_CLEAN_PIDS+=($!)
udp6() { # NS TEXT [SRC]: one datagram to db:9999
	ip netns exec "$1" /usr/bin/python3 -c "
import socket; s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM); s.sendto(b'$2',('$DB6',9999))"
}
sleep 0.5
udp6 "c6web-$UNIQ" UDP6OK
check "cross-node UDP over IPv6 arrives with the sender's address" \
	wait_for 10 grep -q "UDP6OK $WEB6" "$RX"

# a label policy applied on node A, enforced at B for IPv6 from A
POL=/tmp/hyp-c6-pol.$$
on_exit "rm -f $POL"
cat >"$POL" <<'EOF2'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db6-web-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 80}]
EOF2
h 1 policy apply -f "$POL" >/dev/null
haspol() { h 2 -j policy list | jq -e '.[] | select(.name == "db6-web-only")' >/dev/null; }
wait_for 15 haspol
check "policy from node A: web (node A) reaches db (node B) over IPv6" get6 "c6web-$UNIQ"
check_fails "policy from node A: client (node A) no longer reaches db over IPv6" get6 "c6cli-$UNIQ"
tw=$(h 2 -j policy trace "$WEB6" db tcp 80) tc=$(h 2 -j policy trace "$CLI6" db tcp 80)
if jq -e --arg id "$WID" '.verdict == "allowed" and (.src.identity | tostring) == $id' <<<"$tw" >/dev/null &&
	jq -e '.verdict == "denied"' <<<"$tc" >/dev/null; then
	ok "policy trace on node B names node A's IPv6 endpoints by identity (web allowed, client denied)"
else notok "policy trace on B of A's IPv6 endpoints ($(jq -c '{verdict, src}' <<<"$tw") / $(jq -c .verdict <<<"$tc"))"; fi

# the fabric carries the overlay only; the host netns sees nothing
FABCAP=/tmp/hyp-c6-fab.$$.pcap
on_exit "rm -f $FABCAP $FABCAP.err"
fabric() {
	ip netns exec "$FAB" tcpdump -i f2 -nn -U --immediate-mode -w "$FABCAP" 2>"$FABCAP.err" &
	local t=$!
	wait_for 5 grep -qs "listening on" "$FABCAP.err"
	get6 "c6web-$UNIQ"
	reach6 "c6web-$UNIQ" "$DB6"
	sleep 0.5
	kill -INT "$t"
	wait "$t"
}
fabric
ovl=$(cap_count "$FABCAP" "udp port 7471") inner=$(cap_count "$FABCAP" "ip6 host $WEB6 or ip6 host $DB6")
check "the fabric sees the overlay ($ovl frames) and no inner IPv6 in the clear ($inner)" \
	test "$ovl" -gt 0 -a "$inner" = 0
n=$(capture_host "udp port 7471 or ip6 host $DB6" get6 "c6web-$UNIQ")
check "the host netns sees no overlay or container frame ($n)" test "$n" = 0

# the forger on the fabric, inner IPv6 to db:9999 (the policy, which allows
# only TCP 80 to db, deleted first: the frames meet the overlay's checks alone)
h 1 policy delete db6-web-only >/dev/null
wait_for 15 bash -c "! $(declare -f h haspol); HYPERCTL=$HYPERCTL UNIQ=$UNIQ haspol"
MAC2=$(h 2 -j status | jq -r .uplink.mac)
d2() { h 2 -j status | jq -r --arg r "$1" '.uplink.counters.drops[$r] // 0'; }
a0=$(d2 overlay-auth-failed) s0=$(d2 overlay-src6)
ip netns exec "$FAB" "$OVL" rogue forge6 "$MAC2" 192.0.2.41 192.0.2.42 "$ID1" "$WID" \
	"$WEB6" "$DB6" 9999 5
check "inner IPv6 with a guessed key: dropped overlay-auth-failed ($a0 -> $(d2 overlay-auth-failed))" \
	test $(($(d2 overlay-auth-failed) - a0)) -ge 5
# node A's real pair key, as node B's datapath holds it (a compromised node A)
KEY=$(bpftool -j map dump pinned "/sys/fs/bpf/hyperion/c62-$UNIQ/hyp_ovl_peers" | python3 -c "
import json, struct, sys
for e in json.load(sys.stdin):
    k = bytes(int(x, 16) for x in e['key']); v = bytes(int(x, 16) for x in e['value'])
    if struct.unpack('<I', k)[0] == $ID1:
        print(v[8:24].hex())")
HYP_OVL_KEY=$KEY ip netns exec "$FAB" "$OVL" rogue forge6 "$MAC2" 192.0.2.41 192.0.2.42 "$ID1" \
	"$WID" "$(ip6of 2 six)" "$DB6" 9999 3
check "inner source in node B's own /64 from node A, with A's key: dropped overlay-src6 ($s0 -> $(d2 overlay-src6))" \
	test $(($(d2 overlay-src6) - s0)) -ge 3
sleep 1.1 # its sequence numbers come from the clock's second: past the frames above
HYP_OVL_KEY=$KEY ip netns exec "$FAB" "$OVL" rogue forge6 "$MAC2" 192.0.2.41 192.0.2.42 "$ID1" \
	"$WID" "$WEB6" "$DB6" 9999 1
check "its twin from A's own address is delivered (positive control)" \
	wait_for 10 grep -q "FORGED $WEB6" "$RX"
check "nothing from another /64 reached db ($(grep -c FORGED "$RX") forged lines)" \
	bash -c "! grep FORGED '$RX' | grep -qv '$WEB6'"

h 2 snic del six >/dev/null
check "a deleted IPv6-only SNIC leaves node A's table" wait_for 20 no6 "c61-$UNIQ" "$SIX6"
finish
