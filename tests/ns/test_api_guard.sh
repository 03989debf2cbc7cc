#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the control API serves root and, with --api-group, members of
# that group, nobody else: a non-root client is refused by the socket's
# mode, and one that gets past the mode (CAP_DAC_OVERRIDE) by the daemon's
# check of its credentials (SO_PEERCRED), with a clear message, counted;
# nothing it asked for is done. Clients that stall (never read a large
# reply, read it slowly, send half a request, fill every connection slot)
# do not freeze the daemon: `hyperctl status` answers meanwhile, and the
# staller is dropped at its deadline. A SNIC's netns must be a network
# namespace other than the host's and any secure bridge's: a FIFO, a
# regular file, a mount namespace, the host netns (three ways), the bridge
# netns (three ways) and another instance's bridge are refused at once
# with the reason, leaving nothing behind (row, address, map entry, link,
# interface), by hyperctl and by the CNI plugin, and a FIFO or file is never
# even opened; a real netns by name, by /proc/PID/ns/net, through a symlink,
# and one named like a bridge of no instance (as audit's) is accepted.
. "$(dirname "$0")/lib.sh"
plan 48

INST=ag-$UNIQ
INST2=ag2-$UNIQ
A=aga-$UNIQ B=agb-$UNIQ
SOCK=/run/hyperion/$INST.sock
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/hyp-ag.XXXXXX)
on_exit "rm -rf $TMP"
chmod 755 "$TMP"
# a copy every uid can run, wherever the tree is
cp "$HYPERCTL" "$TMP/hyperctl"
CTL=$TMP/hyperctl
# nobody; and nobody with CAP_DAC_OVERRIDE, which gets past the socket's file mode
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
NOBODY_DAC=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_override
	--ambient-caps=+dac_override)
# an unused GID for the API group (no /etc/group entry needed)
GID=$((40000 + RANDOM % 20000))
while getent group "$GID" >/dev/null; do GID=$((GID + 1)); done

mkns "$A" && mkns "$B"
start_daemon "$INST" --pool 10.79.0.0/24 || finish

ms_since() { echo $(((${EPOCHREALTIME/./} - $1) / 1000)); }
api() { timeout 5 "$HYPERCTL" --instance "$INST" -j status | jq -c .api; }

# refused_user DESC REGEX CMD...: CMD (hyperctl as another user) fails with the message
refused_user() {
	local desc=$1 re=$2 out rc; shift 2
	out=$("$@" 2>&1)
	rc=$?
	out=$(tr '\n' ' ' <<<"$out")
	if ((rc == 0)); then notok "$desc: served"; return; fi
	if ! grep -qE "$re" <<<"$out"; then notok "$desc: unclear error: $out"; return; fi
	ok "$desc: '$out'"
}

note "== peer credentials: root only (no --api-group)"
check "root is served" hctl status
check "the socket is mode 600, root:root" bash -c "[ \"\$(stat -c '%a %U %G' $SOCK)\" = '600 root root' ]"
refused_user "uid 65534 is refused (the socket's mode), told that the socket is root's" "permission denied: only root .* run hyperctl with sudo" \
	"${NOBODY[@]}" "$CTL" --instance "$INST" status
before=$(hctl -j snic list | jq -c 'map(.name)')
refused_user "uid 65534 with CAP_DAC_OVERRIDE gets past the mode and is refused by hyperiond" \
	"permission denied: uid 65534 is not root, and hyperiond has no API group" \
	"${NOBODY_DAC[@]}" "$CTL" --instance "$INST" snic add z --netns "$A"
check "nothing the refused client asked for was done (no SNIC z, nothing in $A)" bash -c "
	[ '$before' = \"\$($HYPERCTL --instance $INST -j snic list | jq -c 'map(.name)')\" ] &&
	! ip -n $A link show eth0 2>/dev/null"
check "the refusal is counted and logged (uid, pid)" bash -c "
	[ \"\$($HYPERCTL --instance $INST -j status | jq .api.refused)\" = 1 ] &&
	grep -q 'refused a client: pid [0-9]* uid 65534 gid 65534 is not root' /tmp/hyperiond-$INST.log"

note "== peer credentials: --api-group $GID"
stop_daemon "$DAEMON_PID"
start_daemon "$INST" --api-group "$GID" || finish
check "the socket is mode 660, root:$GID" bash -c "[ \"\$(stat -c '%a %U %g' $SOCK)\" = '660 root $GID' ]"
check "root is still served" hctl status
check "a member (supplementary group $GID) is served: status and snic list" bash -c "
	setpriv --reuid=65534 --regid=65534 --groups=$GID $CTL --instance $INST -j status |
		jq -e '.api.group == \"$GID\"' &&
	setpriv --reuid=65534 --regid=65534 --groups=$GID $CTL --instance $INST snic list"
check "a member (primary group $GID) is served" \
	setpriv --reuid=65534 --regid="$GID" --clear-groups "$CTL" --instance "$INST" status
refused_user "a non-member is refused (the socket's mode), told who may use it" "permission denied: only root \\(and members of hyperiond's --api-group" \
	"${NOBODY[@]}" "$CTL" --instance "$INST" status
refused_user "a non-member with CAP_DAC_OVERRIDE is refused by hyperiond" \
	"permission denied: uid 65534 is neither root nor a member of the API group $GID" \
	"${NOBODY_DAC[@]}" "$CTL" --instance "$INST" status
check "control: the same CAP_DAC_OVERRIDE client in the group is served" \
	setpriv --reuid=65534 --regid=65534 --groups="$GID" --inh-caps=+dac_override \
	--ambient-caps=+dac_override "$CTL" --instance "$INST" status
check "the refusal is counted" bash -c "[ \"\$($HYPERCTL --instance $INST -j status | jq .api.refused)\" = 1 ]"
unknown_group() {
	local out rc
	out=$(timeout 5 "$HYPERIOND" --instance "ag3-$UNIQ" --api-group "no-such-group-$UNIQ" 2>&1)
	rc=$?
	echo "exit $rc: $out"
	((rc == 2)) && grep -q "no group 'no-such-group-$UNIQ'" <<<"$out"
}
check "hyperiond refuses to start with an unknown --api-group" unknown_group

note "== stalled clients do not freeze the loop"
# a policy whose document makes policy.list's reply ~300 KB: more than a socket buffer
$PY - "$TMP/big.json" <<'PY'
import json, sys
peers = [{"podSelector": {"matchLabels": {"app": "c%05d-%s" % (i, "x" * 50)}}} for i in range(3000)]
doc = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
       "metadata": {"name": "big", "namespace": "prod"},
       "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"],
                "ingress": [{"from": peers, "ports": [{"port": 80}]}]}}
json.dump(doc, open(sys.argv[1], "w"))
PY
hctl policy apply -f "$TMP/big.json" >/dev/null
# client MODE [HOLD]: a raw client of the daemon's socket. Prints "sent" once
# its request is on its way, then one JSON summary line.
#   read      policy.list, read at once
#   noread    policy.list, not read for HOLD s; then what is there is read
#   slowread  policy.list, 1 KiB every 0.2 s for HOLD s; then the rest at once
#   half      '{"cmd":"sta' and wait: when does the daemon close, with what
#   dribble   '{"cmd":"status"}' one byte every 0.5 s: when does the daemon close
#   flood     40 connections that send half a request, held HOLD s
client() {
	$PY - "$SOCK" "$@" <<'PY'
import json, socket, sys, time
path, mode = sys.argv[1], sys.argv[2]
hold = float(sys.argv[3]) if len(sys.argv) > 3 else 0
LIST = b'{"cmd":"policy.list"}\n'
def conn(req):
    s = socket.socket(socket.AF_UNIX)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    s.sendall(req)
    return s
def drain(s, limit):
    """everything until EOF (or limit s); and when EOF came (None: it did not)"""
    got, t0 = b'', time.time()
    s.settimeout(0.2)
    while time.time() - t0 < limit:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return got, time.time()
        if not d:
            return got, time.time()
        got += d
    return got, None
def whole(b):
    try:
        return b.endswith(b'\n') and json.loads(b).get("ok") is True
    except ValueError:
        return False
if mode == "flood":
    socks = [conn(b'{"cmd":"sta') for _ in range(40)]
    print("sent", flush=True)
    time.sleep(hold)
    print(json.dumps({"clients": len(socks)}))
    sys.exit(0)
t0 = time.time()
closed = None
if mode == "dribble":
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    print("sent", flush=True)
    req = b'{"cmd":"status","pad":"' + b'x' * 100
    for i in range(len(req)):
        try:
            s.send(req[i:i + 1])
        except (BrokenPipeError, ConnectionResetError):
            break
        time.sleep(0.5)
        if time.time() - t0 > hold:
            break
    got, end = drain(s, 2)
else:
    s = conn(b'{"cmd":"sta' if mode == "half" else LIST)
    print("sent", flush=True)
    if mode == "noread":
        time.sleep(hold)
    if mode == "slowread":
        s.settimeout(0.3)
        while time.time() - t0 < hold:
            try:
                s.recv(1024)
            except socket.timeout:
                pass
            time.sleep(0.2)
    got, end = drain(s, 10)
print(json.dumps({"received": len(got), "whole": whole(got),
                  "closed_after": None if end is None else round(end - t0, 2),
                  "text": got[:120].decode(errors="replace") if len(got) < 4096 else ""}))
PY
}
read_whole() { client read | tail -1 | jq -e '.whole and .received > 262144'; }
check "control: a client that reads gets the whole policy list (over 256 KiB)" read_whole

# stall MODE HOLD: starts the client, waits for "sent"; sets STALL_OUT (file), STALL_PID
stall() {
	STALL_OUT=$TMP/stall-$1
	client "$@" >"$STALL_OUT" 2>&1 &
	STALL_PID=$!
	_CLEAN_PIDS+=("$STALL_PID")
	for _ in $(seq 50); do grep -q sent "$STALL_OUT" && return 0; sleep 0.1; done
	return 1
}
# status_while DESC: while the staller holds, status answers three times, each within 2 s
status_while() {
	local desc=$1 i t0 ms worst=0
	if ! kill -0 "$STALL_PID" 2>/dev/null; then notok "$desc: no staller"; cat "$STALL_OUT"; return; fi
	for i in 1 2 3; do
		t0=${EPOCHREALTIME/./}
		if ! timeout 2 "$HYPERCTL" --instance "$INST" status >/dev/null 2>&1; then
			notok "$desc: status did not answer within 2 s (try $i)"
			return
		fi
		ms=$(ms_since "$t0")
		((ms > worst)) && worst=$ms
		sleep 0.2
	done
	ok "$desc (slowest ${worst} ms)"
}
# the staller's summary, once it ended (wait in this shell: it is our child)
stalled_result() {
	wait "$STALL_PID"
	R=$(tail -1 "$STALL_OUT")
	note "$1: $R"
}

t_before=$(api | jq .timed_out)
stall noread 7 || note "the non-reading client did not start"
status_while "status answers while a client never reads its ~300 KB reply"
stalled_result "non-reader"
check "the non-reader was dropped at its deadline (its reply cut short)" jq -e '.whole | not' <<<"$R"

stall slowread 7 || note "the slow reader did not start"
status_while "status answers while a client reads its reply at 5 KiB/s"
stalled_result "slow reader"
check "the slow reader was dropped at its deadline (its reply cut short)" jq -e '.whole | not' <<<"$R"

stall half 4 || note "the half-request client did not start"
status_while "status answers while a client sent half a request and waits"
stalled_result "half request"
check "the half request was closed within 2 s with an error reply" \
	jq -e '.closed_after != null and .closed_after < 2 and (.text | test("not complete"))' <<<"$R"

stall dribble 6 || note "the dribbling client did not start"
status_while "status answers while a client sends its request a byte every 0.5 s"
stalled_result "dribble"
check "the dribbler was closed within 2.5 s" jq -e '.closed_after != null and .closed_after < 2.5' <<<"$R"

stall flood 4 || note "the flood did not start"
flood_status() {
	local t0 ms
	t0=${EPOCHREALTIME/./}
	timeout 4 "$HYPERCTL" --instance "$INST" status >/dev/null || return 1
	ms=$(ms_since "$t0")
	echo "status took $ms ms"
	((ms < 3000))
}
check "status answers within 3 s while 40 clients hold half requests (every slot taken)" flood_status
wait "$STALL_PID"
check "the dropped clients are counted and logged" bash -c "
	[ \$($HYPERCTL --instance $INST -j status | jq .api.timed_out) -ge $((t_before + 44)) ] &&
	grep -q 'dropped a client that did not read its reply within 5000 ms' /tmp/hyperiond-$INST.log &&
	grep -q 'dropped a client that sent no whole request within 1000 ms' /tmp/hyperiond-$INST.log"
check "control: after the stalls, a reading client still gets the whole list" read_whole
hctl policy delete prod/big >/dev/null

note "== netns targets: network namespaces other than the host's and the bridges'"
mkfifo "$TMP/fifo"
echo data >"$TMP/file"
ln -s "/run/netns/$A" "$TMP/link"
ip netns exec "hyp-$INST" sleep 120 &
BRIDGE_PID=$!
_CLEAN_PIDS+=("$BRIDGE_PID")
ip netns exec "$B" sleep 120 &
B_PID=$!
_CLEAN_PIDS+=("$B_PID")
# everything a SNIC add could leave behind
snapshot() {
	{
		timeout 5 "$HYPERCTL" --instance "$INST" -j snic list | jq -c 'map(.name)'
		timeout 5 "$HYPERCTL" --instance "$INST" -j status | jq -c '[.snics, .addresses_used]'
		for m in hyp_endpoints hyp_ports hyp_guards; do echo "$m $(map_count $m)"; done
		ls "/sys/fs/bpf/hyperion/$INST/links"
		links_in "hyp-$INST"
		ip -o link show 2>&1 | awk '{print $2}' | grep -E '^(hp|agx0)' # host: no port, no SNIC
	} 2>&1
}
# refused DESC REGEX NETNS: snic add refused within 5 s with the reason, nothing changed
refused() {
	local desc=$1 re=$2 before after out rc t0 ms
	before=$(snapshot)
	t0=${EPOCHREALTIME/./}
	out=$(timeout 5 "$HYPERCTL" --instance "$INST" snic add x --netns "$3" --ifname agx0 2>&1)
	rc=$?
	ms=$(ms_since "$t0")
	out=$(tr '\n' ' ' <<<"$out")
	after=$(snapshot)
	if ((rc == 124)); then notok "$desc: no answer within 5 s"; return; fi
	if ((rc == 0)); then notok "$desc: accepted"; hctl snic del x >/dev/null; return; fi
	if ! grep -qE "$re" <<<"$out"; then notok "$desc: unclear error: $out"; return; fi
	if [ "$before" != "$after" ]; then
		notok "$desc: state changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'
		return
	fi
	ok "$desc ($ms ms): '$out'"
}
# accepted DESC NETNS: the SNIC is made in that netns (eth0 there), then removed
accepted() {
	local desc=$1 ns=$2 want=$3 before out
	before=$(snapshot)
	if ! out=$(timeout 10 "$HYPERCTL" --instance "$INST" snic add x --netns "$ns" 2>&1); then
		notok "$desc: $out"; return
	fi
	if ! ip -n "$want" -br addr show eth0 | grep -q 10.79.0; then
		notok "$desc: no eth0 with an address in $want"; hctl snic del x >/dev/null; return
	fi
	hctl snic del x >/dev/null
	if [ "$before" != "$(snapshot)" ]; then notok "$desc: del did not restore the state"; return; fi
	ok "$desc: $out"
}
# watch_opens PATH... -- CMD...: runs CMD; prints how many times PATHs were
# really opened meanwhile (inotify IN_OPEN; an O_PATH open raises none)
watch_opens() {
	$PY - "$@" <<'PY'
import ctypes, os, struct, subprocess, sys
args = sys.argv[1:]
paths, cmd = args[:args.index("--")], args[args.index("--") + 1:]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
for p in paths:
    if libc.inotify_add_watch(fd, p.encode(), 0x20) < 0:  # IN_OPEN
        sys.exit("cannot watch %s" % p)
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
n = 0
try:
    data = os.read(fd, 65536)
    while data:
        wd, mask, cookie, ln = struct.unpack_from("iIII", data)
        n += 1
        data = data[16 + ln:]
except BlockingIOError:
    pass
print(n)
PY
}
NOT_NETNS="not a network namespace"
HOST="refused: it is the host's network namespace"
BRIDGE="refused: it is a secure bridge's network namespace \\(/run/netns/hyp-$INST\\)"
accepted "control: a netns by name is accepted" "$A" "$A"
accepted "control: a netns by /proc/PID/ns/net (a symlink) is accepted" "/proc/$B_PID/ns/net" "$B"
accepted "control: a netns through a symlink to /run/netns/$A is accepted" "$TMP/link" "$A"
refused "a FIFO is refused without blocking" "$TMP/fifo is $NOT_NETNS" "$TMP/fifo"
check "control: the daemon answers right after the FIFO" timeout 2 "$HYPERCTL" --instance "$INST" status
refused "a regular file is refused" "$TMP/file is $NOT_NETNS" "$TMP/file"
never_opened() {
	local n
	n=$(watch_opens "$TMP/fifo" "$TMP/file" -- sh -c "
		$HYPERCTL --instance $INST snic add x --netns $TMP/fifo
		$HYPERCTL --instance $INST snic add x --netns $TMP/file")
	echo "opens: $n"
	[ "$n" = 0 ]
}
seen_open() {
	local n
	n=$(watch_opens "$TMP/file" -- cat "$TMP/file")
	echo "opens: $n"
	[ "$n" = 1 ]
}
check "hyperiond never opens the FIFO or the file it refuses (no IN_OPEN)" never_opened
check "control: the watch sees a real open (cat of the file)" seen_open
refused "a mount namespace (/proc/self/ns/mnt) is refused" "/proc/self/ns/mnt is $NOT_NETNS" /proc/self/ns/mnt
# PID 1's namespaces may be out of reach (a sandbox's init): refused either way
refused "the host netns as /proc/1/ns/net is refused" "$HOST|cannot open netns /proc/1/ns/net" /proc/1/ns/net
refused "the host netns as this shell's /proc/$$/ns/net is refused" "$HOST" "/proc/$$/ns/net"
refused "the host netns as the daemon's /proc/self/ns/net is refused" "$HOST" /proc/self/ns/net
refused "the bridge netns by name is refused" "$BRIDGE" "hyp-$INST"
refused "the bridge netns by path is refused" "$BRIDGE" "/run/netns/hyp-$INST"
refused "the bridge netns as /proc/PID/ns/net of a process in it is refused" "$BRIDGE" \
	"/proc/$BRIDGE_PID/ns/net"
mkns "hyp-nb-$UNIQ"
accepted "control: a netns named like a bridge with no such instance (as audit's) is accepted" \
	"hyp-nb-$UNIQ" "hyp-nb-$UNIQ"
if start_daemon "$INST2" --pool 10.80.0.0/24; then
	refused "another instance's bridge netns is refused" \
		"refused: it is a secure bridge's network namespace \\(/run/netns/hyp-$INST2\\)" "hyp-$INST2"
	stop_daemon "$DAEMON_PID"
else
	notok "another instance's bridge netns is refused: its daemon did not start"
fi

note "== netns targets through the CNI plugin"
CNI=$BUILD/hyperion
CONF=$(jq -cn --arg i "$INST" --arg n "agnet-$UNIQ" '{cniVersion: "1.1.0", name: $n, type: "hyperion", instance: $i}')
cni() { # CMD CID NETNS: sets OUT, RC
	OUT=$(printf '%s' "$CONF" | timeout 5 env -i PATH="$PATH" CNI_COMMAND="$1" CNI_CONTAINERID="$2" \
		CNI_IFNAME=eth0 CNI_NETNS="$3" CNI_PATH=/usr/lib/cni "$CNI" 2>/dev/null)
	RC=$?
}
cni_refused() { # DESC REGEX NETNS
	local before
	before=$(snapshot)
	cni ADD "c-$UNIQ" "$3"
	if ((RC == 124)); then notok "$1: no answer within 5 s"; return; fi
	if ((RC == 0)); then notok "$1: accepted"; cni DEL "c-$UNIQ" "$3"; return; fi
	if ! jq -e --arg re "$2" '.code == 103 and ((.msg + " " + .details) | test($re))' <<<"$OUT" >/dev/null; then
		notok "$1: want code 103 and /$2/: $OUT"; return
	fi
	[ "$before" = "$(snapshot)" ] || { notok "$1: state changed"; return; }
	ok "$1: $(jq -r '.msg + " (" + .details + ")"' <<<"$OUT")"
}
cni_refused "CNI ADD with a FIFO as CNI_NETNS: code 103, at once" "not a network namespace" "$TMP/fifo"
cni_refused "CNI ADD into the host netns: code 103" "host's network namespace" "/proc/$$/ns/net"
cni_refused "CNI ADD into the bridge netns: code 103" "secure bridge's network namespace" "/run/netns/hyp-$INST"
cni_ok() {
	cni ADD "c-$UNIQ" "/run/netns/$A" && ip -n "$A" -br addr show eth0 | grep -q 10.79.0 &&
		cni DEL "c-$UNIQ" "/run/netns/$A" && ! ip -n "$A" link show eth0 2>/dev/null
}
check "control: CNI ADD into a real netns works (and DEL removes it)" cni_ok
finish
