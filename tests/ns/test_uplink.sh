#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the uplink. An interface of the host netns (here one end of a veth
# whose other end lives in a namespace playing the outside network) becomes
# the bridge's port to the outside: it leaves the host netns, carries the
# uplink address in the bridge netns, and the outside resolves its MAC (ARP)
# but cannot reach the bridge netns's stack (ping, TCP to the uplink
# address, frames for other addresses, ARP not about the uplink address or
# claiming it: dropped and counted by reason). A SNIC added while the
# uplink is set gets its MTU (1400 here), and 4 MB of TCP from it through
# the uplink arrive whole (nothing black-holed). Bad
# requests (unknown, loopback, bridged interface, address in the pool,
# gateway off the subnet, a second uplink) are refused and change nothing.
# The uplink survives a daemon restart (kept in the state, re-adopted), and
# uplink clear, teardown and a teardown without the daemon give the
# interface back as it was found: name, MTU, admin state, address, routes.
. "$(dirname "$0")/lib.sh"
plan 38

INST=up-$UNIQ
OUT=upo-$UNIQ
UP=hu$UNIQ   # the host's interface that becomes the uplink
UP2=hv$UNIQ  # another, for the refusals
BR=hb$UNIQ   # a Linux bridge in the host, to make UP2 a bridge port
N=$((RANDOM % 200 + 20))
NET=100.64.$N
ADDR=$NET.2 GW=$NET.1
mkns "$OUT"
ip link add "$UP" type veth peer name peer0 netns "$OUT"
ip link add "$UP2" type veth peer name peer1 netns "$OUT"
on_exit "ip link del $UP; ip link del $UP2; ip link del $BR"
ip addr add "$ADDR/24" dev "$UP"
ip link set "$UP" mtu 1400 up
ip route add 192.0.2.0/24 via "$GW" dev "$UP" metric 77
ip -n "$OUT" addr add "$GW/24" dev peer0
ip -n "$OUT" link set peer0 up

# how UP looks in the host netns: what it must look like when given back
host_view() { # IFNAME
	ip -o link show "$1" | grep -oE 'mtu [0-9]+|state [A-Z]+' | tr '\n' ' '
	ip -o -4 addr show dev "$1" | awk '{print $4}'
	ip -4 route show dev "$1" | sort
}
BEFORE=$(host_view "$UP")
given_back() { [ "$(host_view "$UP")" = "$BEFORE" ]; }
in_host() { ip link show "$1" >/dev/null 2>&1; }
uplink_field() { hctl -j uplink show | jq -r ".$1"; }
drops() { # REASON: packets the uplink dropped for it
	hctl -j status | jq -r ".uplink.counters.drops[\"$1\"] // 0"
}

start_daemon "$INST" || finish

# --- refusals: each changes nothing ---
check_fails "an unknown interface is refused" hctl uplink set nosuch$UNIQ --addr "$ADDR/24"
check_fails "the loopback interface is refused" hctl uplink set lo --addr "$ADDR/24"
check_fails "an address inside the pool is refused" hctl uplink set "$UP" --addr 10.240.7.1/24
check_fails "a subnet containing the pool is refused" hctl uplink set "$UP" --addr 10.0.0.1/8
check_fails "a gateway off the uplink's subnet is refused" \
	hctl uplink set "$UP" --addr "$ADDR/24" --gateway 192.0.2.1
ip link add "$BR" type bridge
ip link set "$UP2" master "$BR"
check_fails "an interface that is a bridge port is refused" hctl uplink set "$UP2" --addr "$ADDR/24"
ip link set "$UP2" nomaster
check "after the refusals: no uplink, the interface untouched in the host netns" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j uplink show | jq -r '.ifname // \"none\"')\" = none ]"
check "after the refusals: the interface is as it was" given_back

# --- set ---
check "uplink set (-j: the uplink as set)" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j uplink set $UP --addr $ADDR/24 --gateway $GW | jq -r .ifname)\" = $UP ]"
check_fails "the interface left the host netns" in_host "$UP"
check "it is in the bridge netns with the uplink address" \
	bash -c "ip -n hyp-$INST -o -4 addr show dev $UP | grep -q ' $ADDR/24 '"
check "uplink show names it, its address and gateway" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j uplink show | jq -r '.ifname+\" \"+.address+\" \"+.gateway')\" = '$UP $ADDR/24 $GW' ]"
check_fails "a second uplink is refused while one is set" hctl uplink set "$UP2" --addr "$NET.3/24"
check "the second interface stays in the host netns" in_host "$UP2"

# --- the outside: ARP answered, nothing else reaches the bridge netns ---
check "the outside resolves the uplink address (ARP)" \
	bash -c "ip netns exec $OUT arping -c 1 -w 3 -I peer0 $ADDR >/dev/null || \
		{ ip netns exec $OUT ping -c 1 -W 1 $ADDR >/dev/null; ip -n $OUT neigh show $ADDR | grep -q lladdr; }"
MAC=$(uplink_field mac)
check "the outside's neighbour entry is the uplink's MAC" \
	bash -c "ip -n $OUT neigh show $ADDR | grep -q '$MAC'"
# ARP that is not about the uplink address stays out; one claiming it too
arp_send() { # SENDER-IP TARGET-IP: one broadcast ARP request from the outside, raw
	ip netns exec "$OUT" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("peer0", 0))
mac, ip = s.getsockname()[4], socket.inet_aton
s.send(b"\xff" * 6 + mac + b"\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01" + mac +
       ip(sys.argv[1]) + b"\x00" * 6 + ip(sys.argv[2]))' "$1" "$2"
}
grew() { # REASON BEFORE: the uplink's drop count for it went up
	for _ in $(seq 20); do (($(drops "$1") > $2)) && return 0; sleep 0.1; done
	return 1
}
T0=$SECONDS D0=$(drops uplink-arp-other) D1=$(drops uplink-spoofed-src)
arp_send "$GW" "$ADDR"
check "control: an ARP request for the uplink address is not dropped" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j status | jq -r '.uplink.counters.drops[\"uplink-arp-other\"] // 0')\" = $D0 ]"
arp_send "$GW" "$NET.99"
check "an ARP request for another address is dropped (uplink-arp-other)" grew uplink-arp-other "$D0"
arp_send "$ADDR" "$ADDR"
check "a gratuitous ARP claiming the uplink address is dropped (uplink-spoofed-src)" \
	grew uplink-spoofed-src "$D1"

# --- MTU: a SNIC gets the uplink's (1400), and its TCP to the outside flows ---
M=ulm-$UNIQ
mkns "$M"
check "snic add while the uplink is set" hctl snic add m --netns "$M"
check "the SNIC's interface has the uplink's MTU 1400" \
	bash -c "ip -n $M -o link show eth0 | grep -q 'mtu 1400 '"
ip netns exec "$OUT" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 9100)); s.listen(4)
while True:
    c, _ = s.accept(); n = 0
    while True:
        d = c.recv(65536)
        if not d: break
        n += len(d)
    c.sendall(str(n).encode()); c.close()' "$GW" &
_CLEAN_PIDS+=("$!")
for _ in $(seq 50); do ip netns exec "$OUT" ss -ltn | grep -q ":9100 " && break; sleep 0.1; done
bulk() { # 4 MB from the SNIC to the outside server: it counts them all
	ip netns exec "$M" timeout 20 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.settimeout(15); s.connect((sys.argv[1], 9100))
s.sendall(b"x" * (4 << 20)); s.shutdown(socket.SHUT_WR)
n = s.recv(64).decode(); print(n); sys.exit(n != str(4 << 20))' "$GW"
}
check "4 MB of TCP from the SNIC through the 1400-byte uplink arrive whole (no black hole)" bulk
note "ARP and MTU checks took $((SECONDS - T0)) s"
D0=$(drops uplink-to-bridge)
check_fails "the outside cannot ping the uplink address" \
	ip netns exec "$OUT" ping -c 2 -i 0.2 -W 1 "$ADDR"
check_fails "the outside cannot open TCP to the uplink address (no RST either)" \
	ip netns exec "$OUT" timeout 3 bash -c "exec 3<>/dev/tcp/$ADDR/22"
check "the uplink counted them as uplink-to-bridge" \
	bash -c "(( \$($HYPERCTL --instance $INST -j status | jq -r '.uplink.counters.drops[\"uplink-to-bridge\"] // 0') >= $D0 + 3 ))"
ip -n "$OUT" neigh replace 10.240.0.9 lladdr "$MAC" dev peer0 nud permanent
ip -n "$OUT" route add 10.240.0.0/16 dev peer0
check_fails "a frame from the outside to a pool address is dropped" \
	ip netns exec "$OUT" ping -c 1 -W 1 10.240.0.9
check "counted as uplink-not-ours" bash -c "(( \$($HYPERCTL --instance $INST -j status | jq -r '.uplink.counters.drops[\"uplink-not-ours\"] // 0') >= 1 ))"

# --- restart: kept in the state, re-adopted ---
stop_daemon "$DAEMON_PID"
start_daemon "$INST" || finish
check "after a restart the uplink is still set (from the state)" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j uplink show | jq -r .ifname)\" = $UP ]"
check "after a restart its program is attached (the outside still cannot ping it)" \
	bash -c "! ip netns exec $OUT ping -c 1 -W 1 $ADDR >/dev/null && \
		(( \$($HYPERCTL --instance $INST -j status | jq -r '.uplink.counters.drops[\"uplink-to-bridge\"] // 0') >= 1 ))"

# --- clear, set again, teardown, teardown without the daemon ---
check "uplink clear" hctl uplink clear
check "clear gave it back as found (name, MTU, state, address, routes)" given_back
check_fails "uplink clear without an uplink is refused" hctl uplink clear
check "uplink set again" hctl uplink set "$UP" --addr "$ADDR/24"
check "teardown gives it back as found" bash -c "$HYPERCTL --instance $INST teardown --yes >/dev/null && \
	$(declare -f host_view given_back); BEFORE='$BEFORE' UP=$UP given_back"
wait "$DAEMON_PID" 2>/dev/null
start_daemon "$INST" --uplink "$UP" --uplink-addr "$ADDR/24" --uplink-gateway "$GW" || finish
check_fails "hyperiond --uplink took it" in_host "$UP"
stop_daemon "$DAEMON_PID"
check "a teardown without the daemon gives it back as found" \
	bash -c "$HYPERCTL --instance $INST teardown --yes >/dev/null && \
	$(declare -f host_view given_back); BEFORE='$BEFORE' UP=$UP given_back"
check_fails "hyperiond --uplink with an address in the pool does not start" \
	timeout 20 "$HYPERIOND" --instance "$INST" --uplink "$UP" --uplink-addr 10.240.0.77/16
check "... and leaves the interface and no instance behind" \
	bash -c "$(declare -f host_view given_back); BEFORE='$BEFORE' UP=$UP given_back && \
		! ip netns list | grep -q '^hyp-$INST\b'"
finish
