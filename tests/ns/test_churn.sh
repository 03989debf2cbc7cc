#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Churn: SNIC add/del cycles through hyperctl and ADD/DEL cycles through
# the CNI plugin, PAR at a time, against one daemon (its reconcile loop
# running), then nothing may be left: no interface (bridge netns and
# container netns), no network namespace, no address, no store row, no
# map entry, no bpffs pin, no file descriptor of the daemon, and its RSS
# flat (within CHURN_RSS_KB). CI runs the short version; the full one is
#   CHURN_CTL=1000 CHURN_CNI=300 CHURN_PAR=20 CHURN_ROUNDS=2 tests/ns/test_churn.sh
# (tests/churn-full.sh, figures in docs/robustness.md).
. "$(dirname "$0")/lib.sh"
CTL=${CHURN_CTL:-100} CNIN=${CHURN_CNI:-30} PAR=${CHURN_PAR:-10}
RSS_KB=${CHURN_RSS_KB:-1024}
plan 13

INST=ch-$UNIQ
NET=chnet-$UNIQ
PINS=/sys/fs/bpf/hyperion/$INST
CNI=$BUILD/hyperion
WORK=$(mktemp -d /tmp/hyp-churn.XXXXXX)
on_exit "rm -rf $WORK"
start_daemon "$INST" --pool 10.93.0.0/16 || finish
DPID=$DAEMON_PID
for ((w = 0; w < PAR; w++)); do mkns "ch$w-$UNIQ" || finish; done

conf() {
	jq -cn --arg n "$NET" --arg i "$INST" '{cniVersion: "1.0.0", name: $n, type: "hyperion", instance: $i}'
}
CONF=$(conf)

cni() { # CMD CID NETNS
	printf '%s' "$CONF" | env -i PATH="$PATH" CNI_COMMAND="$1" CNI_CONTAINERID="$2" \
		CNI_IFNAME=eth0 CNI_NETNS="$3" CNI_PATH=/usr/lib/cni "$CNI" >/dev/null 2>&1
}

# worker W N KIND: N cycles in netns chW; one line per failed step
worker() {
	local w=$1 n=$2 kind=$3 ns=ch$1-$UNIQ k
	for ((k = 0; k < n; k++)); do
		if [ "$kind" = ctl ]; then
			hctl snic add "c$w-$k" --netns "$ns" --label app=churn >/dev/null 2>&1 ||
				echo "add c$w-$k"
			hctl snic del "c$w-$k" >/dev/null 2>&1 || echo "del c$w-$k"
		else
			cni ADD "cid-$w-$k-$UNIQ" "/run/netns/$ns" || echo "ADD cid-$w-$k"
			cni DEL "cid-$w-$k-$UNIQ" "/run/netns/$ns" || echo "DEL cid-$w-$k"
		fi
	done
}

# run KIND TOTAL: TOTAL cycles over PAR workers; prints the failures
run() {
	local kind=$1 total=$2 w per pids=()
	for ((w = 0; w < PAR; w++)); do
		per=$((total / PAR + (w < total % PAR)))
		worker "$w" "$per" "$kind" >"$WORK/fail-$kind-$w" &
		pids+=($!)
	done
	wait "${pids[@]}" # not the daemon, also a child of this shell
	cat "$WORK"/fail-"$kind"-*
}

maps() { # NAME COUNT of every pinned map but the arrays (whose size is fixed)
	local m
	for m in "$PINS"/hyp_*; do
		case $(bpftool map show pinned "$m" -j | jq -r .type) in
		array | percpu_array | ringbuf) continue ;;
		esac
		echo "$(basename "$m") $(bpftool map dump pinned "$m" -j | jq length)"
	done
}

# everything a leak would show in, one line each
snapshot() {
	echo "bridge links: $(ip -n "hyp-$INST" -o link show | grep -c .)"
	local w
	for ((w = 0; w < PAR; w++)); do
		echo "ch$w links: $(ip -n "ch$w-$UNIQ" -o link show | grep -c .)"
		echo "ch$w addrs: $(ip -n "ch$w-$UNIQ" -o addr show | grep -c .)"
	done
	echo "netns: $(ip netns list | grep -cE "$UNIQ|hyp-$INST")"
	hctl -j status | jq -r '"store: snics \(.snics) addresses \(.addresses_used) identities \(.identities) ports \(.ports | length) guards \(.guards | length)"'
	echo "snic rows: $(hctl -j snic list | jq length)"
	maps | sed 's/^/map /'
	echo "pins: $(find "$PINS" | sort | md5sum | cut -c1-12) ($(find "$PINS" | wc -l))"
	echo "fds: $(ls /proc/$DPID/fd | wc -l)"
}
rss() { awk '/^VmRSS/ {print $2}' /proc/$DPID/status; }

# warm-up (the store's page cache, libbpf's and json-c's first allocations)
run ctl $((2 * PAR)) >/dev/null
run cni "$PAR" >/dev/null
snapshot >"$WORK/before"
RSS0=$(rss)
# CHURN_ROUNDS=N: the cycles N times over; the RSS bound then holds between
# the last two rounds (the first one fills the caches that grow with the
# store: SQLite's page cache, up to 2000 KiB)
RSSES=("$RSS0") FAIL_CTL="" FAIL_CNI=""
for ((r = 1; r <= ${CHURN_ROUNDS:-1}; r++)); do
	start=$SECONDS
	FAIL_CTL+=$(run ctl "$CTL")
	T_CTL=$((SECONDS - start)) start=$SECONDS
	FAIL_CNI+=$(run cni "$CNIN")
	T_CNI=$((SECONDS - start))
	RSSES+=("$(rss)")
	note "round $r: $CTL hyperctl cycles in ${T_CTL}s, $CNIN CNI cycles in ${T_CNI}s, $PAR in parallel; RSS ${RSSES[-2]} -> ${RSSES[-1]} kB"
done
snapshot >"$WORK/after"
RSS1=${RSSES[-1]}
((${#RSSES[@]} > 2)) && RSS0=${RSSES[-2]}

diffline() { # PATTERN: the before/after lines matching it must be equal
	local d
	d=$(diff <(grep -E "$1" "$WORK/before") <(grep -E "$1" "$WORK/after"))
	[ -z "$d" ] || { echo "$d"; return 1; }
}
check "$CTL hyperctl snic add/del cycles, $PAR in parallel, all succeeded" \
	bash -c '[ -z "$1" ] || { echo "$1" | head; exit 1; }' _ "$FAIL_CTL"
check "$CNIN CNI ADD/DEL cycles, $PAR in parallel, all succeeded" \
	bash -c '[ -z "$1" ] || { echo "$1" | head; exit 1; }' _ "$FAIL_CNI"
check "no interface left in the bridge netns" diffline '^bridge links'
check "no interface left in a container netns" diffline '^ch[0-9]+ links'
check "no address left in a container netns" diffline '^ch[0-9]+ addrs'
check "no network namespace left or lost" diffline '^netns'
check "no store row left (SNICs, addresses, identities, ports, guards)" diffline '^(store|snic rows)'
check "no map entry left in any pinned map" diffline '^map '
check "no bpffs pin left or lost" diffline '^pins'
check "no file descriptor of the daemon left open" diffline '^fds'
if [ "${HYP_BUILD:-build}" = build ]; then
	check "daemon RSS flat: $RSS0 -> $RSS1 kB over the last round (bound +$RSS_KB kB; rounds: ${RSSES[*]})" \
		test $((RSS1 - RSS0)) -le "$RSS_KB"
else # ASan's quarantine holds freed memory; LeakSanitizer checks at exit instead
	skip "daemon RSS flat: not measured in a sanitizer build ($RSS0 -> $RSS1 kB)"
fi
check "the daemon still runs and answers" hctl status
check "no warning in the daemon's log but the expected" \
	bash -c "! grep -iE 'leak|assert|corrupt' /tmp/hyperiond-$INST.log"
finish
