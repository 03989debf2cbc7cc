#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the hyperion CNI plugin, driven directly with CNI_* variables,
# follows spec 1.0.0 and 1.1.0: every command on both versions; the result
# alone on stdout in the config's cniVersion; each error code it documents;
# ADD of an existing interface fails; DEL is idempotent (repeated, netns
# gone, unknown container, daemon without state) and a DEL of an unknown
# attachment changes nothing, not even the live attachment in the netns it
# names; CHECK sees a removed
# address, route or endpoint map entry; GC removes exactly the attachments
# not listed (and none of another network); labels come from the config
# (which wins), CNI_ARGS (the namespace) and the pod's args and
# runtimeConfig; named ports from the pod's args (ports, cni.ports); the
# result carries both families (dual stack) and DEL releases both; 20
# concurrent ADDs then DELs leak nothing (interface, address, store row,
# map entry, link pin). A network's ipFamily (ipv4, ipv6, dual) gives a
# container that family alone (result and netns); a bad value, or a family
# the instance has no pool for, is refused (code 7) and changes nothing.
. "$(dirname "$0")/lib.sh"
plan 177

CNI=$BUILD/hyperion
INST=cn-$UNIQ
NET=cnnet-$UNIQ
POOL=10.78.0
# no periodic reconcile: CHECK must see tampering before anything repairs it
start_daemon "$INST" --pool $POOL.0/24 --reconcile-ms 3600000 || finish
PINS=/sys/fs/bpf/hyperion/$INST
GW6=$(hctl -j status | jq -r .gateway6) # dual stack: the instance's own ULA /64
ERR=/tmp/hyp-cni-err.$$
on_exit "rm -f $ERR"

# conf VERSION [JQ-OBJECT]: a plugin config (as a runtime passes it)
conf() {
	jq -cn --arg v "$1" --arg n "${CONF_NET:-$NET}" --arg i "${CONF_INST:-$INST}" \
		"{cniVersion: \$v, name: \$n, type: \"hyperion\", instance: \$i} + (${2:-{\}})"
}

# cni CMD CID IFNAME NETNS CONF [CNI_ARGS]: sets OUT (stdout) and RC
cni() {
	OUT=$(printf '%s' "$5" | env -i PATH="$PATH" CNI_COMMAND="$1" CNI_CONTAINERID="$2" \
		CNI_IFNAME="$3" CNI_NETNS="$4" CNI_PATH=/usr/lib/cni CNI_ARGS="${6:-}" "$CNI" 2>"$ERR")
	RC=$?
}

# stdout holds exactly one JSON document, or nothing at all when $1 = empty
stdout_ok() {
	if [ "$1" = empty ]; then [ -z "$OUT" ]; return; fi
	[ "$(jq -s length <<<"$OUT" 2>/dev/null)" = 1 ]
}

# expect_code DESC CODE VERSION CMD CID IFNAME NETNS CONF [CNI_ARGS]
expect_code() {
	local desc=$1 code=$2 ver=$3; shift 3
	cni "$@"
	if ((RC == 0)); then notok "$desc: succeeded (want code $code)"; return 1; fi
	if ! stdout_ok one || ! jq -e --argjson c "$code" --arg v "$ver" \
		'.code == $c and .cniVersion == $v and (.msg | length > 0) and has("details")' \
		<<<"$OUT" >/dev/null; then
		notok "$desc: want code $code in $ver, got: $OUT"; return 1
	fi
	ok "$desc: code $code: $(jq -r '.msg + " (" + .details + ")"' <<<"$OUT" | cut -c1-150)"
}

# expect_ok DESC [empty|one] CMD...: success with the given stdout
expect_ok() {
	local desc=$1 want=$2; shift 2
	cni "$@"
	if ((RC != 0)); then notok "$desc: rc $RC: $OUT $(cat "$ERR")"; return 1; fi
	if ! stdout_ok "$want"; then notok "$desc: stdout not $want: $OUT"; return 1; fi
	ok "$desc"
}

owner_row() { # CID [NET] -> the SNIC JSON of that attachment
	hctl -j snic list | jq -c --arg o "${2:-$NET}/$1/eth0" '.[] | select(.owner == $o)'
}

# Anything of the instance that outlives its attachments
leaks() {
	hctl -j status | jq -r 'select(.snics != 0 or .addresses_used != 0 or .addresses6_used != 0) | "status: \(.snics) snics, \(.addresses_used) addresses, \(.addresses6_used) IPv6"'
	local m c
	for m in hyp_endpoints hyp_ports hyp_guards hyp_endpoints6 hyp_ports6; do
		c=$(map_count $m)
		[ "$c" = 0 ] || echo "map $m: $c entries"
	done
	ls "$PINS/links"
	ip -n "hyp-$INST" -o link show 2>&1 | grep -v "Peer netns reference is invalid" | awk -F': ' '$2 ~ /^hp/ {print "bridge port " $2}'
}
no_leaks() {
	local l
	l=$(leaks 2>&1)
	[ -z "$l" ] || { echo "$l"; return 1; }
}

note "== VERSION"
for v in 1.0.0 1.1.0; do
	expect_ok "VERSION ($v)" one VERSION "" "" "" "{\"cniVersion\":\"$v\"}"
	check "VERSION ($v) answers in $v and lists 1.0.0 and 1.1.0" jq -e --arg v "$v" \
		'.cniVersion == $v and .supportedVersions == ["1.0.0","1.1.0"]' <<<"$OUT"
done
expect_ok "VERSION with an empty stdin" one VERSION "" "" "" ""

note "== ADD, CHECK, STATUS, DEL on both versions"
for v in 1.0.0 1.1.0; do
	ns=cv${v//./}-$UNIQ cid=ctr-${v//./}-$UNIQ
	mkns "$ns"
	C=$(conf "$v")
	expect_ok "ADD ($v)" one ADD "$cid" eth0 "/run/netns/$ns" "$C"
	RES=$OUT
	check "ADD ($v): result in $v: eth0 in the netns, both families' addresses, gateways, routes, dns" jq -e \
		--arg v "$v" --arg sb "/run/netns/$ns" --arg p "$POOL." --arg g6 "$GW6" '
		.cniVersion == $v and (.interfaces | length) == 1 and .interfaces[0].name == "eth0" and
		.interfaces[0].sandbox == $sb and (.interfaces[0].mac | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")) and
		(.ips | length) == 2 and .ips[0].interface == 0 and (.ips[0].address | startswith($p)) and
		(.ips[0].address | endswith("/24")) and .ips[0].gateway == ($p + "1") and
		.ips[1].interface == 0 and .ips[1].gateway == $g6 and
		(.ips[1].address | startswith($g6 | rtrimstr("1")) and endswith("/64")) and
		.routes == [{"dst": "0.0.0.0/0", "gw": ($p + "1")}, {"dst": "::/0", "gw": $g6}] and
		.dns == {} and (has("version") | not)' \
		<<<"$RES"
	IP=$(jq -r '.ips[0].address' <<<"$RES") MAC=$(jq -r '.interfaces[0].mac' <<<"$RES")
	IP6=$(jq -r '.ips[1].address' <<<"$RES")
	check "ADD ($v): the netns has eth0 with that MAC, both addresses and default routes" bash -c "
		ip -n $ns -j link show eth0 | jq -e '.[0].address == \"$MAC\" and .[0].operstate != \"DOWN\"' &&
		ip -n $ns -o addr show dev eth0 | grep -q ' $IP ' &&
		ip -n $ns -o -6 addr show dev eth0 | grep -q ' $IP6 ' &&
		ip -n $ns route show default | grep -q 'via $POOL.1 dev eth0' &&
		ip -n $ns -6 route show default | grep -q 'via $GW6 dev eth0'"
	check "ADD ($v): the daemon records it under NETWORK/CONTAINERID/IFNAME" \
		bash -c "[ -n \"\$1\" ]" _ "$(owner_row "$cid")"
	expect_ok "CHECK ($v) with prevResult" empty CHECK "$cid" eth0 "/run/netns/$ns" \
		"$(conf "$v" "{prevResult: $RES}")"
	expect_ok "CHECK ($v) without prevResult" empty CHECK "$cid" eth0 "/run/netns/$ns" "$C"
	expect_ok "STATUS ($v)" empty STATUS "" "" "" "$C"
	expect_code "ADD ($v) of the same attachment again" 104 "$v" ADD "$cid" eth0 "/run/netns/$ns" "$C"
	expect_ok "DEL ($v)" empty DEL "$cid" eth0 "/run/netns/$ns" "$C"
	check "DEL ($v) removed eth0 from the netns" bash -c "! ip -n $ns link show eth0 2>/dev/null"
	check "DEL ($v) removed the store row" bash -c "[ -z \"\$1\" ]" _ "$(owner_row "$cid")"
	expect_ok "DEL ($v) again (idempotent)" empty DEL "$cid" eth0 "/run/netns/$ns" "$C"
	expect_ok "DEL ($v) a third time, without CNI_NETNS" empty DEL "$cid" eth0 "" "$C"
	expect_ok "GC ($v) with nothing to collect" empty GC "" "" "" \
		"$(conf "$v" '{"cni.dev/valid-attachments": []}')"
done
check "nothing leaked after the per-version runs" no_leaks

note "== DEL of an unknown attachment: success, nothing changes"
K=ck-$UNIQ
mkns "$K"
# everything a DEL could touch: rows, addresses, map entries, pins, ports, the netns
state_of() {
	hctl -j snic list | jq -c 'map([.name, .owner, .ip])'
	hctl -j status | jq -c '[.snics, .addresses_used]'
	local m
	for m in hyp_endpoints hyp_ports hyp_guards; do echo "$m $(map_count $m)"; done
	ls "$PINS/links"
	ip -n "hyp-$INST" -o link show 2>&1 | grep -v "Peer netns reference is invalid" | awk -F': ' '$2 ~ /^hp/ {print $2}'
	ip -n "$K" -o addr show dev eth0 | awk '{print $4}'
}
unchanged() { local now; now=$(state_of 2>&1); [ "$now" = "$KEEP" ] || { diff <(echo "$KEEP") <(echo "$now"); return 1; }; }
expect_ok "ADD of an attachment to keep" one ADD "$K" eth0 "/run/netns/$K" "$(conf 1.1.0)"
KEEP=$(state_of 2>&1)
expect_ok "DEL of an unknown container ID, naming the kept attachment's netns" empty DEL \
	"unknown-$UNIQ" eth0 "/run/netns/$K" "$(conf 1.1.0)"
check "... changed nothing (the kept attachment is intact)" unchanged
expect_ok "DEL of the kept container with an unknown ifname" empty DEL "$K" eth1 "/run/netns/$K" "$(conf 1.1.0)"
check "... changed nothing" unchanged
expect_ok "DEL of the kept container and ifname on another network" empty DEL "$K" eth0 "/run/netns/$K" \
	"$(CONF_NET=cnelse-$UNIQ conf 1.0.0)"
check "... changed nothing" unchanged
expect_ok "control: CHECK of the kept attachment passes" empty CHECK "$K" eth0 "/run/netns/$K" "$(conf 1.1.0)"
expect_ok "control: DEL of the kept attachment" empty DEL "$K" eth0 "/run/netns/$K" "$(conf 1.1.0)"
released() { ! unchanged >/dev/null && ! ip -n "$K" link show eth0 2>/dev/null && [ -z "$(owner_row "$K")" ]; }
check "control: ... that DEL did release it (interface, row)" released
check "nothing leaked after the unknown DELs" no_leaks

note "== ADD of an interface that already exists in the netns"
X=cx-$UNIQ
mkns "$X"
ip -n "$X" link add eth0 type veth peer name eth0p # no dummy module on this kernel
FMAC=$(ip -n "$X" -j link show eth0 | jq -r '.[0].address')
expect_code "ADD where eth0 exists (not ours)" 104 1.1.0 ADD "cx-$UNIQ" eth0 "/run/netns/$X" "$(conf 1.1.0)"
check "the foreign eth0 is untouched" bash -c \
	"ip -n $X -j link show eth0 | jq -e '.[0].address == \"$FMAC\" and .[0].link == \"eth0p\"'"
check "the failed ADD left nothing behind" no_leaks
expect_ok "DEL after the failed ADD succeeds" empty DEL "cx-$UNIQ" eth0 "/run/netns/$X" "$(conf 1.1.0)"

note "== labels: the config's win over the pod's (args, runtimeConfig); the namespace is the runtime's"
L=cl-$UNIQ
mkns "$L"
LC=$(conf 1.0.0 '{labels: {tier: "web", app: "cfg"},
	args: {cni: {labels: [{key: "team", value: "blue"}],
		ports: [{name: "http", containerPort: 8080}, {containerPort: 9000}]},
		ports: [{name: "dns", containerPort: 53, protocol: "UDP"}]},
	runtimeConfig: {labels: {app: "rt", track: "canary"}}}')
PREV='{"cniVersion": "1.0.0", "interfaces": [{"name": "other0"}], "ips": [{"address": "192.0.2.9/24", "interface": 0}], "dns": {"nameservers": ["192.0.2.53"]}}'
LC=$(jq -c --argjson p "$PREV" '. + {prevResult: $p}' <<<"$LC")
expect_ok "ADD with labels from every source (chained: a prevResult)" one ADD "cl-$UNIQ" eth0 \
	"/run/netns/$L" "$LC" \
	"IgnoreUnknown=1;K8S_POD_NAMESPACE=prod;K8S_POD_NAME=web-1;K8S_POD_INFRA_CONTAINER_ID=cl-$UNIQ"
check "the prevResult is kept and this attachment appended to it" jq -e '
	.interfaces[0].name == "other0" and .interfaces[1].name == "eth0" and
	.ips[0].address == "192.0.2.9/24" and .ips[1].interface == 1 and
	.dns.nameservers == ["192.0.2.53"] and .cniVersion == "1.0.0"' <<<"$OUT"
check "labels merged with the documented precedence (no per-pod label from K8S_POD_NAME)" jq -e \
	'.labels == {"app": "cfg", "namespace": "prod", "team": "blue", "tier": "web", "track": "canary"}' \
	<<<"$(owner_row "cl-$UNIQ")"
expect_ok "CHECK of the chained attachment (prevResult of the chain)" empty CHECK "cl-$UNIQ" eth0 \
	"/run/netns/$L" "$(jq -c --argjson r "$OUT" '. + {prevResult: $r}' <<<"$LC")"
check "named ports from args.ports then args.cni.ports (an entry without a name declares none)" jq -e \
	'.named_ports == "dns=53/udp,http=8080/tcp"' <<<"$(owner_row "cl-$UNIQ")"
owner_column() { # the table names the container of a CNI SNIC, its long name aligned
	local name out hdr row
	name=$(owner_row "cl-$UNIQ" | jq -r .name)
	out=$(hctl snic list)
	hdr=$(head -1 <<<"$out") row=$(grep "^$name " <<<"$out")
	[ "$(awk '{print $2}' <<<"$row")" = "$NET/cl-$UNIQ/eth0" ] &&
		[ "$(awk -v s="$hdr" 'BEGIN {print index(s, " OWNER ")}')" = "$(awk -v s="$row" -v o=" $NET/" 'BEGIN {print index(s, o)}')" ] ||
		{ echo "$out"; return 1; }
}
check "snic list: the CNI SNIC's OWNER column is its network/container/ifname, aligned with the header" owner_column
expect_code "ADD with a bad port name in args.cni.ports" 7 1.1.0 ADD "cq-$UNIQ" eth0 "/run/netns/$L" \
	"$(conf 1.1.0 '{args: {cni: {ports: [{name: "HTTP", containerPort: 80}]}}}')"
expect_ok "DEL of the labelled attachment" empty DEL "cl-$UNIQ" eth0 "/run/netns/$L" "$LC"

note "== error codes"
C=$(conf 1.1.0)
NS1=/run/netns/$L
expect_code "cniVersion 0.4.0 is incompatible" 1 0.4.0 ADD e1 eth0 "$NS1" "$(conf 0.4.0)"
expect_code "cniVersion 2.0.0 is incompatible" 1 2.0.0 ADD e1 eth0 "$NS1" "$(conf 2.0.0)"
expect_code "missing cniVersion" 1 1.1.0 ADD e1 eth0 "$NS1" "$(conf 1.1.0 | jq -c 'del(.cniVersion)')"
expect_code "ipam is unsupported (the daemon allocates)" 2 1.1.0 ADD e1 eth0 "$NS1" \
	"$(conf 1.1.0 '{ipam: {type: "host-local"}}')"
expect_code "ipMasq is unsupported" 2 1.0.0 ADD e1 eth0 "$NS1" "$(conf 1.0.0 '{ipMasq: true}')"
expect_code "runtimeConfig.portMappings not a list" 7 1.1.0 ADD e1 eth0 "$NS1" \
	"$(conf 1.1.0 '{runtimeConfig: {portMappings: {hostPort: 8080}}}')"
expect_code "a port mapping for sctp" 7 1.1.0 ADD e1 eth0 "$NS1" \
	"$(conf 1.1.0 '{runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "sctp"}]}}')"
expect_code "a port mapping with host port 0" 7 1.1.0 ADD e1 eth0 "$NS1" \
	"$(conf 1.1.0 '{runtimeConfig: {portMappings: [{hostPort: 0, containerPort: 80}]}}')"
expect_code "a port mapping on an instance without an uplink" 108 1.1.0 ADD e1 eth0 "$NS1" \
	"$(conf 1.1.0 '{runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80}]}}')"
expect_code "CHECK of an unknown attachment" 3 1.1.0 CHECK ghost-$UNIQ eth0 "$NS1" "$C"
expect_code "no CNI_COMMAND" 4 1.1.0 "" e1 eth0 "$NS1" "$C"
expect_code "unknown CNI_COMMAND" 4 1.1.0 FROB e1 eth0 "$NS1" "$C"
expect_code "no CNI_CONTAINERID" 4 1.1.0 ADD "" eth0 "$NS1" "$C"
expect_code "CNI_CONTAINERID with a slash" 4 1.1.0 ADD "a/b" eth0 "$NS1" "$C"
expect_code "CNI_CONTAINERID starting with a dot" 4 1.1.0 ADD ".abc" eth0 "$NS1" "$C"
expect_code "CNI_CONTAINERID of 101 characters" 4 1.1.0 ADD "$(printf 'a%.0s' $(seq 101))" eth0 "$NS1" "$C"
expect_code "no CNI_IFNAME" 4 1.1.0 ADD e1 "" "$NS1" "$C"
expect_code "CNI_IFNAME of 16 characters" 4 1.1.0 ADD e1 abcdefghijklmnop "$NS1" "$C"
expect_code "CNI_IFNAME with a colon" 4 1.1.0 ADD e1 "eth0:1" "$NS1" "$C"
expect_code "CNI_IFNAME '..'" 4 1.1.0 DEL e1 ".." "$NS1" "$C"
expect_code "no CNI_NETNS on ADD" 4 1.1.0 ADD e1 eth0 "" "$C"
expect_code "relative CNI_NETNS" 4 1.1.0 ADD e1 eth0 "run/netns/x" "$C"
expect_code "CNI_NETNS with '..'" 4 1.1.0 ADD e1 eth0 "/run/netns/../netns/x" "$C"
expect_code "CNI_ARGS without '='" 4 1.1.0 ADD e1 eth0 "$NS1" "$C" "IgnoreUnknown"
OUT=$(env -i CNI_COMMAND=ADD CNI_CONTAINERID=e1 CNI_IFNAME=eth0 CNI_NETNS="$NS1" "$CNI" </ 2>/dev/null)
if jq -e '.code == 5' <<<"$OUT" >/dev/null; then ok "unreadable stdin: code 5"; else notok "unreadable stdin: $OUT"; fi
expect_code "stdin that is not JSON" 6 1.1.0 ADD e1 eth0 "$NS1" '{"cniVersion": "1.1.0",'
expect_code "stdin that is a JSON array" 6 1.1.0 ADD e1 eth0 "$NS1" '[1]'
expect_code "no network name" 7 1.1.0 ADD e1 eth0 "$NS1" "$(conf 1.1.0 | jq -c 'del(.name)')"
expect_code "network name with a space" 7 1.1.0 ADD e1 eth0 "$NS1" "$(conf 1.1.0 '{name: "a b"}')"
expect_code "invalid instance name" 7 1.1.0 ADD e1 eth0 "$NS1" "$(conf 1.1.0 '{instance: "Bad_Name"}')"
expect_code "labels not an object" 7 1.1.0 ADD e1 eth0 "$NS1" "$(conf 1.1.0 '{labels: ["a"]}')"
expect_code "GC without cni.dev/valid-attachments" 7 1.1.0 GC "" "" "" "$C"
expect_code "ADD with no daemon for the instance" 11 1.1.0 ADD e1 eth0 "$NS1" \
	"$(CONF_INST=nod-$UNIQ conf 1.1.0)"
expect_code "STATUS with no daemon for the instance" 50 1.1.0 STATUS "" "" "" \
	"$(CONF_INST=nod-$UNIQ conf 1.1.0)"
expect_ok "DEL with no daemon and no state: nothing to release" empty DEL e1 eth0 "$NS1" \
	"$(CONF_INST=nod-$UNIQ conf 1.1.0)"
expect_ok "GC with no daemon and no state" empty GC "" "" "" \
	"$(CONF_INST=nod-$UNIQ conf 1.1.0 '{"cni.dev/valid-attachments": []}')"
expect_code "label value with a space" 102 1.1.0 ADD e1 eth0 "$NS1" "$(conf 1.1.0 '{labels: {a: "b c"}}')"
expect_code "K8S_POD_NAMESPACE that is no label value" 102 1.1.0 ADD e1 eth0 "$NS1" "$C" \
	"K8S_POD_NAMESPACE=a/b"
expect_code "runtimeConfig label that is not a string" 102 1.1.0 ADD e1 eth0 "$NS1" \
	"$(conf 1.1.0 '{runtimeConfig: {labels: {a: 1}}}')"
expect_code "pod label with a reserved key (namespace)" 107 1.1.0 ADD e1 eth0 "$NS1" \
	"$(conf 1.1.0 '{args: {labels: {namespace: "kube-system"}}}')"
expect_code "CNI_NETNS that does not exist" 103 1.1.0 ADD e1 eth0 "/run/netns/nope-$UNIQ" "$C"
expect_code "CNI_NETNS that is not a netns" 103 1.1.0 ADD e1 eth0 /etc/hostname "$C"
# port mappings with an uplink: published with the attachment, or the ADD
# fails and leaves nothing (the plugin alone: no runtime DEL cleans up here)
CO=cno-$UNIQ CUP=cu$UNIQ T0=$SECONDS
mkns "$CO"
ip link add "$CUP" type veth peer name eth0 netns "$CO"
on_exit "ip link del $CUP"
hctl uplink set "$CUP" --addr "100.68.$((RANDOM % 200 + 20)).2/24" >/dev/null
pm() { # HOSTPORT:CONTAINERPORT... -> a config with those port mappings
	local m="" a
	for a in "$@"; do m+="${m:+,}{hostPort: ${a%:*}, containerPort: ${a#*:}}"; done
	conf 1.1.0 "{runtimeConfig: {portMappings: [$m]}}"
}
published() { hctl -j publish list | jq -c '[.[] | [.port, .proto, .snic_port]]'; }
expect_code "one container port under two host ports (refused once its SNIC exists)" 108 1.1.0 \
	ADD e1 eth0 "$NS1" "$(pm 8080:80 8081:80)"
rolled_back() { [ -z "$(owner_row e1)" ] && [ "$(published)" = "[]" ]; }
check "... rolled back: no attachment, no publication" rolled_back
expect_ok "ADD with a port mapping" one ADD pm1 eth0 "$NS1" "$(pm 8080:80)"
check "... published with the attachment" test "$(published)" = '[[8080,"tcp",80]]'
expect_ok "DEL of it" empty DEL pm1 eth0 "$NS1" "$(pm 8080:80)"
check "DEL took the publication away" test "$(published)" = "[]"
hctl uplink clear >/dev/null
note "port mapping checks took $((SECONDS - T0)) s"
check "the failed ADDs left nothing behind" no_leaks

# a daemon that answers garbage: code 106
FAKE=fk-$UNIQ
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(4)
while True:
    c, _ = s.accept(); c.recv(65536); c.sendall(b"this is not json\n"); c.close()
' "/run/hyperion/$FAKE.sock" &
_CLEAN_PIDS+=($!)
on_exit "rm -f /run/hyperion/$FAKE.sock"
for _ in $(seq 50); do [ -S "/run/hyperion/$FAKE.sock" ] && break; sleep 0.1; done
expect_code "a daemon that answers garbage" 106 1.1.0 ADD e1 eth0 "$NS1" "$(CONF_INST=$FAKE conf 1.1.0)"

note "== per-network IP family (ipFamily: ipv4, ipv6, dual)"
FNS=cfn-$UNIQ
mkns "$FNS"
FSB=/run/netns/$FNS
SNICS0=$(hctl -j status | jq .snics)
expect_ok "ADD with ipFamily ipv4 on the dual-stack instance" one ADD "cf4-$UNIQ" eth0 "$FSB" \
	"$(conf 1.1.0 '{ipFamily: "ipv4"}')"
check "... the result: one address, IPv4, one default route" jq -e --arg p "$POOL." '
	(.ips | length) == 1 and (.ips[0].address | startswith($p)) and
	.routes == [{"dst": "0.0.0.0/0", "gw": ($p + "1")}]' <<<"$OUT"
check "... the netns: no global IPv6 address, no IPv6 default route" bash -c "
	ip -n $FNS -o -4 addr show dev eth0 | grep -q ' $POOL\.' &&
	! ip -n $FNS -o -6 addr show dev eth0 scope global | grep -q . &&
	! ip -n $FNS -6 route show default | grep -q ."
expect_ok "DEL of the IPv4-only attachment" empty DEL "cf4-$UNIQ" eth0 "$FSB" "$(conf 1.1.0)"
expect_ok "ADD with ipFamily ipv6 on the dual-stack instance" one ADD "cf6-$UNIQ" eth0 "$FSB" \
	"$(conf 1.1.0 '{ipFamily: "ipv6"}')"
check "... the result: one address, IPv6 in the pool6, one default route" jq -e --arg g6 "$GW6" '
	(.ips | length) == 1 and .ips[0].gateway == $g6 and
	(.ips[0].address | startswith($g6 | rtrimstr("1")) and endswith("/64")) and
	.routes == [{"dst": "::/0", "gw": $g6}]' <<<"$OUT"
check "... the netns: no IPv4 address, no IPv4 default route" bash -c "
	ip -n $FNS -o -6 addr show dev eth0 scope global | grep -q . &&
	! ip -n $FNS -o -4 addr show dev eth0 | grep -q . &&
	! ip -n $FNS -4 route show default | grep -q ."
expect_ok "DEL of the IPv6-only attachment" empty DEL "cf6-$UNIQ" eth0 "$FSB" "$(conf 1.1.0)"
expect_ok "ADD with ipFamily dual" one ADD "cfd-$UNIQ" eth0 "$FSB" "$(conf 1.1.0 '{ipFamily: "dual"}')"
check "... the result: both families" jq -e '(.ips | length) == 2 and
	(.ips[0].address | contains(".")) and (.ips[1].address | contains(":"))' <<<"$OUT"
expect_ok "DEL of the dual-stack attachment" empty DEL "cfd-$UNIQ" eth0 "$FSB" "$(conf 1.1.0)"
expect_code "ipFamily \"IPv6\" (not a value)" 7 1.1.0 ADD "cfx-$UNIQ" eth0 "$FSB" \
	"$(conf 1.1.0 '{ipFamily: "IPv6"}')"
FI=cf-$UNIQ
start_daemon "$FI" --pool none --reconcile-ms 3600000 || finish # IPv6 only
expect_code "ipFamily ipv4 on an IPv6-only instance" 7 1.1.0 ADD "cfx-$UNIQ" eth0 "$FSB" \
	"$(CONF_INST=$FI conf 1.1.0 '{ipFamily: "ipv4"}')"
check "... the error says why" jq -e '.details | contains("no IPv4 pool (hyperiond --pool none)")' <<<"$OUT"
expect_code "ipFamily dual on an IPv6-only instance" 7 1.1.0 ADD "cfx-$UNIQ" eth0 "$FSB" \
	"$(CONF_INST=$FI conf 1.1.0 '{ipFamily: "dual"}')"
check "the refused ADDs changed nothing (no SNIC on either instance, no eth0 in the netns)" bash -c "
	[ \"\$($HYPERCTL --instance $FI -j status | jq .snics)\" = 0 ] &&
	[ \"\$($HYPERCTL --instance $INST -j status | jq .snics)\" = $SNICS0 ] &&
	! ip -n $FNS link show eth0 2>/dev/null"
expect_ok "control: ipFamily ipv6 on the IPv6-only instance" one ADD "cf6i-$UNIQ" eth0 "$FSB" \
	"$(CONF_INST=$FI conf 1.1.0 '{ipFamily: "ipv6"}')"
expect_ok "... and its DEL" empty DEL "cf6i-$UNIQ" eth0 "$FSB" "$(CONF_INST=$FI conf 1.1.0)"

note "== the pool runs out: ADD 101, STATUS 50"
PI=cp-$UNIQ
start_daemon "$PI" --pool 10.79.0.0/29 --reconcile-ms 3600000 || finish # 5 addresses
PC=$(CONF_INST=$PI conf 1.1.0)
fill_pool() {
	local i
	for i in 1 2 3 4 5; do
		mkns "cp$i-$UNIQ" || return 1
		cni ADD "cp$i-$UNIQ" eth0 "/run/netns/cp$i-$UNIQ" "$PC"
		((RC == 0)) || { echo "ADD $i: $OUT"; return 1; }
	done
}
check "five ADDs take the whole pool" fill_pool
mkns "cp6-$UNIQ"
expect_code "ADD when the pool is exhausted" 101 1.1.0 ADD "cp6-$UNIQ" eth0 "/run/netns/cp6-$UNIQ" "$PC"
expect_code "STATUS when the pool is exhausted" 50 1.1.0 STATUS "" "" "" "$PC"
expect_ok "DEL of one of the five" empty DEL "cp1-$UNIQ" eth0 "/run/netns/cp1-$UNIQ" "$PC"
expect_ok "STATUS is ready again (a free address: it said 50 when there was none)" empty STATUS "" "" "" "$PC"

note "== daemon down with state: DEL 11, STATUS 50; datapath gone: STATUS 51"
stop_daemon "$DAEMON_PID"
expect_code "DEL while the daemon is down (state exists): try again" 11 1.1.0 DEL "cp2-$UNIQ" eth0 \
	"/run/netns/cp2-$UNIQ" "$PC"
expect_code "GC while the daemon is down (state exists): try again" 11 1.1.0 GC "" "" "" \
	"$(CONF_INST=$PI conf 1.1.0 '{"cni.dev/valid-attachments": []}')"
expect_code "STATUS while the daemon is down, datapath intact" 50 1.1.0 STATUS "" "" "" "$PC"
check "the datapath still forwards without the daemon" ping_ok "cp2-$UNIQ" \
	"$(ip -n "cp3-$UNIQ" -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
ip netns del "hyp-$PI"
expect_code "STATUS while the daemon is down and the datapath is gone" 51 1.1.0 STATUS "" "" "" "$PC"
start_daemon "$PI" --reconcile-ms 3600000 || finish # rebuilds the bridge; teardown at exit
expect_ok "DEL once the daemon is back" empty DEL "cp2-$UNIQ" eth0 "/run/netns/cp2-$UNIQ" "$PC"

note "== CHECK after tampering"
T=ct-$UNIQ
mkns "$T"
C=$(conf 1.1.0)
add_t() {
	cni ADD "ct-$UNIQ" eth0 "/run/netns/$T" "$C"
	RES=$OUT TIP=$(jq -r '.ips[0].address' <<<"$OUT")
	CP=$(conf 1.1.0 "{prevResult: $RES}")
}
add_t
expect_ok "CHECK of an untouched attachment" empty CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
ip -n "$T" addr del "$TIP" dev eth0
expect_code "CHECK after 'ip addr del' in the netns" 105 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
check "  ... names the address" grep -q "address missing" <<<"$OUT"
expect_ok "DEL of the tampered attachment" empty DEL "ct-$UNIQ" eth0 "/run/netns/$T" "$C"
add_t
key=$(cut -d/ -f1 <<<"$TIP" | tr . ' ')
bpftool map delete pinned "$PINS/hyp_endpoints" key $key
expect_code "CHECK after deleting its endpoint map entry" 105 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
check "  ... names the table entries" grep -q "table entries" <<<"$OUT"
hctl reconcile >/dev/null
expect_ok "CHECK after the daemon's reconcile restored the entry" empty CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
ip -n "$T" route del default
expect_code "CHECK after deleting the default route" 105 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
ip -n "$T" route add default via $POOL.1 dev eth0
expect_ok "CHECK after the route is back" empty CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
expect_code "CHECK with a prevResult naming another address" 105 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$T" \
	"$(conf 1.1.0 "{prevResult: ($RES | .ips[0].address = \"$POOL.250/24\")}")"
expect_code "CHECK with a prevResult without the interface" 105 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$T" \
	"$(conf 1.1.0 "{prevResult: ($RES | .interfaces = [])}")"
expect_code "CHECK against another netns" 105 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$L" "$CP"
ip -n "$T" link del eth0
expect_code "CHECK after the interface was deleted" 105 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
expect_ok "DEL after the interface was deleted" empty DEL "ct-$UNIQ" eth0 "/run/netns/$T" "$C"
add_t
ip netns del "$T"
expect_code "CHECK after the netns is gone: unknown container" 3 1.1.0 CHECK "ct-$UNIQ" eth0 "/run/netns/$T" "$CP"
expect_ok "DEL after the netns is gone" empty DEL "ct-$UNIQ" eth0 "/run/netns/$T" "$C"
expect_ok "DEL after the netns is gone, again" empty DEL "ct-$UNIQ" eth0 "/run/netns/$T" "$C"
S=cs-$UNIQ
mkns "$S"
expect_ok "ADD (then the netns vanishes without a DEL)" one ADD "cs-$UNIQ" eth0 "/run/netns/$S" "$C"
ip netns del "$S" && mkns "$S"
expect_ok "ADD of the same container in a new netns replaces the stale attachment" one ADD \
	"cs-$UNIQ" eth0 "/run/netns/$S" "$C"
check "... one row for it, in use" bash -c "[ \$($HYPERCTL --instance $INST -j status | jq .snics) -eq 1 ]"
expect_ok "CHECK of the replacement" empty CHECK "cs-$UNIQ" eth0 "/run/netns/$S" "$C"
expect_ok "DEL of the replacement" empty DEL "cs-$UNIQ" eth0 "/run/netns/$S" "$C"
check "nothing leaked after tampering and DELs" no_leaks

note "== GC"
NET2=cnother-$UNIQ
for i in 1 2 3; do mkns "cg$i-$UNIQ"; done
gc_setup() {
	cni ADD "cg1-$UNIQ" eth0 "/run/netns/cg1-$UNIQ" "$(conf 1.1.0)"
	((RC == 0)) || { echo "cg1: $OUT"; return 1; }
	cni ADD "cg2-$UNIQ" eth0 "/run/netns/cg2-$UNIQ" "$(conf 1.1.0)"
	((RC == 0)) || { echo "cg2: $OUT"; return 1; }
	cni ADD "cg3-$UNIQ" eth0 "/run/netns/cg3-$UNIQ" "$(CONF_NET=$NET2 conf 1.1.0)"
	((RC == 0)) || { echo "cg3: $OUT"; return 1; }
}
check "GC setup: cg1 and cg2 on this network, cg3 on another" gc_setup
expect_ok "GC keeping cg1 only" empty GC "" "" "" \
	"$(conf 1.1.0 "{\"cni.dev/valid-attachments\": [{containerID: \"cg1-$UNIQ\", ifname: \"eth0\"}, {containerID: \"gone-$UNIQ\", ifname: \"eth0\"}]}")"
check "GC kept the listed attachment" bash -c "[ -n \"\$1\" ] && ip -n cg1-$UNIQ link show eth0" _ "$(owner_row "cg1-$UNIQ")"
check "GC removed the unlisted one (row and interface)" bash -c "[ -z \"\$1\" ] && ! ip -n cg2-$UNIQ link show eth0 2>/dev/null" _ "$(owner_row "cg2-$UNIQ")"
check "GC left the other network's attachment alone" bash -c "[ -n \"\$1\" ]" _ "$(owner_row "cg3-$UNIQ" "$NET2")"
check "cg1 still reaches cg3 after GC" ping_ok "cg1-$UNIQ" \
	"$(ip -n "cg3-$UNIQ" -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
expect_ok "GC of the other network with none valid (1.0.0 config)" empty GC "" "" "" \
	"$(CONF_NET=$NET2 conf 1.0.0 '{"cni.dev/valid-attachments": []}')"
check "... removed its attachment" bash -c "[ -z \"\$1\" ]" _ "$(owner_row "cg3-$UNIQ" "$NET2")"
expect_ok "GC with the old key cni.dev/attachments" empty GC "" "" "" \
	"$(conf 1.1.0 '{"cni.dev/attachments": []}')"
check "nothing leaked after GC" no_leaks

note "== 20 concurrent ADDs, then 20 concurrent DELs"
N=20 D=/tmp/hyp-cni-par-$UNIQ
mkdir -p "$D"
on_exit "rm -rf $D"
for i in $(seq $N); do mkns "cc$i-$UNIQ"; done
C=$(conf 1.0.0)
start=$(date +%s%N)
pids=()
for i in $(seq $N); do
	(cni ADD "cc$i-$UNIQ" eth0 "/run/netns/cc$i-$UNIQ" "$C"; echo "$RC" >"$D/rc$i"; echo "$OUT" >"$D/out$i") &
	pids+=($!)
done
wait "${pids[@]}" # not the daemons
note "20 parallel ADDs took $((($(date +%s%N) - start) / 1000000)) ms"
check "all 20 ADDs succeeded" bash -c "[ \"\$(cat $D/rc* | sort -u)\" = 0 ]"
check "20 distinct addresses" bash -c "[ \$(cat $D/out* | jq -r '.ips[0].address' | sort -u | wc -l) -eq $N ]"
check "20 distinct IPv6 addresses" bash -c "[ \$(cat $D/out* | jq -r '.ips[1].address' | sort -u | wc -l) -eq $N ]"
check "20 store rows, 20 endpoint entries" bash -c \
	"[ \$($HYPERCTL --instance $INST -j status | jq .snics) -eq $N ] && [ \$(bpftool map dump pinned $PINS/hyp_endpoints -j | jq length) -eq $N ]"
check "cc1 reaches cc$N" ping_ok "cc1-$UNIQ" "$(jq -r '.ips[0].address' "$D/out$N" | cut -d/ -f1)"
pids=()
for i in $(seq $N); do
	(cni DEL "cc$i-$UNIQ" eth0 "/run/netns/cc$i-$UNIQ" "$C"; echo "$RC" >"$D/drc$i") &
	pids+=($!)
done
wait "${pids[@]}"
check "all 20 DELs succeeded" bash -c "[ \"\$(cat $D/drc* | sort -u)\" = 0 ]"
check "no interface left in the 20 netns" bash -c \
	"for i in \$(seq $N); do ip -n cc\$i-$UNIQ link show eth0 2>/dev/null && exit 1; done; exit 0"
check "nothing leaked (store, addresses, maps, pins, bridge ports)" no_leaks
finish
