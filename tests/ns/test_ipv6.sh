#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves (dual stack, issue 17): every SNIC gets an IPv6 address from the
# instance's IPv6 pool, a link-local from its MAC and a default route, and
# it is usable as soon as snic add returns (no DAD: the bridge makes it
# unique; the first ping6 right after the add answers); ping6, TCP and UDP over IPv6 work between SNICs and a
# host-netns capture sees none of it; bad IPv6 input is refused with
# nothing changed, and a restart keeps the IPv6 pool and addresses; a
# NetworkPolicy with an IPv6 ipBlock and an IPv4 one lets each peer in by
# its own family only (allowed twin passes, denied one dropped and counted),
# and policy trace agrees for IPv6 addresses; a short valid extension-header
# chain does not hide a flow from policy; a real DAD-denial flood (an
# attacker advertising the victim's address while it runs DAD) fails
# against the victim while it succeeds on a plain veth pair (the twin).
# The other IPv6 attacks (NA spoofing of a neighbour and of the gateway,
# rogue RA, forged source, routing header, fragment, long chains) are
# hyperctl audit's IPv6 rows, checked with the victim's evidence in
# test_attacks.sh. An IPv6-only SNIC (snic add --family 6) beside dual-stack
# ones: only IPv6, reached over IPv6, never over IPv4.
. "$(dirname "$0")/lib.sh"
plan 33

INST=v6-$UNIQ
A=v6a-$UNIQ B=v6b-$UNIQ C=v6c-$UNIQ X=v6x-$UNIQ
for n in "$A" "$B" "$C" "$X"; do mkns "$n" || finish; done
start_daemon "$INST" || finish
SEND6=$BUILD/tests/hyp-send6
TMP=$(mktemp -d /tmp/hyp-v6.XXXXXX)
on_exit "rm -rf $TMP"
for s in a b c x; do
	ns=v6$s-$UNIQ
	hctl snic add "$s" --netns "$ns" --label app="$s" >/dev/null || finish
done
GW6=$(hctl -j status | jq -r .gateway6)
IP6A=$(snic_ip6 a) IP6B=$(snic_ip6 b) IP6C=$(snic_ip6 c) IP4B=$(snic_ip b) IP4C=$(snic_ip c)
mac() { hctl -j snic show "$1" | jq -r .mac; }
MACA=$(mac a) MACB=$(mac b) MACC=$(mac c) MACX=$(mac x)
note "a $IP6A b $IP6B c $IP6C gateway $GW6"

check "dual stack by default: a ULA /64 pool, each SNIC an address in it (nodad), its EUI-64 link-local, a default route via gateway6" \
	bash -c "hctl() { $HYPERCTL --instance $INST \"\$@\"; }
	hctl -j status | jq -e '.pool6 | test(\"^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64$\")' &&
	hctl -j snic show a | jq -e --arg g '$GW6' '(.ip6 | endswith(\"/64\")) and .gateway6 == \$g and (.link_local | startswith(\"fe80::858:\"))' &&
	ip -n $A -6 addr show dev eth0 | grep \"inet6 $IP6A/64\" | grep -q nodad &&
	ip -n $A -6 addr show dev eth0 | grep -q \"inet6 \$(hctl -j snic show a | jq -r .link_local)/64 scope link\" &&
	ip -n $A -6 route show default | grep -q 'via $GW6 dev eth0'"
check "every SNIC's address is usable at once (not tentative, not failed)" \
	bash -c "for p in '$A $IP6A' '$B $IP6B' '$C $IP6C'; do $(declare -f dad_done); dad_done \$p || exit 1; done"
check "snic check verifies the IPv6 side" hctl snic check a
note "== router solicitation (rdisc6) answered by the bridge"
POOL6=$(hctl -j status | jq -r .pool6)
read -r g0 g1 g2 g3 <<<"$(hctl -j status | jq -r .gateway | tr . ' ')"
GWMAC=$(printf '0a:58:%02x:%02x:%02x:%02x' "$g0" "$g1" "$g2" "$g3")
GWLL=$(printf 'fe80::858:%x:%x:%x' $((g0 * 256 + 255)) $((0xfe00 + g1)) $((g2 * 256 + g3)))
timeout 10 ip netns exec "$B" rdisc6 -d -1 -n -w 2500 eth0 >"$TMP/ra-b" 2>&1 &
RAB=$!
sleep 0.3
ip netns exec "$A" rdisc6 -1 -n -r 3 -w 2000 eth0 >"$TMP/ra" 2>&1
wait $RAB
RAB=$?
note "$(tr -s ' ' <"$TMP/ra" | tr '\n' ';')"
check "a's RS gets the bridge's RA: the pool on-link, no SLAAC, MTU 1500, lifetime 9000 s, from the gateway ($GWLL, $GWMAC)" \
	bash -c "grep -q 'Prefix *: $POOL6' $TMP/ra && grep -q 'On-link *: *Yes' $TMP/ra &&
	grep -q 'Autonomous address conf.*: *No' $TMP/ra && grep -q 'MTU *: *1500 bytes' $TMP/ra &&
	grep -q 'Router lifetime *: *9000' $TMP/ra && grep -qi 'link-layer address: *$GWMAC' $TMP/ra &&
	grep -q '^ *from $GWLL' $TMP/ra"
check "the RA went to a alone: b, listening meanwhile, got none (rdisc6 $RAB)" bash -c "[ $RAB != 0 ] && ! grep -q Prefix $TMP/ra-b"
note "== traffic over IPv6"
D=v6d-$UNIQ
mkns "$D" || finish
hctl snic add d --netns "$D" >/dev/null || finish
check "the first ping6 right after snic add answers (no DAD window)" \
	ip netns exec "$D" ping -6 -c 1 -W 2 "$IP6B"
check "ping6 a -> b" ip netns exec "$A" ping -6 -c 2 -i 0.2 -W 2 "$IP6B"
mkdir -p "$TMP/www" && echo "v6 hello" >"$TMP/www/index.html"
for p in 8080 8081; do
	ip netns exec "$B" busybox httpd -f -p "[::]:$p" -h "$TMP/www" &
	_CLEAN_PIDS+=($!)
	ip netns exec "$B" busybox httpd -f -p "0.0.0.0:$((p + 100))" -h "$TMP/www" &
	_CLEAN_PIDS+=($!)
done
sleep 0.3
get6() { timeout "${T:-5}" ip netns exec "$1" busybox wget -q -O - "http://[$2]:$3/" 2>/dev/null | grep -q "v6 hello"; }
get4() { timeout "${T:-5}" ip netns exec "$1" busybox wget -q -O - "http://$2:$3/" 2>/dev/null | grep -q "v6 hello"; }
check "TCP over IPv6 a -> b" get6 "$A" "$IP6B" 8080
udp6() { # FROM-NS TO-NS DST: one datagram over IPv6, received
	ip netns exec "$2" python3 -c "
import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(('::', 9999)); s.settimeout(5)
print(s.recvfrom(100)[0].decode())" >"$TMP/udp" &
	local p=$!
	sleep 0.5
	ip netns exec "$1" python3 -c "
import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'udp6-hello', ('$3', 9999))"
	wait $p
	grep -q udp6-hello "$TMP/udp"
}
check "UDP over IPv6 a -> b" udp6 "$A" "$B" "$IP6B"
n=$(capture_host "ip6 and not host ::1" bash -c "ip netns exec $A ping -6 -c 3 -i 0.2 $IP6B; $(declare -f get6); get6 $A $IP6B 8080")
check "a host-netns capture (tcpdump -i any) sees none of it ($n frames)" test "$n" = 0
n=$(capture_host "ip6 and host ::1" ping -6 -c 2 -i 0.2 ::1)
check "control: the same capture sees host IPv6 traffic ($n frames)" test "$n" -gt 0

note "== an IPv6-only SNIC on this dual-stack instance (snic add --family 6)"
E=v6e-$UNIQ
mkns "$E" || finish
hctl snic add e --netns "$E" --family 6 >/dev/null || finish
IP6E=$(snic_ip6 e)
check "e: only IPv6 (no ip in snic show, no IPv4 in its netns), MAC 0a:66:..., ping -6 b -> e" \
	bash -c "$HYPERCTL --instance $INST -j snic show e | jq -e '(has(\"ip\") | not) and (.mac | startswith(\"0a:66:\"))' &&
	[ -z \"\$(ip -n $E -4 addr show dev eth0)\" ] && ip netns exec $B ping -6 -c 1 -W 2 $IP6E"
ip -n "$C" neigh replace "${IP4C%.*}.250" lladdr "$(hctl -j snic show e | jq -r .mac)" dev eth0
cap_in "$E" "$TMP/e.pcap" "" ip netns exec "$C" ping -c 2 -i 0.2 -W 1 "${IP4C%.*}.250" >/dev/null 2>&1 ||
	note "capture in e: $CAP_WHY"
check "nothing reaches e over IPv4: c's ping aimed at e's MAC never arrives (capture in e)" \
	bash -c "[ \"\$($(declare -f cap_count); cap_count $TMP/e.pcap 'ip or arp')\" = 0 ]"

note "== bad input changes nothing; a restart keeps IPv6"
before=$(hctl -j status | jq -c '[.snics, .addresses6_used]')
check_fails "snic add --ip outside pool6 refused" hctl snic add z --netns "$X" --ip fd00:bad::5/64
check_fails "snic add --ip of b's IPv6 refused" hctl snic add z --netns "$X" --ip "$IP6B/64"
check "... nothing changed (SNICs, IPv6 addresses in use)" test "$(hctl -j status | jq -c '[.snics, .addresses6_used]')" = "$before"
check_fails "hyperiond --pool6 fe80::/64 refused" timeout 10 "$HYPERIOND" --instance "v6bad-$UNIQ" --pool6 fe80::/64
check "... and leaves no state" test ! -e "/var/lib/hyperion/v6bad-$UNIQ"
POOL6=$(hctl -j status | jq -r .pool6)
stop_daemon "$DAEMON_PID"
check_fails "a restart with another --pool6 refused" timeout 10 "$HYPERIOND" --instance "$INST" --pool6 fd00:1::/64
start_daemon "$INST" || finish
check "restart: the same pool6, a keeps its IPv6, ping6 still works" bash -c "
	[ \"\$($HYPERCTL --instance $INST -j status | jq -r .pool6)\" = $POOL6 ] &&
	[ \"\$($HYPERCTL --instance $INST -j snic show a | jq -r .ip6)\" = $IP6A/64 ] &&
	ip netns exec $A ping -6 -c 1 -W 2 $IP6B"

note "== extension headers: a valid short chain is parsed, never a way around policy"
cap6() { # NS: capture UDP to port 9 there while the rest runs; prints marker frames seen
	local ns=$1; shift
	ip netns exec "$ns" tcpdump -i eth0 -Q in -nn -U --immediate-mode -w "$TMP/cap.pcap" ip6 2>"$TMP/cap.err" &
	local tp=$!
	for _ in $(seq 50); do grep -qs "listening on" "$TMP/cap.err" && break; sleep 0.1; done
	"$@" >/dev/null 2>&1
	sleep 0.5
	kill -INT "$tp"; wait "$tp"
	# packets (a header line starts with the time) whose dump holds the marker
	tcpdump -r "$TMP/cap.pcap" -nn -A 2>/dev/null |
		awk '/^[0-9][0-9]:[0-9][0-9]:/ {p++} /HYPSEND6/ && !seen[p]++ {n++} END {print n + 0}'
}
n=$(cap6 "$B" "$SEND6" "$C" eth0 "$MACC" udp6 "$IP6C" "$IP6B" "$MACB" hbh 3)
check "no policy: c's UDP behind hop-by-hop + destination options reaches b ($n/3)" test "$n" = 3

note "== NetworkPolicy over IPv6, both families in one policy"
cat >"$TMP/pol.yaml" <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-dual, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress:
  - from:
    - ipBlock: {cidr: "$IP6A/128"}
    - ipBlock: {cidr: "$IP4C/32"}
    ports: [{port: 8080, protocol: TCP}, {port: 8180, protocol: TCP}]
YAML
check "policy with an IPv6 and an IPv4 ipBlock applied" hctl policy apply -f "$TMP/pol.yaml"
d0=$(hctl -j status | jq '.drops["policy-ingress-denied"] // 0')
check "a -> b TCP over IPv6: allowed by the IPv6 block" get6 "$A" "$IP6B" 8080
check "c -> b TCP over IPv4: allowed by the IPv4 block" get4 "$C" "$IP4B" 8180
T=2 # the denied twins: a SYN dropped, nothing to wait for past its first retry
check_fails "c -> b TCP over IPv6: denied (c's IPv6 is in no block)" get6 "$C" "$IP6B" 8080
check_fails "a -> b TCP over IPv4: denied (a's IPv4 is in no block)" get4 "$A" "$IP4B" 8180
T=5
d1=$(hctl -j status | jq '.drops["policy-ingress-denied"] // 0')
check "the denied flows were counted as policy-ingress-denied ($d0 -> $d1)" test "$d1" -gt "$d0"
check "policy trace $IP6A -> $IP6B tcp 8080: allowed by the rule" bash -c \
	"$HYPERCTL --instance $INST -j policy trace $IP6A $IP6B tcp 8080 | jq -e '.verdict == \"allowed\" and (.ingress.allowed_by | startswith(\"default/b-dual\"))'"
check "policy trace $IP6C -> $IP6B tcp 8080: denied" bash -c \
	"$HYPERCTL --instance $INST -j policy trace $IP6C $IP6B tcp 8080 | jq -e '.verdict == \"denied\" and .drop_reason == \"policy-ingress-denied\"'"
d0=$d1
n=$(cap6 "$B" "$SEND6" "$C" eth0 "$MACC" udp6 "$IP6C" "$IP6B" "$MACB" hbh 3)
d1=$(hctl -j status | jq '.drops["policy-ingress-denied"] // 0')
check "with the policy: the same chained UDP from c never reaches b ($n), counted policy-ingress-denied ($d0 -> $d1)" \
	bash -c "[ $n = 0 ] && [ $d1 -gt $d0 ]"
hctl policy delete networkpolicy/default/b-dual --yes >/dev/null

note "== DAD denial for real: an NA flood while the victim runs DAD"
dad_attack() { # NS ADDR ATTACKER-NS ATTACKER-IF ATTACKER-MAC: re-adds ADDR during the flood
	"$SEND6" "$3" "$4" "$5" na "$2" 44 50 & # 2.2 s: DAD waits up to 1 s, probes 1 s
	local p=$!
	sleep 0.3
	ip -n "$1" addr del "$2/64" dev eth0 2>/dev/null
	ip -n "$1" addr add "$2/64" dev eth0
	wait $p
	sleep 0.5
}
dad_attack "$A" "$IP6A" "$X" eth0 "$MACX"
ip -n "$A" -6 route replace default via "$GW6" dev eth0
check "the victim's DAD under the flood succeeds: address not failed" dad_done "$A" "$IP6A"
P=v6p-$UNIQ Q=v6q-$UNIQ
mkns "$P" && mkns "$Q"
ip link add "p$UNIQ" netns "$P" type veth peer name "q$UNIQ" netns "$Q"
ip -n "$P" link set "p$UNIQ" name eth0 && ip -n "$Q" link set "q$UNIQ" name eth0
ip -n "$P" link set eth0 up && ip -n "$Q" link set eth0 up
sleep 0.5
dad_attack "$P" fd77::2 "$Q" eth0 "$(ip -n "$Q" -j link show eth0 | jq -r '.[0].address')"
check "twin: the same flood on a plain veth pair makes DAD fail" bash -c \
	"ip -n $P -6 addr show dev eth0 | grep 'fd77::2/' | grep -q dadfailed"
check "after the attacks: a -> b over IPv6 still works" ip netns exec "$A" ping -6 -c 1 -W 2 "$IP6B"
finish
