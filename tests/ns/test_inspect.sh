#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves, with real traffic: a pattern in an HTTP request is blocked and
# both TCP ends get a reset; the same pattern split across two segments is
# blocked; benign traffic and endpoints without patterns pass untouched;
# alert mode reports and passes; case-insensitive and binary patterns;
# over IPv6 the same pattern is blocked (the client reset at once), whole
# or split across two segments, next to the benign request and split that
# are served;
# a 1000-pattern set; updates while traffic flows; bad documents and a
# pattern set over the memory bound are refused whole.
# The servers serve every path the tests request: each request a pattern
# must block is first shown served (200 and its body) by the same server,
# before the pattern is in force or with the pattern missed by one byte.
. "$(dirname "$0")/lib.sh"

plan 49

INST=in-$UNIQ
CLI=inc-$UNIQ WEB=inw-$UNIQ API=ina-$UNIQ OTH=ino-$UNIQ
for n in "$CLI" "$WEB" "$API" "$OTH"; do mkns "$n"; done
start_daemon "$INST" || finish
hctl snic add cli --netns "$CLI" --label app=client >/dev/null
hctl snic add web --netns "$WEB" --label app=web >/dev/null
hctl snic add api --netns "$API" --label app=api >/dev/null
hctl snic add oth --netns "$OTH" --label app=other >/dev/null
IPC=$(snic_ip cli) IPW=$(snic_ip web) IPA=$(snic_ip api) IPO=$(snic_ip oth)
P537="sig0537-$(printf 537 | md5sum | cut -c1-6)"

www "$WEB" /etc/passwd /etc/path /v4/secret /v5/secret
www "$API" /admin/x /admin/y /forbidden
www "$OTH" /etc/passwd "/$P537"
ip netns exec "$WEB" busybox nc -ll -p 9000 -e cat >/dev/null 2>&1 &
_CLEAN_PIDS+=("$!")
sleep 0.5

get() { timeout 3 ip netns exec "$1" busybox wget -q -O - "$2" 2>&1; }
# served NS URL: the reply is the file's body ("served PATH", or "hello from" for /)
served() {
	local out path=/${2#http://*/}
	out=$(get "$1" "$2")
	if [ "$path" = / ]; then grep -q "hello from" <<<"$out"; else grep -qF "served $path" <<<"$out"; fi ||
		{ echo "reply: $out"; return 1; }
}
# refused NS URL: no body, and the client was reset
refused() {
	local out path=/${2#http://*/}
	out=$(get "$1" "$2")
	! grep -qF -e "served $path" -e "hello from" <<<"$out" && grep -qi reset <<<"$out" ||
		{ echo "reply: $out"; return 1; }
}
# raw NS IP PART1 PART2: PART1, 300 ms later PART2 and the end of the
# headers, in two TCP segments to port 80 (printf %b escapes); prints the reply
raw() {
	ip netns exec "$1" timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/80" || exit 1
		printf "%b" "$1" >&3; sleep 0.3; printf "%b\r\n\r\n" "$2" >&3; cat <&3' "$2" "$3" "$4" 2>&1
}
nogrep() { ! grep "$@"; }
drops() { hctl -j status | jq -r ".drops[\"$1\"] // 0"; }
insp_drops() { hctl -j status | jq '[.drops | to_entries[] | select(.key | startswith("inspect")) | .value] | add // 0'; }

# web's capture. cap_run FILE command...: captures web's eth0 while the
# command runs (in this shell); fails (CAP_WHY) when tcpdump did not start
# or did not end cleanly. cap_count FILE FILTER [-A]: matching frames.
cap_run() { local f=$1; shift; cap_in "$WEB" "$f" "tcp port 80" "$@"; } # PCAP command...
cap_has() { # FILE STRING: a frame's payload holds STRING (fails when unreadable: prints "unreadable")
	local out
	out=$(tcpdump -nn -A -r "$1" 2>/dev/null) || { echo unreadable; return 2; }
	grep -qF "$2" <<<"$out"
}
CAP=/tmp/hyp-in-$UNIQ.pcap
on_exit "rm -f $CAP $CAP.err"

# before any pattern: served, and web's capture shows the request bytes
pre() { served "$CLI" "http://$IPW/etc/passwd" >/tmp/hyp-in-pre-$UNIQ 2>&1; PRE=$?; }
on_exit "rm -f /tmp/hyp-in-pre-$UNIQ"
if cap_run "$CAP" pre; then
	check "before inspection: web serves /etc/passwd (the body comes back)" test "$PRE" -eq 0
	check "web's capture shows the request bytes arriving (GET /etc/passwd)" cap_has "$CAP" "GET /etc/passwd"
else
	notok "before inspection: web serves /etc/passwd: capture failed: $CAP_WHY"
	notok "web's capture shows the request bytes arriving: capture failed"
fi

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
check "benign request to an inspected endpoint passes" served "$CLI" "http://$IPW/"

# the pattern in the URL: blocked, and the client is reset at once
m0=$(drops inspect-match)
blocked_get() {
	local t0
	t0=$(date +%s%N)
	out=$(get "$CLI" "http://$IPW/etc/passwd")
	ms=$((($(date +%s%N) - t0) / 1000000))
}
if cap_run "$CAP" blocked_get; then
	check "pattern in the URL: the same request is blocked, no body ($out)" nogrep -q "served /etc/passwd" <<<"$out"
	check "the client is reset, not left hanging ($ms ms)" bash -c "[ $ms -lt 2000 ] && grep -qi reset" <<<"$out"
	syn=$(cap_count "$CAP" "src host $IPC and tcp[tcpflags] == tcp-syn")
	cap_has "$CAP" "etc/passwd"
	seen=$?
	check "the server never saw the request bytes (its capture has the flow's SYN: ${syn:-unreadable})" \
		test "$seen" -eq 1 -a "${syn:-0}" -ge 1
	rst=$(cap_count "$CAP" "src host $IPC and dst port 80 and tcp[tcpflags] & tcp-rst != 0")
	check "the server got a reset for the flow (${rst:-unreadable})" test "${rst:-0}" -ge 1
else
	for c in "request blocked" "client reset" "server never saw the bytes" "server got a reset"; do
		notok "pattern in the URL, $c: capture failed: $CAP_WHY"
	done
fi
check "counted as inspect-match (+$(($(drops inspect-match) - m0)))" test "$(drops inspect-match)" -ge $((m0 + 1))

out=$(raw "$CLI" "$IPW" "GET /etc/pa" "th HTTP/1.0")
check "split in two segments without the pattern: /etc/path served" grep -q "served /etc/path" <<<"$out"
out=$(raw "$CLI" "$IPW" "GET /etc/pa" "sswd HTTP/1.0")
check "the pattern split across the same two segments: blocked, no reply at all" nogrep -q -e "HTTP/1" -e served <<<"$out"
out=$(raw "$CLI" "$IPW" 'GET / HTTP/1.0\r\nX-Q: 1 UnIoN' '-SeLeCt')
check "a near miss split in two segments passes (header UnIoN-SeLeCt)" grep -q "hello from" <<<"$out"
out=$(raw "$CLI" "$IPW" 'GET / HTTP/1.0\r\nX-Q: 1 UnIoN' ' SeLeCt')
check "case-insensitive pattern, split: header UnIoN SeLeCt blocked, no reply at all" nogrep -q -e "HTTP/1" -e "hello from" <<<"$out"
echo9000() { # PRINTF-FORMAT: sends the bytes to web's echo server, prints what comes back
	ip netns exec "$CLI" timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/9000"; printf "$1" >&3; head -c 4 <&3' "$IPW" "$1" 2>&1
}
out=$(echo9000 'ok-bytes\n')
check "binary-pattern endpoint echoes benign bytes ($out)" grep -q "ok-b" <<<"$out"
out=$(echo9000 'xxBIN\x00\xffSIG\x02yy\n')
check "binary pattern missed by its last byte: echoed ($out)" grep -q "xxBI" <<<"$out"
out=$(echo9000 'xxBIN\x00\xffSIG\x01yy\n')
check "binary pattern blocked: nothing echoed" nogrep -q "xxBI" <<<"$out"

# endpoints without patterns pay nothing and are untouched
before=$(insp_drops)
check "endpoint without patterns: /etc/passwd served by oth" served "$CLI" "http://$IPO/etc/passwd"
check "no inspection drop for endpoints without patterns" test "$before" -eq "$(insp_drops)"

# the same endpoint over IPv6: the same patterns, the same walk, both ends
# reset as over IPv4 (after the check above that counts inspection drops:
# a blocked flow's late segments are dropped as inspect-blocked)
IP6C=$(snic_ip6 cli) IP6W=$(snic_ip6 web)
dad_done "$CLI" "$IP6C" && dad_done "$WEB" "$IP6W"
m0=$(drops inspect-match)
check "IPv6: benign request to the inspected endpoint is served" served "$CLI" "http://[$IP6W]/etc/path"
t0=$(date +%s%N)
out=$(get "$CLI" "http://[$IP6W]/etc/passwd")
ms=$((($(date +%s%N) - t0) / 1000000))
check "IPv6: the pattern in the URL is blocked, no body" nogrep -q "served /etc/passwd" <<<"$out"
check "IPv6: the client is reset, not left to its timeout ($ms ms: $out)" \
	bash -c "[ $ms -lt 2000 ] && grep -qi reset" <<<"$out"
out=$(raw "$CLI" "$IP6W" "GET /etc/pa" "th HTTP/1.0")
check "IPv6: split in two segments without the pattern: /etc/path served" grep -q "served /etc/path" <<<"$out"
out=$(raw "$CLI" "$IP6W" "GET /etc/pa" "sswd HTTP/1.0")
check "IPv6: the pattern split across the same two segments: blocked, no reply at all" nogrep -q -e "HTTP/1" -e served <<<"$out"
check "IPv6: counted as inspect-match (+$(($(drops inspect-match) - m0)), none as ip6-not-inspected)" \
	bash -c "[ $(drops inspect-match) -ge $((m0 + 2)) ] && [ $(drops ip6-not-inspected) -eq 0 ]"
# the IPv6 flows in the events: their IPv6 addresses, named
mon6() { hctl -j monitor --last 4096 "$@" | jq -e -s --arg s "$IP6C" --arg d "$IP6W" "$JQ" >/dev/null; }
JQ='any(.[]; .src.ip == $s and .src.snic == "cli" and .dst.ip == $d and .dst.snic == "web" and .dst.port == 80)'
check "IPv6: monitor --from $IP6C --type flow: the new flows cli -> web:80 with their IPv6 addresses" mon6 --from "$IP6C" --type flow
JQ='length > 0 and all(.[]; .src.ip == $s)'
check "IPv6: monitor --from an IPv6 CIDR selects only cli's IPv6 events" mon6 --from "$IP6C/128"
JQ='any(.[]; .type == "block" and .src.ip == $s and .dst.ip == $d and .pattern == "/etc/passwd")'
check "IPv6: the inspection block is an event naming the IPv6 flow" mon6 --to "$IP6W" --type block
check "IPv6: hyperctl events names the blocked IPv6 flow (client -> web:80, /etc/passwd)" bash -c \
	"$HYPERCTL --instance $INST -j events | jq -e --arg s $IP6C --arg d $IP6W 'any(.[]; .action == \"drop\" and .src == \$s and .dst == \$d and .dport == 80)'"

# alert mode: an event, and the traffic passes
check "alert mode passes the request (/admin/x served)" served "$CLI" "http://$IPA/admin/x"
ev() { # ACTION PATTERN ENDPOINT POLICY DST-IP: an event with that flow (client -> DST-IP:80, TCP)
	hctl -j events | jq -e --arg a "$1" --arg p "$2" --arg e "$3" --arg pol "$4" --arg s "$IPC" --arg d "$5" \
		'[.[] | select(.action == $a and .pattern == $p and .endpoint == $e and .policy == $pol and .direction == "ingress" and
		.src == $s and .dst == $d and .dport == 80 and .proto == "tcp" and .sport > 0 and .offset > 0)] | length >= 1'
}
check "alert mode delivers an event (endpoint, policy, flow client -> api:80, pattern, offset)" \
	ev alert /admin api default/api-alert "$IPA"
check "events name the blocked flow too (client -> web:80, /etc/passwd, web-block)" \
	ev drop /etc/passwd web default/web-block "$IPW"
check "human events output: a header, then the time, action and SNIC of each" bash -c "$HYPERCTL --instance $INST events | grep -qE '^TIME +ACTION +SNIC' && $HYPERCTL --instance $INST events | grep -qE '^20[0-9-]+T[0-9:.]+Z +alert +api +ingress +tcp '"

# a drop document and an alert document on the same endpoint: each pattern keeps its action
check "before the drop document: api serves /forbidden" served "$CLI" "http://$IPA/forbidden"
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
check "mixed actions: the alert pattern still passes (/admin/y served)" served "$CLI" "http://$IPA/admin/y"
check "mixed actions: the drop pattern is blocked (/forbidden reset)" refused "$CLI" "http://$IPA/forbidden"

# 1000 patterns
gen=/tmp/hyp-in1000-$UNIQ.yaml
on_exit "rm -f $gen"
{
	printf 'apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata: {name: many}\nspec:\n'
	printf '  podSelector: {matchLabels: {app: other}}\n  direction: ingress\n  action: drop\n  patterns:\n'
	for i in $(seq 1000); do printf '  - pattern: sig%04d-%s\n' "$i" "$(printf '%s' "$i" | md5sum | cut -c1-6)"; done
} >"$gen"
check "before the 1000-pattern set: oth serves /$P537" served "$CLI" "http://$IPO/$P537"
check "a 1000-pattern set is accepted" hctl policy apply -f "$gen"
check "benign request to the 1000-pattern endpoint passes" served "$CLI" "http://$IPO/"
check "pattern 537 of 1000 is found (/$P537 reset)" refused "$CLI" "http://$IPO/$P537"

# updates while traffic flows: benign requests never fail
check "before the updates: web serves /v5/secret" served "$CLI" "http://$IPW/v5/secret"
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
check "the updated set is in force (/v5/secret reset)" refused "$CLI" "http://$IPW/v5/secret"
check "the previous update's pattern is gone (/v4/secret served)" served "$CLI" "http://$IPW/v4/secret"
out=$(raw "$CLI" "$IPW" 'GET / HTTP/1.0\r\nX-Q: 1 union' ' select')
check "a pattern removed by the update passes (header: union select)" grep -q "hello from" <<<"$out"

# refused whole: a bad escape, and a set over the memory bound
before=$(hctl -j policy list | jq -c 'map(.name) | sort')
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
after=$(hctl -j policy list | jq -c 'map(.name) | sort')
check "nothing half-applied: the policy list is still $before" test "$after" = "$before" -a "$before" = '["api-alert","api-drop","many","web-block"]'
check "traffic still inspected after the refusal (/etc/passwd reset)" refused "$CLI" "http://$IPW/etc/passwd"
check "and benign traffic still passes after the refusal" served "$CLI" "http://$IPW/"
# The events outlive the daemon: a restart keeps them (same times, same flows).
ev_before=$(hctl -j events | jq -c .)
stop_daemon "$DAEMON_PID"
start_daemon "$INST" || finish
check "events are kept across a daemon restart ($(jq length <<<"$ev_before") of them)" bash -c \
	"[ \"\$($HYPERCTL --instance $INST -j events | jq -c .)\" = '$ev_before' ] && [ \$(jq length <<<'$ev_before') -ge 2 ]"
finish
