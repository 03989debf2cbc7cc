#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the datapath's flow events reach `hyperctl monitor` named (SNIC,
# namespace, labels) with their verdict, drop reason and the policy rule
# that allowed a flow; a forwarded packet of an established flow makes no
# event; the filters (--from, --to by name, label and address, --verdict,
# --type, --port, --last) select exactly what they say; -f streams events
# as they come; bad filters are refused. Under a flood of denied new flows
# from one endpoint, its events are held to its budget and the lost ones
# counted, while a neighbour's events still arrive.
. "$(dirname "$0")/lib.sh"
plan 24

INST=mon-$UNIQ
A=moa-$UNIQ B=mob-$UNIQ C=moc-$UNIQ
RAW=$ROOT/build/tests/hyp-rawsend
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" --event-rate 50 --event-burst 100 || finish
hctl snic add web --netns "$A" --label app=web --label namespace=shop >/dev/null
hctl snic add db --netns "$B" --label app=db --label namespace=shop >/dev/null
hctl snic add cli --netns "$C" --label app=client --label namespace=lab >/dev/null
IPA=$(snic_ip web) IPB=$(snic_ip db) IPC=$(snic_ip cli)
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 8080}]
EOF2
http_serve "$B" 8080
http_get "$A" "http://$IPB:8080/" >/dev/null
http_get "$C" "http://$IPB:8080/" >/dev/null

mon() { hctl -j monitor --last 4096 "$@"; }
# first event matching a jq condition
ev() { mon "$@" | jq -c "select($JQ)" | head -1; }

JQ='.type=="flow" and .src.snic=="web" and .dst.snic=="db" and .dst.port==8080'
E=$(ev)
check "a new flow web -> db:8080 is an allowed flow event" test -n "$E"
check "it names the rule that allowed it (shop/db-from-web ingress[0])" \
	jq -e '.policy | test("shop/db-from-web ingress\\[0\\]")' <<<"$E"
check "it names both ends' namespace, labels and address" \
	jq -e ".src.namespace==\"shop\" and .dst.labels.app==\"db\" and .src.ip==\"$IPA\"" <<<"$E"
check "a SYN with its flags" jq -e '.tcp_flags | test("SYN")' <<<"$E"
JQ='.type=="drop" and .src.snic=="cli" and .dst.snic=="db"'
E=$(ev)
check "cli -> db:8080 is a drop event, verdict denied, reason policy-ingress-denied" \
	jq -e '.verdict=="denied" and .reason=="policy-ingress-denied"' <<<"$E"
n_flows() { mon --type flow --from web --to db | grep -c .; }
N0=$(n_flows)
for _ in 1 2 3; do http_get "$A" "http://$IPB:8080/" >/dev/null; done
# each GET is a new connection (one flow each): 3 more, not one per packet
check "three connections of several packets each make exactly three flow events" \
	test "$(n_flows)" -eq $((N0 + 3))

# a spoofed source: the guard in web's netns drops it, and the event names web
ip -n "$A" addr add 10.240.0.99/16 dev eth0
ip netns exec "$A" ping -c 1 -W 1 -I 10.240.0.99 "$IPB" >/dev/null 2>&1
ip -n "$A" addr del 10.240.0.99/16 dev eth0
JQ='.type=="drop" and .stage=="guard"'
E=$(ev)
check "a spoofed source is a guard drop event naming the sender (web), not the address" \
	jq -e '.src.snic=="web" and .src.ip=="10.240.0.99" and (.reason|test("spoof"))' <<<"$E"

only() { # FIELD VALUE args...: every event printed has FIELD == VALUE, and there is one
	local f=$1 v=$2; shift 2
	mon "$@" | jq -e -s "length > 0 and all(.[]; $f == \"$v\")" >/dev/null
}
check "--from web: only web's events" only .src.snic web --from web
check "--to app=db (labels): only db's" only .dst.snic db --to app=db
check "--from CIDR $IPC/32: only cli's" only .src.snic cli --from "$IPC/32"
check "--verdict denied: only denied" only .verdict denied --verdict denied
check "--type snic-add: only SNIC lifecycle" only .type snic-add --type snic-add
check "--port 8080: only port 8080 flows" only '(.dst.port|tostring)' 8080 --port 8080 --type flow,drop
check "--namespace lab: only cli's" only .src.namespace lab --namespace lab
check "--last 2 prints two" test "$(hctl -j monitor --last 2 | grep -c .)" -eq 2
check "text output: one line per event" test "$(hctl monitor --last 3 | grep -c .)" -eq 3
check_fails "--verdict bogus is refused" hctl monitor --verdict bogus
check_fails "--port 70000 is refused" hctl monitor --port 70000
check_fails "--from with a bad selector is refused" hctl monitor --from 'a b'

# -f: a follower sees an event that happens after it started
OUT=/tmp/hyp-mon-$UNIQ.out
hctl -j monitor -f --from web --type flow >"$OUT" 2>&1 &
FPID=$!
_CLEAN_PIDS+=("$FPID")
sleep 1
http_get "$A" "http://$IPB:8080/" >/dev/null
for _ in $(seq 50); do grep -q '"type":"flow"' "$OUT" && break; sleep 0.1; done
check "monitor -f streams a new flow as it happens" grep -q '"src":{"snic":"web"' "$OUT"
kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null; rm -f "$OUT"

# a follower that never reads holds nothing: the daemon answers during the flood
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"{\"cmd\":\"monitor\",\"args\":{\"follow\":true}}\n"); time.sleep(60)' \
	"/run/hyperion/$INST.sock" &
STUCK=$!
_CLEAN_PIDS+=("$STUCK")

# Flood: web sends 3000 new UDP flows to a port the policy denies; cli
# sends a few at the same time. web's events are held to its budget
# (burst 100 + 50/s), the rest counted as lost; cli's arrive.
B0=$(mon --from web --type drop | grep -c .)
START=$SECONDS
"$RAW" "$A" eth0 udp-flows "$IPB" 9999 3000 >/dev/null 2>&1 &
RP=$!
for _ in 1 2 3 4 5; do "$RAW" "$C" eth0 udp "$IPB" 7777 1 >/dev/null 2>&1; sleep 0.2; done
wait "$RP"
T=$SECONDS
sleep 0.5
FL=$(($(mon --from web --type drop | grep -c .) - B0))
note "flood: $FL drop events of web kept"
check "the flooder's events are limited to its budget (got $FL, budget <= 100 + 50/s)" \
	test "$FL" -le $((100 + 50 * (T - START + 2))) -a "$FL" -ge 50
check "the neighbour's events still arrive during the flood (5 sent)" \
	test "$(mon --from cli --port 7777 | grep -c .)" -ge 4
check "the daemon answers while a follower never reads" timeout 5 "$HYPERCTL" --instance "$INST" status
kill "$STUCK" 2>/dev/null
LOST=$(hctl -j status | jq '.events.lost_rate_limited // 0')
check "the events held back are counted (status: $LOST)" test "$LOST" -ge 2000
finish
