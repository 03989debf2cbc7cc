#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Crashes with nothing lost. hyperiond is SIGKILLed at named points inside
# snic add/del, CNI ADD/DEL, policy apply, delete and inspection apply,
# namespace label changes (HYPERION_FAULT_FILE holding POINT, armed just
# before the operation; src/lib/fault.h), once per point. For each:
#   - the daemon died there (SIGKILL);
#   - while it is down, the established flow a -> b keeps flowing and the
#     denied d -> b stays denied (positive control and attack, same tools);
#   - restarted (and reconciled), store, maps, links and interfaces agree
#     (every SNIC in the store has its bridge port, endpoint, port and
#     guard entries, address, and interface in its netns, and nothing else
#     exists), and the operation happened whole or not at all: what the
#     datapath enforced while the daemon was down is a policy set the store
#     committed (never one it rolled back), and after the restart the
#     datapath enforces exactly what the store holds (c -> b passes exactly
#     when the store has b-from-c, and for the namespace points the label
#     team=x on namespace default it selects; inspection tables exactly
#     when it has b-inspect).
# A continuous ping a -> b runs across all of it.
. "$(dirname "$0")/lib.sh"
# CI runs 11 of the 20 points (its time budget); CRASH_ALL=1 runs every one
POINTS=(snic-add-synced snic-add-created snic-del-destroyed cni:snic-add-created
	cni-del-done policy-apply-committed policy-apply-loaded inspect-apply-loaded
	policy-delete-checked policy-delete-committed ns-label-checked)
[ -n "${CRASH_ALL:-}" ] && POINTS+=(snic-add-recorded snic-add-committed snic-del-committed
	cni-add-begin policy-apply-stored policy-delete-loaded ns-label-committed
	ns-unlabel-checked ns-unlabel-committed)
# CRASH_POINTS="P ...": only those (while working on one)
[ -n "${CRASH_POINTS:-}" ] && read -ra POINTS <<<"$CRASH_POINTS"
plan $((3 * ${#POINTS[@]} + 3))

INST=cr-$UNIQ
NET=crnet-$UNIQ
A=cra-$UNIQ B=crb-$UNIQ C=crc-$UNIQ D=crd-$UNIQ X=crx-$UNIQ
CNI=$BUILD/hyperion
for n in "$A" "$B" "$C" "$D" "$X"; do mkns "$n" || finish; done
# the fault point the daemon dies at: armed by writing it here (no restart)
FAULTF=/tmp/hyp-crash-fault-$UNIQ
: >"$FAULTF"
on_exit "rm -f $FAULTF"
export HYPERION_FAULT_FILE=$FAULTF
start_daemon "$INST" --pool 10.94.0.0/24 || finish
hctl snic add a --netns "$A" --label app=a >/dev/null &&
	hctl snic add b --netns "$B" --label app=b >/dev/null &&
	hctl snic add c --netns "$C" --label app=c >/dev/null &&
	hctl snic add d --netns "$D" --label app=d >/dev/null || { notok "setup"; finish; }
IPB=$(snic_ip b)
hctl policy apply -f - >/dev/null <<EOF2 || { notok "base policy"; finish; }
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-a}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
EOF2
ALLOW_C='apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-c}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: c}}}]}]'
# c -> b exactly when namespace default has team=x (the namespace points)
ALLOW_C_NS='apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-c}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app: c}}}]'
INSPECT='apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: b-inspect}
spec:
  podSelector: {matchLabels: {app: b}}
  direction: ingress
  ports: [{protocol: TCP, port: 80}]
  action: drop
  patterns: [{pattern: EVIL}]'
CONF=$(jq -cn --arg n "$NET" --arg i "$INST" '{cniVersion: "1.0.0", name: $n, type: "hyperion", instance: $i}')
cni() { # CMD
	printf '%s' "$CONF" | env -i PATH="$PATH" CNI_COMMAND="$1" CNI_CONTAINERID="cid-$UNIQ" \
		CNI_IFNAME=eth0 CNI_NETNS="/run/netns/$X" CNI_PATH=/usr/lib/cni "$CNI" >/dev/null 2>&1
}

ip netns exec "$A" ping -D -O -i 0.1 -W 1 "$IPB" >"/tmp/hyp-crash-ping-$UNIQ" 2>&1 &
PING=$!
_CLEAN_PIDS+=("$PING")
on_exit "rm -f /tmp/hyp-crash-ping-$UNIQ"

# store, maps, links and interfaces agree; prints what does not
agree() {
	local list n names s ports
	list=$(hctl -j snic list) || { echo "snic list failed"; return 1; }
	n=$(jq length <<<"$list")
	ports=$(ip -n "hyp-$INST" -o link show | awk -F': ' '$2 ~ /^hp/' | wc -l)
	[ "$ports" = "$n" ] || echo "bridge ports $ports, SNICs $n"
	for m in hyp_endpoints hyp_ports hyp_guards; do
		[ "$(map_count $m)" = "$n" ] || echo "map $m: $(map_count $m) entries, SNICs $n"
	done
	[ "$(hctl -j status | jq .addresses_used)" = "$n" ] || echo "addresses used differ from $n SNICs"
	for s in $(jq -r '.[].name' <<<"$list"); do
		hctl snic check "$s" >/dev/null 2>&1 || echo "snic check $s fails"
	done
	# the spare netns has an interface exactly when a SNIC is there
	names=$(jq -r --arg x "$X" '[.[] | select(.netns == $x or .netns == "/run/netns/" + $x)] | length' <<<"$list")
	local ifs
	ifs=$(ip -n "$X" -o link show | grep -vc ': lo:')
	[ "$ifs" = "$names" ] || echo "netns $X: $ifs interfaces, $names SNICs there"
}

# the operation a point is reached by (on a daemon that dies in it)
op() {
	case $1 in
	snic-add-*) hctl snic add x --netns "$X" --label app=x ;;
	snic-del-*) hctl snic add x --netns "$X" --label app=x >/dev/null && hctl snic del x ;;
	cni-add-* | cni:*) cni ADD ;;
	cni-del-*) cni ADD && cni DEL ;;
	policy-delete-*) hctl policy apply -f - <<<"$ALLOW_C" >/dev/null && hctl policy delete b-from-c ;;
	ns-label-*) hctl policy apply -f - <<<"$ALLOW_C_NS" >/dev/null &&
		hctl namespace label default team=x ;;
	ns-unlabel-*) hctl policy apply -f - <<<"$ALLOW_C_NS" >/dev/null &&
		hctl namespace label default team=x >/dev/null && hctl namespace unlabel default team ;;
	policy-*) hctl policy apply -f - <<<"$ALLOW_C" ;;
	inspect-*) hctl policy apply -f - <<<"$INSPECT" ;;
	esac
}

# back to the base state (a, b, c, base policy) for the next point
undo() {
	hctl snic del x >/dev/null 2>&1
	cni DEL
	hctl policy delete b-from-c >/dev/null 2>&1
	hctl policy delete b-inspect >/dev/null 2>&1
	hctl namespace unlabel default team >/dev/null 2>&1
	true
}

for p in "${POINTS[@]}"; do
	point=${p#cni:}
	note "$(date +%s.%N | cut -c1-14) point $p"
	echo "$point" >"$FAULTF"
	op "$p" >/dev/null 2>&1
	for _ in $(seq 50); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
	wait "$DAEMON_PID" 2>/dev/null
	rc=$?
	: >"$FAULTF"
	if ((rc == 137)); then ok "$p: hyperiond killed there (SIGKILL)"; else
		notok "$p: hyperiond not killed at the point (exit $rc)"
		stop_daemon "$DAEMON_PID" KILL
	fi
	# while it is down
	# the three probes at once (the denied ones wait out their timeout)
	ping_fails "$C" "$IPB" & pc=$!
	ping_fails "$D" "$IPB" & pd=$!
	c_passed=no d_denied=yes
	ping_ok "$A" "$IPB"; a_flows=$?
	wait $pc || c_passed=yes
	wait $pd || d_denied=no
	insp_down=$(map_count hyp_inspect)
	if ((a_flows == 0)) && [ "$d_denied" = yes ]; then
		ok "$p: while down, a -> b flows, d -> b stays denied"
	else
		notok "$p: while down: a -> b does not flow, or d -> b passed"
	fi
	start_daemon "$INST" || finish
	hctl reconcile >/dev/null
	bad=$(agree)
	has_c=no has_i=no c_now=no
	hctl policy show b-from-c >/dev/null 2>&1 && has_c=yes
	# the namespace points: b-from-c selects c only with the label
	[[ $p == ns-* ]] && ! hctl -j namespace list |
		jq -e '.[] | select(.name == "default") | .labels.team == "x"' >/dev/null && has_c=no
	hctl policy show b-inspect >/dev/null 2>&1 && has_i=yes
	# (a denied probe waits out its timeout: only where a policy changed)
	if [[ $p == policy-* || $p == ns-* ]]; then ping_fails "$C" "$IPB" || c_now=yes; else c_now=$has_c; fi
	# before the operation the store allowed c -> b only for a delete or unlabel
	c_before=no
	[[ $p == policy-delete-* || $p == ns-unlabel-* ]] && c_before=yes
	[ "$c_passed" = "$c_before" ] || [ "$c_passed" = "$has_c" ] ||
		bad+=" c -> b passed while down: $c_passed, a set the store never committed;"
	[ "$c_now" = "$has_c" ] || bad+=" after restart c -> b passes: $c_now, store has b-from-c: $has_c;"
	[ "$insp_down" != 0 ] && [ "$has_i" = no ] &&
		bad+=" inspection enforced while down, the store has no b-inspect;"
	i_now=no
	[ "$(map_count hyp_inspect)" != 0 ] && i_now=yes
	[ "$i_now" = "$has_i" ] || bad+=" after restart inspection tables: $i_now, store has b-inspect: $has_i;"
	recv=$(grep -c 'bytes from' "/tmp/hyp-crash-ping-$UNIQ")
	if [ -z "$bad" ]; then
		ok "$p: after restart store, maps, links and interfaces agree; whole or nothing (down: c->b $c_passed, inspection $insp_down; store: b-from-c $has_c, b-inspect $has_i; pings so far $recv)"
	else notok "$p: after restart: $bad"; fi
	undo
done

check "after every crash, a new SNIC works (add, ping, del)" bash -c "
	$HYPERCTL --instance $INST snic add y --netns $X --label app=a >/dev/null &&
	ip netns exec $X ping -c 2 -i 0.2 -W 1 $IPB >/dev/null &&
	$HYPERCTL --instance $INST snic del y >/dev/null"
check "nothing left of the crashed operations" bash -c '[ -z "$1" ] || { echo "$1"; exit 1; }' _ "$(agree)"
kill -INT "$PING"
wait "$PING"
sent=$(grep -oE '^[0-9]+ packets transmitted' "/tmp/hyp-crash-ping-$UNIQ" | cut -d' ' -f1)
recv=$(grep -oE '[0-9]+ received' "/tmp/hyp-crash-ping-$UNIQ" | cut -d' ' -f1)
note "continuous ping a -> b across ${#POINTS[@]} crashes: $recv of $sent"
if [ -n "$sent" ] && ((sent > 50 && recv * 100 >= sent * 99)); then
	ok "the established flow a -> b kept flowing across every crash ($recv of $sent)"
else notok "the established flow a -> b lost packets: $recv of ${sent:-?}"; fi
finish
