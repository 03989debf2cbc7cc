#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Load figures of docs/robustness.md (issue 12, item 5); not a timed test.
#   1. N SNICs (default 1000) on one node, each in a netns of its own:
#      attach time per SNIC (hyperctl snic add, wall clock, p50/p90/max),
#      daemon RSS and system memory per SNIC, and iperf3 between the first
#      two SNICs with 2 SNICs and with N (same run, same pair, ROUNDS
#      samples each, default 5; a verdict only when the ranges do not overlap);
#   2. C concurrent API clients (default 100), each R requests
#      (hyperctl snic list and status): all answered, time;
#   3. one NetworkPolicy with N selectors (one `from` peer per endpoint
#      label) over the N endpoints: apply (compile + load) time.
# Usage: sudo bench/robust-load.sh [N] [C]   (prints a Markdown table)
set -u
cd "$(dirname "$0")/.."
N=${1:-1000} C=${2:-100} R=${R:-10}
B=${HYP_BUILD:-build}
U=$(printf '%x' $$)
INST=ld-$U
H() { "$B/hyperctl" --instance "$INST" "$@"; }
cleanup() {
	H teardown --yes >/dev/null 2>&1
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	for ((i = 0; i < N; i++)); do ip netns del "ld$i-$U" 2>/dev/null; done
}
trap cleanup EXIT
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
"$B/hyperiond" --instance "$INST" --pool 10.97.0.0/16 >"/tmp/hyperiond-$INST.log" 2>&1 &
DPID=$!
for _ in $(seq 100); do H status >/dev/null 2>&1 && break; sleep 0.1; done
for ((i = 0; i < N; i++)); do ip netns add "ld$i-$U" || exit 1; done
memavail() { awk '/^MemAvailable/ {print $2}' /proc/meminfo; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$DPID/status"; }
iperf() { # -> Gbit/s, 3 s, snic 0 -> snic 1
	local ip
	ip=$(H -j snic show s1 | jq -r .ip | cut -d/ -f1)
	ip netns exec "ld1-$U" iperf3 -s -1 -D >/dev/null 2>&1
	sleep 0.5
	ip netns exec "ld0-$U" iperf3 -c "$ip" -t 3 -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e9 * 100 | round / 100'
}
samples() { # NAME: ROUNDS iperf runs into the array NAME (not in a subshell)
	local -n out=$1
	out=()
	for ((k = 0; k < ${ROUNDS:-5}; k++)); do out+=("$(iperf)"); done
}
summary() { # VALUES... -> "median (min-max)"
	printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {printf "%s (%s-%s)", v[int((NR+1)/2)], v[1], v[NR]}'
}
add() { # I -> ms
	local t0=$(date +%s%N)
	H snic add "s$1" --netns "ld$1-$U" --label "app=e$1" >/dev/null || echo "add s$1 failed" >&2
	echo $((($(date +%s%N) - t0) / 1000000))
}
add 0 >/dev/null; add 1 >/dev/null
samples L2
G2=$(summary "${L2[@]}")
M0=$(memavail) R0=$(rss)
for ((i = 2; i < N; i++)); do add "$i"; done >"/tmp/ld-$U.ms"
M1=$(memavail) R1=$(rss)
samples LN
GN=$(summary "${LN[@]}")
# a verdict only when the two sets of samples do not overlap (noisy machine)
VERDICT=$(printf '%s\n' "${L2[@]}" | sort -g | sed -n '1p;$p' | tr '\n' ' ';
	printf '%s\n' "${LN[@]}" | sort -g | sed -n '1p;$p' | tr '\n' ' ')
VERDICT=$(awk -v r="$VERDICT" 'BEGIN {split(r, a, " ");
	if (a[3] <= a[2] && a[4] >= a[1]) print "the ranges overlap: no change shown";
	else if (a[4] < a[1]) print "slower with N"; else print "faster with N"}')
read -r p50 p90 max < <(sort -n "/tmp/ld-$U.ms" | awk '{v[NR]=$1} END {print v[int(NR*0.5)], v[int(NR*0.9)], v[NR]}')
COUNT=$(H -j snic list | jq length)

# concurrent API clients
t0=$(date +%s%N)
for ((c = 0; c < C; c++)); do
	(for ((r = 0; r < R; r++)); do
		if ((r % 2)); then H status >/dev/null 2>&1 || echo x; else H -j snic list >/dev/null 2>&1 || echo x; fi
	done) &
done >"/tmp/ld-$U.api"
wait $(jobs -p | grep -v "^$DPID$") 2>/dev/null
API_MS=$((($(date +%s%N) - t0) / 1000000))
API_FAIL=$(grep -c x "/tmp/ld-$U.api")

# one policy, N selectors, over the N endpoints
{
	printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: big}\n'
	printf 'spec:\n  podSelector: {matchLabels: {app: e0}}\n  ingress:\n  - from:\n'
	for ((i = 0; i < N; i++)); do printf '    - podSelector: {matchLabels: {app: e%d}}\n' "$i"; done
} >"/tmp/ld-$U.yaml"
t0=$(date +%s%N)
H policy apply -f "/tmp/ld-$U.yaml" >/dev/null && POL_OK=yes || POL_OK=no
POL_MS=$((($(date +%s%N) - t0) / 1000000))
rm -f "/tmp/ld-$U.ms" "/tmp/ld-$U.api" "/tmp/ld-$U.yaml"

cat <<EOF2
| figure | value |
|---|---|
| SNICs attached | $COUNT of $N |
| attach time per SNIC (hyperctl snic add, wall clock) | p50 $p50 ms, p90 $p90 ms, max $max ms |
| daemon RSS | $R0 kB with 2 SNICs, $R1 kB with $N: $(((R1 - R0) * 1000 / (N - 2))) B per SNIC |
| system memory (MemAvailable) per SNIC | $(((M0 - M1) / (N - 2))) kB |
| iperf3 s0 -> s1, ${ROUNDS:-5} x 3 s, median (min-max) | $G2 Gbit/s with 2 SNICs, $GN Gbit/s with $N: $VERDICT |
| $C concurrent API clients x $R requests | $((C * R - API_FAIL)) of $((C * R)) answered in $API_MS ms |
| one policy, $N selectors over $N endpoints: apply (compile + load) | $POL_MS ms ($POL_OK) |
EOF2
