#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves, with real traffic: a pattern in an HTTP request is blocked and
# both TCP ends get a reset; the same pattern split across two segments is
# blocked; benign traffic and endpoints without patterns pass untouched;
# alert mode reports and passes; case-insensitive and binary patterns;
# a 1000-pattern set; updates while traffic flows; bad documents and a
# pattern set over the memory bound are refused whole.
. "$(dirname "$0")/lib.sh"

INST=in-$UNIQ
CLI=inc-$UNIQ WEB=inw-$UNIQ API=ina-$UNIQ OTH=ino-$UNIQ
for n in "$CLI" "$WEB" "$API" "$OTH"; do mkns "$n"; done
start_daemon "$INST" || finish
hctl snic add cli --netns "$CLI" --label app=client >/dev/null
hctl snic add web --netns "$WEB" --label app=web >/dev/null
hctl snic add api --netns "$API" --label app=api >/dev/null
hctl snic add oth --netns "$OTH" --label app=other >/dev/null
IPW=$(snic_ip web) IPA=$(snic_ip api) IPO=$(snic_ip oth)
http_serve "$WEB" 80
http_serve "$API" 80
http_serve "$OTH" 80
ip netns exec "$WEB" busybox nc -ll -p 9000 -e cat >/dev/null 2>&1 &
_CLEAN_PIDS+=("$!")
sleep 0.3

get() { timeout 3 ip netns exec "$1" busybox wget -q -O - "$2" 2>&1; }
drops() { hctl -j status | jq -r ".drops[\"$1\"] // 0"; }

hctl policy apply -f - >/dev/null <<'EOF2'
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: web-block}
spec:
  podSelector: {matchLabels: {app: web}}
  direction: ingress
  action: drop
  patterns:
  - pattern: /etc/passwd
  - pattern: union select
    caseInsensitive: true
  - pattern: 'BIN\x00\xffSIG\x01'
---
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: api-alert}
spec:
  podSelector: {matchLabels: {app: api}}
  direction: ingress
  action: alert
  patterns: [{pattern: /admin}]
EOF2
check "benign request to an inspected endpoint passes" bash -c "$(declare -f get); get $CLI http://$IPW/ | grep -q 'hello from'"

# the pattern in the URL: blocked, and the client is reset at once
cap=/tmp/hyp-in-$UNIQ.pcap
on_exit "rm -f $cap"
ip netns exec "$WEB" tcpdump -i eth0 -nn -U --immediate-mode -w "$cap" tcp port 80 2>/dev/null &
TD=$!
_CLEAN_PIDS+=("$TD")
sleep 1
t0=$(date +%s%N)
out=$(get "$CLI" "http://$IPW/etc/passwd")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill -INT "$TD"; wait "$TD"
check "pattern in the URL: request blocked" bash -c "! grep -q 'hello from' <<<'$out'"
check "the client is reset, not left hanging ($ms ms: $out)" bash -c "[ $ms -lt 2000 ] && grep -qi 'reset' <<<'$out'"
check "the server never saw the request bytes" bash -c "! tcpdump -nn -A -r $cap 2>/dev/null | grep -q 'etc/passwd'"
check "the server got a reset for the flow" bash -c "tcpdump -nn -r $cap 2>/dev/null | grep -q 'Flags \[R'"
check "counted as inspect-match" test "$(drops inspect-match)" -ge 1

split() { # NS IP PART1 PART2: two TCP segments 300 ms apart; prints the reply
	ip netns exec "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/80 || exit 1; printf '%s' '$3' >&3; sleep 0.3; printf '%s\r\n\r\n' '$4' >&3; cat <&3" 2>&1
}
out=$(split "$CLI" "$IPW" "GET /etc/pa" "sswd HTTP/1.0")
check "pattern split across two segments: blocked" bash -c "! grep -q '200 OK' <<<'$out'"
out=$(split "$CLI" "$IPW" "GET /etc/pa" "th HTTP/1.0")
check "the same split without the pattern passes" grep -q "HTTP/1.[01] [0-9]" <<<"$out"
out=$(split "$CLI" "$IPW" "GET /?q=1 UnIoN" " SeLeCt HTTP/1.0")
check "case-insensitive pattern, split: UnIoN SeLeCt blocked" bash -c "! grep -q 'HTTP/1' <<<'$out'"
out=$(split "$CLI" "$IPW" "GET /?q=1 UnIoN" "-SeLeCt HTTP/1.0")
check "a near miss passes (UnIoN-SeLeCt)" grep -q "HTTP/1.[01] [0-9]" <<<"$out"
out=$(ip netns exec "$CLI" timeout 3 bash -c "exec 3<>/dev/tcp/$IPW/9000; printf 'ok-bytes\n' >&3; head -c 9 <&3" 2>&1)
check "binary-pattern endpoint echoes benign bytes ($out)" grep -q "ok-bytes" <<<"$out"
out=$(ip netns exec "$CLI" timeout 3 bash -c "exec 3<>/dev/tcp/$IPW/9000; printf 'xxBIN\x00\xffSIG\x01yy\n' >&3; head -c 4 <&3" 2>&1)
check "binary pattern blocked" bash -c "! grep -q 'xxBI' <<<'$out'"

# endpoints without patterns pay nothing and are untouched
before=$(hctl -j status | jq '[.drops | to_entries[] | select(.key | startswith("inspect")) | .value] | add // 0')
check "endpoint without patterns: /etc/passwd to oth passes" bash -c "$(declare -f get); get $CLI http://$IPO/etc/passwd 2>&1 | grep -qv reset"
after=$(hctl -j status | jq '[.drops | to_entries[] | select(.key | startswith("inspect")) | .value] | add // 0')
check "no inspection drop for endpoints without patterns" test "$before" -eq "$after"

# alert mode: an event, and the traffic passes
out=$(get "$CLI" "http://$IPA/admin/x")
check "alert mode passes the request" bash -c "! grep -qi 'reset' <<<'$out'"
ev() { hctl -j events | jq -e '[.[] | select(.action == "alert" and .pattern == "/admin" and .endpoint == "api" and .policy == "default/api-alert" and .offset > 0)] | length >= 1'; }
check "alert mode delivers an event (endpoint, flow, pattern, offset)" ev
check "events name the blocked flow too" bash -c "$HYPERCTL --instance $INST -j events | jq -e '[.[] | select(.action == \"drop\" and .pattern == \"/etc/passwd\")] | length >= 1'"
check "human events output" bash -c "$HYPERCTL --instance $INST events | grep -q 'alert  api'"

# a drop document and an alert document on the same endpoint: each pattern keeps its action
hctl policy apply -f - >/dev/null <<'EOF2'
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: api-drop}
spec:
  podSelector: {matchLabels: {app: api}}
  direction: ingress
  action: drop
  patterns: [{pattern: /forbidden}]
EOF2
out=$(get "$CLI" "http://$IPA/admin/y")
check "mixed actions: the alert pattern still passes" bash -c "! grep -qi 'reset' <<<'$out'"
out=$(get "$CLI" "http://$IPA/forbidden")
check "mixed actions: the drop pattern is blocked" bash -c "grep -qi 'reset' <<<'$out'"

# 1000 patterns
gen=/tmp/hyp-in1000-$UNIQ.yaml
on_exit "rm -f $gen"
{
	printf 'apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata: {name: many}\nspec:\n'
	printf '  podSelector: {matchLabels: {app: other}}\n  direction: ingress\n  action: drop\n  patterns:\n'
	for i in $(seq 1000); do printf '  - pattern: sig%04d-%s\n' "$i" "$(printf '%s' "$i" | md5sum | cut -c1-6)"; done
} >"$gen"
P537="sig0537-$(printf 537 | md5sum | cut -c1-6)"
check "a 1000-pattern set is accepted" hctl policy apply -f "$gen"
check "benign request to the 1000-pattern endpoint passes" bash -c "$(declare -f get); get $CLI http://$IPO/ | grep -q 'hello from'"
check "pattern 537 of 1000 is found" bash -c "$(declare -f get); ! get $CLI http://$IPO/$P537 | grep -q 'hello from'"

# updates while traffic flows: benign requests never fail
loop_ok() {
	local i fails=0
	for i in $(seq 40); do
		timeout 3 ip netns exec "$CLI" busybox wget -q -O /dev/null "http://$IPW/" || fails=$((fails + 1))
		sleep 0.05
	done
	echo "$fails" >/tmp/hyp-in-loop-$UNIQ
}
loop_ok &
LP=$!
for i in 1 2 3 4 5; do
	sed "s/name: web-block}/name: web-block}/; s#/etc/passwd#/etc/passwd$i#" >/dev/null </dev/null
	hctl policy apply -f - >/dev/null <<EOF2
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: web-block}
spec:
  podSelector: {matchLabels: {app: web}}
  direction: ingress
  action: drop
  patterns: [{pattern: /etc/passwd}, {pattern: /v$i/secret}]
EOF2
	sleep 0.2
done
wait $LP
check "40 benign requests during 5 pattern updates: $(cat /tmp/hyp-in-loop-$UNIQ) failed" test "$(cat /tmp/hyp-in-loop-$UNIQ)" -eq 0
rm -f /tmp/hyp-in-loop-$UNIQ
check "the updated set is in force (/v5/secret blocked)" bash -c "$(declare -f get); ! get $CLI http://$IPW/v5/secret | grep -q 'hello from'"
check "a pattern removed by the update passes (union select)" bash -c "$(declare -f get); get $CLI 'http://$IPW/union%20select' 2>&1 | grep -qv reset"

# refused whole: a bad escape, and a set over the memory bound
before=$(hctl -j policy list | jq -c 'map(.name)')
out=$(hctl policy apply -f - 2>&1 <<'EOF2'
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: bad-escape}
spec:
  podSelector: {}
  direction: ingress
  action: drop
  patterns: [{pattern: 'a\qb'}]
EOF2
)
check "bad escape refused with line and reason ($out)" grep -qE "line [0-9]+: bad escape" <<<"$out"
big=/tmp/hyp-inbig-$UNIQ.yaml
on_exit "rm -f $big"
{
	printf 'apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata: {name: huge}\nspec:\n'
	printf '  podSelector: {}\n  direction: ingress\n  action: alert\n  patterns:\n'
	for i in $(seq 4000); do printf '  - pattern: %s\n' "$(printf '%s' "$i" | sha256sum | cut -c1-60)"; done
} >"$big"
out=$(hctl policy apply -f "$big" 2>&1)
check "a set over the DFA memory bound is refused ($out)" grep -qE "DFA states|states" <<<"$out"
check "nothing half-applied" test "$(hctl -j policy list | jq -c 'map(.name)')" = "$before"
check "traffic still inspected after the refusal" bash -c "$(declare -f get); ! get $CLI http://$IPW/etc/passwd | grep -q 'hello from'"
finish
