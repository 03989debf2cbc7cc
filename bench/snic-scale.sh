#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# SNIC add at scale (issue 16 item 4): N SNICs added one by one through hyperctl
# into ONE network namespace (as bench/scenarios/policy-apply.sh's apply-N
# does), then 'hyperctl teardown', then TERM if the daemon is still there.
#
#   sudo bench/snic-scale.sh [N] [BUILD_DIR] [TAG]     (default 3000, build, scale)
#
# Prints per 250 adds the wall time per add (hyperctl's start included) and,
# every 5 s, the daemon's own CPU per add (user and system, from
# /proc/PID/stat): on a loaded machine the wall time swings with the other
# work, the daemon's CPU per add does not. Then the teardown's time, whether
# TERM stopped the daemon, and what is left. Run two builds alternately to
# compare them (results: bench/results/snic-scale.md).
set -u
N=${1:-3000} BIN=${2:-$(dirname "$0")/../build} TAG=${3:-scale}
INST=ss$TAG$$ NS=ss-$TAG-$$ OUT=/tmp/snic-scale-$TAG-$$
now_ms() { echo $(($(date +%s%N) / 1000000)); }
links() { ip -n "$NS" -o link show 2>/dev/null | grep -vc ': lo:'; }
ip netns add "$NS" || exit 1
"$BIN/hyperiond" --instance "$INST" --pool "10.$((100 + RANDOM % 50)).0.0/16" >"$OUT.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null; "$BIN/hyperctl" --instance "$INST" teardown --yes >/dev/null 2>&1; ip netns del "$NS" 2>/dev/null' EXIT
for _ in $(seq 300); do "$BIN/hyperctl" --instance "$INST" status >/dev/null 2>&1 && break; sleep 0.1; done
(while kill -0 "$PID" 2>/dev/null; do
	echo "$(links) $(awk '{print $14, $15}' "/proc/$PID/stat" 2>/dev/null)"
	sleep 5
done) >"$OUT.cpu" &
SAMPLER=$!
t0=$(now_ms) tp=$t0 ip=0
for ((i = 0; i < N; i++)); do
	if ((i % 250 == 0 && i)); then
		t=$(now_ms); echo "$TAG: adds $ip..$i: $(((t - tp) * 4)) us per add"; tp=$t ip=$i
	fi
	"$BIN/hyperctl" --instance "$INST" snic add "s$i" --netns "$NS" --ifname "e$i" \
		--label "app=a$((i % 100))" >/dev/null || { echo "$TAG: add $i failed"; break; }
done
t=$(now_ms); echo "$TAG: adds $ip..$i: $(((t - tp) * 1000 / (i > ip ? i - ip : 1))) us per add; all: $((t - t0)) ms"
ts=$(now_ms)
"$BIN/hyperctl" --instance "$INST" teardown --yes >/dev/null 2>&1
echo "$TAG: teardown exit $?, $(($(now_ms) - ts)) ms"
alive() { [ -e "/proc/$PID" ] && ! grep -q '^State:.*zombie' "/proc/$PID/status" 2>/dev/null; }
for _ in $(seq 40); do alive || break; sleep 0.05; done # a finished teardown ends it
if alive; then
	ts=$(now_ms); kill -TERM "$PID"
	for _ in $(seq 200); do alive || break; sleep 0.05; done
	if alive; then echo "$TAG: TERM ignored for 10 s: KILL"; kill -KILL "$PID"; else
		echo "$TAG: stopped $(($(now_ms) - ts)) ms after TERM"; fi
else
	echo "$TAG: the daemon ended with the teardown"
fi
wait "$PID" 2>/dev/null
kill "$SAMPLER" 2>/dev/null
echo "$TAG: interfaces left in the netns: $(links)"
echo "$TAG: daemon CPU per add (ms), by SNICs in place:"
awk -v ms="$((1000 / $(getconf CLK_TCK)))" 'NR > 1 && $1 > pl { d = $1 - pl; b = int($1 / 500) * 500; u[b] += ($2 - pu) * ms / d; s[b] += ($3 - ps) * ms / d; c[b]++ }
	{ pl = $1; pu = $2; ps = $3 }
	END { for (k in u) printf "  %5d-%5d: user %5.1f sys %5.1f\n", k, k + 499, u[k] / c[k], s[k] / c[k] }' "$OUT.cpu" | sort -n
rm -f "$OUT.cpu"
