#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: a compromised secure container holding CAP_NET_RAW and
# CAP_NET_ADMIN in its own netns cannot spoof: neighbour IP, forged MAC,
# ARP poisoning (gateway and endpoint), gratuitous ARP, forged / replayed /
# missing stamps (guard bypassed with PACKET_QDISC_BYPASS, and guard
# detached), VLAN and QinQ frames, a broadcast flood. For each: the victim
# received nothing (tcpdump in the victim's netns), its ARP table is
# unchanged, and the expected drop counter moved. A host-netns actor finds
# no interface that reaches a secure container. The same attacks on a
# plain Linux bridge get through (the baseline shows the exposure).
. "$(dirname "$0")/lib.sh"

INST=at-$UNIQ
ATT=ata-$UNIQ VIC=atv-$UNIQ BYS=atb-$UNIQ
mkns "$ATT" && mkns "$VIC" && mkns "$BYS"
start_daemon "$INST" || finish
hctl snic add att --netns "$ATT" --label role=attacker >/dev/null
hctl snic add vic --netns "$VIC" --label role=victim >/dev/null
hctl snic add bys --netns "$BYS" --label role=bystander >/dev/null
IPV=$(snic_ip vic) IPB=$(snic_ip bys)

# the victim knows the gateway and the bystander before the attacks
ip netns exec "$VIC" ping -c 1 -W 1 "$IPB" >/dev/null
ip netns exec "$VIC" ping -c 1 -W 1 10.240.0.1 >/dev/null 2>&1
neigh() { ip -n "$VIC" neigh show dev eth0 | grep -E "^(10.240.0.1|$IPB) " | awk '{print $1, $3}' | sort; }
neigh_before=$(neigh)
note "victim ARP table: $(echo $neigh_before)"

PCAP=/tmp/hyp-victim-$UNIQ.pcap
on_exit "rm -f $PCAP"
ip netns exec "$VIC" tcpdump -i eth0 -nn -U --immediate-mode -w "$PCAP" 2>/dev/null &
TD=$!
_CLEAN_PIDS+=("$TD")
sleep 1

out=$(hctl audit -j --attacker att --victim vic --bystander bys)
rc=$?
kill -INT "$TD"; wait "$TD"
check "audit ran (exit $rc)" test -n "$out"
while read -r row; do
	name=$(jq -r .attack <<<"$row")
	if jq -e .pass <<<"$row" >/dev/null; then ok "$name: $(jq -r .observed <<<"$row")"; else
		notok "$name: expected $(jq -r .expected <<<"$row"), observed $(jq -r .observed <<<"$row")"; fi
done < <(jq -c '.hyperion[]' <<<"$out")
check "audit exits 0 when all attacks are blocked" test "$rc" -eq 0

# independent evidence from the victim's own capture
probes=$(tcpdump -nn -A -r "$PCAP" 2>/dev/null | grep -c HYPAUDIT)
legit=$(tcpdump -nn -A -r "$PCAP" 2>/dev/null | grep -c HYPLEGIT)
check "victim capture: no probe frame arrived (saw $probes)" test "$probes" -eq 0
check "victim capture works: the attacker's legitimate frame arrived ($legit)" test "$legit" -ge 1
# ARP claiming another address with the attacker's MAC (the bridge's own
# answer for the attacker's real address is legitimate)
IPA=$(snic_ip att) MACA=$(hctl -j snic show att | jq -r .mac)
arp_claims=$(tcpdump -nn -r "$PCAP" arp 2>/dev/null | grep "is-at $MACA" | grep -vc "Reply $IPA is-at" || true)
check "victim capture: no ARP claim of another address with the attacker's MAC ($arp_claims)" test "$arp_claims" -eq 0
check "victim ARP table unchanged" test "$(neigh)" = "$neigh_before"
# the stamp never reaches another container: every frame the victim got
# carries its real MAC (or broadcast) as destination, never a stamp
MACV=$(hctl -j snic show vic | jq -r .mac)
stamped=$(tcpdump -nn -e -r "$PCAP" 2>/dev/null | awk -v me="$MACV" '$2 != me {print $4}' | tr -d ',' |
	grep -v -e "$MACV" -e ff:ff:ff:ff:ff:ff | grep -c . || true)
received=$(tcpdump -nn -e -r "$PCAP" 2>/dev/null | awk -v me="$MACV" '$2 != me' | grep -c . || true)
note "victim received $received frames from others"
check "no stamp delivered to the victim ($stamped frames with another destination MAC)" test "$stamped" -eq 0
check "bridge counters name the reasons" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.ports.att.drops | has(\"stamp-bad\") and has(\"stamp-missing\") and has(\"arp-spoof\") and has(\"vlan-tagged\")'"
check "guard counters name the reasons" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.guards.att.drops | has(\"spoofed-src-ip\") and has(\"spoofed-src-mac\")'"

# The guard detached for real (root removes its link), not only bypassed.
rm "/sys/fs/bpf/hyperion/$INST/links/guard-1"
stop_daemon "$DAEMON_PID" TERM # keep the reconcile loop from re-attaching it
check_fails "with its guard detached the attacker cannot reach the victim" ping_ok "$ATT" "$IPV"
start_daemon "$INST" || finish
check "status counts the unstamped frames" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.ports.att.drops[\"stamp-missing\"] > 3'"
check "the daemon re-attaches the guard and traffic resumes" bash -c "for i in \$(seq 50); do ip netns exec $ATT ping -c 1 -W 1 $IPV >/dev/null && exit 0; sleep 0.1; done; exit 1"

# audit on fresh throw-away SNICs, with the Linux bridge baseline
out=$(hctl audit -j --baseline)
rc=$?
check "audit on throw-away SNICs passes" test "$rc" -eq 0
exposed=$(jq '[.baseline[] | select(.blocked == false)] | length' <<<"$out")
check "baseline: the Linux bridge lets the attacks through ($exposed exposed)" test "$exposed" -ge 15
check "audit removed its throw-away SNICs" bash -c "$HYPERCTL --instance $INST -j snic list | jq -e 'length == 3'"
check "audit removed its namespaces" bash -c "! ip netns list | grep -q hyp-audit"
check "audit removed its bridge" bash -c "! ip -o link show | grep -q ' hab'"
finish
