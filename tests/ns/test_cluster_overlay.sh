#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: three nodes on one machine (each its own instance and bridge
# netns), joined over a real etcd (started here on loopback), their
# uplinks on a fabric (a bridge in a netns of its own), carry cross-node
# ping and HTTP in the authenticated overlay. The same label set is one
# identity on every node; a policy applied on node A is enforced on B and
# C. A rogue host on the fabric (in hub mode, so it sees every frame) gets
# nothing delivered: frames with a guessed key claiming a real node and
# identity, captured frames replayed, and captured frames with the
# identity, the inner destination or the sequence changed are all dropped
# by the receiving node, each under its own reason, while the genuine
# datagrams they were copied from arrive once each. The host netns sees
# none of the traffic. SNICs get the uplink's MTU less the overlay's 52
# bytes; an uplink too small for that is a clear error that adds nothing;
# a packet that no longer fits a lowered uplink is a counted drop.
# Traffic survives etcd stopped and restarted, and a node killed and
# restarted with its send counters lost and its clock a day back (its
# sequence numbers do not fall behind its peers' windows; a replay of what
# it sends afterwards is still dropped); a removed node's endpoints are
# withdrawn.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_etcd.sh"

plan 22

OVL=$ROOT/build/tests/hyp-ovlsend
FAB=cof-$UNIQ
etcd_start || { notok "etcd started on loopback"; finish; }
mkns "$FAB"
ip -n "$FAB" link add br0 type bridge ageing_time 0 # a hub: the rogue sees every frame
ip -n "$FAB" link set br0 up
for i in 1 2 3; do
	ip link add "cu$i-$UNIQ" mtu 1600 type veth peer name "f$i" netns "$FAB"
	ip -n "$FAB" link set "f$i" mtu 1600 master br0 up
	on_exit "ip link del cu$i-$UNIQ"
done
ip -n "$FAB" link add rogue mtu 1600 type veth peer name r0
ip -n "$FAB" link set r0 mtu 1600 master br0 up
ip -n "$FAB" link set rogue up
"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.216.0.0/16 >/dev/null ||
	{ notok "cluster init"; finish; }
node() { # I: starts node I (nA nB nC), uplink cuI, address 192.0.2.(20+I)
	start_daemon "co$1-$UNIQ" --cluster "$ETCD_URL" --node "n$1" --node-addr "192.0.2.2$1" \
		--uplink "cu$1-$UNIQ" --uplink-addr "192.0.2.2$1/24"
}
node 1 || finish
P1=$DAEMON_PID
node 2 || finish
P2=$DAEMON_PID
node 3 || finish
P3=$DAEMON_PID
h() { local i=$1; shift; "$HYPERCTL" --instance "co$i-$UNIQ" "$@"; }
for n in web db cli web3; do mkns "co$n-$UNIQ"; done
h 1 snic add web --netns "coweb-$UNIQ" --label app=web >/dev/null
h 2 snic add db --netns "codb-$UNIQ" --label app=db >/dev/null
h 3 snic add cli --netns "cocli-$UNIQ" --label app=client >/dev/null
h 3 snic add web3 --netns "coweb3-$UNIQ" --label app=web >/dev/null
ipof() { h "$1" -j snic show "$2" | jq -r .ip | cut -d/ -f1; }
mtu=$(ip -n "coweb-$UNIQ" -o link show eth0 | grep -o 'mtu [0-9]*')
check "a SNIC's MTU is the uplink's (1600) less the overlay's 52 bytes ($mtu)" test "$mtu" = "mtu 1548"
ip -n "hyp-co3-$UNIQ" link set "cu3-$UNIQ" mtu 1300
mkns "cobad-$UNIQ"
out=$(h 3 snic add bad --netns "cobad-$UNIQ" --label app=bad 2>&1)
refused() { # the message says what to do; no interface, no SNIC left
	grep -q 'raise the uplink MTU to 1332' <<<"$out" && ! ip -n "cobad-$UNIQ" link show eth0 &&
		! h 3 snic show bad
}
check "an uplink MTU too small for the overlay is a clear error, nothing added ($out)" refused
ip -n "hyp-co3-$UNIQ" link set "cu3-$UNIQ" mtu 1600
WEB=$(ipof 1 web) DB=$(ipof 2 db) CLI=$(ipof 3 cli)
if [ "$(h 1 -j snic show web | jq .identity)" = "$(h 3 -j snic show web3 | jq .identity)" ]; then
	ok "the same labels on nodes A and C are one identity ($(h 1 -j snic show web | jq .identity))"
else notok "the same labels on nodes A and C are one identity"; fi
reach() { ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null; }
check "cross-node ping A -> B ($WEB -> $DB)" wait_for 20 reach "coweb-$UNIQ" "$DB"
check "cross-node ping C -> B" wait_for 20 reach "cocli-$UNIQ" "$DB"
http_serve "codb-$UNIQ" 80
check "cross-node HTTP A -> B" bash -c "timeout 5 ip netns exec coweb-$UNIQ busybox wget -q -O - http://$DB/ | grep -q 'hello from'"
# node A's uplink lowered below its SNICs' need: a full-size packet is dropped
# and counted (overlay-too-big), a smaller one still goes (positive control)
ip -n "hyp-co1-$UNIQ" link set "cu1-$UNIQ" mtu 1500
tb0=$(h 1 -j status | jq -r '.drops["overlay-too-big"] // 0')
ip netns exec "coweb-$UNIQ" ping -c 1 -W 1 -M do -s 1520 "$DB" >/dev/null
tb1=$(h 1 -j status | jq -r '.drops["overlay-too-big"] // 0')
check "uplink MTU lowered under the SNICs: a 1548-byte packet is counted overlay-too-big ($tb0 -> $tb1), a 1400-byte one goes" \
	bash -c "[ $tb1 -gt $tb0 ] && ip netns exec coweb-$UNIQ ping -c 1 -W 2 -M do -s 1372 $DB"
ip -n "hyp-co1-$UNIQ" link set "cu1-$UNIQ" mtu 1600

# the rogue host: genuine datagrams web -> db:9999 while it captures and replays
RX=/tmp/hyp-co-rx.$$
on_exit "rm -f $RX"
ip netns exec "codb-$UNIQ" /usr/bin/python3 -c "
import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('0.0.0.0',9999))
f=open('$RX','a')
while True:
    d,a=s.recvfrom(2048); f.write(d.decode(errors='replace')); f.flush()" &
_CLEAN_PIDS+=($!)
drops() { h 2 -j status | jq -r --arg r "$1" '.uplink.counters.drops[$r] // 0'; }
a0=$(drops overlay-auth-failed) r0=$(drops overlay-replay)
ip netns exec "$FAB" "$OVL" rogue replay 10 >/tmp/hyp-co-cap.$$ &
RP=$!
sleep 0.5
for i in 1 2 3 4 5; do
	ip netns exec "coweb-$UNIQ" /usr/bin/python3 -c "
import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(b'LEGIT$i\n',('$DB',9999))"
	sleep 0.2
done
wait "$RP"
rc=$?
grep -q captured /tmp/hyp-co-cap.$$ && [ $rc = 0 ] && ok "the rogue captured a genuine overlay frame off the fabric" ||
	notok "the rogue captured a genuine overlay frame off the fabric"
rm -f /tmp/hyp-co-cap.$$
# a guessed key, claiming node A and web's identity
MACB=$(h 2 -j status | jq -r .uplink.mac)
WID=$(h 1 -j snic show web | jq .identity)
ip netns exec "$FAB" "$OVL" rogue forge "$MACB" 192.0.2.21 192.0.2.22 1 "$WID" "$WEB" "$DB" 9999 5
sleep 1
legit=$(grep -c LEGIT "$RX") forged=$(grep -c FORGED "$RX")
if [ "$legit" = 5 ] && [ "$forged" = 0 ]; then
	ok "the genuine datagrams arrive once each, nothing the rogue sent does"
else notok "genuine arrive once, rogue's never ($legit legit lines, $forged forged; $(tr '\n' ' ' <"$RX"))"; fi
a1=$(drops overlay-auth-failed) r1=$(drops overlay-replay)
check "node B dropped the replays as overlay-replay ($r0 -> $r1)" test $((r1 - r0)) -ge 3
check "node B dropped the forged and modified frames as overlay-auth-failed ($a0 -> $a1)" \
	test $((a1 - a0)) -ge 8

# policy applied on A, enforced for traffic arriving at B from A and C
POL=/tmp/hyp-co-pol.$$
on_exit "rm -f $POL"
cat >"$POL" <<'EOF2'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-web-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 80}]
EOF2
h 1 policy apply -f "$POL" >/dev/null
haspol() { h "$1" -j policy list | jq -e '.[] | select(.name == "db-web-only")' >/dev/null; }
wait_for 15 haspol 2 && wait_for 15 haspol 3
get() { timeout 4 ip netns exec "$1" busybox wget -q -O - "http://$DB/" 2>/dev/null | grep -q 'hello from'; }
check "policy applied on node A: web (node A) still reaches db (node B)" get "coweb-$UNIQ"
check_fails "policy applied on node A: client (node C) no longer reaches db (node B)" get "cocli-$UNIQ"
check "web on node C (same identity as A's web) reaches db" get "coweb3-$UNIQ"

# the host netns sees none of it; the fabric does (positive control)
# (after the policy: HTTP from web is the allowed traffic)
n=$(capture_host "udp port 7471 or host $DB" timeout 4 ip netns exec "coweb-$UNIQ" busybox wget -q -O - "http://$DB/")
check "the host netns sees no overlay or container frame ($n)" test "$n" = 0
FABCAP=/tmp/hyp-co-fab.$$
on_exit "rm -f $FABCAP"
ip netns exec "$FAB" timeout 10 tcpdump -i f2 -c 2 -nn -l --immediate-mode "udp port 7471" \
	>"$FABCAP" 2>"$FABCAP.err" &
TP=$!
on_exit "rm -f $FABCAP.err"
sleep 2
get "coweb-$UNIQ"
wait "$TP"
check "the fabric carries the overlay (positive control: $(grep -c 7471 "$FABCAP") frames)" \
	grep -q 7471 "$FABCAP"

# failures: etcd, a node killed and restarted, a node removed
etcd_stop
check "with etcd stopped, cross-node traffic goes on" get "coweb-$UNIQ"
etcd_start "$ETCD_PORT" || { notok "etcd restarted"; finish; }
check "with etcd back, cross-node traffic goes on" get "coweb-$UNIQ"
stop_daemon "$P2" KILL
# B comes back as after a reboot with its clock a day back: its datapath's
# send counters are gone (emptied here) and the clock it starts them from
# is behind (the test hook); its reservation on disk keeps it above
TX=/sys/fs/bpf/hyperion/co2-$UNIQ/hyp_ovl_tx
bpftool -j map dump pinned "$TX" | jq -r '.[].key | join(" ")' | while read -r k; do
	bpftool map delete pinned "$TX" key $k
done
check "node B's send counters are gone (as after a reboot)" \
	test "$(bpftool -j map dump pinned "$TX" | jq length)" = 0
HYPERION_TEST_CLOCK_BACK=86400 node 2 || finish
P2=$DAEMON_PID
check "node B killed, counters lost, clock a day back: it re-adopts, traffic flows" \
	wait_for 20 get "coweb-$UNIQ"
drops1() { h 1 -j status | jq -r --arg r "$1" '.uplink.counters.drops[$r] // 0'; }
r0=$(drops1 overlay-replay)
ip netns exec "$FAB" "$OVL" rogue replay 10 >/dev/null &
RP=$!
sleep 0.5
ip netns exec "codb-$UNIQ" /usr/bin/python3 -c "
import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(b'X',('$WEB',9998))"
wait "$RP"
check "node A still drops replays of what the restarted B sends ($r0 -> $(drops1 overlay-replay))" \
	test $(($(drops1 overlay-replay) - r0)) -ge 3
stop_daemon "$P3" TERM
h 3 teardown --yes >/dev/null 2>&1
"$HYPERCTL" cluster remove --yes --endpoints "$ETCD_URL" n3 >/dev/null 2>&1 ||
	"$HYPERCTL" cluster remove --yes --force --endpoints "$ETCD_URL" n3 >/dev/null
nopeer() { ! h 1 -j cluster status | jq -e '.peers[] | select(.name == "n3")' >/dev/null; }
noep() { ! h 1 -j cluster status | jq -e --arg ip "$CLI" '.remote_endpoints[] | select(.ip == $ip)' >/dev/null; }
check "a removed node is dropped by the others, with its endpoints" wait_for 30 bash -c "$(declare -f h nopeer noep); HYPERCTL=$HYPERCTL UNIQ=$UNIQ CLI=$CLI; nopeer && noep"
finish
