#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves, with podman (Debian 12, CNI backend) as the real runtime: a
# network from examples/cni/hyperion.conflist carries HTTP from a client
# container to a server container, over IPv4 and over IPv6 (dual stack:
# podman reports both addresses of the CNI result); a host-netns capture
# sees none of it;
# a restarted container gets a fresh attachment and keeps working (the
# old one released); podman rm releases everything (interface, address,
# store row, map entry, link pin, bridge port, CNI cache). Published
# ports (the conflist's portMappings capability): without an uplink a
# `podman run -p` is refused; with one, `-p HOSTPORT:80` serves the
# outside network's client through the uplink address; a second container
# asking for the same host port, or publishing one port twice, is refused
# and leaves nothing; podman rm
# takes the publication away. An IPv6-only network (the conflist on a
# hyperiond --pool none instance): the container gets only IPv6, ping -6 and
# HTTP work between two containers, the host capture sees none of it, podman
# rm leaves nothing. A network whose conflist asks for ipFamily ipv4 gives
# a container on the dual-stack instance IPv4 alone; one asking for dual on
# the IPv6-only instance is refused, saying why, and leaves nothing.
# podman runs with private --root/--runroot/--tmpdir, CONTAINERS_CONF and
# CNI config dir: nothing global is changed (except podman import's
# /var/lib/containers/cache, which podman 4.3 writes regardless).
# Podman that cannot be set up or cannot run a container is a failure, not
# a skip: the test command installs podman (scripts/setup-podman.sh, which
# here only writes the private configuration), and on the Debian 12 machine
# it targets podman runs. The checks that then cannot run are reported as
# skipped ("not run"), next to the failure that stopped them.
. "$(dirname "$0")/lib.sh"
plan 48

# give_up: the rest of the plan cannot run (after a not ok saying why)
give_up() {
	while ((RESULTS < PLAN)); do skip "not run: $1"; done
	finish
}

W=$(mktemp -d /tmp/hyp-podman.XXXXXX)
on_exit "rm -rf $W"
if bash "$ROOT/scripts/setup-podman.sh" "$W/conf" "$ROOT/build" >"$W/setup.log" 2>&1; then
	ok "scripts/setup-podman.sh wrote the private podman configuration"
else
	notok "scripts/setup-podman.sh failed: $(tail -1 "$W/setup.log")"
	sed 's/^/#   /' "$W/setup.log" | tail -15
	give_up "podman is not set up"
fi
[ -x "$BUILD/hyperion" ] || { notok "build/hyperion missing (run make)"; give_up "no CNI plugin"; }
export CONTAINERS_CONF=$W/conf/containers.conf
P=(podman --root "$W/root" --runroot "$W/runroot" --tmpdir "$W/tmp" --cgroup-manager cgroupfs
	--events-backend file)
pod() { timeout 120 "${P[@]}" "$@"; }
RUN=(run --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --stop-timeout 1)

INST=pd-$UNIQ NET=hypnet-$UNIQ POOL=10.81.0
IMG=localhost/hyp-busybox:$UNIQ
# no periodic reconcile: only the plugin's DEL may release attachments
start_daemon "$INST" --pool $POOL.0/24 --reconcile-ms 3600000 || give_up "no daemon"
PINS=/sys/fs/bpf/hyperion/$INST

# the image: a busybox-static rootfs, imported (no registry here)
mkdir -p "$W/rootfs/bin" "$W/rootfs/www" "$W/rootfs/tmp" "$W/rootfs/etc"
cp /bin/busybox "$W/rootfs/bin/"
for a in sh true httpd wget sleep cat ip timeout ping; do ln -s busybox "$W/rootfs/bin/$a"; done
echo "hello from the hyperion server" >"$W/rootfs/www/index.html"
tar -C "$W/rootfs" -cf "$W/rootfs.tar" .
on_exit "${P[*]} system reset -f"
on_exit "${P[*]} rm -af -t 0"
if pod import "$W/rootfs.tar" "$IMG" >"$W/import.log" 2>&1; then
	ok "podman imports the busybox image"
else
	notok "podman import failed: $(tail -1 "$W/import.log")"
	give_up "no image"
fi
if pod "${RUN[@]}" --rm --network none "$IMG" /bin/true >"$W/probe.log" 2>&1; then
	ok "podman runs a container (runc, network none)"
else
	notok "podman cannot run a container: $(tail -1 "$W/probe.log")"
	sed 's/^/#   /' "$W/probe.log" | tail -15
	give_up "podman cannot run a container"
fi

# the network: the shipped example conflist, named for this test
jq --arg n "$NET" --arg i "$INST" '.name = $n | .plugins[0].instance = $i' \
	"$ROOT/examples/cni/hyperion.conflist" >"$W/conf/net.d/$NET.conflist"
net_listed() { pod network ls --format '{{.Name}} {{.Driver}}' | grep -qx "$NET hyperion"; }
check "podman lists the hyperion network" net_listed

HOSTLINKS=$(ip -o link show | awk -F': ' '{print $2}' | sort)
ip_of() { pod inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$1"; }
id_of() { pod inspect -f '{{.Id}}' "$1"; }
netns_of() { pod inspect -f '{{.NetworkSettings.SandboxKey}}' "$1"; }

SRV=srv-$UNIQ CLI=cli-$UNIQ
check "server container starts on the network" pod "${RUN[@]}" -d --name "$SRV" --network "$NET" \
	"$IMG" /bin/httpd -f -p 80 -h /www
SIP=$(ip_of "$SRV")
SNS=$(netns_of "$SRV")
note "server $SRV at $SIP ($SNS)"
check "server address from the instance pool" grep -q "^$POOL\." <<<"$SIP"
snic_of() { # container -> the daemon's SNIC of its attachment
	hctl -j snic list | jq -c --arg o "$NET/$(id_of "$1")/eth0" '.[] | select(.owner == $o)'
}
check "the daemon holds the server's attachment (owner NET/ID/eth0, the config's labels, no per-pod label)" \
	jq -e --arg ip "$SIP" \
	'(.ip | startswith($ip + "/")) and .labels == {"network": "hyperion"}' \
	<<<"$(snic_of "$SRV")"

fetch() { # one client container's whole life: ADD, HTTP GET, DEL
	pod "${RUN[@]}" --rm --name "$CLI-$1" --network "$NET" "$IMG" \
		/bin/sh -c "timeout 5 wget -q -O - http://$SIP/" >"$W/fetch-$1.out" 2>&1
}
fetch_ok() { fetch "$1"; local rc=$?; cat "$W/fetch-$1.out"; ((rc == 0)) && grep -q 'hello from the hyperion server' "$W/fetch-$1.out"; }
check "client container fetches from the server over HTTP" fetch_ok 1
SIP6=$(pod inspect -f "{{(index .NetworkSettings.Networks \"$NET\").GlobalIPv6Address}}" "$SRV")
check "dual stack: podman reports the server's IPv6 address ($SIP6), the container has it" \
	bash -c "[ -n '$SIP6' ] && nsenter --net='$SNS' ip -6 addr show dev eth0 | grep -q 'inet6 $SIP6/'"
fetch6_ok() {
	pod "${RUN[@]}" --rm --name "$CLI-6" --network "$NET" "$IMG" \
		/bin/sh -c "timeout 5 wget -q -O - http://[$SIP6]/" 2>&1 | grep -q 'hello from the hyperion server'
}
check "client container fetches from the server over IPv6" fetch6_ok

# A host capture of the pool's traffic, with the host's own ping of
# 127.0.0.2 as the control that the capture records what the host carries.
host_capture() { # command...: prints "CONTROL-FRAMES POOL-FRAMES"; fails when tcpdump does
	local pcap=$W/host.pcap tp rc
	tcpdump -i any -nn -U --immediate-mode -w "$pcap" "net $POOL.0/24 or host 127.0.0.2" 2>"$pcap.err" &
	tp=$!
	for _ in $(seq 30); do grep -q listening "$pcap.err" && break; sleep 0.1; done
	kill -0 "$tp" 2>/dev/null || { echo "tcpdump failed: $(cat "$pcap.err")"; return 1; }
	ping -c 2 -i 0.2 -W 1 127.0.0.2 >/dev/null 2>&1
	"$@" >/dev/null 2>&1
	sleep 0.5
	kill -INT "$tp"
	wait "$tp"
	rc=$?
	if ((rc != 0 && rc != 130)); then echo "tcpdump failed ($rc): $(cat "$pcap.err")"; return 1; fi
	echo "$(tcpdump -nn -r "$pcap" host 127.0.0.2 2>/dev/null | wc -l) $(tcpdump -nn -r "$pcap" net $POOL.0/24 2>/dev/null | wc -l)"
}
read -r ctl n <<<"$(host_capture fetch 2)"
if [ "${ctl:-0}" -ge 4 ] 2>/dev/null; then ok "control: the host capture records the host's own ping ($ctl frames)"; else
	notok "control: the host capture records the host's own ping: '$ctl $n'"; fi
if [ "$n" = "0" ]; then ok "host-netns capture during a client's whole life saw 0 frames of the pool"; else
	notok "host capture saw '$n' frames of the pool"; fi
check "... and that client did get the page" grep -q 'hello from the hyperion server' "$W/fetch-2.out"
host_links() { ip -o link show | awk -F': ' '{print $2}' | sort; }
snics_are() { [ "$(hctl -j status | jq .snics)" -eq "$1" ]; }
check "no host interface appeared" test "$(host_links)" = "$HOSTLINKS"
check "one-shot clients left no attachment behind" snics_are 1

OLDIP=$SIP OLDNS=$SNS
check "podman restart of the server" pod restart -t 1 "$SRV"
SIP=$(ip_of "$SRV")
SNS=$(netns_of "$SRV")
note "server after restart at $SIP ($SNS)"
check "the restarted server has one attachment" snics_are 1
check "... in its new netns" test "$(snic_of "$SRV" | jq -r .netns)" = "$SNS"
check "the old netns is gone (the new one has another path)" test "$SNS" != "$OLDNS" -a ! -e "$OLDNS"
check "a client fetches from the restarted server" fetch_ok 3
stop_start() { pod stop -t 1 "$1" && pod start "$1"; }
check "podman stop + start of the server" stop_start "$SRV"
SIP=$(ip_of "$SRV")
SNS=$(netns_of "$SRV")
check "a client fetches after stop + start" fetch_ok 4
note "old address $OLDIP, now $SIP"

# a long-lived client too, then podman rm of both
check "long-lived client starts" pod "${RUN[@]}" -d --name "$CLI" --network "$NET" "$IMG" /bin/sleep 600
exec_fetch() { pod exec "$CLI" timeout 5 wget -q -O - "http://$SIP/" | grep -q 'hello from the hyperion server'; }
check "long-lived client fetches" exec_fetch
SID=$(id_of "$SRV") CID=$(id_of "$CLI") CNS=$(netns_of "$CLI")
# the twin of "released everything": what podman rm must release is there
held() {
	local st e l p c
	st=$(hctl -j status | jq -c '[.snics, .addresses_used]')
	e=$(map_count hyp_endpoints) l=$(ls "$PINS/links" | wc -l)
	p=$(ip -n "hyp-$INST" -o link show 2>&1 | grep -v "Peer netns reference is invalid" | awk -F': ' '$2 ~ /^hp/' | wc -l)
	c=$(ls /var/lib/cni/results 2>&1 | grep -c -e "$SID" -e "$CID")
	echo "snics, addresses $st; endpoints $e; link pins $l; bridge ports $p; CNI cache entries $c"
	echo "netns: $SNS $CNS"
	[ "$st" = "[2,2]" ] && [ "$e" = 2 ] && [ "$l" = 4 ] && [ "$p" = 2 ] && [ -e "$SNS" ] && [ -e "$CNS" ] && [ "$c" = 2 ]
}
check "before rm: two attachments (rows, addresses, entries, pins, ports, netns, CNI cache)" held
check "podman rm -f of server and client" pod rm -f -t 0 "$SRV" "$CLI"
leaks() {
	hctl -j status | jq -r 'select(.snics != 0 or .addresses_used != 0) | "status: \(.snics) snics, \(.addresses_used) addresses"'
	for m in hyp_endpoints hyp_ports hyp_guards; do
		c=$(map_count $m)
		[ "$c" = 0 ] || echo "map $m: $c entries"
	done
	ls "$PINS/links"
	ip -n "hyp-$INST" -o link show 2>&1 | grep -v "Peer netns reference is invalid" | awk -F': ' '$2 ~ /^hp/ {print "bridge port " $2}'
	for ns in "$SNS" "$CNS"; do [ -e "$ns" ] && echo "netns $ns still there"; done
	ls /var/lib/cni/results 2>/dev/null | grep -e "$SID" -e "$CID"
	[ "$(host_links)" = "$HOSTLINKS" ] || echo "host links changed"
}
no_leaks() { local l; l=$(leaks 2>&1); [ -z "$l" ] || { echo "$l"; return 1; }; }
check "podman rm released everything (store, addresses, maps, pins, ports, netns, CNI cache)" no_leaks

# --- podman run -p: the portMappings capability, through the uplink ---
OUT=pdo-$UNIQ UP=pu$UNIQ N=$((RANDOM % 200 + 20))
UADDR=100.66.$N.2 OADDR=100.66.$N.1 HP=$((20000 + RANDOM % 20000))
PUB=pub-$UNIQ T0=$SECONDS
published() { hctl -j publish list | jq -c '[.[] | [.port, .proto, .snic_port]]'; }
no_uplink_refused() {
	! pod "${RUN[@]}" --rm --name "$PUB-0" -p "$HP:80" --network "$NET" "$IMG" /bin/true \
		>"$W/nouplink.log" 2>&1 && grep -q "no uplink to publish on" "$W/nouplink.log"
}
check "without an uplink, podman run -p is refused (the instance has no uplink)" no_uplink_refused
check "... and leaves no attachment, no publication" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j status | jq .snics)\" = 0 ] && \
		[ \"\$($HYPERCTL --instance $INST -j publish list | jq length)\" = 0 ]"
mkns "$OUT"
ip link add "$UP" type veth peer name peer0 netns "$OUT"
on_exit "ip link del $UP"
ip -n "$OUT" addr add "$OADDR/24" dev peer0
ip -n "$OUT" link set peer0 up
check "hyperctl uplink set (a veth to the outside namespace)" hctl uplink set "$UP" --addr "$UADDR/24"
check "podman run -d -p $HP:80 of an HTTP server" pod "${RUN[@]}" -d --name "$PUB" -p "$HP:80" \
	--network "$NET" "$IMG" /bin/httpd -f -p 80 -h /www
check "the plugin published it: $HP/tcp -> the container's port 80" \
	test "$(published)" = "[[$HP,\"tcp\",80]]"
outside_get() { # PORT
	timeout 8 ip netns exec "$OUT" busybox wget -q -O - "http://$UADDR:$1/" 2>&1 |
		grep -q 'hello from the hyperion server'
}
check "the outside client fetches the page from $UADDR:$HP" outside_get "$HP"
podman_err=$W/conflict.log
conflict_refused() {
	! pod "${RUN[@]}" --rm --name "$PUB-2" -p "$HP:80" --network "$NET" "$IMG" /bin/true \
		>"$podman_err" 2>&1 && grep -q "already published" "$podman_err"
}
check "a second container asking for host port $HP is refused (port already published)" \
	conflict_refused
check "... and leaves one attachment, one publication" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j status | jq .snics)\" = 1 ] && \
		[ \"\$(bpftool map dump pinned $PINS/hyp_publish -j | jq length)\" = 1 ]"
twice_refused() { # the container's port 80 under two host ports: made, then rolled back
	! pod "${RUN[@]}" --rm --name "$PUB-3" -p "$((HP + 1)):80" -p "$((HP + 2)):80" \
		--network "$NET" "$IMG" /bin/true >"$W/twice.log" 2>&1 &&
		grep -q "is already published as port" "$W/twice.log"
}
check "a container publishing its port 80 twice is refused (after its attachment was made)" \
	twice_refused
check "... and its attachment and first publication were removed again" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j status | jq .snics)\" = 1 ] && \
		[ \"\$($HYPERCTL --instance $INST -j publish list | jq length)\" = 1 ]"
check "podman rm -f of the published container" pod rm -f -t 0 "$PUB"
check "its publication went with it (store and datapath table)" \
	bash -c "[ \"\$($HYPERCTL --instance $INST -j publish list | jq length)\" = 0 ] && \
		[ \"\$(bpftool map dump pinned $PINS/hyp_publish -j | jq length)\" = 0 ] && \
		[ \"\$($HYPERCTL --instance $INST -j status | jq .snics)\" = 0 ]"
note "podman -p checks took $((SECONDS - T0)) s; refusals: $(grep -ho 'port mapping.*' "$W/nouplink.log" "$podman_err" | tr '\n' ';')"

# --- an IPv6-only network: the same conflist on an IPv6-only instance (--pool none) ---
INST6=pd6-$UNIQ NET6=hypnet6-$UNIQ T0=$SECONDS
start_daemon "$INST6" --pool none --reconcile-ms 3600000 || give_up "no IPv6-only daemon"
jq --arg n "$NET6" --arg i "$INST6" '.name = $n | .plugins[0].instance = $i' \
	"$ROOT/examples/cni/hyperion.conflist" >"$W/conf/net.d/$NET6.conflist"
check "IPv6-only network: a server container starts on it" pod "${RUN[@]}" -d --name "$SRV-6" \
	--network "$NET6" "$IMG" /bin/httpd -f -p 80 -h /www
S6=$(pod inspect -f "{{(index .NetworkSettings.Networks \"$NET6\").GlobalIPv6Address}}" "$SRV-6")
S4=$(pod inspect -f "{{(index .NetworkSettings.Networks \"$NET6\").IPAddress}}" "$SRV-6")
check "podman reports only an IPv6 address ($S6, IPv4 '$S4'); the container has no IPv4 address" \
	bash -c "[ -n '$S6' ] && [ -z '$S4' ] && nsenter --net='$(netns_of "$SRV-6")' ip -6 addr show dev eth0 | grep -q 'inet6 $S6/' &&
	[ -z \"\$(nsenter --net='$(netns_of "$SRV-6")' ip -4 addr show dev eth0)\" ]"
fetch_v6only() { # a client's whole life; its output in $W/v6o.out
	pod "${RUN[@]}" --rm --cap-add NET_RAW --name "$CLI-v6o" --network "$NET6" "$IMG" \
		/bin/sh -c "ping -6 -c 1 -W 2 $S6 && timeout 5 wget -q -O - http://[$S6]/" >"$W/v6o.out" 2>&1
}
n=$(capture_host "ip6 and net $("$HYPERCTL" --instance "$INST6" -j status | jq -r .pool6)" fetch_v6only)
check "a client container on it: ping -6 and HTTP over IPv6 to the server, and a host capture saw none of it ($n frames)" \
	bash -c "grep -q ' 0% packet loss' $W/v6o.out && grep -q 'hello from the hyperion server' $W/v6o.out && [ '$n' = 0 ]"
check "podman rm of the server leaves nothing on the IPv6-only instance" \
	bash -c "${P[*]} rm -f -t 0 $SRV-6 >/dev/null &&
	$HYPERCTL --instance $INST6 -j status | jq -e '.snics == 0 and .addresses6_used == 0' &&
	[ \"\$(bpftool map dump pinned /sys/fs/bpf/hyperion/$INST6/hyp_ports -j | jq length)\" = 0 ]"
note "the IPv6-only network's checks took $((SECONDS - T0)) s"

# --- a network's ipFamily: IPv4 only on the dual-stack instance; a family
# the instance lacks is refused and leaves nothing ---
NET4=hypnet4-$UNIQ NETX=hypnetx-$UNIQ T0=$SECONDS
jq --arg n "$NET4" --arg i "$INST" '.name = $n | .plugins[0].instance = $i | .plugins[0].ipFamily = "ipv4"' \
	"$ROOT/examples/cni/hyperion.conflist" >"$W/conf/net.d/$NET4.conflist"
jq --arg n "$NETX" --arg i "$INST6" '.name = $n | .plugins[0].instance = $i | .plugins[0].ipFamily = "dual"' \
	"$ROOT/examples/cni/hyperion.conflist" >"$W/conf/net.d/$NETX.conflist"
check "ipFamily ipv4 network on the dual-stack instance: a container starts on it" \
	pod "${RUN[@]}" -d --name "$SRV-4" --network "$NET4" "$IMG" /bin/sleep 600
S4=$(pod inspect -f "{{(index .NetworkSettings.Networks \"$NET4\").IPAddress}}" "$SRV-4")
S6=$(pod inspect -f "{{(index .NetworkSettings.Networks \"$NET4\").GlobalIPv6Address}}" "$SRV-4")
check "podman reports only an IPv4 address ($S4, IPv6 '$S6'); the container has no global IPv6 address" \
	bash -c "grep -q '^$POOL\.' <<<'$S4' && [ -z '$S6' ] &&
	[ -z \"\$(nsenter --net='$(netns_of "$SRV-4")' ip -6 addr show dev eth0 scope global)\" ]"
check "podman rm of it leaves nothing" \
	bash -c "${P[*]} rm -f -t 0 $SRV-4 >/dev/null && $HYPERCTL --instance $INST -j status | jq -e '.snics == 0'"
pod "${RUN[@]}" --rm --name "$CLI-x" --network "$NETX" "$IMG" /bin/true >"$W/famx.log" 2>&1
RCX=$?
check "ipFamily dual network on the IPv6-only instance: podman run is refused (rc $RCX), saying why" \
	bash -c "[ $RCX != 0 ] && grep -q 'no IPv4 pool' $W/famx.log"
check "... and leaves nothing" \
	bash -c "$HYPERCTL --instance $INST6 -j status | jq -e '.snics == 0 and .addresses6_used == 0'"
note "the ipFamily checks took $((SECONDS - T0)) s"
finish
