# SPDX-License-Identifier: GPL-2.0-only
# A real etcd (Debian's etcd-server) for a namespace test: on loopback, on
# free ports, with a data directory of its own, stopped by its PID.
# Source after lib.sh. etcd_start sets ETCD_URL and ETCD_PID.

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# etcd_start [CLIENT_PORT]: starts (or restarts on the same port and data) etcd
etcd_start() {
	[ -x /usr/bin/etcd ] || return 2
	ETCD_PORT=${1:-${ETCD_PORT:-$(free_port)}}
	ETCD_PEER=${ETCD_PEER:-$(free_port)}
	if [ -z "${ETCD_DIR:-}" ]; then
		ETCD_DIR=$(mktemp -d /tmp/hyp-etcd-XXXXXX)
		on_exit "rm -rf $ETCD_DIR $ETCD_DIR.log"
	fi
	ETCD_URL=http://127.0.0.1:$ETCD_PORT
	/usr/bin/etcd --name t --data-dir "$ETCD_DIR/data" \
		--listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
		--listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
		--initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
		--initial-cluster "t=http://127.0.0.1:$ETCD_PEER" >>"$ETCD_DIR.log" 2>&1 &
	ETCD_PID=$!
	_CLEAN_PIDS+=("$ETCD_PID")
	for _ in $(seq 300); do
		curl -sf -m 1 "$ETCD_URL/health" 2>/dev/null | grep -q true && return 0
		kill -0 "$ETCD_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -5 "$ETCD_DIR.log" | sed 's/^/#   /'
	return 1
}

etcd_stop() {
	kill "$ETCD_PID" 2>/dev/null
	wait "$ETCD_PID" 2>/dev/null
	return 0
}

# etcdctl with the test's endpoint (v3 API)
etcdc() { ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" "$@"; }

# wait_for SECONDS CMD...: polls CMD every 0.2 s
wait_for() {
	local t=$1; shift
	for _ in $(seq $((t * 5))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
