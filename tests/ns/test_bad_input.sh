#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: every bad input gets a clear error and changes nothing: no
# interface, address, store row, map entry, pool address or policy left
# behind; each refusal has an accepted twin. The API's 1 MiB request limit:
# hyperctl refuses a policy file over it with a clear message (a file just
# under is applied), and the daemon answers a raw request of 1 MiB or more
# on its socket with an error and stays up (1 MiB - 1 bytes is served).
. "$(dirname "$0")/lib.sh"
plan 42

INST=bi-$UNIQ
A=bia-$UNIQ B=bib-$UNIQ C=bic-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" --pool 10.77.0.0/29 || finish # 5 usable addresses
hctl snic add a --netns "$A" --ip 10.77.0.2/29 >/dev/null

# Interface names in a netns. iproute2 may warn "Peer netns reference is
# invalid." while another netns of the host comes or goes: not a change here.

# Everything a failed command could leave behind.
snapshot() {
	{
		hctl -j snic list | jq -c 'map(.name)'
		hctl -j status | jq -c '[.snics, .addresses_used]'
		for m in hyp_endpoints hyp_ports hyp_guards; do echo "$m $(map_count $m)"; done
		ls "/sys/fs/bpf/hyperion/$INST/links"
		links_in "hyp-$INST"
		for ns in "$B" "$C"; do links_in "$ns"; ip -n "$ns" -o addr show | awk '{print $4}'; done
		ip -o link show 2>&1 | awk '{print $2}' | grep '^hp' # the product never makes host links
		hctl -j policy list | jq -c 'map(.namespace + "/" + .name)'
	} 2>&1
}

# expect_error "case" "message regex" hyperctl args...
expect_error() {
	local desc=$1 re=$2; shift 2
	local before after out rc
	before=$(snapshot)
	out=$(hctl "$@" 2>&1)
	rc=$?
	out=$(tr '\n' ' ' <<<"$out")
	after=$(snapshot)
	if ((rc == 0)); then notok "$desc: accepted"; return; fi
	if ! grep -qE "$re" <<<"$out"; then notok "$desc: unclear error: $out"; return; fi
	if [ "$before" != "$after" ]; then
		notok "$desc: state changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'; return
	fi
	ok "$desc: '$out'"
}

expect_error "bad CIDR" "bad CIDR '10.77.0.300/29'" snic add x --netns "$B" --ip 10.77.0.300/29
expect_error "CIDR without prefix" "bad CIDR" snic add x --netns "$B" --ip 10.77.0.3
expect_error "prefix not the pool's" "prefix /24 .* does not match pool 10.77.0.0/29" snic add x --netns "$B" --ip 10.77.0.3/24
expect_error "address outside the pool" "10.78.0.3 is outside the pool 10.77.0.0/29" snic add x --netns "$B" --ip 10.78.0.3/29
expect_error "gateway address" "10.77.0.1 is reserved" snic add x --netns "$B" --ip 10.77.0.1/29
expect_error "duplicate IP" "IP 10.77.0.2 already used by a" snic add x --netns "$B" --ip 10.77.0.2/29
expect_error "duplicate name" "snic a already exists" snic add a --netns "$B"
expect_error "missing netns" "netns 'nope-$UNIQ' not found" snic add x --netns "nope-$UNIQ"
expect_error "netns path that is not a netns" "is not a network namespace" snic add x --netns /etc/hostname
expect_error "ifname too long" "invalid interface name 'abcdefghijklmnop'" snic add x --netns "$B" --ifname abcdefghijklmnop
expect_error "ifname with a slash" "invalid interface name" snic add x --netns "$B" --ifname a/b
expect_error "interface already in the netns" "interface lo already exists" snic add x --netns "$B" --ifname lo
expect_error "bad SNIC name" "invalid SNIC name" snic add 'bad name' --netns "$B"
expect_error "bad label: says which rule it breaks" "label 'k=v v': the value has ' ' at 2: only A-Z a-z 0-9" snic add x --netns "$B" --label 'k=v v'
expect_error "over-long label value: says the limit" "the value has 64 characters, at most 63" snic add x --netns "$B" --label "k=$(printf 'v%.0s' {1..64})"
expect_error "policy apply -f on a directory: says so" "/etc: is a directory: give a YAML file" policy apply -f /etc
expect_error "policy apply -f on a binary file: says so" "is not a text file \\(it has NUL bytes\\)" policy apply -f "$HYPERCTL"
expect_error "unknown SNIC del" "snic ghost not found" snic del ghost
expect_error "unknown SNIC show" "snic ghost not found" snic show ghost

# exhaust the pool: a is .2, four more fit (.3 .4 .5 .6)
fill_pool() {
	local i ns
	for i in 3 4 5 6; do
		ns=bip$i-$UNIQ
		mkns "$ns" && hctl snic add "p$i" --netns "$ns" >/dev/null || return 1
	done
}
check "four more SNICs take the rest of the pool" fill_pool
expect_error "pool exhausted" "address pool 10.77.0.0/29 exhausted" snic add x --netns "$B"
P4IP=$(hctl -j snic show p4 | jq -r .ip)
check "deleting one frees its address" hctl snic del p4
freed_reused() {
	local ip
	ip=$(hctl -j snic add y --netns "$B" | jq -r .ip)
	echo "got $ip"
	[ "$ip" = "$P4IP" ]
}
check "the freed address is handed out again" freed_reused
check "del removes the container interface" bash -c "$HYPERCTL --instance $INST snic del y && ! ip -n $B link show eth0 2>/dev/null"
check "del leaves no map entry" bash -c "[ \$(bpftool map dump pinned /sys/fs/bpf/hyperion/$INST/hyp_endpoints -j | jq length) -eq 4 ]"
check "usage error exits 2" bash -c "$HYPERCTL --instance $INST snic add; [ \$? -eq 2 ]"
check_fails "invalid instance name" "$HYPERCTL" --instance 'Bad_Name' status
check "control: a valid instance name works" "$HYPERCTL" --instance "$INST" status

note "== the API's 1 MiB request limit"
POL=/tmp/hyp-pol-$UNIQ
on_exit "rm -f $POL.*"
# policy_file NAME BYTES: a NetworkPolicy NAME padded with a comment to BYTES
policy_file() {
	sed "s/name: allow-web-from-frontend/name: $1/" "$ROOT/examples/policy/allow-web-from-frontend.yaml" >"$POL.$1"
	local n=$(($2 - $(stat -c %s "$POL.$1") - 3))
	{ printf '# '; head -c "$n" /dev/zero | tr '\0' x; printf '\n'; } >>"$POL.$1"
	[ "$(stat -c %s "$POL.$1")" -eq "$2" ]
}
listed() { hctl -j policy list | jq -e --arg n "$1" 'any(.[]; .namespace == "prod" and .name == $n)'; }
applied() { hctl policy apply -f "$POL.$1" | grep -q "prod/$1 applied" && listed "$1"; }
# hyperctl takes a file of at most 1 MiB - 4 KiB (1044480 bytes): room for the request around it
policy_file normal 2000 && policy_file just-under 1044480 && policy_file too-big $((1024 * 1024 + 1024)) ||
	note "cannot write the policy files"
check "a normal policy file is applied and listed" applied normal
check "a policy file just under the limit (1044480 bytes) is applied and listed" applied just-under
expect_error "a policy file over 1 MiB is refused, nothing applied" \
	"1049600 bytes; one apply takes at most 1020 KiB: split the documents over several files" \
	policy apply -f "$POL.too-big"

# raw requests straight to the daemon's socket: {"cmd":"status",...} padded to
# 1 MiB - 1, 1 MiB and 2 MiB bytes (the newline included); one JSON summary each
raw_requests() {
	/usr/bin/python3 - "/run/hyperion/$INST.sock" <<'PY'
import json, socket, sys
for total in (1024 * 1024 - 1, 1024 * 1024, 2 * 1024 * 1024):
    pre = b'{"cmd":"status","pad":"'
    body = pre + b'x' * (total - len(pre) - 3) + b'"}\n'
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    try:
        s.sendall(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the daemon stopped reading at its limit and answered
    buf = b''
    while True:
        try:
            d = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not d:
            break
        buf += d
    s.close()
    try:
        r = json.loads(buf)
    except ValueError:
        r = {"unparsed": buf[:200].decode(errors="replace")}
    r.pop("result", None)
    print(json.dumps({"bytes": total, "reply": r}))
PY
}
before=$(snapshot)
RAW=$(raw_requests 2>&1)
note "$(tr '\n' ' ' <<<"$RAW")"
raw_reply() { # BYTES JQ
	jq -e -s --argjson b "$1" "map(select(.bytes == \$b))[0].reply | $2" <<<"$RAW"
}
check "a raw request of 1 MiB - 1 bytes is served (ok)" raw_reply $((1024 * 1024 - 1)) '.ok == true'
check "a raw request of 1 MiB gets an error (EMSGSIZE)" raw_reply $((1024 * 1024)) \
	'.ok == false and .errno == 90 and (.error | length > 0)'
check "a raw request of 2 MiB gets an error (EMSGSIZE)" raw_reply $((2 * 1024 * 1024)) \
	'.ok == false and .errno == 90 and (.error | length > 0)'
alive_unchanged() {
	kill -0 "$DAEMON_PID" && hctl status >/dev/null && [ "$(snapshot)" = "$before" ]
}
check "the daemon stays up and nothing changed" alive_unchanged

note "== the daemon's pool is fixed at the instance's first start"
stop_daemon "$DAEMON_PID"
other_pool() {
	local out rc
	out=$(timeout 5 "$HYPERIOND" --instance "$INST" --pool 10.66.0.0/24 2>&1)
	rc=$?
	echo "exit $rc: $out"
	((rc != 0 && rc != 124)) && grep -q "uses pool 10.77.0.0/29; teardown to change it" <<<"$out"
}
check "a daemon with another pool for the existing instance refuses to start" other_pool
check "control: the refused start kept the existing instance's state and lock" \
	test -f "/var/lib/hyperion/$INST/state.db" -a -f "/run/hyperion/$INST.lock"
NEW=bn-$UNIQ
_CLEAN_INST+=("$NEW")
new_refused() {
	local out rc
	out=$(timeout 30 "$HYPERIOND" --instance "$NEW" --uplink "nosuch$UNIQ" --uplink-addr 192.0.2.1/24 2>&1)
	rc=$?
	echo "exit $rc: $out"
	ls -d "/var/lib/hyperion/$NEW" "/run/hyperion/$NEW.lock" "/sys/fs/bpf/hyperion/$NEW" 2>&1
	ip netns list | grep -w "hyp-$NEW"
	((rc != 0 && rc != 124)) && [ ! -e "/var/lib/hyperion/$NEW" ] && [ ! -e "/run/hyperion/$NEW.lock" ] &&
		[ ! -e "/sys/fs/bpf/hyperion/$NEW" ] && ! ip netns list | grep -qw "hyp-$NEW"
}
check "a new instance refused at start (unknown uplink) leaves no state dir, lock, pins or bridge netns" new_refused
# what a crash during a first start could leave: a bridge netns and a pin
# directory, no state. teardown without a daemon removes them.
REM=br-$UNIQ
_CLEAN_NS+=("hyp-$REM")
on_exit "rmdir /sys/fs/bpf/hyperion/$REM"
ip netns add "hyp-$REM" && mkdir -p "/sys/fs/bpf/hyperion/$REM"
remnant_gone() {
	"$HYPERCTL" --instance "$REM" teardown --yes &&
		! ip netns list | grep -qw "hyp-$REM" && [ ! -e "/sys/fs/bpf/hyperion/$REM" ]
}
check "teardown without state removes a left bridge netns and pin directory" remnant_gone
check_fails "control: teardown of an instance with nothing left says it does not exist" \
	"$HYPERCTL" --instance "$REM" teardown --yes
# a state dir holding only a cluster join's file (its first start killed)
on_exit "rm -rf /var/lib/hyperion/$REM"
mkdir -p "/var/lib/hyperion/$REM" && echo '{}' >"/var/lib/hyperion/$REM/cluster.json"
statedir_gone() {
	"$HYPERCTL" --instance "$REM" teardown --yes && [ ! -e "/var/lib/hyperion/$REM" ]
}
check "teardown without a store removes a state dir holding only cluster.json" statedir_gone
if start_daemon "$INST" --pool 10.77.0.0/29; then ok "control: a daemon with the instance's own pool starts"; else finish; fi
finish
