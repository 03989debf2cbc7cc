#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the datapath outlives the daemon. Traffic keeps flowing while the
# daemon is stopped (SIGTERM) or killed (SIGKILL) and after it restarts;
# the restarted daemon re-adopts its state (snic list unchanged) and can
# add new SNICs; the counters survive: the forwarded, ARP-reply and drop
# counts read after a SIGTERM, a SIGKILL and two restarts are the ones from
# before (not reset), and they keep counting.
. "$(dirname "$0")/lib.sh"
plan 13

INST=rs-$UNIQ
A=rsa-$UNIQ B=rsb-$UNIQ C=rsc-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" || finish
hctl snic add a --netns "$A" --label app=a >/dev/null
hctl snic add b --netns "$B" --label app=b >/dev/null
IPB=$(snic_ip b)
before=$(hctl -j snic list)
check "ping before restart" ping_ok "$A" "$IPB"
ping_fails "$A" 10.240.0.250 # a's ARP for an unknown target: dropped and counted

# counters of port a: "forwarded arp-replies dropped rx" and the drops by reason
counters_a() {
	hctl -j status | jq -r '.ports.a | "\(.forwarded // 0) \(.arp_replies // 0) \(.dropped // 0) \(.rx // 0)"'
}
reasons_a() { hctl -j status | jq -c '.ports.a.drops // {}'; }
read -r F0 R0 D0 X0 <<<"$(counters_a)"
W0=$(reasons_a)
note "port a before the restarts: forwarded $F0, arp-replies $R0, dropped $D0, rx $X0, drops by reason $W0"
check "counters before the restart are non-zero (forwarded, ARP replies, drops, arp-unknown-target)" \
	test "$F0" -gt 0 -a "$R0" -gt 0 -a "$D0" -gt 0 -a "$(jq '.["arp-unknown-target"] // 0' <<<"$W0")" -gt 0

# continuous ping across the daemon's stop, kill and restart
ip netns exec "$A" ping -i 0.05 -c 120 -W 1 "$IPB" >/tmp/hyp-ping-$UNIQ.log 2>&1 &
PING=$!
_CLEAN_PIDS+=("$PING")
sleep 0.5
stop_daemon "$DAEMON_PID" TERM
check "SIGTERM leaves the bridge netns" ip netns exec "hyp-$INST" true
check "SIGTERM leaves the pins" test -e "/sys/fs/bpf/hyperion/$INST/hyp_endpoints"
check "ping while the daemon is down" ping_ok "$A" "$IPB"
start_daemon "$INST" || finish
sleep 0.5
stop_daemon "$DAEMON_PID" KILL
check "ping after SIGKILL" ping_ok "$A" "$IPB"
start_daemon "$INST" || finish
wait "$PING"
loss=$(grep -oE '[0-9.]+% packet loss' /tmp/hyp-ping-$UNIQ.log)
if [ "$loss" = "0% packet loss" ]; then ok "no packet lost across stop/kill/restart (120 pings)"; else
	notok "packets lost across restarts: $loss"; fi
rm -f /tmp/hyp-ping-$UNIQ.log

# the continuous ping only added to them: none may be below its old value
read -r F1 R1 D1 X1 <<<"$(counters_a)"
W1=$(reasons_a)
note "port a after the restarts: forwarded $F1, arp-replies $R1, dropped $D1, rx $X1, drops by reason $W1"
counters_kept() {
	echo "port a before: forwarded $F0 arp-replies $R0 dropped $D0 rx $X0 $W0; after: $F1 $R1 $D1 $X1 $W1"
	[ "$F1" -ge $((F0 + 100)) ] && [ "$R1" -ge "$R0" ] && [ "$D1" -ge "$D0" ] && [ "$X1" -ge "$X0" ] &&
		jq -e -n --argjson b "$W0" --argjson a "$W1" '$b | to_entries | all(.value <= ($a[.key] // 0))'
}
check "counters survive the restarts (forwarded grew by the 120 pings; ARP replies, drops and each drop reason not reset)" \
	counters_kept
more_drops() {
	ping_fails "$A" 10.240.0.251
	local d w
	d=$(hctl -j status | jq '.ports.a.dropped // 0')
	w=$(reasons_a)
	echo "dropped $D1 -> $d; by reason $W1 -> $w"
	[ "$d" -gt "$D1" ] &&
		[ "$(jq '.["arp-unknown-target"] // 0' <<<"$w")" -gt "$(jq '.["arp-unknown-target"] // 0' <<<"$W1")" ]
}
check "the drop counters still count after the restarts (dropped, arp-unknown-target)" more_drops

after=$(hctl -j snic list)
if [ "$before" = "$after" ]; then ok "snic list unchanged after restart"; else
	notok "snic list changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'; fi
check "new SNIC after restart" hctl snic add c --netns "$C"
check "ping to the new SNIC" ping_ok "$A" "$(snic_ip c)"
links=$(bpftool link show 2>/dev/null | grep -c "type 11\|tcx" || true)
note "tcx links on the node: $links"
# SNIC N has bridge port hpN and link pins port-N and guard-N
link_pins() {
	local want have
	want=$(hctl -j snic list | jq -r '.[].port | ltrimstr("hp") | "guard-\(.)\nport-\(.)"' | sort)
	have=$(ls "/sys/fs/bpf/hyperion/$INST/links" | sort)
	echo "want: $(echo $want); have: $(echo $have)"
	[ "$(wc -l <<<"$want")" -eq 6 ] && [ "$want" = "$have" ]
}
check "one port link and one guard link per SNIC (3 SNICs, 6 pins)" link_pins
finish
