#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: two instances side by side (same default pool) are separate
# worlds: own bridge netns, pins, socket and store, at the paths the README
# names; containers of one cannot reach containers of the other (while the
# same traffic reaches its own instance's container); teardown of one
# removes its netns, pins, state, socket and SNICs and leaves the other
# working and the shared parents (/sys/fs/bpf/hyperion, /var/lib/hyperion,
# /run/hyperion) in place; teardown of the last removes the shared parents.
#
# The file runs in a private mount namespace with its own /run, /var/lib and
# bpffs at /sys/fs/bpf: the shared parents hold this file's instances only,
# whatever other tests run at the same time, so "the last teardown removes
# them" is checked exactly. Nothing of it is visible to the host.
if [ -z "${HYP_PRIVATE_MOUNTS:-}" ]; then
	HYP_PRIVATE_MOUNTS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
plan 23

private_mounts() {
	mount -t tmpfs hyp-run /run && mount -t tmpfs hyp-varlib /var/lib &&
		mount -t bpf bpf /sys/fs/bpf &&
		[ "$(stat -f -c %T /run /var/lib /sys/fs/bpf | xargs)" = "tmpfs tmpfs bpf_fs" ] &&
		[ ! -e /run/hyperion ] && [ ! -e /var/lib/hyperion ] && [ ! -e /sys/fs/bpf/hyperion ]
}
if out=$(private_mounts 2>&1); then ok "private /run, /var/lib and bpffs without any instance for this file"; else
	notok "private /run, /var/lib and bpffs without any instance for this file: $out"
	finish
fi

I1=ia-$UNIQ I2=ib-$UNIQ
A1=i1a-$UNIQ B1=i1b-$UNIQ A2=i2a-$UNIQ
mkns "$A1" && mkns "$B1" && mkns "$A2"
start_daemon "$I1" || finish
start_daemon "$I2" || finish
INST=$I1 hctl snic add a --netns "$A1" --ip 10.240.0.10/16 >/dev/null
INST=$I1 hctl snic add b --netns "$B1" --ip 10.240.0.11/16 >/dev/null
check "same name and address in another instance" "$HYPERCTL" --instance "$I2" snic add a --netns "$A2" --ip 10.240.0.11/16
check "instance 1 lists only its own" bash -c "$HYPERCTL --instance $I1 -j snic list | jq -e 'length == 2'"
check "instance 2 lists only its own" bash -c "$HYPERCTL --instance $I2 -j snic list | jq -e 'length == 1'"

# paths_as_named NAME: status reports the README's paths, and they are there
paths_as_named() {
	local i=$1 st
	st=$("$HYPERCTL" --instance "$i" -j status) || return 1
	jq -e --arg i "$i" '.bridge_netns == "hyp-" + $i and .pin_root == "/sys/fs/bpf/hyperion/" + $i and
		.socket == "/run/hyperion/" + $i + ".sock"' <<<"$st" || return 1
	test -e "/run/netns/hyp-$i" -a -d "/sys/fs/bpf/hyperion/$i/links" -a -e "/sys/fs/bpf/hyperion/$i/hyp_endpoints" \
		-a -S "/run/hyperion/$i.sock" -a -e "/run/hyperion/$i.lock" -a -f "/var/lib/hyperion/$i/state.db"
}
check "instance 1's netns, pins, socket, lock and state at the paths named for it" paths_as_named "$I1"
check "instance 2's netns, pins, socket, lock and state at the paths named for it" paths_as_named "$I2"
ns_ino() { stat -L -c %i "$1"; }
separate_netns() {
	local h b1 b2
	h=$(ns_ino /proc/self/ns/net) b1=$(ns_ino "/run/netns/hyp-$I1") b2=$(ns_ino "/run/netns/hyp-$I2")
	echo "host $h, hyp-$I1 $b1, hyp-$I2 $b2"
	[ -n "$h" ] && [ -n "$b1" ] && [ -n "$b2" ] && [ "$b1" != "$b2" ] && [ "$b1" != "$h" ] && [ "$b2" != "$h" ]
}
check "separate bridge netns (hyp-$I1, hyp-$I2 and the host's are three namespaces)" separate_netns
check "a1 -> b1 works inside instance 1" ping_ok "$A1" 10.240.0.11

# A2 has 10.240.0.11 too: instance 1's traffic must reach B1, never A2.
# Both captures run during the same pings; a tcpdump that fails is a failure.
start_cap() { # NS FILE: tcpdump of ICMP on eth0 of NS into FILE; sets CAP_PID
	ip netns exec "$1" tcpdump -i eth0 -nn -U --immediate-mode -w "$2" icmp 2>"$2.err" &
	CAP_PID=$!
	_CLEAN_PIDS+=("$CAP_PID")
	on_exit "rm -f $2 $2.err"
}
stop_cap() { # PID FILE: sets N to the frame count, or to why tcpdump failed
	kill -INT "$1" 2>/dev/null
	wait "$1"
	local rc=$?
	if ((rc != 0 && rc != 130)); then N="tcpdump failed ($rc): $(tail -3 "$2.err" | xargs)"; return 1; fi
	N=$(tcpdump -nn -r "$2" 2>/dev/null | wc -l)
}
CB=/tmp/hyp-cap-$UNIQ-b1.pcap CA=/tmp/hyp-cap-$UNIQ-a2.pcap
start_cap "$B1" "$CB"
PB=$CAP_PID
start_cap "$A2" "$CA"
PA=$CAP_PID
for _ in $(seq 30); do grep -q listening "$CB.err" && grep -q listening "$CA.err" && break; sleep 0.1; done
ip netns exec "$A1" ping -c 3 -i 0.2 -W 1 10.240.0.11 >/dev/null
sleep 0.3
stop_cap "$PB" "$CB"
nb=$N
stop_cap "$PA" "$CA"
na=$N
if [ "$nb" -ge 6 ] 2>/dev/null; then ok "control: a capture on b1 (10.240.0.11 in instance 1) sees a1's pings ($nb frames)"; else
	notok "control: a capture on b1 sees a1's pings: '$nb'"; fi
if [ "$na" = 0 ]; then ok "instance 1 traffic never reaches instance 2's container (10.240.0.11 too): 0 frames"; else
	notok "instance 1 traffic and instance 2's a2: '$na'"; fi
check "control: b1 reaches instance 1's 10.240.0.10" ping_ok "$B1" 10.240.0.10
check "a2 cannot reach instance 1's 10.240.0.10" ping_fails "$A2" 10.240.0.10

# shared_parents: each shared parent exists and holds exactly the entries listed
shared_parents() { # "PINS" "STATE" "RUN"
	local got
	got=$(ls -A /sys/fs/bpf/hyperion | sort | xargs)
	echo "/sys/fs/bpf/hyperion: $got"
	[ "$got" = "$1" ] || return 1
	got=$(ls -A /var/lib/hyperion | sort | xargs)
	echo "/var/lib/hyperion: $got"
	[ "$got" = "$2" ] || return 1
	got=$(ls -A /run/hyperion | sort | xargs)
	echo "/run/hyperion: $got"
	[ "$got" = "$3" ]
}
check "with two instances the shared parents hold both" shared_parents "$I1 $I2" "$I1 $I2" \
	"$I1.lock $I1.sock $I2.lock $I2.sock"

check "teardown of instance 2 (its daemon running)" "$HYPERCTL" --instance "$I2" teardown --yes
check "teardown of instance 2 removes its bridge netns" test ! -e "/run/netns/hyp-$I2"
check "teardown of instance 2 removes its pins" test ! -e "/sys/fs/bpf/hyperion/$I2"
check "teardown of instance 2 removes its state" test ! -e "/var/lib/hyperion/$I2"
check "teardown of instance 2 removes its socket and lock" test ! -e "/run/hyperion/$I2.sock" -a ! -e "/run/hyperion/$I2.lock"
check "teardown of instance 2 removes a2's SNIC" bash -c "! ip -n $A2 link show eth0"
check "teardown of one of two leaves the shared parents, with instance 1 in them" shared_parents \
	"$I1" "$I1" "$I1.lock $I1.sock"
check "instance 1 still forwards" ping_ok "$A1" 10.240.0.11

check "teardown of instance 1, the last (its daemon running)" "$HYPERCTL" --instance "$I1" teardown --yes
parents_gone() {
	local d bad=0
	for d in /sys/fs/bpf/hyperion /var/lib/hyperion /run/hyperion; do
		[ -e "$d" ] && { echo "$d still there: $(ls -A "$d" | xargs)"; bad=1; }
	done
	return $bad
}
check "the last teardown removes /sys/fs/bpf/hyperion, /var/lib/hyperion and /run/hyperion" parents_gone
finish
