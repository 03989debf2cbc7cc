#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: north-south through the uplink, with a namespace playing the
# outside network (its end of the uplink's veth, a server, a client, and an
# address behind it as the gateway's far side). A container reaches the
# outside server (TCP, UDP, ICMP, directly and through the gateway) and the
# server sees the uplink address; replies and ICMP errors of translated
# flows come back (a port unreachable refuses the container's UDP socket, a
# fragmentation needed lowers its path MTU); a host-netns capture sees none
# of it while one in the outside does. Published ports: the outside client
# reaches a published SNIC port and the SNIC sees the client's address;
# unpublished ports, forged replies, outside frames with a pool source and
# a container going for the uplink address all fail; policy applies
# (ingress from the world denied while a neighbour gets in; egress to the
# world denied; trace names the world; an ipBlock admits outside addresses
# on ingress and egress while one in its except or outside it stays out).
# Conflicting or bad publications
# are refused and change nothing; 100 publish add/del leave no entry; a
# SNIC's publications go with it; a routed-mode SNIC talks with its own
# address; a container with a spoofed source gets nothing out. The bridge
# routes IPv4: TTL 1 from a container gets the gateway's time exceeded
# (TTL 2 gets through), TTL 1 from the outside stays out (ttl-exceeded).
# With the uplink's MTU lowered under the container's, a DF ping too big
# gets the gateway's fragmentation needed (the route's MTU drops to the
# uplink's, counted uplink-too-big) and a TCP transfer completes.
. "$(dirname "$0")/lib.sh"
plan 49

INST=ns-$UNIQ
OUT=nso-$UNIQ A=nsa-$UNIQ B=nsb-$UNIQ R=nsr-$UNIQ
UP=hn$UNIQ
N=$((RANDOM % 200 + 20))
ONET=100.65.$N UADDR=100.65.$N.2 OADDR=100.65.$N.1 FAR=192.0.2.$((N % 250 + 1))
mkns "$OUT" && mkns "$A" && mkns "$B" && mkns "$R"
ip link add "$UP" type veth peer name peer0 netns "$OUT"
on_exit "ip link del $UP"
ip -n "$OUT" addr add "$OADDR/24" dev peer0
ip -n "$OUT" addr add "$FAR/32" dev lo
ip -n "$OUT" link set peer0 up
start_daemon "$INST" --uplink "$UP" --uplink-addr "$UADDR/24" --uplink-gateway "$OADDR" || finish
hctl snic add a --netns "$A" --label app=web >/dev/null
hctl snic add b --netns "$B" --label app=db >/dev/null
IPA=$(snic_ip a) IPB=$(snic_ip b)

PY=/usr/bin/python3
# peer_server NS ADDR PORT: answers each TCP connection with "peer=IP:PORT"
peer_server() {
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
while True:
    c, a = s.accept(); c.sendall(("peer=%s:%d\n" % a).encode()); c.close()' "$2" "$3" &
	_CLEAN_PIDS+=("$!")
}
udp_echo() { # NS PORT
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    d, a = s.recvfrom(2048); s.sendto(("peer=%s:%d" % a).encode(), a)' "$2" &
	_CLEAN_PIDS+=("$!")
}
tcp_get() { # NS IP PORT [BIND-IP]: prints what the server said, fails on no answer in 3 s
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(); s.settimeout(3)
if len(sys.argv) > 3: s.bind((sys.argv[3], 0))
s.connect((sys.argv[1], int(sys.argv[2]))); print(s.recv(100).decode().strip())' "${@:2}" 2>/dev/null
}
udp_get() { # NS IP PORT
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.connect((sys.argv[1], int(sys.argv[2]))); s.send(b"x"); print(s.recv(100).decode())' "${@:2}" 2>/dev/null
}
udp_refused() { # NS IP PORT: the UDP socket gets ECONNREFUSED (an ICMP port unreachable)
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.connect((sys.argv[1], int(sys.argv[2]))); s.send(b"x")
try:
    s.recv(100)
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)' "${@:2}" 2>/dev/null
}
drops() { hctl -j status | jq -r ".uplink.counters.drops[\"$1\"] // 0"; }
count_grew() { # REASON BEFORE
	local now; now=$(drops "$1"); ((now > $2)) || { echo "$1: $2 -> $now"; return 1; }
}
peer_server "$OUT" 0.0.0.0 8080
udp_echo "$OUT" 5353
peer_server "$B" 0.0.0.0 80
for _ in $(seq 50); do
	ip netns exec "$OUT" ss -ltn | grep -q ':8080 ' && ip netns exec "$B" ss -ltn | grep -q ':80 ' && break
	sleep 0.1
done

# --- egress through SNAT ---
check "a reaches the outside server and it sees the uplink address" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $OADDR 8080 | grep -q 'peer=$UADDR:'"
check "UDP: a's query is answered, from the uplink address" \
	bash -c "$(declare -f udp_get); PY=$PY; udp_get $A $OADDR 5353 | grep -q 'peer=$UADDR:'"
check "ICMP echo to the outside" ping_ok "$A" "$OADDR"
check "hyperctl monitor: a's TCP flow to the outside is a nat event, from the uplink address" \
	bash -c "$HYPERCTL --instance $INST monitor -j --type nat --from a --port 8080 --last 5 |
		jq -e -s 'length >= 1 and all(.[]; .nat.ip == \"$UADDR\" and .dst.ip == \"$OADDR\")'"
check "through the gateway: a reaches an address behind it" ping_ok "$A" "$FAR"
# the bridge is a router: the TTL goes down by one through it, and a
# packet it would take to 0 is answered by the gateway (ping -t 1 as the
# first hop of a traceroute)
GW=$(ip -n "$A" -4 route show default | awk '{print $3; exit}')
TTL0=$(hctl -j status | jq -r '.ports.a.drops["ttl-exceeded"] // 0')
check "TTL 1 from a to the outside: time exceeded from the gateway ($GW)" \
	bash -c "ip netns exec $A ping -c 1 -W 3 -t 1 $OADDR | grep 'From $GW.*Time to live exceeded'"
check "counted on a's port (ttl-exceeded)" \
	bash -c "(( \$($HYPERCTL --instance $INST -j status | jq -r '.ports.a.drops[\"ttl-exceeded\"] // 0') > $TTL0 ))"
check "control: TTL 2 (one hop, the bridge) reaches the outside server" \
	ip netns exec "$A" ping -c 1 -W 3 -t 2 "$OADDR"
check "an ICMP port unreachable comes back translated (a's UDP socket is refused)" \
	bash -c "$(declare -f udp_refused); PY=$PY; udp_refused $A $OADDR 9999"

# PMTU: the outside sends a fragmentation needed about a's running ping (its
# translated id, as the outside sees it), and a's kernel lowers its path MTU
PCAP=/tmp/hyp-ns-$UNIQ.pcap
on_exit "rm -f $PCAP $PCAP.err"
ip netns exec "$A" ping -c 25 -i 0.2 -s 1200 "$OADDR" >/dev/null &
PING=$!
ip netns exec "$OUT" timeout 5 tcpdump -i peer0 -nn -c 1 "icmp[icmptype] == icmp-echo" >"$PCAP" 2>"$PCAP.err"
EID=$(grep -oE 'id [0-9]+' "$PCAP" | head -1 | cut -d' ' -f2)
"$ROOT/build/tests/hyp-rawsend" "$OUT" peer0 icmp-frag-echo "$UADDR" "${EID:-0}" 1100 >/dev/null 2>&1
sleep 0.3
check "a fragmentation needed from the outside lowers a's path MTU (translated back)" \
	bash -c "[ -n '$EID' ] && ip -n $A route get $OADDR | grep -q 'mtu 1100'"
kill "$PING" 2>/dev/null; wait "$PING" 2>/dev/null

# --- the host netns sees none of it; the outside does (positive control) ---
N_HOST=$(capture_host "host $OADDR" ping_ok "$A" "$OADDR")
check "host-netns capture during a's traffic to the outside: 0 frames (got ${N_HOST:-failed})" \
	test "${N_HOST:-x}" = 0
capture_out() {
	local pcap=/tmp/hyp-cap-$UNIQ-o.pcap tp
	ip netns exec "$OUT" tcpdump -i peer0 -nn -U --immediate-mode -w "$pcap" "host $OADDR" 2>"$pcap.err" &
	tp=$!
	for _ in $(seq 30); do grep -q listening "$pcap.err" && break; sleep 0.1; done
	ping_ok "$A" "$OADDR"; sleep 0.3
	kill -INT "$tp"; wait "$tp"
	tcpdump -nn -r "$pcap" 2>/dev/null | wc -l; rm -f "$pcap" "$pcap.err"
}
N_OUT=$(capture_out)
check "control: the same capture in the outside sees the frames ($N_OUT)" test "${N_OUT:-0}" -ge 4

# --- attacks on egress ---
ip -n "$A" addr add 10.240.0.250/16 dev eth0
check_fails "a cannot reach the outside with a spoofed source address" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $OADDR 8080 10.240.0.250"
ip -n "$A" addr del 10.240.0.250/16 dev eth0
check "control: a's own source still gets out" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $OADDR 8080 | grep -q peer="

# --- published ports ---
check_fails "publish for an unknown SNIC is refused" hctl publish add nosuch 8080:80
check_fails "a bad mapping is refused" hctl publish add b 8080:0
check "publish add b 8080:80" hctl publish add b 8080:80
check_fails "the same port again is refused" hctl publish add a 8080:80/tcp
check_fails "b's port 80 under another port is refused" hctl publish add b 8081:80
check "the refusals changed nothing (one publication)" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j publish list | jq -c '[.[]|[.port,.proto,.snic,.snic_port]]')\" = '[[8080,\"tcp\",\"b\",80]]' ]"
check "the outside client reaches b's published port; b sees the client's address" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $OUT $UADDR 8080 | grep -q 'peer=$OADDR:'"
D=$(drops uplink-to-bridge)
check_fails "an unpublished port of the uplink address is not reachable" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $OUT $UADDR 9090"
check "counted (uplink-to-bridge)" count_grew uplink-to-bridge "$D"
check_fails "a cannot go for b's published port through the uplink address" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $UADDR 8080"
ip -n "$OUT" addr add 10.240.0.77/32 dev lo
D=$(drops uplink-spoofed-src)
check_fails "an outside client with a pool source address is refused" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $OUT $UADDR 8080 10.240.0.77"
check "counted (uplink-spoofed-src)" count_grew uplink-spoofed-src "$D"
# a forged "reply" to a translated port from a host that is not the peer
D=$(drops uplink-to-bridge)
ip netns exec "$OUT" "$ROOT/build/tests/hyp-rawsend" "$OUT" peer0 udp "$UADDR" 40000 >/dev/null 2>&1
check "a forged reply from the outside to a translated port range is dropped" count_grew uplink-to-bridge "$D"

# --- policy on published and outbound traffic ---
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
EOF2
check_fails "ingress policy without the world: the outside client is denied" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $OUT $UADDR 8080"
check "control: a (app=web) still reaches b directly" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $IPB 80 | grep -q 'peer=$IPA:'"
check "policy trace: the outside client is the world (identity 2), denied" \
	bash -c "$HYPERCTL --instance $INST -j policy trace $OADDR b tcp 80 | \
		jq -e '.src.identity == 2 and .src.snic == \"world\" and .verdict == \"denied\"' >/dev/null"
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]
EOF2
check_fails "egress policy without the world: a cannot reach the outside" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $OADDR 8080"
# ipBlock selects outside addresses: OADDR in the block, FAR (also the outside's) not
T0=$SECONDS
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-partner}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{ipBlock: {cidr: $ONET.0/24, except: [$ONET.128/25]}}], ports: [{port: 80}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-to-partner}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: $OADDR/32}}], ports: [{port: 8080}]}]
EOF2
check "ipBlock ingress: the outside client's address (in the block) reaches b's published port" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $OUT $UADDR 8080 | grep -q 'peer=$OADDR:'"
ip -n "$OUT" addr add "$ONET.200/32" dev lo
check_fails "... the same client from an address of the block's except ($ONET.200) is denied" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $OUT $UADDR 8080 $ONET.200"
check "policy trace: $OADDR allowed by db-from-partner, $FAR denied" \
	bash -c "$HYPERCTL --instance $INST -j policy trace $OADDR b tcp 80 | \
		jq -e '.verdict == \"allowed\" and (.ingress.allowed_by | tostring | test(\"db-from-partner\"))' && \
		$HYPERCTL --instance $INST -j policy trace $FAR b tcp 80 | jq -e '.verdict == \"denied\"'"
check "ipBlock egress: a reaches the outside server's address in the block" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $OADDR 8080 | grep -q 'peer=$UADDR:'"
check_fails "... and not an outside address outside it ($FAR)" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $A $FAR 8080"
hctl policy delete --yes db-from-web web-egress db-from-partner web-to-partner >/dev/null 2>&1
note "ipBlock world checks took $((SECONDS - T0)) s"

# --- 100 publish add/del: no leak ---
churn() {
	for i in $(seq 100); do
		hctl publish add a $((20000 + i)):80/udp >/dev/null || return 1
		hctl publish del $((20000 + i))/udp >/dev/null || return 1
	done
}
check "100 publish add/del" churn
check "after them: only b's publication in the list and in the tables" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j publish list | jq length)\" = 1 ] && \
		[ \"\$(bpftool map dump pinned /sys/fs/bpf/hyperion/$INST/hyp_publish -j | jq length)\" = 1 ] && \
		[ \"\$(bpftool map dump pinned /sys/fs/bpf/hyperion/$INST/hyp_pub_rev -j | jq length)\" = 1 ]"
hctl snic del b >/dev/null
check "a SNIC's publications go with it" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j publish list | jq length)\" = 0 ] && \
		[ \"\$(bpftool map dump pinned /sys/fs/bpf/hyperion/$INST/hyp_publish -j | jq length)\" = 0 ]"

# --- routed mode ---
check "snic add r --routed" hctl snic add r --netns "$R" --routed
IPR=$(snic_ip r)
ip -n "$OUT" route add 10.240.0.0/16 via "$UADDR"
check "a routed-mode SNIC reaches the outside with its own address" \
	bash -c "$(declare -f tcp_get); PY=$PY; tcp_get $R $OADDR 8080 | grep -q 'peer=$IPR:'"
check "the outside reaches the routed-mode SNIC by its address" ping_ok "$OUT" "$IPR"
check_fails "but not a SNAT-mode SNIC by its address" ping_ok "$OUT" "$IPA"
D=$(drops ttl-exceeded)
check_fails "the outside's TTL-1 packet to the routed-mode SNIC stays out" \
	ip netns exec "$OUT" ping -c 1 -W 1 -t 1 "$IPR"
check "counted on the uplink (ttl-exceeded)" count_grew ttl-exceeded "$D"

# --- path MTU discovery through a smaller uplink ---
# the uplink's MTU lowered under a's (1500); two addresses behind the
# gateway that a has no path MTU for yet: one for TCP, one for ping
TCPF=198.51.100.$((N % 250 + 1)) PINGF=203.0.113.$((N % 250 + 1))
ip -n "$OUT" addr add "$TCPF/32" dev lo
ip -n "$OUT" addr add "$PINGF/32" dev lo
ip -n "hyp-$INST" link set "$UP" mtu 1400
ip netns exec "$OUT" $PY -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8090)); s.listen(8)
while True:
    c, a = s.accept(); n = 0
    while True:
        d = c.recv(65536)
        if not d: break
        n += len(d)
    c.sendall(b"%d\n" % n); c.close()' "$TCPF" &
_CLEAN_PIDS+=("$!")
for _ in $(seq 50); do ip netns exec "$OUT" ss -ltn | grep -q ':8090 ' && break; sleep 0.1; done
tcp_send() { # NS IP PORT BYTES: sends BYTES, prints what the server counted (10 s)
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(); s.settimeout(10); s.connect((sys.argv[1], int(sys.argv[2])))
s.sendall(b"x" * int(sys.argv[3])); s.shutdown(socket.SHUT_WR); print(s.recv(100).decode().strip())' "${@:2}" 2>/dev/null
}
BIG0=$(hctl -j status | jq -r '.ports.a.drops["uplink-too-big"] // 0')
check "a's TCP transfer of 2 MB across the smaller uplink completes (path MTU discovered)" \
	bash -c "$(declare -f tcp_send); PY=$PY; [ \"\$(tcp_send $A $TCPF 8090 2000000)\" = 2000000 ]"
# (the route's learnt MTU is checked after the DF ping below, where it is
# certain: one CI run's TCP transfer completed without a route exception)
check "a's DF ping bigger than the uplink: fragmentation needed from the gateway ($GW), mtu 1400" \
	bash -c "ip netns exec $A ping -c 1 -W 3 -M do -s 1400 $PINGF | grep 'From $GW.*Frag needed.*mtu = 1400'"
check "... a's route to it has the uplink's MTU" bash -c "ip -n $A route get $PINGF | grep -q 'mtu 1400'"
check "counted on a's port (uplink-too-big)" \
	bash -c "(( \$($HYPERCTL --instance $INST -j status | jq -r '.ports.a.drops[\"uplink-too-big\"] // 0') > $BIG0 ))"
finish
