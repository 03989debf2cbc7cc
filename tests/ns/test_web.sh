#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: hyperiond --web refuses what it must (a non-loopback address
# without --web-allow-remote, a bad or busy address) before it makes
# anything; /metrics passes `promtool check metrics`; a real Prometheus
# (Debian's) scrapes the daemon and its HTTP API answers with values that
# reflect the traffic the test made; the page at / rendered by headless
# Chromium draws exactly the edges of that traffic, each in its verdict
# (allowed, denied by policy, blocked by inspection), and none that did not
# happen; a slow web client does not hold the API.
. "$(dirname "$0")/lib.sh"
plan 20

free_port() { # a TCP port nothing listens on, on loopback
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
	return 1
}
INST=web-$UNIQ
A=wba-$UNIQ B=wbb-$UNIQ C=wbc-$UNIQ
WP=$(free_port) PP=$(free_port)
TMP=$(mktemp -d /tmp/hyp-web.XXXXXX)
on_exit "rm -rf $TMP"

refused() { # hyperiond args...: exits 2 at once, says why, leaves no instance
	local out rc
	out=$(timeout 20 "$HYPERIOND" --instance "$INST" "$@" 2>&1)
	rc=$?
	[ "$rc" = 2 ] && [ ! -e "/run/hyperion/$INST.sock" ] && ! ip netns list | grep -q "hyp-$INST\b" ||
		{ echo "rc $rc: $out"; return 1; }
	echo "$out" | head -1
}
check "--web 0.0.0.0:PORT is refused without --web-allow-remote" refused --web "0.0.0.0:$WP"
check "--web with port 0 is refused" refused --web 127.0.0.1:0
check "--web without a port is refused" refused --web 127.0.0.1
check "--web-allow-remote alone is refused" refused --web-allow-remote
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(30)' "$WP" &
HOLD=$!
_CLEAN_PIDS+=("$HOLD")
# wait until the holder listens (a fixed 0.5 s was too short under load)
for _ in $(seq 100); do ss -Htln "sport = :$WP" | grep -q . && break; sleep 0.1; done
check "--web on a port in use is refused" refused --web "127.0.0.1:$WP"
kill "$HOLD"; wait "$HOLD" 2>/dev/null

mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" --web "127.0.0.1:$WP" --metrics-endpoints || finish
hctl snic add web --netns "$A" --label app=web --label namespace=shop >/dev/null
hctl snic add db --netns "$B" --label app=db --label namespace=shop >/dev/null
hctl snic add cli --netns "$C" --label app=client --label namespace=lab >/dev/null
IPB=$(snic_ip db)
hctl policy apply -f - >/dev/null <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 8080}]
---
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: db-guard, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  direction: ingress
  action: drop
  patterns: [{pattern: /etc/passwd}]
EOF2
http_serve "$B" 8080
for _ in 1 2 3; do http_get "$A" "http://$IPB:8080/" >/dev/null; done
http_get "$A" "http://$IPB:8080/etc/passwd" >/dev/null
http_get "$C" "http://$IPB:8080/" >/dev/null
URL=http://127.0.0.1:$WP

curl -s "$URL/metrics" >"$TMP/metrics"
check "/metrics passes promtool check metrics" promtool check metrics <"$TMP/metrics"
check "/metrics counts the policy drops by reason" \
	grep -q '^hyperion_dropped_packets_total{reason="policy-ingress-denied",stage="bridge"} [1-9]' "$TMP/metrics"
check "/metrics has per-endpoint series when asked" \
	grep -q '^hyperion_endpoint_sent_packets_total{endpoint="cli",namespace="lab"} [1-9]' "$TMP/metrics"
check "unknown paths are 404, other methods 405" \
	bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $URL/nope) = 404 ] && [ \$(curl -s -o /dev/null -w '%{http_code}' -X POST $URL/metrics) = 405 ]"

# a client that connects and sends nothing does not hold the API
exec 7<>"/dev/tcp/127.0.0.1/$WP"
check "a silent web client does not hold the API" timeout 5 "$HYPERCTL" --instance "$INST" status
exec 7>&-

# Prometheus from Debian, on loopback, its own config and data, stopped by PID
cat >"$TMP/prometheus.yml" <<EOF2
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
- job_name: hyperion
  static_configs: [{targets: ['127.0.0.1:$WP']}]
EOF2
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
	--web.listen-address="127.0.0.1:$PP" >"$TMP/prometheus.log" 2>&1 &
PROM=$!
_CLEAN_PIDS+=("$PROM")
query() { # PromQL -> the first value, or nothing
	curl -s --get "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PP/-/ready" >/dev/null && break; sleep 0.5; done
for _ in $(seq 60); do [ -n "$(query up)" ] && [ "$(query up)" = 1 ] && break; sleep 0.5; done
check "Prometheus scrapes the daemon (up == 1)" test "$(query 'up{job="hyperion"}')" = 1
FWD=$(grep '^hyperion_forwarded_packets_total ' "$TMP/metrics" | cut -d' ' -f2)
V=$(query hyperion_forwarded_packets_total)
check "Prometheus has the forwarded packets the traffic made (>= $FWD, got $V)" \
	test "${V:-0}" -ge "$FWD" -a "$FWD" -gt 0
V=$(query 'hyperion_dropped_packets_total{reason="inspect-match"}')
check "Prometheus has the inspection block (inspect-match drops: $V)" test "${V:-0}" -ge 1
kill "$PROM"; wait "$PROM" 2>/dev/null

# the page, in headless Chromium, after the traffic
PROF=$(mktemp -d /tmp/hyp-chromium.XXXXXX)
on_exit "rm -rf $PROF"
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$PROF" \
		--virtual-time-budget=8000 "$@" 2>>"$TMP/chromium.log"
}
chrome --dump-dom "$URL/" >"$TMP/dom.html"
edges() { grep -o '<path[^>]*class="edge [a-z]*"[^>]*>' "$TMP/dom.html" |
	sed -E 's/.*data-src="([^"]*)" data-dst="([^"]*)" data-verdict="([^"]*)".*/\1>\2:\3/' | sort -u | tr '\n' ' '; }
E=$(edges)
note "edges drawn: $E"
check "the page draws web->db allowed" grep -q 'web>db:allowed' <<<"$E"
check "the page draws cli->db denied by policy" grep -q 'cli>db:denied' <<<"$E"
check "the page draws web->db blocked by inspection" grep -q 'web>db:blocked' <<<"$E"
check "and no edge the traffic did not make (exactly those three)" test "$E" = "cli>db:denied web>db:allowed web>db:blocked "
# an edge's panel (#edge= opens it as a click does): its events and the trace
chrome --dump-dom "$URL/#edge=cli>db" >"$TMP/panel.html"
check "an edge's panel lists its recent events (cli->db: denied, policy-ingress-denied)" \
	grep -q "<td class=\"denied\">denied</td><td>drop</td>.*policy-ingress-denied" "$TMP/panel.html"
check "and the policy trace of that flow (db's ingress is enforced, nothing allows cli)" \
	grep -q '"allowed_by": "nothing: default deny"' "$TMP/panel.html"
chrome --screenshot="$TMP/page.png" --window-size=1280,760 "$URL/#edge=web>db" >/dev/null
check "a screenshot of the page is taken" bash -c "[ -s $TMP/page.png ] && file $TMP/page.png | grep -q PNG"
[ -n "${HYP_SCREENSHOT:-}" ] && cp "$TMP/page.png" "$HYP_SCREENSHOT"
finish
