# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers of the namespace tests. Each test sources this, creates
# everything with unique names and registers it for cleanup on EXIT.
# Output is TAP: a plan "1..N" first (plan N), then one "ok - NAME",
# "not ok - NAME" or "skip - NAME" line per check, "# comment" lines.
# tests/run.sh fails a file whose results do not match its plan, that
# exits non-zero, or that printed no plan at all. A file that stops early
# (finish, an error, a signal) says how many of its planned checks ran.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# HYP_BUILD: the build directory under test (make test-sanitize: build/asan)
BUILD=$ROOT/${HYP_BUILD:-build}
HYPERIOND=$BUILD/hyperiond
HYPERCTL=$BUILD/hyperctl
UNIQ=$(printf '%x%x' $$ $RANDOM | tail -c 8)
_CLEAN_NS=()
_CLEAN_PIDS=()
_CLEAN_INST=()
_CLEAN_CMDS=()
FAILS=0
PLAN=
RESULTS=0

cleanup() {
	local i
	if [ -n "$PLAN" ] && ((RESULTS != PLAN)); then
		echo "# planned $PLAN checks, ran $RESULTS"
	fi
	for ((i = ${#_CLEAN_CMDS[@]} - 1; i >= 0; i--)); do eval "${_CLEAN_CMDS[i]}" >/dev/null 2>&1; done
	for p in "${_CLEAN_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_CLEAN_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for i in "${_CLEAN_INST[@]}"; do "$HYPERCTL" --instance "$i" teardown --yes >/dev/null 2>&1; done
	for n in "${_CLEAN_NS[@]}"; do ip netns del "$n" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# plan N: this file runs exactly N checks (ok + not ok + skip)
plan() {
	PLAN=$1
	echo "1..$PLAN"
}

ok() { echo "ok - $*"; RESULTS=$((RESULTS + 1)); }
notok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); RESULTS=$((RESULTS + 1)); }
note() { echo "# $*"; }
skip() { echo "skip - $*"; RESULTS=$((RESULTS + 1)); }

# check "description" command...: ok when the command succeeds
check() {
	local desc=$1; shift
	if "$@" >/tmp/hyp-check.$$ 2>&1; then ok "$desc"; else
		notok "$desc"; sed 's/^/#   /' /tmp/hyp-check.$$ | tail -15
	fi
	rm -f /tmp/hyp-check.$$
}

# check_fails "description" command...: ok when the command fails
check_fails() {
	local desc=$1; shift
	if "$@" >/tmp/hyp-check.$$ 2>&1; then notok "$desc (unexpectedly succeeded)"; sed 's/^/#   /' /tmp/hyp-check.$$ | tail -5; else ok "$desc"; fi
	rm -f /tmp/hyp-check.$$
}

on_exit() { _CLEAN_CMDS+=("$*"); }

mkns() {
	local n=$1
	ip netns add "$n" || return 1
	_CLEAN_NS+=("$n")
	ip -n "$n" link set lo up
}

# start_daemon INSTANCE [hyperiond args...]: runs it in the background
start_daemon() {
	local inst=$1; shift
	"$HYPERIOND" --instance "$inst" --reconcile-ms 500 "$@" >>"/tmp/hyperiond-$inst.log" 2>&1 &
	local pid=$!
	_CLEAN_PIDS+=("$pid")
	[[ " ${_CLEAN_INST[*]} " == *" $inst "* ]] || _CLEAN_INST+=("$inst")
	DAEMON_PID=$pid
	# up to 30 s: loading the datapath took over 10 s on the loaded machine
	for _ in $(seq 300); do
		"$HYPERCTL" --instance "$inst" status >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	notok "hyperiond $inst came up (its log follows)"
	sed 's/^/#   /' "/tmp/hyperiond-$inst.log" | tail -20
	return 1
}

stop_daemon() { # PID [signal]
	kill "-${2:-TERM}" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

hctl() { "$HYPERCTL" --instance "$INST" "$@"; }

snic_ip() { # SNIC -> bare IPv4
	hctl -j snic show "$1" | jq -r .ip | cut -d/ -f1
}

snic_ip6() { # SNIC -> bare IPv6 (dual stack)
	hctl -j snic show "$1" | jq -r .ip6 | cut -d/ -f1
}

# in_net6 ADDR CIDR: ADDR is inside CIDR
in_net6() {
	python3 -c 'import ipaddress,sys; sys.exit(ipaddress.ip_address(sys.argv[1]) not in ipaddress.ip_network(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# dad_done NS ADDR: ADDR is on eth0 of NS and has left DAD (not tentative, not failed)
dad_done() {
	local i
	for i in $(seq 50); do
		ip -n "$1" -6 addr show dev eth0 | grep -q "inet6 $2/.*dadfailed" && return 1
		ip -n "$1" -6 addr show dev eth0 | grep "inet6 $2/" | grep -qv tentative && return 0
		sleep 0.1
	done
	return 1
}

# A TCP request/response through busybox: server in NS_S on PORT, client in NS_C
http_serve() { # NS PORT -> sets HTTP_PID
	local dir
	dir=$(mktemp -d /tmp/hyp-www.XXXXXX)
	echo "hello from $1" >"$dir/index.html"
	ip netns exec "$1" busybox httpd -f -p "$2" -h "$dir" &
	HTTP_PID=$!
	_CLEAN_PIDS+=("$HTTP_PID")
	on_exit "rm -rf $dir"
	listening "$1" "$2"
}

# listening NS PORT: waits up to 5 s until a TCP socket listens on PORT in NS
listening() {
	local i
	for i in $(seq 50); do
		ss -N "$1" -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

http_get() { # NS URL
	timeout 5 ip netns exec "$1" busybox wget -q -O - "$2"
}

ping_ok() { # NS IP
	ip netns exec "$1" ping -c 2 -i 0.2 -W 1 "$2" >/dev/null
}

ping_fails() {
	! ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null
}

# Number of frames a host-netns capture sees while running a command.
# capture_host FILTER command... -> prints the count; fails if tcpdump failed.
capture_host() {
	local filter=$1; shift
	local pcap=/tmp/hyp-cap-$UNIQ-$RANDOM.pcap
	tcpdump -i any -nn -U --immediate-mode -w "$pcap" "$filter" 2>/tmp/hyp-tcpdump.$$ &
	local tp=$! i
	# up to 5 s for tcpdump to say it captures (it prints that once the
	# filter is attached)
	for i in $(seq 50); do
		grep -qs "listening on" /tmp/hyp-tcpdump.$$ && break
		kill -0 "$tp" 2>/dev/null || break
		sleep 0.1
	done
	grep -qs "listening on" /tmp/hyp-tcpdump.$$ || {
		kill "$tp" 2>/dev/null; wait "$tp" 2>/dev/null; cat /tmp/hyp-tcpdump.$$; return 1
	}
	"$@" >/dev/null 2>&1
	sleep 0.5
	kill -INT "$tp"
	wait "$tp"
	local rc=$?
	# tcpdump exits 0 on SIGINT after a clean capture
	if ((rc != 0 && rc != 130)); then cat /tmp/hyp-tcpdump.$$; return 1; fi
	tcpdump -nn -r "$pcap" 2>/dev/null | wc -l
	rm -f "$pcap" /tmp/hyp-tcpdump.$$
}

# Map entry count of a pinned map of the instance
map_count() { # MAP
	bpftool map dump pinned "/sys/fs/bpf/hyperion/$INST/$1" -j 2>/dev/null | jq length
}

# Helpers several namespace tests share (one copy here, not one per file).

# get NS HOST[:PORT]: an HTTP GET from NS succeeds within 2 s (a test may
# define its own get after sourcing this file)
get() { timeout 2 ip netns exec "$1" busybox wget -q -O /dev/null "http://$2/" 2>/dev/null; }
# expect NS HOST[:PORT] allow|deny DESC: one check of get's outcome
expect() {
	local r
	if get "$1" "$2"; then r=allow; else r=deny; fi
	if [ "$r" = "$3" ]; then ok "$4: $r"; else notok "$4: expected $3, got $r"; fi
}
# expect_all: the lines on stdin are "NS HOST[:PORT] allow|deny DESC", one
# expect each; their gets run at the same time (a deny waits get's 2 s
# once for the lot), the checks print in the order of the lines
expect_all() {
	local dir l i r ns host want desc
	local -a lines=() pids=()
	dir=$(mktemp -d /tmp/hyp-expect.XXXXXX)
	mapfile -t lines
	for i in "${!lines[@]}"; do
		read -r ns host _ <<<"${lines[i]}"
		(get "$ns" "$host"; echo $? >"$dir/$i") &
		pids+=("$!")
	done
	wait "${pids[@]}"
	for i in "${!lines[@]}"; do
		read -r ns host want desc <<<"${lines[i]}"
		if [ "$(cat "$dir/$i" 2>/dev/null)" = 0 ]; then r=allow; else r=deny; fi
		if [ "$r" = "$want" ]; then ok "$desc: $r"; else notok "$desc: expected $want, got $r"; fi
	done
	rm -rf "$dir"
}
apply() { hctl policy apply -f - >/dev/null; } # the policy on stdin
# drops SNIC REASON: drops of that reason counted on the SNIC's port
drops() { hctl -j status | jq -r ".ports.$1.drops[\"$2\"] // 0"; }
# links_in NS: the names of NS's interfaces
links_in() { ip -n "$1" -o link show 2>&1 | grep -v 'Peer netns reference is invalid' | awk '{print $2}'; }

# www NS PATH...: busybox httpd on port 80 serving / ("hello from NS") and
# each PATH with the body "served PATH"
www() {
	local ns=$1 dir p
	shift
	dir=$(mktemp -d /tmp/hyp-www.XXXXXX)
	on_exit "rm -rf $dir"
	echo "hello from $ns" >"$dir/index.html"
	for p in "$@"; do
		mkdir -p "$dir$(dirname "$p")"
		echo "served $p" >"$dir$p"
	done
	ip netns exec "$ns" busybox httpd -f -p 80 -h "$dir" &
	_CLEAN_PIDS+=("$!")
}

# cap_in NS PCAP FILTER command...: captures what NS's eth0 receives
# (FILTER, "" for everything) into PCAP while the command runs; fails with
# the reason in CAP_WHY when tcpdump did not start or failed
cap_in() {
	local ns=$1 pcap=$2 filter=$3 i rc t
	shift 3
	rm -f "$pcap" "$pcap.err"
	ip netns exec "$ns" tcpdump -i eth0 -nn -U --immediate-mode -w "$pcap" $filter 2>"$pcap.err" &
	t=$!
	_CLEAN_PIDS+=("$t")
	for i in $(seq 50); do
		grep -qs "listening on" "$pcap.err" && break
		kill -0 "$t" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -qs "listening on" "$pcap.err"; then
		kill "$t" 2>/dev/null
		wait "$t" 2>/dev/null
		CAP_WHY="tcpdump did not start: $(tr '\n' ' ' <"$pcap.err")"
		return 1
	fi
	"$@"
	sleep 0.3
	kill -INT "$t"
	wait "$t"
	rc=$?
	((rc == 0)) || { CAP_WHY="tcpdump exited $rc: $(tr '\n' ' ' <"$pcap.err")"; return 1; }
}
cap_count() { # FILE FILTER -> number of frames; fails when the file cannot be read
	local out
	out=$(tcpdump -nn -r "$1" "$2" 2>/dev/null) || return 1
	if [ -z "$out" ]; then echo 0; else wc -l <<<"$out"; fi
}

# finish: ends the file; non-zero when a check failed or the plan was not met
finish() {
	if [ -z "$PLAN" ]; then
		notok "the file declared a plan (plan N)"
	elif ((RESULTS != PLAN)); then
		exit 1 # cleanup says how many ran
	fi
	exit $((FAILS > 0))
}
