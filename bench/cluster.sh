#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Cross-node benchmark (issue 14): one TCP stream (iperf3) between a
# container on node A and one on node B, side by side:
#   hyperion-overlay       two hyperiond nodes over etcd, the authenticated overlay
#   hyperion-overlay-int   the same with --overlay-integrity (payload covered)
#   vxlan                  the same two namespaces joined by kernel VXLAN over the
#                          same kind of fabric, no authentication
#   wireguard-go           the same two namespaces joined by wireguard-go (userspace,
#                          encrypted; the kernel here has no WireGuard module).
#                          Each device has a name of its own: wireguard-go's control
#                          socket (/var/run/wireguard/NAME.sock) is not per netns, so
#                          two "wg0" in two namespaces shared one socket (the first
#                          attempt's "Cannot find device wg0"). HB_NO_WG=1 leaves it out
# Rounds are interleaved (A B C D A B C D ...); medians of Gbit/s, of CPU
# seconds per GB (all CPUs, /proc/stat, during the transfer: other load on
# the machine counts too), of TCP retransmissions (iperf3's count) and of
# the round-trip time (20 pings 50 ms apart, average) are printed as a
# markdown table, with the spread (min..max) of Gbit/s; every round's numbers and the overlay nodes'
# drop counters go to stderr. Needs root, etcd-server, iperf3, wireguard-go,
# wireguard-tools.
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

# iperf3 from netns $1 to $2; appends "gbps cpu_s_per_gb retransmits rtt_us" to $RES/$3
measure() {
	local b0 b1 out bps bytes rtt
	b0=$(busy)
	out=$(ip netns exec "$1" iperf3 -c "$2" -t "$DUR" -J 2>/dev/null)
	b1=$(busy)
	bps=$(jq -r '.end.sum_received.bits_per_second // 0' <<<"$out")
	bytes=$(jq -r '.end.sum_received.bytes // 0' <<<"$out")
	rtx=$(jq -r '.end.sum_sent.retransmits // 0' <<<"$out")
	rtt=$(ip netns exec "$1" ping -q -c 20 -i 0.05 -W 1 "$2" 2>/dev/null |
		awk -F/ '/^rtt/{printf "%d", $5 * 1000}')
	if [ "${bytes%.*}" -gt 0 ] 2>/dev/null; then
		awk -v b="$bps" -v by="$bytes" -v c=$((b1 - b0)) -v hz="$hz" -v r="$rtx" -v l="${rtt:-0}" \
			'BEGIN{printf "%.3f %.2f %d %d\n", b/1e9, (c/hz)/(by/1e9), r, l}' | tee -a "$RES/$3" |
			sed "s/^/# $3: /" >&2
	else
		echo "0 0 0 0" >>"$RES/$3"
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
hyp_pair() { # TAG N MTU EXTRA-ARGS...: nodes TAG1, TAG2 (addresses 192.0.2.N1, N2) with
	# client/server SNICs, uplinks of MTU on the fabric (SNIC MTU = MTU - 52, automatic)
	local tag=$1 n=$2 mtu=$3 i
	shift 3
	for i in 1 2; do
		ip link add "b$tag$i-$UNIQ" mtu "$mtu" type veth peer name "f$tag$i" netns "$FAB"
		ip -n "$FAB" link set "f$tag$i" mtu "$mtu" master br0 up
		on_exit "ip link del b$tag$i-$UNIQ"
		start_daemon "b$tag$i-$UNIQ" --cluster "$ETCD_URL" --node "b$tag$i" \
			--node-addr "192.0.2.$n$i" --uplink "b$tag$i-$UNIQ" \
			--uplink-addr "192.0.2.$n$i/24" "$@" >/dev/null || exit 1
		mkns "bn$tag$i-$UNIQ"
		"$HYPERCTL" --instance "b$tag$i-$UNIQ" snic add "s$i" --netns "bn$tag$i-$UNIQ" \
			--label "app=b$tag$i" >/dev/null
	done
	ip -n "bn${tag}1-$UNIQ" -o link | grep -o 'mtu [0-9]*' | tail -1 | sed "s/^/# $tag: SNIC /" >&2
}
hyp_pair o 11 1600
hyp_pair j 12 9000
hyp_pair ji 13 9000 --overlay-integrity
srv() { "$HYPERCTL" --instance "b${1}2-$UNIQ" -j snic show s2 | jq -r .ip | cut -d/ -f1; }
OSRV=$(srv o) JSRV=$(srv j) ISRV=$(srv ji)
wait_for 20 ip netns exec "bno1-$UNIQ" ping -c 1 -W 1 "$OSRV"
wait_for 20 ip netns exec "bnj1-$UNIQ" ping -c 1 -W 1 "$JSRV"
wait_for 20 ip netns exec "bnji1-$UNIQ" ping -c 1 -W 1 "$ISRV"

# --- plain VXLAN and wireguard-go between two namespaces over their own fabric veth
for t in vx vj wg; do
	mtu=1600
	[ "$t" = vj ] && mtu=9000
	mkns "${t}a-$UNIQ"
	mkns "${t}b-$UNIQ"
	ip link add p0 netns "${t}a-$UNIQ" mtu $mtu type veth peer name p0 netns "${t}b-$UNIQ" mtu $mtu
	ip -n "${t}a-$UNIQ" addr add 192.0.2.1/24 dev p0
	ip -n "${t}b-$UNIQ" addr add 192.0.2.2/24 dev p0
	ip -n "${t}a-$UNIQ" link set p0 up
	ip -n "${t}b-$UNIQ" link set p0 up
done
for s in vx:a:1:2 vx:b:2:1 vj:a:1:2 vj:b:2:1; do
	IFS=: read -r t x me peer <<<"$s"
	ip -n "$t$x-$UNIQ" link add vx0 type vxlan id 42 local "192.0.2.$me" remote "192.0.2.$peer" dstport 4789
	ip -n "$t$x-$UNIQ" addr add "10.219.0.$me/24" dev vx0
	ip -n "$t$x-$UNIQ" link set vx0 up
done
WG=0
if [ -z "${HB_NO_WG:-}" ] && command -v wireguard-go >/dev/null && command -v wg >/dev/null; then
	KA=$(wg genkey) KB=$(wg genkey)
	WG=1
	for s in a:1:2:$KA:$KB b:2:1:$KB:$KA; do
		IFS=: read -r x me peer mine theirs <<<"$s"
		dev=wg$x$UNIQ
		dev=${dev:0:15}
		# forks into the background once its TUN device and control socket exist
		ip netns exec "wg$x-$UNIQ" wireguard-go "$dev" >/dev/null 2>&1 || WG=0
		on_exit "ip -n wg$x-$UNIQ link del $dev"
		echo "$mine" >"$RES/k$x"
		ip netns exec "wg$x-$UNIQ" wg set "$dev" listen-port 51820 private-key "$RES/k$x" \
			peer "$(echo "$theirs" | wg pubkey)" endpoint "192.0.2.$peer:51820" \
			allowed-ips "10.220.0.$peer/32" || WG=0
		ip -n "wg$x-$UNIQ" addr add "10.220.0.$me/24" dev "$dev" || WG=0
		ip -n "wg$x-$UNIQ" link set "$dev" up || WG=0
	done
	[ "$WG" = 1 ] && wait_for 10 ip netns exec "wga-$UNIQ" ping -c 1 -W 1 10.220.0.2 ||
		{ WG=0; echo "# wireguard-go: the tunnel did not come up; row left out" >&2; }
else
	echo "# wireguard-go: not installed (or HB_NO_WG set); row left out" >&2
fi

for r in $(seq "$ROUNDS"); do
	server "bno2-$UNIQ"; measure "bno1-$UNIQ" "$OSRV" overlay-1600
	server "bnj2-$UNIQ"; measure "bnj1-$UNIQ" "$JSRV" overlay-9000
	server "bnji2-$UNIQ"; measure "bnji1-$UNIQ" "$ISRV" overlay-int-9000
	server "vxb-$UNIQ"; measure "vxa-$UNIQ" 10.219.0.2 vxlan-1600
	server "vjb-$UNIQ"; measure "vja-$UNIQ" 10.219.0.2 vxlan-9000
	if [ "$WG" = 1 ]; then server "wgb-$UNIQ"; measure "wga-$UNIQ" 10.220.0.2 wireguard-go; fi
	echo "# round $r done" >&2
done

for n in bo1 bo2 bj1 bj2 bji1 bji2; do
	"$HYPERCTL" --instance "$n-$UNIQ" -j status |
		jq -c '{uplink: .uplink.counters.drops, all: .drops}' 2>/dev/null |
		sed "s/^/# drops $n: /" >&2
done
med() { sort -n | awk '{a[NR]=$1} END{if(NR) print a[int((NR+1)/2)]; else print 0}'; }
spread() { sort -n | awk 'NR==1{lo=$1} {hi=$1} END{print lo ".." hi}'; }
echo "| path (1 TCP stream, $ROUNDS x ${DUR} s, medians) | Gbit/s | spread | CPU s/GB | retransmits | RTT us |"
echo "|---|---|---|---|---|---|"
for t in overlay-1600 overlay-9000 overlay-int-9000 vxlan-1600 vxlan-9000 wireguard-go; do
	[ -f "$RES/$t" ] || continue
	printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$(cut -d' ' -f1 "$RES/$t" | med)" \
		"$(cut -d' ' -f1 "$RES/$t" | spread)" "$(cut -d' ' -f2 "$RES/$t" | med)" \
		"$(cut -d' ' -f3 "$RES/$t" | med)" "$(cut -d' ' -f4 "$RES/$t" | med)"
done
