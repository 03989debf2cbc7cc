#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: hyperiond's log is for operators: every line has a UTC time and
# a level; fatal start-up errors are at level error, name the path and a
# hint (not root, instance already running, /run/hyperion not writable);
# a pool with host bits set is refused with the network meant, and
# creates nothing; adding SNICs does
# not repeat the same line each time; when reconcile releases a SNIC the
# log says why (its port went with the container's netns) and what.
. "$(dirname "$0")/lib.sh"
plan 8
unset JOURNAL_STREAM # the journal stamps lines itself; here hyperiond must

INST=dl-$UNIQ
A=dla-$UNIQ B=dlb-$UNIQ C=dlc-$UNIQ
LOG=/tmp/hyperiond-$INST.log
mkns "$A" && mkns "$B" && mkns "$C"
on_exit "rm -f $LOG"
start_daemon "$INST" --pool 10.80.0.0/24 || finish
for n in a b c; do hctl snic add $n --netns "dl$n-$UNIQ" >/dev/null; done
ip netns del "$B" # reconcile (every 500 ms here) releases b
for _ in $(seq 50); do hctl snic show b >/dev/null 2>&1 || break; sleep 0.2; done

check "every line: UTC time (RFC 3339, ms), hyperiond, a level" bash -c \
	"[ -s $LOG ] && ! grep -vE '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3}Z hyperiond: (error|warn|info|debug): ' $LOG"
check "three SNIC adds repeat no line (each line once, times aside)" bash -c \
	"[ -z \"\$(cut -d' ' -f2- $LOG | sort | uniq -d)\" ] && [ \$(grep -c 'snic . added' $LOG) = 3 ]"
check "reconcile says why it releases b (its port gone with the netns) and what it releases" bash -c \
	"grep -qE 'info: reconcile: snic b: its port hp[0-9]+ is gone from the bridge netns \(the veth pair goes with the container.s end: its netns was deleted' $LOG &&
	 grep -q 'info: reconcile: snic b: releasing it (netns $B): its address, identity and datapath entries' $LOG"

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$HYPERIOND" --instance "dn-$UNIQ" 2>&1)
rc=$?
check "not root: exit 1, at level error, with the hint" bash -c \
	"[ $rc = 1 ] && grep -qE '^20.*Z hyperiond: error: must run as root .* start it with sudo, or as the service: systemctl start hyperiond' <<<'$out'"
out=$("$HYPERIOND" --instance "$INST" 2>&1)
rc=$?
check "the instance already running: exit 1, error level, names the lock" bash -c \
	"[ $rc = 1 ] && grep -qE 'hyperiond: error: instance $INST: another hyperiond already runs it \(lock /run/hyperion/$INST.lock\)' <<<'$out'"
# /run/hyperion not writable: in a mount namespace of its own (a read-only
# tmpfs over it there), so no other instance sees it
out=$(unshare -m sh -c "mount -t tmpfs -o ro tmpfs /run/hyperion && exec $HYPERIOND --instance dw-$UNIQ" 2>&1)
rc=$?
check "run directory not writable: exit 1, error level, the path and the hint" bash -c \
	"[ $rc = 1 ] && grep -qE 'hyperiond: error: instance dw-$UNIQ: cannot create /run/hyperion/dw-$UNIQ.lock: Read-only file system \(is /run/hyperion writable\?\)' <<<'$out'"
out=$("$HYPERIOND" --instance "dp-$UNIQ" --pool 10.81.0.5/24 2>&1)
rc=$?
check "a pool with host bits set is refused with the network meant; nothing made" bash -c \
	"[ $rc = 2 ] && grep -q 'pool 10.81.0.5/24 has host bits set: the pool is a network, give 10.81.0.0/24' <<<'$out' &&
	 [ ! -e /var/lib/hyperion/dp-$UNIQ ] && [ ! -e /run/netns/hyp-dp-$UNIQ ]"
if start_daemon "dp-$UNIQ" --pool 10.81.0.0/24; then
	check "the positive twin: the network itself is accepted" bash -c \
		"[ \"\$($HYPERCTL --instance dp-$UNIQ -j status | jq -r .pool)\" = 10.81.0.0/24 ]"
fi
finish
