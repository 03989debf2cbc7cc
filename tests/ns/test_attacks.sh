#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: a compromised secure container holding CAP_NET_RAW and
# CAP_NET_ADMIN in its own netns cannot spoof: neighbour IP, forged MAC,
# ARP poisoning (gateway and endpoint), gratuitous ARP, forged / replayed /
# missing stamps (guard bypassed with PACKET_QDISC_BYPASS, and guard
# detached), VLAN and QinQ frames, a broadcast flood; over IPv6 (dual
# stack): neighbour advertisements for the bystander, the gateway and the
# victim's own address (DAD denial), a rogue router advertisement, a forged
# source (through and past the guard), a routing header, a fragment, a long
# extension-header chain, the victim's neighbour entry and routes
# unchanged (it would take an RA). For each: the victim
# received nothing (tcpdump in the victim's netns), its ARP table is
# unchanged, and the expected drop counter moved. A host-netns actor finds
# no interface that reaches a secure container. A pod cannot claim another
# namespace or a namespace label through its CNI ADD. Frames crafted to get
# bytes past payload inspection (another protocol to an inspected port, a
# bad IPv4 checksum, bytes past the total length, SYN payload) never reach
# the inspected victim, each counted. A container
# flooding new flows is held at its conntrack quota while another's new
# flow goes through. The same attacks on a
# plain Linux bridge get through (the baseline shows the exposure).
. "$(dirname "$0")/lib.sh"

plan 52

INST=at-$UNIQ
ATT=ata-$UNIQ VIC=atv-$UNIQ BYS=atb-$UNIQ
mkns "$ATT" && mkns "$VIC" && mkns "$BYS"
start_daemon "$INST" || finish
hctl snic add att --netns "$ATT" --label role=attacker >/dev/null
hctl snic add vic --netns "$VIC" --label role=victim >/dev/null
hctl snic add bys --netns "$BYS" --label role=bystander >/dev/null
IPV=$(snic_ip vic) IPB=$(snic_ip bys) IPA=$(snic_ip att)

# the victim knows the gateway and the bystander before the attacks
ip netns exec "$VIC" ping -c 1 -W 1 "$IPB" >/dev/null
ip netns exec "$VIC" ping -c 1 -W 1 10.240.0.1 >/dev/null 2>&1
neigh() { ip -n "$VIC" neigh show dev eth0 | grep -E "^(10.240.0.1|$IPB) " | awk '{print $1, $3}' | sort; }
neigh_before=$(neigh)
note "victim ARP table: $(echo $neigh_before)"
# IPv6: the victim resolves the bystander, and would take a router advertisement
IP6B=$(snic_ip6 bys) MACB=$(hctl -j snic show bys | jq -r .mac) MACX=$(hctl -j snic show att | jq -r .mac)
ip netns exec "$VIC" ping -6 -c 1 -W 2 "$IP6B" >/dev/null
ip netns exec "$VIC" sysctl -qw net.ipv6.conf.eth0.accept_ra=1

# the victim's capture runs through the whole audit (it must start and end cleanly)
PCAP=/tmp/hyp-victim-$UNIQ.pcap
on_exit "rm -f $PCAP $PCAP.err"
ip netns exec "$VIC" tcpdump -i eth0 -nn -U --immediate-mode -w "$PCAP" 2>"$PCAP.err" &
TD=$!
_CLEAN_PIDS+=("$TD")
for _ in $(seq 50); do
	grep -qs "listening on" "$PCAP.err" && break
	kill -0 "$TD" 2>/dev/null || break
	sleep 0.1
done
cap_ok=0
grep -qs "listening on" "$PCAP.err" && cap_ok=1
st0=$(hctl -j status)
out=$(hctl audit -j --attacker att --victim vic --bystander bys)
rc=$?
st1=$(hctl -j status)
# a frame the capture must see: the bridge answering the victim's ARP for
# the attacker's address (the attacker's MAC, its own address)
ip -n "$VIC" neigh del "$IPA" dev eth0 2>/dev/null
ip netns exec "$VIC" ping -c 1 -W 1 "$IPA" >/dev/null
sleep 0.3
kill -INT "$TD"
wait "$TD"
tdrc=$?
((cap_ok && tdrc == 0)) || cap_ok=0
check "audit ran (exit $rc)" test -n "$out"
# every probe the audit must run, by name: each is blocked with its counter moving
for name in spoof-src-ip spoof-src-ip/bypass spoof-src-mac spoof-src-mac/bypass \
	arp-poison-gateway arp-poison-gateway/bypass arp-poison-endpoint gratuitous-arp \
	forged-stamp replayed-stamp replayed-stamp/other-src no-stamp vlan-8021q \
	vlan-8021q/bypass qinq-8021ad broadcast-flood host-netns-reach namespace-claim \
	inspect-evasion conntrack-exhaustion nd-spoof-neighbour nd-spoof-gateway rogue-ra \
	dad-denial spoof-src-ip6 spoof-src-ip6/bypass ip6-routing-header ip6-fragment \
	ip6-exthdr-chain ip6-only-ipv4; do
	row=$(jq -c --arg n "$name" '[.hyperion[]? | select(.attack == $n)] | .[0] // empty' <<<"$out" 2>/dev/null)
	if [ -z "$row" ]; then notok "$name: missing from the audit"
	elif jq -e .pass <<<"$row" >/dev/null; then ok "$name: $(jq -r .observed <<<"$row")"
	else notok "$name: expected $(jq -r .expected <<<"$row"), observed $(jq -r .observed <<<"$row")"; fi
done
check "audit exits 0 when all attacks are blocked" test "$rc" -eq 0
check "victim's IPv6 neighbour entry for the bystander keeps its MAC; none has the attacker's" bash -c "
	ip -n $VIC -6 neigh show dev eth0 | grep -q '^$IP6B lladdr $MACB' &&
	! ip -n $VIC -6 neigh show dev eth0 | grep -q 'lladdr $MACX'"
check "victim took nothing from the rogue RA (no fd66:6666:: address or route, one default route)" bash -c "
	! ip -n $VIC -6 addr show | grep -q 'fd66:6666:' && ! ip -n $VIC -6 route | grep -q 'fd66:6666:' &&
	[ \"\$(ip -n $VIC -6 route show default | wc -l)\" = 1 ]"

# independent evidence from the victim's own capture
pcn() { # FILTER: number of matching frames in the victim's capture, "x" when unreadable
	local o
	o=$(tcpdump -nn -r "$PCAP" "$1" 2>/dev/null) || { echo x; return; }
	if [ -z "$o" ]; then echo 0; else wc -l <<<"$o"; fi
}
if ((cap_ok)); then
	txt=$(tcpdump -nn -A -r "$PCAP" 2>/dev/null) || txt=
	probes=x legit=0
	[ -n "$txt" ] && probes=$(grep -c HYPAUDIT <<<"$txt") legit=$(grep -c HYPLEGIT <<<"$txt")
	check "victim capture: no probe frame arrived (saw $probes)" test "$probes" -eq 0
	check "victim capture works: the attacker's legitimate frame arrived ($legit)" test "$legit" -ge 1
	# ARP (request, reply, gratuitous) whose sender is the attacker's MAC
	# with an address other than the attacker's; next to it, in the same
	# capture, the bridge's legitimate answer for the attacker's address
	MACA=$(hctl -j snic show att | jq -r .mac)
	IFS=: read -r m1 m2 m3 m4 m5 m6 <<<"$MACA"
	IFS=. read -r i1 i2 i3 i4 <<<"$IPA"
	sha="arp[8:4] == 0x$m1$m2$m3$m4 and arp[12:2] == 0x$m5$m6"
	spa=$(printf '0x%02x%02x%02x%02x' "$i1" "$i2" "$i3" "$i4")
	claims=$(pcn "arp and $sha and arp[14:4] != $spa")
	own=$(pcn "arp and $sha and arp[14:4] == $spa")
	check "victim capture: no ARP (request, reply or gratuitous) from the attacker's MAC claims another address ($claims); the bridge's answer for the attacker's own address is there ($own)" \
		test "$claims" -eq 0 -a "$own" -ge 1
	# the stamp never reaches another container: every frame the victim got
	# carries its real MAC (or broadcast) as destination, never a stamp
	MACV=$(hctl -j snic show vic | jq -r .mac)
	stamped=$(pcn "not ether src $MACV and not ether dst $MACV and not ether broadcast")
	received=$(pcn "not ether src $MACV")
	check "no stamp delivered to the victim ($stamped of the $received frames it received from others have another destination MAC)" \
		test "$stamped" -eq 0 -a "$received" -ge 1
else
	for c in "no probe frame arrived" "the legitimate frame arrived" "no ARP claim of another address" "no stamp delivered"; do
		notok "victim capture, $c: the capture failed (exit $tdrc): $(tr '\n' ' ' <"$PCAP.err")"
	done
fi
check "victim ARP table (gateway and bystander) unchanged: $(echo $neigh_before)" \
	test "$(neigh)" = "$neigh_before" -a "$(grep -cE ' ([0-9a-f]{2}:){5}[0-9a-f]{2}$' <<<"$neigh_before")" -eq 2

# each drop counter moved by at least the frames the audit sent for it
moved() { # SECTION REASON=MIN...: prints the shortfalls
	local sec=$1 r a b bad=0
	shift
	for r in "$@"; do
		a=$(jq -r ".$sec.drops[\"${r%=*}\"] // 0" <<<"$st0")
		b=$(jq -r ".$sec.drops[\"${r%=*}\"] // 0" <<<"$st1")
		if ((b - a < ${r#*=})); then echo "$sec ${r%=*}: +$((b - a)), want +${r#*=}"; bad=1; fi
	done
	return $bad
}
check "bridge counters moved by the audit's frames, per reason" moved ports.att spoofed-src-ip=6 \
	spoofed-src-mac=3 arp-spoof=9 stamp-bad=6 stamp-missing=3 vlan-tagged=6 dst-bcast-mcast=2000
check "guard counters moved by the audit's frames, per reason" moved guards.att spoofed-src-ip=3 \
	spoofed-src-mac=3 arp-spoof=3 vlan-tagged=3

# The guard detached for real (root removes its link), not only bypassed.
check "with its guard the attacker reaches the victim" ping_ok "$ATT" "$IPV"
miss0=$(hctl -j status | jq '.ports.att.drops["stamp-missing"] // 0')
GLINK=$(bpftool link show pinned "/sys/fs/bpf/hyperion/$INST/links/guard-1" -j | jq .id)
rm "/sys/fs/bpf/hyperion/$INST/links/guard-1"
stop_daemon "$DAEMON_PID" TERM # keep the reconcile loop from re-attaching it
# the pin was the link's last holder: the kernel releases it after an RCU
# grace period, from a workqueue (slow on a loaded machine); wait for that
T0=$SECONDS
for _ in $(seq 100); do bpftool link show id "$GLINK" >/dev/null 2>&1 || break; sleep 0.1; done
note "the guard's link $GLINK gone after $((SECONDS - T0)) s (at most 10)"
check_fails "with its guard detached the attacker cannot reach the victim" ping_ok "$ATT" "$IPV"
start_daemon "$INST" || finish
miss1=$(hctl -j status | jq '.ports.att.drops["stamp-missing"] // 0')
check "status counts the unstamped frames (stamp-missing +$((miss1 - miss0)))" test $((miss1 - miss0)) -ge 2
check "the daemon re-attaches the guard and traffic resumes" bash -c "for i in \$(seq 50); do ip netns exec $ATT ping -c 1 -W 1 $IPV >/dev/null && exit 0; sleep 0.1; done; exit 1"

# audit on fresh throw-away SNICs, with the Linux bridge baseline
AERR=$(mktemp /tmp/hyp-audit-err.XXXXXX)
on_exit "rm -f $AERR"
out=$(hctl audit -j --baseline 2>"$AERR")
rc=$?
audit_progress() {
	grep -qE '^audit \(hyperion\): 1/[0-9]+ ' "$AERR" &&
		grep -qE '^audit \(linux bridge baseline\): [0-9]+/[0-9]+ ' "$AERR" &&
		jq -e '[.hyperion[], .baseline[] | select((.description // "") == "")] | length == 0' <<<"$out" >/dev/null ||
		{ cat "$AERR"; return 1; }
}
check "audit shows its progress on stderr (each attack, hyperion then the baseline) and describes each attack" audit_progress
check "audit on throw-away SNICs passes" test "$rc" -eq 0
exposed=$(jq '[.baseline[] | select(.blocked == false)] | length' <<<"$out")
check "baseline: the Linux bridge lets the attacks through ($exposed exposed)" test "$exposed" -ge 15
v6rows='"nd-spoof-neighbour","nd-spoof-gateway","rogue-ra","dad-denial","spoof-src-ip6","ip6-routing-header","ip6-fragment","ip6-exthdr-chain"'
exposed6=$(jq "[.baseline[] | select(.attack | IN($v6rows)) | select(.blocked == false) | .attack] | join(\" \")" <<<"$out")
held6=$(jq -r "[.hyperion[] | select(.attack | IN($v6rows)) | select(.blocked == true)] | length" <<<"$out")
check "baseline IPv6: the plain bridge lets every IPv6 attack through that Hyperion blocks ($exposed6; hyperion blocked $held6/8)" \
	bash -c "[ \$(wc -w <<<$exposed6) = 8 ] && [ $held6 = 8 ]"
check "audit removed its throw-away SNICs" bash -c "$HYPERCTL --instance $INST -j snic list | jq -e 'length == 3'"
check "audit removed its namespaces" bash -c "! ip netns list | grep -q hyp-audit"
check "audit removed its bridge" bash -c "! ip -o link show | grep -q ' hab'"
finish
