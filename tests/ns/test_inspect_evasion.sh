#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves, with real traffic: inspection state survives unrelated changes
# (a pattern split across an unrelated `hyperctl snic add`, or across a
# daemon restart, is still blocked, the same split missed by one byte is
# served; the restarted daemon adopts the automata in the table); two
# InspectionPolicies with the same patterns share one automaton (status
# shows the automata and DFA rows not doubled, and both endpoints
# enforce it); a pattern set that does not fit the DFA table is refused
# for the policy that caused it, naming it and its endpoint, while a SNIC
# add of an unrelated endpoint still works, and the same set fits once
# another policy frees its rows.
. "$(dirname "$0")/lib.sh"

plan 23

INST=ie-$UNIQ
CLI=iec-$UNIQ WEB=iew-$UNIQ SH1=ies1-$UNIQ SH2=ies2-$UNIQ
for n in "$CLI" "$WEB" "$SH1" "$SH2"; do mkns "$n"; done
start_daemon "$INST" || finish
hctl snic add cli --netns "$CLI" --label app=client >/dev/null
hctl snic add web --netns "$WEB" --label app=web >/dev/null
hctl snic add sh1 --netns "$SH1" --label app=share1 >/dev/null
hctl snic add sh2 --netns "$SH2" --label app=share2 >/dev/null
IPW=$(snic_ip web) IP1=$(snic_ip sh1) IP2=$(snic_ip sh2)

www "$WEB" /etc/passwd /etc/path
www "$SH1" /x/shared-sig /x/other
www "$SH2" /x/shared-sig /x/other
sleep 0.5

get() { timeout 3 ip netns exec "$CLI" busybox wget -q -O - "$1" 2>&1; }
served() { get "$1" | grep -qF "served /${1#http://*/}"; }
refused() { ! get "$1" | grep -qF "served"; }
drops() { hctl -j status | jq -r ".drops[\"$1\"] // 0"; }
insp() { hctl -j status | jq -r ".inspection.$1"; }
snics() { hctl -j snic list | jq length; }

# split IP PART1 PART2 COMMAND...: PART1 on a connection to IP:80, then the
# command runs here (MID_RC its status), then PART2 and the end of the
# headers on the same connection; the reply goes to $SPLIT_OUT
SPLIT_FIFO=/tmp/hyp-ie-$UNIQ.fifo SPLIT_OUT=/tmp/hyp-ie-$UNIQ.out
on_exit "rm -f $SPLIT_FIFO $SPLIT_OUT"
split() {
	local ip=$1 p1=$2 p2=$3 pid
	shift 3
	rm -f "$SPLIT_FIFO"
	mkfifo "$SPLIT_FIFO"
	# 60 s: a daemon restart took 21 s on the loaded machine
	ip netns exec "$CLI" timeout 60 bash -c 'exec 3<>"/dev/tcp/$0/80" || exit 1
		printf "%b" "$1" >&3; read -r _ <"$3"; printf "%b\r\n\r\n" "$2" >&3
		timeout 3 cat <&3' "$ip" "$p1" "$p2" "$SPLIT_FIFO" >"$SPLIT_OUT" 2>&1 &
	pid=$!
	sleep 0.5 # the first part is through
	"$@" >/dev/null 2>&1
	MID_RC=$?
	# the client may be gone (its timeout): opening the fifo would block
	timeout 10 bash -c 'echo go >"$0"' "$SPLIT_FIFO"
	wait "$pid"
}
# add_unrelated NAME: a SNIC no InspectionPolicy selects
add_unrelated() {
	mkns "$1-$UNIQ" && hctl snic add "$1" --netns "$1-$UNIQ" --label "app=$1"
}

# ---- a pattern split across an unrelated SNIC add ----
check "before the pattern: web serves /etc/passwd" served "http://$IPW/etc/passwd"
hctl policy apply -f - >/dev/null <<'EOF2'
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: web-block}
spec:
  podSelector: {matchLabels: {app: web}}
  direction: ingress
  ports: [{protocol: TCP, port: 80}]
  action: drop
  patterns: [{pattern: /etc/passwd}]
EOF2
check "the pattern is in force (/etc/passwd refused)" refused "http://$IPW/etc/passwd"
n0=$(snics)
split "$IPW" "GET /etc/pa" "th HTTP/1.0" add_unrelated un1
out=$(cat "$SPLIT_OUT")
check "twin: a benign split across an unrelated snic add is served ($MID_RC)" \
	bash -c "[ $MID_RC -eq 0 ] && grep -q 'served /etc/path'" <<<"$out"
check "the snic add ran between the two parts ($n0 -> $(snics) snics)" test "$(snics)" -eq $((n0 + 1))
m0=$(drops inspect-match)
split "$IPW" "GET /etc/pa" "sswd HTTP/1.0" add_unrelated un2
out=$(cat "$SPLIT_OUT")
check "a pattern split across an unrelated snic add is blocked: no reply ($MID_RC)" \
	bash -c "[ $MID_RC -eq 0 ] && ! grep -q -e HTTP/1 -e served" <<<"$out"
check "counted as inspect-match (+$(($(drops inspect-match) - m0)))" test "$(drops inspect-match)" -gt "$m0"
# the same across a daemon restart: the new daemon adopts the table
restart() { stop_daemon "$DAEMON_PID" && start_daemon "$INST"; }
entries() { # the inspection entries: each endpoint direction's automaton (start, rows, number)
	bpftool map dump pinned "/sys/fs/bpf/hyperion/$INST/hyp_inspect" -j |
		jq -c '[.[] | .formatted.value | {start, rows, gen}] | sort'
}
e0=$(entries)
split "$IPW" "GET /etc/pa" "th HTTP/1.0" restart
out=$(cat "$SPLIT_OUT")
check "twin: a benign split across a daemon restart is served ($MID_RC)" \
	bash -c "[ $MID_RC -eq 0 ] && grep -q 'served /etc/path'" <<<"$out"
split "$IPW" "GET /etc/pa" "sswd HTTP/1.0" restart
out=$(cat "$SPLIT_OUT")
check "a pattern split across a daemon restart is blocked: no reply ($MID_RC)" \
	bash -c "[ $MID_RC -eq 0 ] && ! grep -q -e HTTP/1 -e served" <<<"$out"
e1=$(entries)
check "the restarted daemon kept the automaton in its rows, under its number ($e0 -> $e1)" \
	test -n "$e0" -a "$e0" != "[]" -a "$e1" = "$e0"

# ---- two policies with the same patterns share one automaton ----
shared_doc() { # NAME APP [EXTRA-PATTERN]
	printf 'apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata: {name: %s}\n' "$1"
	printf 'spec:\n  podSelector: {matchLabels: {app: %s}}\n  direction: ingress\n' "$2"
	printf '  action: drop\n  patterns:\n  - pattern: /x/shared-sig\n'
	for i in $(seq 40); do printf '  - pattern: shared-%03d-%s\n' "$i" "$(printf %s "$i" | md5sum | cut -c1-8)"; done
	[ -z "${3:-}" ] || printf '  - pattern: %s\n' "$3"
}
t0=$(insp tables) a0=$(insp automata) r0=$(insp rows)
shared_doc share-1 share1 | hctl policy apply -f - >/dev/null
t1=$(insp tables) a1=$(insp automata) r1=$(insp rows)
check "the first policy: one more table and automaton ($t0/$a0/$r0 -> $t1/$a1/$r1 tables/automata/rows)" \
	test "$t1" -eq $((t0 + 1)) -a "$a1" -eq $((a0 + 1)) -a "$r1" -gt "$r0"
shared_doc share-2 share2 | hctl policy apply -f - >/dev/null
t2=$(insp tables) a2=$(insp automata) r2=$(insp rows)
check "the same patterns for another endpoint: one more table, no more automata or rows ($t2/$a2/$r2)" \
	test "$t2" -eq $((t1 + 1)) -a "$a2" -eq "$a1" -a "$r2" -eq "$r1"
check "the shared automaton blocks for the first endpoint" refused "http://$IP1/x/shared-sig"
check "and for the second" refused "http://$IP2/x/shared-sig"
check "benign requests pass on both" bash -c "$(declare -f get served); CLI=$CLI; served http://$IP1/x/other && served http://$IP2/x/other"
shared_doc share-2 share2 one-more-pattern | hctl policy apply -f - >/dev/null
t3=$(insp tables) a3=$(insp automata) r3=$(insp rows)
check "twin: one pattern more for the second endpoint makes an automaton of its own ($t3/$a3/$r3)" \
	test "$t3" -eq "$t2" -a "$a3" -eq $((a2 + 1)) -a "$r3" -gt "$r2"

# ---- a set that does not fit the table fails its policy, not unrelated adds ----
for b in 1 2 3; do
	mkns "ieb$b-$UNIQ"
	hctl snic add "big$b" --netns "ieb$b-$UNIQ" --label "app=big$b" >/dev/null
done
big_doc() { # N: about 27000 DFA states of its own
	printf 'apiVersion: hyperion.io/v1\nkind: InspectionPolicy\nmetadata: {name: big%s}\n' "$1"
	printf 'spec:\n  podSelector: {matchLabels: {app: big%s}}\n  direction: ingress\n' "$1"
	printf '  action: alert\n  patterns:\n'
	for i in $(seq 1300); do printf '  - pattern: b%s%s\n' "$1" "$(printf %s-%s "$1" "$i" | sha256sum | cut -c1-23)"; done
}
BIG=/tmp/hyp-ie-big-$UNIQ
on_exit "rm -f $BIG.1 $BIG.2 $BIG.3"
for b in 1 2 3; do big_doc "$b" >"$BIG.$b"; done
for b in 1 2; do
	SECONDS=0
	hctl policy apply -f "$BIG.$b" >/dev/null
	rc=$?
	check "large set $b is accepted ($(insp rows) rows used; ${SECONDS}s)" test "$rc" -eq 0
done
rows=$(insp rows)
out=$(hctl policy apply -f "$BIG.3" 2>&1)
rc=$?
check "a third that does not fit is refused, naming its endpoint and policy ($out)" \
	bash -c "[ $rc -ne 0 ] && grep -q 'inspection table full: snic big3 ingress (policy default/big3) needs [0-9]* DFA rows'" <<<"$out"
check "nothing half-applied: big3 is not listed, the rows are as before ($rows)" \
	bash -c "! $HYPERCTL --instance $INST -j policy list | jq -e '.[] | select(.name == \"big3\")' >/dev/null &&
		[ \$($HYPERCTL --instance $INST -j status | jq .inspection.rows) -eq $rows ]"
check "a snic add of an unrelated endpoint still works with the table full" add_unrelated un3
check "inspection still in force after the refusal (/etc/passwd refused)" refused "http://$IPW/etc/passwd"
hctl policy delete big1 >/dev/null
check "twin: the same set fits once another policy freed its rows" hctl policy apply -f "$BIG.3"
check "and benign traffic passes through it all (/etc/path served)" served "http://$IPW/etc/path"
finish
