#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the teardown of a large instance can be stopped and finished. A
# TERM during the teardown of 150 SNICs stops the daemon promptly (between two
# SNICs, not after the whole teardown: the bench's 10 000-SNIC teardown
# outlived TERM); hyperctl says the teardown was interrupted and what is left;
# the instance is whole (a restarted daemon lists exactly the SNICs whose
# interfaces remain); a second teardown then finishes: no interface in the
# container netns, no bridge netns, no pins, no state, no socket.
. "$(dirname "$0")/lib.sh"
plan 7

INST=tl-$UNIQ
C=tlc-$UNIQ
N=150
mkns "$C"
start_daemon "$INST" --pool 10.93.0.0/16 || finish

added=0
for ((i = 0; i < N; i++)); do
	hctl snic add "s$i" --netns "$C" --ifname "e$i" --label "app=a$((i % 10))" >/dev/null || break
	added=$((i + 1))
done
links() { ip -n "$C" -o link show 2>/dev/null | grep -vc ': lo:'; }
check "$N SNICs added ($added)" test "$added" = "$N" -a "$(links)" = "$N"

# the teardown runs; TERM once it has removed a few SNICs
"$HYPERCTL" --instance "$INST" teardown --yes >/tmp/hyp-tl-$UNIQ.out 2>&1 &
TD=$!
_CLEAN_PIDS+=("$TD")
on_exit rm -f "/tmp/hyp-tl-$UNIQ.out"
for _ in $(seq 600); do
	[ "$(links)" -le $((N - 10)) ] && break
	sleep 0.05
done
left_at_term=$(links)
kill -TERM "$DAEMON_PID"
t0=$(date +%s%N)
for _ in $(seq 60); do # 3 s: one SNIC's removal takes ~50 ms
	kill -0 "$DAEMON_PID" 2>/dev/null || break
	sleep 0.05
done
stopped_ms=$((($(date +%s%N) - t0) / 1000000))
if kill -0 "$DAEMON_PID" 2>/dev/null; then
	notok "TERM during the teardown stops hyperiond (still running after $stopped_ms ms)"
	kill -KILL "$DAEMON_PID"
else
	ok "TERM during the teardown stops hyperiond ($left_at_term of $N left at TERM, exited in $stopped_ms ms)"
fi
wait "$DAEMON_PID" 2>/dev/null
rc=0
wait "$TD" || rc=$?
check "hyperctl teardown says it was interrupted and what is left (exit $rc)" \
	bash -c "[ $rc != 0 ] && grep -E 'interrupted.*[0-9]+ left' /tmp/hyp-tl-$UNIQ.out"
sed 's/^/#   /' "/tmp/hyp-tl-$UNIQ.out"

# what is left is whole: a restart adopts it, its list is what exists
start_daemon "$INST" --pool 10.93.0.0/16 || finish
listed=$(hctl -j snic list | jq length)
remain=$(links)
note "after the interrupted teardown: $listed SNICs listed, $remain interfaces in the netns"
check "the restarted daemon lists exactly the SNICs left (0 < $listed = $remain < $N)" \
	test "$listed" -gt 0 -a "$listed" = "$remain" -a "$listed" -lt "$N"

check "a second teardown finishes" "$HYPERCTL" --instance "$INST" teardown --yes
wait "$DAEMON_PID" 2>/dev/null
check "nothing is left in the container netns" test "$(links)" = 0
check "nothing is left of the instance (bridge netns, pins, state, socket)" \
	test ! -e "/run/netns/hyp-$INST" -a ! -e "/sys/fs/bpf/hyperion/$INST" \
	-a ! -e "/var/lib/hyperion/$INST" -a ! -e "/run/hyperion/$INST.sock"
finish
