#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: nodes join a cluster over a real etcd (started here on loopback)
# and keep it through failures. A node without an initialised cluster, with
# a taken name or with bad options does not start; two nodes get distinct
# numbers and address blocks from transactions, see each other through
# watches, and their SNICs take addresses from their own block. A key
# rotation reaches the peer; it is refused, changing nothing, while etcd is
# down. With etcd down the nodes keep running and answer status from their
# cache; on reconnect they converge (a node killed during the outage is
# withdrawn once its lease expires). A killed node's registration goes at
# lease expiry and comes back with the same number and block on restart;
# a removed node's number and block are free again. IPv6: cluster init
# --pool6 gives each node a /64 of it (refused: a bad pool6, --pool6 on a
# cluster node); each node's /64 is a cluster route in the others' datapath
# (hyp_ovl_routes6); the SNIC's IPv6 address is in its node's /64, kept across
# a restart and freed by cluster remove.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_etcd.sh"

plan 34

A=cla-$UNIQ
B=clb-$UNIQ
C=clc-$UNIQ
etcd_start || { notok "etcd started on loopback"; finish; }
ok "etcd started on loopback ($ETCD_URL)"

st() { "$HYPERCTL" --instance "$1" -j cluster status; }
peer_field() { # INST PEER FIELD
	st "$1" | jq -er --arg p "$2" --arg f "$3" '.peers[] | select(.name == $p) | .[$f]'
}
has_peer() { [ -n "$(peer_field "$1" "$2" name 2>/dev/null)" ]; }
no_peer() { st "$1" >/dev/null && ! has_peer "$1" "$2"; }
connected() { [ "$(st "$1" | jq -r .etcd.connected)" = "$2" ]; }

# not initialised: refused, clearly
out=$("$HYPERIOND" --instance "$A" --cluster "$ETCD_URL" --node na 2>&1)
if [ $? -ne 0 ] && grep -q "not initialised" <<<"$out"; then
	ok "a node of an uninitialised cluster does not start, and says why"
else notok "a node of an uninitialised cluster does not start ($out)"; fi
check_fails "--cluster without --node is refused" "$HYPERIOND" --instance "$A" --cluster "$ETCD_URL"
check_fails "--cluster with --pool is refused" \
	"$HYPERIOND" --instance "$A" --cluster "$ETCD_URL" --node na --pool 10.1.0.0/24
check_fails "cluster init with a bad CIDR is refused" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.300.0.0/16
out=$("$HYPERIOND" --instance "$A" --cluster "$ETCD_URL" --node na --pool6 fd21:7a::/64 2>&1)
if [ $? -ne 0 ] && grep -q -- "--pool6" <<<"$out"; then
	ok "--cluster with --pool6 is refused (the node's /64 is its pool6)"
else notok "--cluster with --pool6 is refused ($out)"; fi
check_fails "cluster init with a multicast pool6 is refused" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.210.0.0/16 --pool6 ff00::/48
check_fails "cluster init with a pool6 smaller than a /64 is refused" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.210.0.0/16 --pool6 fd21:7a::/80
check "cluster init --pool 10.210.0.0/16 --pool6 fd21:7a::/48" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.210.0.0/16 --pool6 fd21:7a::/48
check "cluster init again with the same pools is accepted" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.210.0.0/16 --pool6 fd21:7a::/48
check "cluster init again with --pool6 auto is accepted (the pool6 stays)" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.210.0.0/16 --pool6 auto
check_fails "cluster init with another pool is refused" \
	"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.211.0.0/16

start_daemon "$A" --cluster "$ETCD_URL" --node na --node-addr 192.0.2.1 || finish
PA=$DAEMON_PID
start_daemon "$B" --cluster "$ETCD_URL" --node nb --node-addr 192.0.2.2 || finish
PB=$DAEMON_PID
BA=$(st "$A" | jq -r .node.block)
BB=$(st "$B" | jq -r .node.block)
IA=$(st "$A" | jq -r .node.id)
if [ "$BA" != "$BB" ] && [[ "$BA" == 10.210.*.0/24 ]] && [[ "$BB" == 10.210.*.0/24 ]] &&
	[ "$IA" != "$(st "$B" | jq -r .node.id)" ]; then
	ok "two nodes hold distinct numbers and /24 blocks of the pool ($BA, $BB)"
else notok "two nodes hold distinct numbers and blocks ($BA, $BB)"; fi
check "node A sees node B through its watch" wait_for 15 has_peer "$A" nb
check "node B sees node A through its watch" wait_for 15 has_peer "$B" na
B6A=$(st "$A" | jq -r .node.block6)
B6B=$(st "$B" | jq -r .node.block6)
if [ "$B6A" != "$B6B" ] && in_net6 "${B6A%/64}" fd21:7a::/48 && [[ "$B6A" == */64 ]] &&
	in_net6 "${B6B%/64}" fd21:7a::/48 && [[ "$B6B" == */64 ]] &&
	[ "$(peer_field "$B" na block6)" = "$B6A" ]; then
	ok "the nodes hold distinct /64s of the pool6, published in their records ($B6A, $B6B)"
else notok "the nodes hold distinct /64s of the pool6 ($B6A, $B6B)"; fi
# A's /64 is in B's datapath as a cluster route: never routed out in the clear
r6=$(bpftool map dump pinned "/sys/fs/bpf/hyperion/$B/hyp_ovl_routes6" -j 2>/dev/null)
if jq -e --argjson id "$IA" \
	'any(.[]; .formatted.value == $id and .formatted.key.prefixlen == 64)' <<<"$r6" >/dev/null; then
	ok "node B's datapath holds node A's /64 as a cluster route"
else notok "node B's datapath holds node A's /64 ($r6)"; fi
check "node A's registration in etcd is under a lease" \
	bash -c "[ \"\$(ETCDCTL_API=3 etcdctl --endpoints $ETCD_URL get /hyperion/nodes/na -w json | jq -r '.kvs[0].lease')\" != null ]"
NS=clns-$UNIQ
mkns "$NS"
"$HYPERCTL" --instance "$A" snic add w1 --netns "$NS" >/dev/null 2>&1
ip=$("$HYPERCTL" --instance "$A" -j snic show w1 | jq -r .ip | cut -d/ -f1)
net=${BA%.0/24}
if [[ "$ip" == "$net".* ]]; then ok "a SNIC on node A takes its address from A's block ($ip)"
else notok "a SNIC on node A takes its address from A's block ($ip, block $BA)"; fi
ip6=$("$HYPERCTL" --instance "$A" -j snic show w1 | jq -r .ip6 | cut -d/ -f1)
if in_net6 "$ip6" "$B6A"; then
	ok "its IPv6 address is in A's /64 ($ip6)"
else notok "its IPv6 address is in A's /64 ($ip6, block6 $B6A)"; fi
out=$("$HYPERIOND" --instance "$C" --cluster "$ETCD_URL" --node na 2>&1)
if [ $? -ne 0 ] && grep -q "used by a live node" <<<"$out"; then
	ok "a second machine cannot join under a live node's name"
else notok "a second machine cannot join under a live node's name ($out)"; fi
check "the refused join left no instance state" test ! -e "/var/lib/hyperion/$C"

# key rotation reaches the peer
check "rotate-key on A" "$HYPERCTL" --instance "$A" cluster rotate-key
check "B sees A's new key epoch" wait_for 15 bash -c "[ \"\$($HYPERCTL --instance $B -j cluster status | jq -r '.peers[] | select(.name==\"na\") | .key_epoch')\" = 2 ]"

# etcd down: nodes run on, status answers from the cache, rotation refused
etcd_stop
check "with etcd down, node A answers status and reports etcd unreachable" wait_for 30 connected "$A" false
check "with etcd down, node A still knows node B" has_peer "$A" nb
check_fails "with etcd down, rotate-key is refused" "$HYPERCTL" --instance "$A" cluster rotate-key
ep=$(st "$A" | jq -r .node.key_epoch)
if [ "$ep" = 2 ]; then ok "the refused rotation changed nothing (epoch $ep)"; else notok "the refused rotation changed nothing (epoch $ep)"; fi
# node B dies during the outage; after reconnect A converges without it
stop_daemon "$PB" KILL
etcd_start "$ETCD_PORT" || { notok "etcd restarted"; finish; }
check "after etcd is back, node A reconnects" wait_for 30 connected "$A" true
check "node A converges: node B, killed during the outage, is withdrawn at its lease expiry" \
	wait_for 40 no_peer "$A" nb
# B restarts: same number and block
start_daemon "$B" --cluster "$ETCD_URL" --node nb --node-addr 192.0.2.2 || finish
PB=$DAEMON_PID
if [ "$(st "$B" | jq -r .node.block)" = "$BB" ] && [ "$(st "$B" | jq -r .node.block6)" = "$B6B" ] &&
	wait_for 15 has_peer "$A" nb; then
	ok "a restarted node re-adopts its blocks (IPv4 and IPv6) and is seen again"
else notok "a restarted node re-adopts its block ($(st "$B" | jq -c .node))"; fi

# removal: refused while alive; after it stops, its number and block are free
check_fails "cluster remove of a live node is refused" \
	"$HYPERCTL" cluster remove --yes --endpoints "$ETCD_URL" nb
stop_daemon "$PB" TERM
"$HYPERCTL" --instance "$B" teardown --yes >/dev/null 2>&1
wait_for 30 bash -c "! ETCDCTL_API=3 etcdctl --endpoints $ETCD_URL get /hyperion/nodes/nb | grep -q nb"
check "cluster remove of a stopped node" "$HYPERCTL" cluster remove --yes --endpoints "$ETCD_URL" nb
left=$(ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" get --prefix /hyperion/ --print-value-only | grep -cx nb)
if [ "$left" = 0 ] && wait_for 20 no_peer "$A" nb; then
	ok "a removed node holds no number, block, IPv6 block or registration, and its peers drop it"
else notok "a removed node holds nothing ($left keys left)"; fi
finish
