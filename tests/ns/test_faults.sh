#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults around the daemon, each with the same three questions: a clear
# error (no crash, no hang), the datapath kept (the allowed a -> b flows,
# the denied d -> b stays denied), and nothing half-made; then the twin:
# with the fault gone, the same operation works.
#   - the SQLite store locked by another process;
#   - the store's file system full (a 1 MiB tmpfs over the state directory);
#   - the store file corrupt (the daemon refuses to start, saying why);
#   - the bridge netns's name removed behind the daemon's back;
#   - a pinned tcx link removed behind its back.
. "$(dirname "$0")/lib.sh"
plan 21

INST=ft-$UNIQ
A=fta-$UNIQ B=ftb-$UNIQ D=ftd-$UNIQ X=ftx-$UNIQ
STATE=/var/lib/hyperion/$INST
DB=$STATE/state.db
PINS=/sys/fs/bpf/hyperion/$INST
for n in "$A" "$B" "$D" "$X"; do mkns "$n" || finish; done
# the state directory on a small tmpfs of its own (unmounted at exit)
mkdir -p "$STATE" && mount -t tmpfs -o size=1m,mode=0700 "hyp-$INST" "$STATE" ||
	{ notok "tmpfs on $STATE"; finish; }
on_exit "umount -l $STATE; rmdir $STATE"
start_daemon "$INST" --pool 10.96.0.0/24 || finish
hctl snic add a --netns "$A" --label app=a >/dev/null &&
	hctl snic add b --netns "$B" --label app=b >/dev/null &&
	hctl snic add d --netns "$D" --label app=d >/dev/null || { notok "setup"; finish; }
hctl policy apply -f - >/dev/null <<EOF2 || { notok "policy"; finish; }
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-a}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
EOF2
IPB=$(snic_ip b)

datapath_kept() { # the denied probe waits out its timeout: both at once
	local pd a
	ping_fails "$D" "$IPB" &
	pd=$!
	ping_ok "$A" "$IPB"
	a=$?
	wait "$pd" && ((a == 0))
}
nothing_of_x() { # no store row, no interface in X
	! hctl snic show x >/dev/null 2>&1 && [ -z "$(ip -n "$X" -o link show | grep -v ': lo:')" ]
}
add_x_fails_clearly() { # WORD: fails within 20 s, saying WORD
	local out rc
	out=$(timeout 20 "$HYPERCTL" --instance "$INST" snic add x --netns "$X" 2>&1)
	rc=$?
	echo "$out"
	((rc != 0 && rc != 124)) && grep -qiE "$1" <<<"$out"
}

note "== the store locked by another process"
(echo 'BEGIN EXCLUSIVE;'; sleep 30) | sqlite3 "$DB" &
LOCKER=$!
_CLEAN_PIDS+=("$LOCKER")
sleep 0.5
check "locked store: snic add fails with a clear error, no hang" add_x_fails_clearly 'busy|locked'
check "locked store: the daemon still runs" kill -0 "$DAEMON_PID"
check "locked store: the datapath is kept (a -> b flows, d -> b denied)" datapath_kept
kill "$LOCKER"; wait "$LOCKER" 2>/dev/null
check "locked store: nothing of the refused SNIC exists" nothing_of_x
check "twin: lock released, the same snic add works" bash -c \
	"$HYPERCTL --instance $INST snic add x --netns $X >/dev/null && $HYPERCTL --instance $INST snic del x >/dev/null"

note "== the store's file system full"
dd if=/dev/zero of="$STATE/fill" bs=4k 2>/dev/null
check "full disk: snic add fails with a clear error" add_x_fails_clearly 'store|full|space|record'
check "full disk: the daemon still runs" kill -0 "$DAEMON_PID"
check "full disk: the datapath is kept" datapath_kept
check "full disk: nothing of the refused SNIC exists" nothing_of_x
rm -f "$STATE/fill"
check "twin: space freed, the same snic add works" bash -c \
	"$HYPERCTL --instance $INST snic add x --netns $X >/dev/null && $HYPERCTL --instance $INST snic del x >/dev/null"

note "== the bridge netns's name removed behind the daemon's back"
ip netns del "hyp-$INST"
check "netns removed: the datapath is kept" datapath_kept
check "netns removed: reconcile names it again, the daemon still runs" bash -c \
	"$HYPERCTL --instance $INST reconcile >/dev/null && ip netns list | grep -qw hyp-$INST && kill -0 $DAEMON_PID"
check "netns removed: afterwards a snic add and del work" bash -c \
	"$HYPERCTL --instance $INST snic add x --netns $X >/dev/null && $HYPERCTL --instance $INST snic del x >/dev/null"

note "== a pinned link removed behind its back"
links0=$(ls "$PINS/links" | sort | tr '\n' ' ')
victim=$(ls "$PINS/links" | grep '^port' | tail -1)
rm "$PINS/links/$victim"
check "link pin $victim removed: d -> b stays denied, a -> b flows" datapath_kept
check "link pin removed: reconcile repairs it (pins as before: $links0)" bash -c \
	"$HYPERCTL --instance $INST reconcile >/dev/null && [ \"\$(ls $PINS/links | sort | tr '\n' ' ')\" = '$links0' ]"
check "link pin removed: afterwards the datapath is as before" datapath_kept

note "== the store file corrupt"
stop_daemon "$DAEMON_PID" TERM
cp "$DB" "$DB.good"
printf 'this is not an SQLite database file at all' | dd of="$DB" conv=notrunc 2>/dev/null
"$HYPERIOND" --instance "$INST" >"/tmp/hyperiond-$INST.corrupt" 2>&1 &
CP=$!
for _ in $(seq 100); do kill -0 "$CP" 2>/dev/null || break; sleep 0.1; done
wait "$CP"
rc=$?
check "corrupt store: the daemon refuses to start with exit 1, not a crash (exit $rc)" test "$rc" = 1
check "corrupt store: it says which file and why" bash -c \
	"grep -iE 'state.db|store' /tmp/hyperiond-$INST.corrupt | grep -iqE 'not a database|corrupt|malformed|cannot'"
sed 's/^/#   /' "/tmp/hyperiond-$INST.corrupt" | tail -3
rm -f "/tmp/hyperiond-$INST.corrupt"
check "corrupt store: the datapath is kept while no daemon runs" datapath_kept
mv "$DB.good" "$DB"
start_daemon "$INST" || finish
check "twin: the good file back, the daemon starts with every SNIC" bash -c \
	"[ \"\$($HYPERCTL --instance $INST -j snic list | jq -r '[.[].name] | sort | join(\",\")')\" = a,b,d ]"
check "twin: and the datapath is as before" datapath_kept
finish
