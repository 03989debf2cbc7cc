#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the daemon reconciles the datapath with its state. A container
# netns that disappears releases its SNIC (address, row, map entries,
# links); a table entry or link removed behind its back is restored; a
# stray entry is swept; teardown (with or without the daemon) removes all.
. "$(dirname "$0")/lib.sh"

INST=rc-$UNIQ
A=rca-$UNIQ B=rcb-$UNIQ C=rcc-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" || finish
hctl snic add a --netns "$A" >/dev/null
hctl snic add b --netns "$B" >/dev/null
hctl snic add c --netns "$C" >/dev/null
IPB=$(snic_ip b) IPC=$(snic_ip c)
PINS=/sys/fs/bpf/hyperion/$INST

wait_for() { # seconds command...
	local t=$1; shift
	for _ in $(seq $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

ip netns del "$C"
gone() { ! hctl snic show c; }
check "SNIC of a deleted netns is released" wait_for 5 gone
check "its address is back in the pool" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.addresses_used == 2'"
check "its endpoint entry is gone" bash -c "[ \$(bpftool map dump pinned $PINS/hyp_endpoints -j | jq length) -eq 2 ]"
check "its links are gone" bash -c "! ls $PINS/links | grep -- '-3\$'"

# remove b's endpoint entry while the daemon is down
stop_daemon "$DAEMON_PID" TERM
key=$(printf '%s' "$IPB" | awk -F. '{printf "%d %d %d %d", $1, $2, $3, $4}')
bpftool map delete pinned "$PINS/hyp_endpoints" key $key
check_fails "without its entry b is unreachable" ping_ok "$A" "$IPB"
start_daemon "$INST" || finish
check "the restarted daemon restores the entry" wait_for 5 ping_ok "$A" "$IPB"

# unpin (and so detach) a's guard link: a's frames lose their stamp
rm "$PINS/links/guard-1"
check "reconcile re-attaches the guard" wait_for 5 test -e "$PINS/links/guard-1"
check "a reaches b again" wait_for 5 ping_ok "$A" "$IPB"

# a stray endpoint entry (no SNIC owns it) is swept
bpftool map update pinned "$PINS/hyp_endpoints" key 10 240 0 99 value hex 02 00 00 00 00 01 00 00 0a 58 0a f0 00 63 00 00 63 00 00 00
check "stray endpoint entry swept" wait_for 5 bash -c "[ \$(bpftool map dump pinned $PINS/hyp_endpoints -j | jq length) -eq 2 ]"

# teardown without the daemon
stop_daemon "$DAEMON_PID" KILL
check "offline teardown" hctl teardown
check "no bridge netns left" test ! -e "/run/netns/hyp-$INST"
check "no pins left" test ! -e "$PINS"
check "no state left" test ! -e "/var/lib/hyperion/$INST"
check "no SNIC left in the containers" bash -c "! ip -n $A link show eth0 && ! ip -n $B link show eth0"
check_fails "status of a removed instance fails" hctl status
finish
