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
	for _ in $(seq 100); do
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

# A TCP request/response through busybox: server in NS_S on PORT, client in NS_C
http_serve() { # NS PORT -> sets HTTP_PID
	local dir
	dir=$(mktemp -d /tmp/hyp-www.XXXXXX)
	echo "hello from $1" >"$dir/index.html"
	ip netns exec "$1" busybox httpd -f -p "$2" -h "$dir" &
	HTTP_PID=$!
	_CLEAN_PIDS+=("$HTTP_PID")
	on_exit "rm -rf $dir"
	sleep 0.3
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
	local tp=$!
	sleep 1
	kill -0 "$tp" 2>/dev/null || { cat /tmp/hyp-tcpdump.$$; return 1; }
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

# finish: ends the file; non-zero when a check failed or the plan was not met
finish() {
	if [ -z "$PLAN" ]; then
		notok "the file declared a plan (plan N)"
	elif ((RESULTS != PLAN)); then
		exit 1 # cleanup says how many ran
	fi
	exit $((FAILS > 0))
}
