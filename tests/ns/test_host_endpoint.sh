#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the host endpoint (hyperctl host enable|disable|show), off by
# default. Disabled, the host netns holds nothing of the bridge. Enabled,
# the host gets one guarded port with identity host, a pool address and a
# route to the pool only (no default route). A policy admits the host by
# its address (ipBlock); podSelector {} never selects it (the host is denied
# and the drop counted while a pod of the namespace gets in); no container
# opens a flow to the host, whatever its egress policy, while the replies of
# the host's own flows reach it; the host port cannot send
# with a forged source (its own address works); enable twice, disable twice
# are refused and change nothing; a restart keeps it; reconcile remakes its
# deleted interface; disable removes the
# link, the address, the route and the map entries.
. "$(dirname "$0")/lib.sh"
plan 20

INST=he-$UNIQ
A=hea-$UNIQ B=heb-$UNIQ
IFH=hh$UNIQ
N=$((RANDOM % 200 + 20))
POOL=100.72.$N.0/24 FAKE=100.72.$N.250
on_exit "ip link del $IFH"
links() { ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort; }
host_addrs() { ip -o -4 addr show | grep -c " 100\.72\.$N\." || true; }
maps() { for m in hyp_endpoints hyp_ports hyp_guards; do echo "$m $(map_count $m)"; done; }
total_drops() { hctl -j status | jq -r ".drops[\"$1\"] // 0"; }
hget() { timeout 3 busybox wget -q -O - "http://$1/"; }

mkns "$A" && mkns "$B"
start_daemon "$INST" --pool "$POOL" --pool6 none || finish
hctl snic add a --netns "$A" --label app=web >/dev/null
hctl snic add b --netns "$B" --label app=db >/dev/null
IPA=$(snic_ip a) IPB=$(snic_ip b)
http_serve "$A" 80
http_serve "$B" 80
L0=$(links) M0=$(maps)
check "disabled by default: host show is empty, no host link or pool address" \
	bash -c "$HYPERCTL --instance $INST -j host show | jq -e 'length == 0' && ! ip link show $IFH && [ $(host_addrs) = 0 ]"

HIP=$(hctl -j host enable --ifname "$IFH" | jq -r .ip | cut -d/ -f1)
check "enabled: identity host (1), a pool address on $IFH, a pool route, no default route via it" \
	bash -c "$HYPERCTL --instance $INST -j host show | jq -e '.identity == 1 and .guard' &&
		ip -o addr show dev $IFH | grep -q ' $HIP/24' && ip route show dev $IFH | grep -q '^100.72.$N.0/24' &&
		! ip route show default dev $IFH | grep -q ."
check_fails "enable twice is refused" hctl host enable --ifname "$IFH"
check "the refused enable changed nothing" bash -c "[ \"\$($HYPERCTL --instance $INST -j host show | jq -r .ip)\" = $HIP/24 ]"

hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-host}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{ipBlock: {cidr: $POOL}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-pods-only}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{podSelector: {}}]}]
  egress: [{to: [{podSelector: {}}]}]
EOF2
check "the host reaches a container whose policy admits its address (ipBlock)" hget "$IPA"
D0=$(total_drops policy-ingress-denied)
check_fails "podSelector {} does not select the host: host -> db denied" timeout 1.5 busybox wget -q -O - "http://$IPB/"
check "the host's denial is counted (policy-ingress-denied)" \
	bash -c "(( \$($HYPERCTL --instance $INST -j status | jq -r '.drops[\"policy-ingress-denied\"] // 0') > $D0 ))"
check "podSelector {} selects a pod: web -> db allowed (positive twin)" \
	bash -c "timeout 5 ip netns exec $A busybox wget -q -O - http://$IPB/"
# nothing opens a connection to the host: web's egress allows its ping, the
# host's ingress (isolated from the start, no policy can select it) does not
D1=$(total_drops policy-ingress-denied)
check_fails "a container cannot open a flow to the host, even with its egress allowed (web pings $HIP)" ping_ok "$A" "$HIP"
check "the container's attempt on the host is counted (policy-ingress-denied)" \
	bash -c "(( \$($HYPERCTL --instance $INST -j status | jq -r '.drops[\"policy-ingress-denied\"] // 0') > $D1 ))"
check "the host's own ping to web is answered (the replies of its flows reach it)" ping -c 1 -W 2 "$IPA"
check "a container whose egress policy selects pods only cannot reach the host" ping_fails "$B" "$HIP"

# the host port forging a source: a second pool address on the host's port
ip addr add "$FAKE/32" dev "$IFH"
S0=$(total_drops spoofed-src-ip)
check "the host port with its own address reaches web (control)" ping -c 1 -W 2 -I "$HIP" "$IPA"
check_fails "the host port with a forged source ($FAKE) gets nothing through" ping -c 1 -w 1 -I "$FAKE" "$IPA"
check "the forged source is counted (spoofed-src-ip)" bash -c "(( \$($HYPERCTL --instance $INST -j status | jq -r '.drops[\"spoofed-src-ip\"] // 0') > $S0 ))"
ip addr del "$FAKE/32" dev "$IFH"

stop_daemon "$DAEMON_PID"
start_daemon "$INST" --pool "$POOL" --pool6 none || finish
check "a restart keeps the host endpoint (same address, still reaches web)" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j host show | jq -r .ip)\" = $HIP/24 ] && timeout 5 busybox wget -q -O - http://$IPA/"

ip link del "$IFH"
remade() { for _ in $(seq 50); do ip -o addr show dev $IFH 2>/dev/null | grep -q " $HIP/24" && ping -c 1 -W 1 "$IPA" && return 0; sleep 0.2; done; return 1; }
check "reconcile remakes the host port when its interface is deleted (same address, reaches web)" remade

hctl host disable >/dev/null
check "disable removes it whole: host links, pool addresses and map entries as before" \
	bash -c "[ \"\$(ip -o link show | awk -F': ' '{print \$2}' | cut -d@ -f1 | grep -cx $IFH)\" = 0 ] &&
		[ $(host_addrs) = 0 ] && [ '$M0' = \"\$(for m in hyp_endpoints hyp_ports hyp_guards; do echo \$m \$(bpftool map dump pinned /sys/fs/bpf/hyperion/$INST/\$m -j 2>/dev/null | jq length); done)\" ] &&
		$HYPERCTL --instance $INST -j host show | jq -e 'length == 0'"
check_fails "disable when disabled is refused" hctl host disable
L1=$(links)
if [ -z "$(comm -13 <(echo "$L0") <(echo "$L1"))" ]; then ok "the host link list is as before enable"; else
	note "links added meanwhile (other tests?): $(comm -13 <(echo "$L0") <(echo "$L1") | tr '\n' ' ')"
	if comm -13 <(echo "$L0") <(echo "$L1") | grep -qx "$IFH"; then notok "host link left"; else ok "the host link list holds nothing of ours"; fi
fi
finish
