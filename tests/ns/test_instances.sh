#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: two instances side by side (same default pool) are separate
# worlds: own bridge netns, pins, socket and store; containers of one
# cannot reach containers of the other; teardown of one leaves the other.
. "$(dirname "$0")/lib.sh"

I1=ia-$UNIQ I2=ib-$UNIQ
A1=i1a-$UNIQ B1=i1b-$UNIQ A2=i2a-$UNIQ
mkns "$A1" && mkns "$B1" && mkns "$A2"
start_daemon "$I1" || finish
start_daemon "$I2" || finish
INST=$I1 hctl snic add a --netns "$A1" --ip 10.240.0.10/16 >/dev/null
INST=$I1 hctl snic add b --netns "$B1" --ip 10.240.0.11/16 >/dev/null
check "same name and address in another instance" env INST="$I2" "$HYPERCTL" --instance "$I2" snic add a --netns "$A2" --ip 10.240.0.11/16
check "instance 1 lists only its own" bash -c "$HYPERCTL --instance $I1 -j snic list | jq -e 'length == 2'"
check "instance 2 lists only its own" bash -c "$HYPERCTL --instance $I2 -j snic list | jq -e 'length == 1'"
check "separate bridge netns" test "$(readlink /proc/self/ns/net)" != "" -a -e /run/netns/hyp-$I1 -a -e /run/netns/hyp-$I2
check "a1 -> b1 works inside instance 1" ping_ok "$A1" 10.240.0.11
# A2 has 10.240.0.11 too: instance 1's traffic must reach B1, never A2
cap_a2() {
	ip netns exec "$A2" timeout 3 tcpdump -i eth0 -nn -c 1 icmp >/dev/null 2>&1 &
	local t=$!
	sleep 0.5
	ip netns exec "$A1" ping -c 3 -i 0.2 -W 1 10.240.0.11 >/dev/null
	! wait $t # tcpdump -c 1 exits 0 only if it saw a frame
}
check "instance 1 traffic never reaches instance 2's container" cap_a2
check "a2 cannot reach instance 1's 10.240.0.10" ping_fails "$A2" 10.240.0.10
"$HYPERCTL" --instance "$I2" teardown >/dev/null
check "teardown of instance 2 removes its bridge netns" test ! -e /run/netns/hyp-$I2
check "teardown of instance 2 removes its pins" test ! -e /sys/fs/bpf/hyperion/$I2
check "teardown of instance 2 removes its state" test ! -e /var/lib/hyperion/$I2
check "teardown of instance 2 removes a2's SNIC" bash -c "! ip -n $A2 link show eth0"
check "instance 1 still forwards" ping_ok "$A1" 10.240.0.11
finish
