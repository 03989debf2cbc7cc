#!/usr/bin/env bash
# Hyperion demo: the host network namespace cannot see secure container traffic.
#
#   1. Start a private Hyperion instance (its own secure-bridge netns).
#   2. Attach three containers (web, client1, client2) with SNICs, serve HTTP from
#      web, fetch it from the clients, while tcpdump listens in the HOST netns.
#   3. Do the same on a plain Linux bridge in the host netns (the usual setup).
#   4. Compare: Hyperion requests OK with 0 host-visible frames; the Linux bridge
#      exposes every frame to the host.
#
# Run as root from anywhere after `make`:   bash scripts/demo.sh
# Exit status 0 only if the isolation check passed. Everything the script creates
# (daemon, namespaces, bridge, veths, capture files) is removed on exit, even on
# failure or Ctrl-C.

set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HYPERIOND=$ROOT/build/hyperiond
HYPERCTL=$ROOT/build/hyperctl

REQUESTS=3              # HTTP requests per client
ID=$$
INSTANCE="demo-$ID"     # [a-z0-9-]{1,24}: a pid has at most 7 digits
INSTANCE=${INSTANCE:0:24}

# Secure setup: namespaces attached to Hyperion.
HNS_WEB="hyd$ID-web"
HNS_C1="hyd$ID-client1"
HNS_C2="hyd$ID-client2"
# Baseline: namespaces on a Linux bridge in the host netns.
BNS_WEB="lbr$ID-web"
BNS_C1="lbr$ID-client1"
BNS_C2="lbr$ID-client2"
BRIDGE="br-$ID"                 # <= 15 chars
BASE_NET=10.99.0
BASE_WEB_IP=$BASE_NET.2
BASE_C1_IP=$BASE_NET.3
BASE_C2_IP=$BASE_NET.4

# State for cleanup.
TMP=""
DAEMON_PID=""
INSTANCE_STARTED=0
BG_PIDS=()              # httpd and tcpdump processes
NETNS_CREATED=()
VETHS_CREATED=()
BRIDGE_CREATED=0

# ---------------------------------------------------------------- output helpers
if [ -t 1 ]; then B=$'\e[1m'; G=$'\e[32m'; R=$'\e[31m'; N=$'\e[0m'; else B= G= R= N=; fi
section() { printf '\n%s== %s ==%s\n' "$B" "$*" "$N"; }
info()    { printf '  %s\n' "$*"; }
indent()  { sed 's/^/  /'; }
die()     { printf '%sdemo: error: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }

# ---------------------------------------------------------------------- cleanup
# alive PID: running and not a zombie (an exited child stays a zombie until waited)
alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$st" != Z ]
}

forget_pid() {  # drop a reaped PID from BG_PIDS so cleanup never signals a reused PID
	local p keep=()
	for p in "${BG_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	BG_PIDS=("${keep[@]}")
}

stop_pid() {    # stop one process we started: TERM, bounded wait, then KILL, reap
	local pid=$1 i
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 30); do
			alive "$pid" || break
			sleep 0.1
		done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	forget_pid "$pid"
	return 0
}

cleanup() {
	local rc=$? pid ns v i
	trap - EXIT INT TERM HUP
	set +e
	for pid in "${BG_PIDS[@]}"; do [ -n "$pid" ] && stop_pid "$pid"; done
	if [ "$INSTANCE_STARTED" = 1 ]; then
		# Removes the secure-bridge netns, SNICs, pins and state; the daemon exits.
		if ! "$HYPERCTL" --instance "$INSTANCE" teardown --yes >/dev/null 2>"$TMP/teardown.err"; then
			printf 'demo: warning: hyperctl teardown failed: %s\n' \
				"$(cat "$TMP/teardown.err" 2>/dev/null)" >&2
		fi
	fi
	if [ -n "$DAEMON_PID" ]; then
		for i in $(seq 50); do
			alive "$DAEMON_PID" || break
			sleep 0.1
		done
		if alive "$DAEMON_PID"; then
			printf 'demo: warning: hyperiond (pid %s) still running after teardown; stopping it\n' \
				"$DAEMON_PID" >&2
		fi
		stop_pid "$DAEMON_PID"
	fi
	for v in "${VETHS_CREATED[@]}"; do
		ip link show "$v" >/dev/null 2>&1 && ip link del "$v" 2>/dev/null
	done
	[ "$BRIDGE_CREATED" = 1 ] && ip link del "$BRIDGE" 2>/dev/null
	for ns in "${NETNS_CREATED[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# -------------------------------------------------------------------- preflight
[ "$(id -u)" = 0 ] || die "run as root (it creates network namespaces): sudo bash scripts/demo.sh"
for b in "$HYPERIOND" "$HYPERCTL"; do
	[ -x "$b" ] || die "$b is missing: build it first with 'make' in $ROOT"
done
command -v ip >/dev/null || die "iproute2 ('ip') is required"

have_busybox() {
	command -v busybox >/dev/null &&
		busybox --list 2>/dev/null | grep -qx httpd &&
		busybox --list 2>/dev/null | grep -qx wget
}
if ! have_busybox || ! command -v tcpdump >/dev/null; then
	echo "Installing busybox-static and tcpdump (apt-get) ..."
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static tcpdump >/dev/null ||
		die "apt-get install busybox-static tcpdump failed"
	have_busybox || die "busybox with httpd and wget applets is still missing"
	command -v tcpdump >/dev/null || die "tcpdump is still missing"
fi

# Refuse to touch anything that already exists under our names.
for ns in "hyp-$INSTANCE" "$HNS_WEB" "$HNS_C1" "$HNS_C2" "$BNS_WEB" "$BNS_C1" "$BNS_C2"; do
	[ -e "/run/netns/$ns" ] && die "network namespace $ns already exists; not touching it"
done
for p in "/run/hyperion/$INSTANCE.sock" "/var/lib/hyperion/$INSTANCE" "/sys/fs/bpf/hyperion/$INSTANCE"; do
	[ -e "$p" ] && die "$p already exists (instance $INSTANCE in use?); not touching it"
done
ip link show "$BRIDGE" >/dev/null 2>&1 && die "interface $BRIDGE already exists; not touching it"

TMP=$(mktemp -d /tmp/hyperion-demo.XXXXXX) || die "mktemp failed"
mkdir -p "$TMP/www"
cat >"$TMP/www/index.html" <<EOF
<h1>Hello from the web container (demo $ID)</h1>
EOF
MARKER="Hello from the web container (demo $ID)"

# ------------------------------------------------------------- shared functions
add_netns() {
	ip netns add "$1" || die "ip netns add $1 failed"
	NETNS_CREATED+=("$1")
	ip -n "$1" link set lo up
}

hctl() { "$HYPERCTL" --instance "$INSTANCE" "$@"; }

# snic_ip SNIC -> bare IPv4 address from `hyperctl -j snic show`
snic_ip() {
	local json ip
	json=$(hctl -j snic show "$1") || die "hyperctl -j snic show $1 failed"
	if command -v jq >/dev/null; then
		ip=$(jq -r '.ip' <<<"$json")
	elif command -v python3 >/dev/null; then
		ip=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["ip"])' <<<"$json")
	else
		ip=$(sed -n 's/.*"ip": *"\([^"]*\)".*/\1/p' <<<"$json" | head -n1)
	fi
	ip=${ip//\\/}          # JSON may escape the slash as "\/"
	ip=${ip%%/*}
	[[ $ip =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no IPv4 address in 'snic show $1': $json"
	echo "$ip"
}

# start_httpd NETNS IP: busybox httpd on port 80, wait until it listens
start_httpd() {
	local ns=$1 i
	ip netns exec "$ns" busybox httpd -f -p 80 -h "$TMP/www" >"$TMP/httpd-$ns.log" 2>&1 &
	HTTPD_PID=$!
	BG_PIDS+=("$HTTPD_PID")
	for i in $(seq 50); do
		alive "$HTTPD_PID" || die "httpd in $ns exited: $(cat "$TMP/httpd-$ns.log")"
		ip netns exec "$ns" ss -Hltn 'sport = :80' 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	die "httpd in $ns did not start listening within 5 s"
}

# start_capture FILE FILTER: tcpdump on all host-netns interfaces
start_capture() {
	local file=$1 filter=$2 i
	tcpdump -i any -nn -U --immediate-mode -w "$file" "$filter" >"$file.log" 2>&1 &
	CAP_PID=$!
	BG_PIDS+=("$CAP_PID")
	for i in $(seq 50); do
		alive "$CAP_PID" || die "tcpdump failed to start: $(cat "$file.log")"
		grep -q "listening on" "$file.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q "listening on" "$file.log" || die "tcpdump did not start within 5 s: $(cat "$file.log")"
	sleep 1         # let the capture settle before traffic starts
}

# stop_capture FILE -> sets FRAMES to the number of captured frames; dies if tcpdump failed
# (runs in the main shell: only the parent can wait for tcpdump's exit status)
stop_capture() {
	local file=$1 rc count
	sleep 0.5       # let the last frames land
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID"
	rc=$?
	forget_pid "$CAP_PID"
	# tcpdump exits 0 on SIGINT; anything else means the capture is not trustworthy.
	[ "$rc" = 0 ] || die "tcpdump exited with status $rc: $(cat "$file.log")"
	count=$(tcpdump -nn -r "$file" 2>"$file.read.log" | wc -l) ||
		die "tcpdump -r $file failed: $(cat "$file.read.log")"
	FRAMES=$((count + 0))
}

# run_requests SETUP WEB_IP NS... -> sets REQ_OK and REQ_TOTAL, prints each result
run_requests() {
	local ip=$1 ns i out
	shift
	REQ_OK=0
	REQ_TOTAL=0
	for ns in "$@"; do
		for i in $(seq "$REQUESTS"); do
			REQ_TOTAL=$((REQ_TOTAL + 1))
			out=$(timeout 5 ip netns exec "$ns" busybox wget -q -O - "http://$ip/" 2>&1)
			if [ $? = 0 ] && grep -qF "$MARKER" <<<"$out"; then
				REQ_OK=$((REQ_OK + 1))
				info "$ns -> http://$ip/  ${G}OK${N}   $(head -n1 <<<"$out")"
			else
				info "$ns -> http://$ip/  ${R}FAIL${N} $(head -n1 <<<"$out")"
			fi
		done
	done
	# One ping too, so ICMP is part of what the host capture could see.
	if timeout 5 ip netns exec "$1" ping -c 2 -i 0.2 -W 2 "$ip" >/dev/null 2>&1; then
		info "$1 -> ping $ip  ${G}OK${N}"
	else
		info "$1 -> ping $ip  ${R}FAIL${N}"
	fi
}

# ============================================================ 1. Hyperion setup
section "1. Hyperion: start instance $INSTANCE"
# Own session: a Ctrl-C on the terminal reaches this script, whose cleanup then
# tears the instance down through the running daemon (setsid does not fork here,
# so $! is the daemon's PID).
setsid "$HYPERIOND" --instance "$INSTANCE" >"$TMP/hyperiond.log" 2>&1 </dev/null &
DAEMON_PID=$!
INSTANCE_STARTED=1
ready=0
for i in $(seq 100); do
	if ! alive "$DAEMON_PID"; then
		wait "$DAEMON_PID"
		echo "hyperiond exited with status $?:" >&2
		DAEMON_PID=""
		indent <"$TMP/hyperiond.log" >&2
		die "hyperiond did not start"
	fi
	if hctl status >/dev/null 2>&1; then ready=1; break; fi
	sleep 0.1
done
[ "$ready" = 1 ] || { indent <"$TMP/hyperiond.log" >&2; die "hyperiond not ready after 10 s"; }
info "hyperiond pid $DAEMON_PID, secure bridge in netns hyp-$INSTANCE"

section "2. Hyperion: attach web, client1, client2 (SNICs)"
for ns in "$HNS_WEB" "$HNS_C1" "$HNS_C2"; do add_netns "$ns"; done
hctl snic add web --netns "$HNS_WEB" --label app=web | indent || die "hyperctl snic add web failed"
hctl snic add client1 --netns "$HNS_C1" --label app=client | indent || die "hyperctl snic add client1 failed"
hctl snic add client2 --netns "$HNS_C2" --label app=guest | indent || die "hyperctl snic add client2 failed"
echo
hctl snic list | indent || die "hyperctl snic list failed"
H_WEB_IP=$(snic_ip web) || exit 1
H_C1_IP=$(snic_ip client1) || exit 1
H_C2_IP=$(snic_ip client2) || exit 1

section "3. Hyperion: HTTP web <- clients, tcpdump -i any in the HOST netns"
start_httpd "$HNS_WEB"
info "busybox httpd listening on $H_WEB_IP:80 in $HNS_WEB"
H_FILTER="(tcp port 80 or icmp) and (host $H_WEB_IP or host $H_C1_IP or host $H_C2_IP)"
info "host capture filter: $H_FILTER"
start_capture "$TMP/hyperion.pcap" "$H_FILTER"
run_requests "$H_WEB_IP" "$HNS_C1" "$HNS_C2"
H_OK=$REQ_OK
H_TOTAL=$REQ_TOTAL
stop_capture "$TMP/hyperion.pcap"
H_FRAMES=$FRAMES
info "frames seen by the host capture: ${B}$H_FRAMES${N}"
stop_pid "$HTTPD_PID"

section "4. Hyperion: what the host netns holds"
info "ip -o link (host netns):"
ip -o link | awk '{ sub(/:$/, "", $2); print "    " $2, $3 }'
# Any host interface whose peer lives in the secure bridge or a secure container?
leaks=""
for ns in "hyp-$INSTANCE" "$HNS_WEB" "$HNS_C1" "$HNS_C2"; do
	nsid=$(ip netns list | awk -v n="$ns" '$1 == n { gsub(/[()]/, ""); print $3 }')
	pat="link-netns $ns( |$)"
	[ -n "$nsid" ] && pat="$pat|link-netnsid $nsid( |$)"
	l=$(ip -o link | grep -E "$pat" | awk '{ sub(/:$/, "", $2); print $2 }')
	[ -n "$l" ] && leaks="$leaks $l"
done
if [ -z "$leaks" ]; then
	info "host interfaces attached to the secure bridge or its containers: ${G}none${N}"
else
	info "host interfaces attached to the secure bridge or its containers: ${R}$leaks${N}"
fi
info "ports inside the secure-bridge netns hyp-$INSTANCE:" \
	"$(ip -n "hyp-$INSTANCE" -o link 2>/dev/null | awk '$2 != "lo:" { sub(/@.*/, "", $2); sub(/:$/, "", $2); printf "%s ", $2 }')"
echo
hctl status | indent || die "hyperctl status failed"

# ======================================================= 2. Linux bridge baseline
section "4b. Hyperion: security inspectors (policy, payload inspection, attacks)"
SEC_OK=1
try() { timeout 3 ip netns exec "$1" busybox wget -q -O /dev/null "$2" 2>/dev/null; }
start_httpd "$HNS_WEB"
hctl policy apply -f - <<'POLICY' | indent || die "policy apply failed"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-clients}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{protocol: TCP, port: 80}]
---
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: web-no-passwd}
spec:
  podSelector: {matchLabels: {app: web}}
  direction: ingress
  action: drop
  patterns: [{pattern: /etc/passwd}]
POLICY
if try "$HNS_C1" "http://$H_WEB_IP/"; then info "client1 (app=client) -> web:80          allowed"; else
	info "client1 (app=client) -> web:80          UNEXPECTEDLY DENIED"; SEC_OK=0; fi
if try "$HNS_C2" "http://$H_WEB_IP/"; then info "client2 (app=guest)  -> web:80          UNEXPECTEDLY ALLOWED"; SEC_OK=0; else
	info "client2 (app=guest)  -> web:80          denied by policy"; fi
if try "$HNS_C1" "http://$H_WEB_IP/etc/passwd"; then info "client1 -> web /etc/passwd              UNEXPECTEDLY PASSED"; SEC_OK=0; else
	info "client1 -> web /etc/passwd              blocked by inspection (TCP reset)"; fi
hctl policy trace client2 web tcp 80 | indent
stop_pid "$HTTPD_PID"
info ""
info "hyperctl audit: a throw-away container attacks a neighbour (spoofing, ARP"
info "poisoning, forged/replayed/missing stamps, VLAN, flood, host reach):"
if hctl audit >"$TMP/audit.txt" 2>&1; then AUDIT="PASS"; else AUDIT="FAIL"; SEC_OK=0; fi
awk '(NR == 1 || /PASS$|FAIL$/) && $1 !~ /^[0-9]/ {printf "    %-26s %s\n", $1, $NF}' "$TMP/audit.txt" | head -20
tail -n 1 "$TMP/audit.txt" | indent
hctl status | sed -n '/drops by reason/,$p' | indent

section "5. Baseline: the same containers on Linux bridge $BRIDGE (host netns)"
for ns in "$BNS_WEB" "$BNS_C1" "$BNS_C2"; do add_netns "$ns"; done
ip link add "$BRIDGE" type bridge || die "cannot create bridge $BRIDGE"
BRIDGE_CREATED=1
ip link set "$BRIDGE" up
n=0
for pair in "$BNS_WEB:$BASE_WEB_IP" "$BNS_C1:$BASE_C1_IP" "$BNS_C2:$BASE_C2_IP"; do
	ns=${pair%%:*}
	addr=${pair#*:}
	n=$((n + 1))
	host_if="vb$ID-$n"
	ip link add "$host_if" type veth peer name eth0 netns "$ns" || die "cannot create veth $host_if"
	VETHS_CREATED+=("$host_if")
	ip link set "$host_if" master "$BRIDGE" up
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up
	info "$ns: eth0 $addr/24  <-> host $host_if on $BRIDGE"
done
# Wait for the bridge ports to forward (no STP on a new bridge, but be safe).
for i in $(seq 30); do
	timeout 2 ip netns exec "$BNS_C1" ping -c1 -W1 "$BASE_WEB_IP" >/dev/null 2>&1 && break
	sleep 0.1
done

section "6. Baseline: HTTP web <- clients, tcpdump -i any in the HOST netns"
start_httpd "$BNS_WEB"
info "busybox httpd listening on $BASE_WEB_IP:80 in $BNS_WEB"
B_FILTER="(tcp port 80 or icmp) and (host $BASE_WEB_IP or host $BASE_C1_IP or host $BASE_C2_IP)"
info "host capture filter: $B_FILTER"
start_capture "$TMP/bridge.pcap" "$B_FILTER"
run_requests "$BASE_WEB_IP" "$BNS_C1" "$BNS_C2"
B_OK=$REQ_OK
B_TOTAL=$REQ_TOTAL
stop_capture "$TMP/bridge.pcap"
B_FRAMES=$FRAMES
info "frames seen by the host capture: ${B}$B_FRAMES${N}"
info "first frames the host saw:"
tcpdump -nn -r "$TMP/bridge.pcap" 2>/dev/null | head -n 4 | cut -c1-110 | sed 's/^/    /'
stop_pid "$HTTPD_PID"

# ==================================================================== summary
section "Summary"
printf '  %-22s %-14s %s\n' "setup" "HTTP OK" "frames seen by host tcpdump"
printf '  %-22s %-14s %s\n' "Hyperion" "$H_OK/$H_TOTAL" "$H_FRAMES   (expect 0)"
printf '  %-22s %-14s %s\n' "Linux bridge (host)" "$B_OK/$B_TOTAL" "$B_FRAMES   (expect > 0)"
printf '  %-22s %s\n' "policy + inspection" "$([ "$SEC_OK" = 1 ] && echo "as expected" || echo "NOT as expected")"
printf '  %-22s %s\n' "attack audit" "$AUDIT"
echo
if [ "$H_OK" = "$H_TOTAL" ] && [ "$H_TOTAL" -gt 0 ] && [ "$H_FRAMES" = 0 ] && [ "$B_FRAMES" -gt 0 ] &&
	[ "$SEC_OK" = 1 ]; then
	printf '  %sIsolation PASSED%s: Hyperion carried %s/%s requests and the host saw none of it;\n' \
		"$G$B" "$N" "$H_OK" "$H_TOTAL"
	printf '  the same traffic on a host Linux bridge was visible to the host (%s frames).\n' "$B_FRAMES"
	exit 0
fi
printf '  %sIsolation FAILED%s:' "$R$B" "$N"
[ "$H_OK" = "$H_TOTAL" ] && [ "$H_TOTAL" -gt 0 ] || printf ' Hyperion carried only %s/%s requests;' "$H_OK" "$H_TOTAL"
[ "$H_FRAMES" = 0 ] || printf ' the host captured %s Hyperion frames;' "$H_FRAMES"
[ "$B_FRAMES" -gt 0 ] || printf ' the baseline capture saw no frames (capture broken?);'
[ "$SEC_OK" = 1 ] || printf ' a policy, inspection or audit check did not hold;'
echo
exit 1
