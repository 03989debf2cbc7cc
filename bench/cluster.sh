#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Cross-node benchmark (issue 14): one TCP stream (iperf3) between a
# container on node A and one on node B, side by side:
#   hyperion-overlay       two hyperiond nodes over etcd, the authenticated overlay
#   hyperion-overlay-int   the same with --overlay-integrity (payload covered)
#   vxlan                  the same two namespaces joined by kernel VXLAN over the
#                          same kind of fabric, no authentication
#   wireguard-go           the same two namespaces joined by wireguard-go (userspace,
#                          encrypted; the kernel here has no WireGuard). HB_NO_WG=1
#                          leaves it out (its set-up in a netns did not come up in
#                          the one run so far: "Cannot find device wg0")
# Rounds are interleaved (A B C D A B C D ...); medians of Gbit/s and of CPU
# seconds per GB (all CPUs, /proc/stat, during the transfer) are printed as a
# markdown table. Needs root, etcd-server, iperf3, wireguard-go.
#
# usage: bench/cluster.sh [ROUNDS] [SECONDS]     (default 3 rounds x 5 s)
set -u
ROUNDS=${1:-3}
DUR=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/ns/lib.sh"
. "$ROOT/tests/ns/lib_etcd.sh"
RES=/tmp/hyp-bench-cluster.$$
mkdir -p "$RES"
on_exit "rm -rf $RES"

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
hz=$(getconf CLK_TCK)

# iperf3 from netns $1 to $2; appends "gbps cpu_s_per_gb" to $RES/$3
measure() {
	local b0 b1 out bps bytes
	b0=$(busy)
	out=$(ip netns exec "$1" iperf3 -c "$2" -t "$DUR" -J 2>/dev/null)
	b1=$(busy)
	bps=$(jq -r '.end.sum_received.bits_per_second // 0' <<<"$out")
	bytes=$(jq -r '.end.sum_received.bytes // 0' <<<"$out")
	if [ "${bytes%.*}" -gt 0 ] 2>/dev/null; then
		awk -v b="$bps" -v by="$bytes" -v c=$((b1 - b0)) -v hz="$hz" \
			'BEGIN{printf "%.3f %.2f\n", b/1e9, (c/hz)/(by/1e9)}' | tee -a "$RES/$3" |
			sed "s/^/# $3: /" >&2
	else
		echo "0 0" >>"$RES/$3"
		echo "# $3: iperf3 did not connect" >&2
	fi
}

server() { # NS
	ip netns exec "$1" iperf3 -s -D -1 >/dev/null 2>&1 || true
	sleep 0.3
}

# --- hyperion, two nodes (with and without payload integrity: two pairs of nodes)
etcd_start || { echo "etcd did not start" >&2; exit 1; }
"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.218.0.0/16 >/dev/null
FAB=bcf-$UNIQ
mkns "$FAB"
ip -n "$FAB" link add br0 type bridge
ip -n "$FAB" link set br0 up
hyp_pair() { # TAG EXTRA-ARGS...: nodes TAG1, TAG2 with client/server SNICs
	local tag=$1 i
	shift
	for i in 1 2; do
		ip link add "b$tag$i-$UNIQ" mtu 1600 type veth peer name "f$tag$i" netns "$FAB"
		ip -n "$FAB" link set "f$tag$i" mtu 1600 master br0 up
		on_exit "ip link del b$tag$i-$UNIQ"
		start_daemon "b$tag$i-$UNIQ" --cluster "$ETCD_URL" --node "b$tag$i" \
			--node-addr "192.0.2.$((100 + ${#tag} * 10 + i))" --uplink "b$tag$i-$UNIQ" \
			--uplink-addr "192.0.2.$((100 + ${#tag} * 10 + i))/24" "$@" >/dev/null || exit 1
		mkns "bn$tag$i-$UNIQ"
		"$HYPERCTL" --instance "b$tag$i-$UNIQ" snic add "s$i" --netns "bn$tag$i-$UNIQ" \
			--label "app=b$tag$i" >/dev/null
	done
}
hyp_pair o
hyp_pair oi --overlay-integrity
OSRV=$("$HYPERCTL" --instance "bo2-$UNIQ" -j snic show s2 | jq -r .ip | cut -d/ -f1)
ISRV=$("$HYPERCTL" --instance "boi2-$UNIQ" -j snic show s2 | jq -r .ip | cut -d/ -f1)
wait_for 20 ip netns exec "bno1-$UNIQ" ping -c 1 -W 1 "$OSRV"
wait_for 20 ip netns exec "bnoi1-$UNIQ" ping -c 1 -W 1 "$ISRV"

# --- plain VXLAN and wireguard-go between two namespaces over their own fabric veth
for t in vx wg; do
	mkns "${t}a-$UNIQ"
	mkns "${t}b-$UNIQ"
	ip link add p0 netns "${t}a-$UNIQ" mtu 1600 type veth peer name p0 netns "${t}b-$UNIQ" mtu 1600
	ip -n "${t}a-$UNIQ" addr add 192.0.2.1/24 dev p0
	ip -n "${t}b-$UNIQ" addr add 192.0.2.2/24 dev p0
	ip -n "${t}a-$UNIQ" link set p0 up
	ip -n "${t}b-$UNIQ" link set p0 up
done
for s in a:1:2 b:2:1; do
	IFS=: read -r x me peer <<<"$s"
	ip -n "vx$x-$UNIQ" link add vx0 type vxlan id 42 local "192.0.2.$me" remote "192.0.2.$peer" dstport 4789
	ip -n "vx$x-$UNIQ" addr add "10.219.0.$me/24" dev vx0
	ip -n "vx$x-$UNIQ" link set vx0 up
done
KA=$(wg genkey 2>/dev/null) || KA=
if [ -z "${HB_NO_WG:-}" ] && command -v wg >/dev/null && [ -n "$KA" ]; then
	KB=$(wg genkey)
	for s in a:1:2:$KA:$KB b:2:1:$KB:$KA; do
		IFS=: read -r x me peer mine theirs <<<"$s"
		ip netns exec "wg$x-$UNIQ" wireguard-go wg0 >/dev/null 2>&1
		on_exit "ip netns exec wg$x-$UNIQ ip link del wg0"
		echo "$mine" >"$RES/k$x"
		ip netns exec "wg$x-$UNIQ" wg set wg0 listen-port 51820 private-key "$RES/k$x" \
			peer "$(echo "$theirs" | wg pubkey)" endpoint "192.0.2.$peer:51820" allowed-ips "10.220.0.$peer/32"
		ip -n "wg$x-$UNIQ" addr add "10.220.0.$me/24" dev wg0
		ip -n "wg$x-$UNIQ" link set wg0 up
	done
	WG=1
else
	WG=0
	echo "# wireguard-go: no wg tool to configure it; row left out" >&2
fi

for r in $(seq "$ROUNDS"); do
	server "bno2-$UNIQ"; measure "bno1-$UNIQ" "$OSRV" overlay
	server "bnoi2-$UNIQ"; measure "bnoi1-$UNIQ" "$ISRV" overlay-int
	server "vxb-$UNIQ"; measure "vxa-$UNIQ" 10.219.0.2 vxlan
	if [ "$WG" = 1 ]; then server "wgb-$UNIQ"; measure "wga-$UNIQ" 10.220.0.2 wireguard-go; fi
	echo "# round $r done" >&2
done

med() { sort -n | awk '{a[NR]=$1} END{if(NR) print a[int((NR+1)/2)]; else print 0}'; }
echo "| path (1 TCP stream, $ROUNDS x ${DUR} s, medians) | Gbit/s | CPU s/GB |"
echo "|---|---|---|"
for t in overlay overlay-int vxlan wireguard-go; do
	[ -f "$RES/$t" ] || continue
	printf '| %s | %s | %s |\n' "$t" "$(cut -d' ' -f1 "$RES/$t" | med)" "$(cut -d' ' -f2 "$RES/$t" | med)"
done
