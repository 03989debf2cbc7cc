#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# CNI ADD/DEL latency: the hyperion plugin (through hyperiond) side by side
# with Debian's reference `bridge` plugin (host-local IPAM). Not a timed
# test. N containers (netns made beforehand, untimed); each plugin does N
# ADDs one after another, then N DELs; each call is timed from fork to exit
# (bash $EPOCHREALTIME around the plugin process). Reports p50, p99 and the
# mean per command, in ms.
#
#   bench/cni/run.sh [-n N] [--rounds R] [--out FILE]
#     -n N        containers per round (default 100)
#     --rounds R  rounds, plugins alternating (default 1); percentiles over all
#     --out FILE  also write a markdown report (command, kernel, date)
#
# Needs root, `make`, and scripts/setup-podman.sh (containernetworking-plugins).
# The bridge plugin runs inside a private "host" netns, so its bridge and its
# ip_forward setting never touch the real host.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=100 ROUNDS=1 OUT=
while (($#)); do
	case $1 in
	-n) N=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/cni/run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

CNI=$ROOT/build/hyperion BRIDGE=/usr/lib/cni/bridge
[ -x "$CNI" ] || { echo "build/hyperion missing: run make" >&2; exit 2; }
[ -x "$BRIDGE" ] || bash "$ROOT/scripts/setup-podman.sh" >&2
U=$(printf '%x' $$)
INST=cb-$U HOSTNS=cbh-$U
W=$(mktemp -d /tmp/hyp-cni-bench.XXXXXX)
DPID=

cleanup() {
	set +e
	for i in $(seq "$N"); do ip netns del "cbc$i-$U" 2>/dev/null; done
	ip netns del "$HOSTNS" 2>/dev/null
	if [ -n "$DPID" ]; then kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; fi
	"$ROOT/build/hyperctl" --instance "$INST" teardown --yes >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
"$ROOT/build/hyperiond" --instance "$INST" --pool 10.98.0.0/16 --reconcile-ms 3600000 \
	>"$W/hyperiond.log" 2>&1 &
DPID=$!
for _ in $(seq 100); do [ -S "/run/hyperion/$INST.sock" ] && break; sleep 0.1; done
ip netns add "$HOSTNS"
ip -n "$HOSTNS" link set lo up
for i in $(seq "$N"); do ip netns add "cbc$i-$U"; done

HYP_CONF=$(jq -cn --arg i "$INST" '{cniVersion: "1.0.0", name: "benchhyp", type: "hyperion", instance: $i}')
BR_CONF=$(jq -cn --arg d "$W/ipam" '{cniVersion: "1.0.0", name: "benchbr", type: "bridge",
	bridge: "cbbr0", isGateway: true, ipMasq: false,
	ipam: {type: "host-local", subnet: "10.97.0.0/16", dataDir: $d}}')

# one_round PLUGIN CONF PREFIX: N timed ADDs then N timed DELs -> $W/PREFIX.{add,del}
one_round() {
	local plugin=$1 conf=$2 out=$3 cmd i t0 t1
	for cmd in ADD DEL; do
		for i in $(seq "$N"); do
			t0=$EPOCHREALTIME
			if ! printf '%s' "$conf" | CNI_COMMAND=$cmd CNI_CONTAINERID="bench$i-$U" \
				CNI_IFNAME=eth0 CNI_NETNS="/run/netns/cbc$i-$U" CNI_PATH=/usr/lib/cni \
				"$plugin" >"$W/last.out" 2>&1; then
				echo "$plugin $cmd $i failed: $(cat "$W/last.out")" >&2
				exit 1
			fi
			t1=$EPOCHREALTIME
			echo $((${t1/./} - ${t0/./})) >>"$W/$out.${cmd,,}"
		done
	done
}
export -f one_round
export N U W

for r in $(seq "$ROUNDS"); do
	one_round "$CNI" "$HYP_CONF" hyperion
	# the bridge plugin's "host" is a private netns: its bridge stays in there
	ip netns exec "$HOSTNS" bash -c "$(declare -f one_round); one_round $BRIDGE '$BR_CONF' bridge"
	echo "round $r done" >&2
done

# stats FILE -> "p50 p99 mean" in ms (nearest rank)
stats() {
	sort -n "$1" | awk '{v[NR] = $1; s += $1}
		END {p50 = v[int((NR * 50 + 99) / 100)]; p99 = v[int((NR * 99 + 99) / 100)];
		     printf "%.2f %.2f %.2f", p50 / 1000, p99 / 1000, s / NR / 1000}'
}

table() {
	local p c a b
	echo "| plugin | command | p50 (ms) | p99 (ms) | mean (ms) | samples |"
	echo "|---|---|---:|---:|---:|---:|"
	for p in hyperion bridge; do
		for c in add del; do
			read -r a b m < <(stats "$W/$p.$c")
			echo "| $p | ${c^^} | $a | $b | $m | $(wc -l <"$W/$p.$c") |"
		done
	done
}

TABLE=$(table)
echo "$TABLE"
if [ -n "$OUT" ]; then
	{
		echo "# CNI ADD/DEL latency: hyperion vs bridge + host-local"
		echo
		echo "- command: \`bench/cni/run.sh -n $N --rounds $ROUNDS --out $OUT\`"
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "- kernel: $(uname -r), $(nproc) vCPU, $(. /etc/os-release; echo "$PRETTY_NAME")"
		echo "- plugins: hyperion $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" \
			"(guard on, via hyperiond), bridge $(dpkg-query -W -f='${Version}' containernetworking-plugins)"
		echo "- $N containers per round, $ROUNDS round(s); each call timed from fork to exit"
		echo
		echo "$TABLE"
	} >"$OUT"
fi
