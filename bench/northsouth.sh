#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# North-south side by side (issue 13 item 7), on its own (bench/run and its
# harness are left alone): one TCP stream with iperf3 between a "container"
# and a server in a namespace playing the outside network, through
#   hyp-snat     Hyperion: SNIC -> secure bridge SNAT -> uplink -> outside server
#   hyp-publish  Hyperion: outside client -> uplink:5201 (published) -> SNIC server
#   ipt-masq     Linux bridge + iptables MASQUERADE in a router namespace (podman's
#                default bridge path: bridge, veth, iptables nat POSTROUTING)
#   ipt-dnat     the same bridge with an iptables DNAT of a router port to the
#                container (the portmap plugin's path)
#   nft-masq     the same bridge with nftables masquerade
# Rounds interleave the configurations (A B C ... A B C ...); the report gives
# median, min and max Gbit/s per configuration and the ratio to hyp-snat.
# Usage: bench/northsouth.sh [ROUNDS] [SECONDS]   (root; defaults 3 x 5)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HYPERIOND=$ROOT/build/hyperiond
HYPERCTL=$ROOT/build/hyperctl
ROUNDS=${1:-3} SECS=${2:-5}
ID=$(printf '%x' $$)
OUT=$ROOT/bench/results/northsouth.md
CFGS=(hyp-snat hyp-publish ipt-masq ipt-dnat nft-masq)
declare -A R
NSS=() PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	"$HYPERCTL" --instance "nsb$ID" teardown --yes >/dev/null 2>&1
	for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null; done
	ip link del "nu$ID" 2>/dev/null
}
trap cleanup EXIT
mkns() { ip netns add "$1" && NSS+=("$1") && ip -n "$1" link set lo up; }
bg() { "$@" & PIDS+=("$!"); }

iperf() { # CLIENT-NS SERVER-IP -> Gbit/s
	ip netns exec "$1" iperf3 -c "$2" -t "$SECS" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100'
}

# Hyperion: instance with a veth uplink into OUTNS (100.66.0.1 the server)
setup_hyperion() {
	mkns "nso$ID"; mkns "nsc$ID"
	ip link add "nu$ID" type veth peer name eth0 netns "nso$ID"
	ip -n "nso$ID" addr add 100.66.0.1/24 dev eth0; ip -n "nso$ID" link set eth0 up
	bg "$HYPERIOND" --instance "nsb$ID" --pool 10.79.0.0/24 --uplink "nu$ID" \
		--uplink-addr 100.66.0.2/24 --uplink-gateway 100.66.0.1
	for _ in $(seq 100); do "$HYPERCTL" --instance "nsb$ID" status >/dev/null 2>&1 && break; sleep 0.1; done
	"$HYPERCTL" --instance "nsb$ID" snic add c --netns "nsc$ID" --ip 10.79.0.10/24 >/dev/null
	"$HYPERCTL" --instance "nsb$ID" publish add c 5201:5201/tcp >/dev/null
	bg ip netns exec "nso$ID" iperf3 -s -p 5201
	bg ip netns exec "nsc$ID" iperf3 -s -p 5201
}

# A router namespace with a Linux bridge for the container and an outside link
setup_router() {
	local r=nsr$ID
	mkns "$r"; mkns "nsk$ID"; mkns "nsx$ID"
	ip -n "$r" link add br0 type bridge; ip -n "$r" addr add 10.80.0.1/24 dev br0
	ip -n "$r" link set br0 up
	ip -n "$r" link add vc type veth peer name eth0 netns "nsk$ID"
	ip -n "$r" link set vc master br0 up
	ip -n "nsk$ID" addr add 10.80.0.10/24 dev eth0; ip -n "nsk$ID" link set eth0 up
	ip -n "nsk$ID" route add default via 10.80.0.1
	ip -n "$r" link add vo type veth peer name eth0 netns "nsx$ID"
	ip -n "$r" addr add 100.67.0.2/24 dev vo; ip -n "$r" link set vo up
	ip -n "nsx$ID" addr add 100.67.0.1/24 dev eth0; ip -n "nsx$ID" link set eth0 up
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
	bg ip netns exec "nsx$ID" iperf3 -s -p 5201
	bg ip netns exec "nsk$ID" iperf3 -s -p 5201
}

rules() { # CONFIG: the router's NAT for it, alone
	local r=nsr$ID
	ip netns exec "$r" iptables-legacy -t nat -F
	ip netns exec "$r" nft flush ruleset 2>/dev/null
	case $1 in
	ipt-masq) ip netns exec "$r" iptables-legacy -t nat -A POSTROUTING -s 10.80.0.0/24 -o vo -j MASQUERADE ;;
	ipt-dnat) ip netns exec "$r" iptables-legacy -t nat -A PREROUTING -i vo -p tcp --dport 5201 \
		-j DNAT --to-destination 10.80.0.10:5201 ;;
	nft-masq)
		ip netns exec "$r" nft add table ip nat
		ip netns exec "$r" nft add chain ip nat post '{ type nat hook postrouting priority 100; }'
		ip netns exec "$r" nft add rule ip nat post oifname vo ip saddr 10.80.0.0/24 masquerade
		;;
	esac
}

run() { # CONFIG -> Gbit/s
	case $1 in
	hyp-snat) iperf "nsc$ID" 100.66.0.1 ;;
	hyp-publish) iperf "nso$ID" 100.66.0.2 ;;
	ipt-masq | nft-masq) rules "$1"; iperf "nsk$ID" 100.67.0.1 ;;
	ipt-dnat) rules "$1"; iperf "nsx$ID" 100.67.0.2 ;;
	esac
}

setup_hyperion; setup_router; sleep 1
for ((i = 1; i <= ROUNDS; i++)); do
	for c in "${CFGS[@]}"; do
		v=$(run "$c"); R[$c]="${R[$c]:-} ${v:-0}"
		echo "round $i $c ${v:-failed} Gbit/s"
	done
done
stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END{printf "%.2f %.2f %.2f", a[int((NR+1)/2)], a[1], a[NR]}'; }
base=$(echo "${R[hyp-snat]}" | stats | cut -d' ' -f1)
{
	echo "# North-south: one TCP stream (iperf3), $ROUNDS interleaved rounds x ${SECS} s"
	echo
	echo "$(date -u +%FT%TZ), $(git -C "$ROOT" describe --always --dirty 2>/dev/null), $(nproc) CPUs; bench/northsouth.sh"
	echo
	echo "| configuration | median Gbit/s | min | max | vs hyp-snat |"
	echo "|---|---|---|---|---|"
	for c in "${CFGS[@]}"; do
		read -r med lo hi <<<"$(echo "${R[$c]}" | stats)"
		ratio=$(awk -v a="$med" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }')
		echo "| $c | $med | $lo | $hi | $ratio |"
	done
} | tee "$OUT"
