#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: every bad input gets a clear error and changes nothing: no
# interface, address, store row, map entry or pool address left behind.
. "$(dirname "$0")/lib.sh"

INST=bi-$UNIQ
A=bia-$UNIQ B=bib-$UNIQ C=bic-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" --pool 10.77.0.0/29 || finish # 5 usable addresses
hctl snic add a --netns "$A" --ip 10.77.0.2/29 >/dev/null

# Everything a failed command could leave behind.
snapshot() {
	{
		hctl -j snic list | jq -c 'map(.name)'
		hctl -j status | jq -c '[.snics, .addresses_used]'
		for m in hyp_endpoints hyp_ports hyp_guards; do echo "$m $(map_count $m)"; done
		ls "/sys/fs/bpf/hyperion/$INST/links"
		ip -n "hyp-$INST" -o link show | awk '{print $2}'
		for ns in "$B" "$C"; do ip -n "$ns" -o link show | awk '{print $2}'; ip -n "$ns" -o addr show | awk '{print $4}'; done
		ip -o link show | awk '{print $2}' | grep '^hp' # the product never makes host links
	} 2>&1
}

# expect_error "case" "message regex" hyperctl args...
expect_error() {
	local desc=$1 re=$2; shift 2
	local before after out rc
	before=$(snapshot)
	out=$(hctl "$@" 2>&1)
	rc=$?
	after=$(snapshot)
	if ((rc == 0)); then notok "$desc: accepted"; return; fi
	if ! grep -qE "$re" <<<"$out"; then notok "$desc: unclear error: $out"; return; fi
	if [ "$before" != "$after" ]; then
		notok "$desc: state changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'; return
	fi
	ok "$desc: '$out'"
}

expect_error "bad CIDR" "bad CIDR '10.77.0.300/29'" snic add x --netns "$B" --ip 10.77.0.300/29
expect_error "CIDR without prefix" "bad CIDR" snic add x --netns "$B" --ip 10.77.0.3
expect_error "prefix not the pool's" "prefix /24 .* does not match pool 10.77.0.0/29" snic add x --netns "$B" --ip 10.77.0.3/24
expect_error "address outside the pool" "10.78.0.3 is outside the pool 10.77.0.0/29" snic add x --netns "$B" --ip 10.78.0.3/29
expect_error "gateway address" "10.77.0.1 is reserved" snic add x --netns "$B" --ip 10.77.0.1/29
expect_error "duplicate IP" "IP 10.77.0.2 already used by a" snic add x --netns "$B" --ip 10.77.0.2/29
expect_error "duplicate name" "snic a already exists" snic add a --netns "$B"
expect_error "missing netns" "netns 'nope-$UNIQ' not found" snic add x --netns "nope-$UNIQ"
expect_error "netns path that is not a netns" "is not a network namespace" snic add x --netns /etc/hostname
expect_error "ifname too long" "invalid interface name 'abcdefghijklmnop'" snic add x --netns "$B" --ifname abcdefghijklmnop
expect_error "ifname with a slash" "invalid interface name" snic add x --netns "$B" --ifname a/b
expect_error "interface already in the netns" "interface lo already exists" snic add x --netns "$B" --ifname lo
expect_error "bad SNIC name" "invalid SNIC name" snic add 'bad name' --netns "$B"
expect_error "bad label" "invalid label" snic add x --netns "$B" --label 'k=v v'
expect_error "unknown SNIC del" "snic ghost not found" snic del ghost
expect_error "unknown SNIC show" "snic ghost not found" snic show ghost

# exhaust the pool: a is .2, four more fit (.3 .4 .5 .6)
for i in 3 4 5 6; do
	ns=bip$i-$UNIQ
	mkns "$ns"
	hctl snic add "p$i" --netns "$ns" >/dev/null || notok "pool fill p$i"
done
expect_error "pool exhausted" "address pool 10.77.0.0/29 exhausted" snic add x --netns "$B"
P4IP=$(hctl -j snic show p4 | jq -r .ip)
check "deleting one frees its address" hctl snic del p4
freed_reused() {
	local ip
	ip=$(hctl -j snic add y --netns "$B" | jq -r .ip)
	echo "got $ip"
	[ "$ip" = "$P4IP" ]
}
check "the freed address is handed out again" freed_reused
check "del removes the container interface" bash -c "$HYPERCTL --instance $INST snic del y && ! ip -n $B link show eth0 2>/dev/null"
check "del leaves no map entry" bash -c "[ \$(bpftool map dump pinned /sys/fs/bpf/hyperion/$INST/hyp_endpoints -j | jq length) -eq 4 ]"
check "usage error exits 2" bash -c "$HYPERCTL --instance $INST snic add; [ \$? -eq 2 ]"
check_fails "invalid instance name" "$HYPERCTL" --instance 'Bad_Name' status
check_fails "daemon refuses another pool for an existing instance" "$HYPERIOND" --instance "$INST" --pool 10.66.0.0/24
finish
