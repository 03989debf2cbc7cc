#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the daemon reconciles the datapath with its state. A container
# netns that disappears releases its SNIC (address, row, map entries,
# links); a table entry or link removed behind its back is restored; a
# stray entry is swept (and only it); teardown without the daemon removes
# all (test_instances tears down with the daemon). Each "gone" check has
# its "there before" twin.
. "$(dirname "$0")/lib.sh"
plan 19

INST=rc-$UNIQ
A=rca-$UNIQ B=rcb-$UNIQ C=rcc-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" || finish
hctl snic add a --netns "$A" >/dev/null
hctl snic add b --netns "$B" >/dev/null
hctl snic add c --netns "$C" >/dev/null
IPA=$(snic_ip a) IPB=$(snic_ip b) IPC=$(snic_ip c)
PINS=/sys/fs/bpf/hyperion/$INST
key_of() { printf '%s' "$1" | awk -F. '{printf "%d %d %d %d", $1, $2, $3, $4}'; }
has_entry() { bpftool map lookup pinned "$PINS/hyp_endpoints" key $(key_of "$1") >/dev/null 2>&1; }
n_entries() { bpftool map dump pinned "$PINS/hyp_endpoints" -j | jq length; }

wait_for() { # seconds command...
	local t=$1; shift
	for _ in $(seq $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

c_there() {
	hctl -j status | jq -e '.snics == 3 and .addresses_used == 3' &&
		[ "$(n_entries)" -eq 3 ] && has_entry "$IPC" &&
		ls "$PINS/links" | grep -q -- '^guard-3$' && ls "$PINS/links" | grep -q -- '^port-3$'
}
check "c attached: 3 SNICs, 3 addresses, its endpoint entry, its port and guard links" c_there
ip netns del "$C"
gone() { ! hctl snic show c; }
check "SNIC of a deleted netns is released" wait_for 5 gone
check "its address is back in the pool" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.addresses_used == 2'"
c_entry_gone() { ! has_entry "$IPC" && [ "$(n_entries)" -eq 2 ]; }
check "its endpoint entry is gone (a's and b's kept)" c_entry_gone
c_links_gone() { local l; l=$(ls "$PINS/links") && ! grep -- '-3$' <<<"$l" && [ "$(wc -l <<<"$l")" -eq 4 ]; }
check "its links are gone (a's and b's 4 kept)" c_links_gone

# remove b's endpoint entry while the daemon is down
check "a reaches b" ping_ok "$A" "$IPB"
stop_daemon "$DAEMON_PID" TERM
bpftool map delete pinned "$PINS/hyp_endpoints" key $(key_of "$IPB")
check_fails "without its entry b is unreachable" ping_ok "$A" "$IPB"
start_daemon "$INST" || finish
check "the restarted daemon restores the entry" wait_for 5 ping_ok "$A" "$IPB"

# unpin (and so detach) a's guard link: a's frames lose their stamp
rm "$PINS/links/guard-1"
check "reconcile re-pins a's guard link" wait_for 5 test -e "$PINS/links/guard-1"
check "a reaches b again (its frames carry a valid stamp: the guard is attached)" wait_for 5 ping_ok "$A" "$IPB"

# a stray endpoint entry (no SNIC owns it) is swept
check "a stray endpoint entry is written behind the daemon's back" bpftool map update pinned \
	"$PINS/hyp_endpoints" key 10 240 0 99 value hex 02 00 00 00 00 01 00 00 0a 58 0a f0 00 63 00 00 63 00 00 00
swept() { ! has_entry 10.240.0.99 && has_entry "$IPA" && has_entry "$IPB" && [ "$(n_entries)" -eq 2 ]; }
check "the stray entry is swept, a's and b's kept" wait_for 5 swept

# teardown without the daemon (SIGKILL leaves its socket and lock behind)
stop_daemon "$DAEMON_PID" KILL
all_there() {
	test -e "/run/netns/hyp-$INST" -a -e "$PINS/hyp_endpoints" -a -e "/var/lib/hyperion/$INST/state.db" \
		-a -S "/run/hyperion/$INST.sock" -a -e "/run/hyperion/$INST.lock" &&
		ip -n "$A" link show eth0 && ip -n "$B" link show eth0
}
check "before the teardown: bridge netns, pins, state, socket, lock and SNICs are there" all_there
check "offline teardown" hctl teardown --yes
check "no bridge netns left" test ! -e "/run/netns/hyp-$INST"
check "no pins left" test ! -e "$PINS"
check "no state left" test ! -e "/var/lib/hyperion/$INST"
check "no SNIC left in the containers" bash -c "! ip -n $A link show eth0 && ! ip -n $B link show eth0"
check "no socket or lock left" test ! -e "/run/hyperion/$INST.sock" -a ! -e "/run/hyperion/$INST.lock"
finish
