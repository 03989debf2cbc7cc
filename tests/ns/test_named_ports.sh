#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves named ports with real traffic: a SNIC declares http=8080/tcp
# (`snic add --port`), a NetworkPolicy allowing port "http" resolves to
# 8080 for it (ingress: the selected pod's port; egress: the destination's),
# a pod that does not declare the name gets nothing on 8080, and a bad
# port name is refused at `snic add`. Every denied flow has an allowed twin
# of the same shape.
. "$(dirname "$0")/lib.sh"

plan 12

INST=nq-$UNIQ
WEB=nqw-$UNIQ OTH=nqo-$UNIQ CLI=nqc-$UNIQ
for n in "$WEB" "$OTH" "$CLI"; do mkns "$n"; done
start_daemon "$INST" || finish
hctl snic add web --netns "$WEB" --label app=web --label role=server --port http=8080/tcp >/dev/null
hctl snic add other --netns "$OTH" --label app=other --label role=server >/dev/null
hctl snic add cli --netns "$CLI" --label app=client >/dev/null
IPW=$(snic_ip web) IPO=$(snic_ip other)

for p in 80 8080; do http_serve "$WEB" $p; http_serve "$OTH" $p; done

# expect SRC-NS DST-IP:PORT allow|deny "why"

check "snic show lists the declared port" bash -c "$HYPERCTL --instance $INST -j snic show web | jq -e '.named_ports == \"http=8080/tcp\"'"
check_fails "an invalid port name (upper case) is refused" hctl snic add bad --netns "$CLI" --ifname eth1 --port HTTP=80
expect "$CLI" "$IPO:8080" allow "no policy: client -> other:8080"

apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: servers-http, namespace: default}
spec:
  podSelector: {matchLabels: {role: server}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: http}]
EOF2
expect_all <<EOF2
$CLI $IPW:8080 allow ingress named port http resolves to web's 8080
$CLI $IPW:80 deny ingress named port: web:80 is not http
$CLI $IPO:8080 deny ingress named port: other does not declare http, 8080 denied
EOF2
tr=$(hctl -j policy trace cli web tcp 8080)
check "trace: client -> web:8080 allowed by servers-http" jq -e '.verdict == "allowed"' <<<"$tr"
hctl policy delete default/servers-http >/dev/null

# the twin of "other: denied": numbered, the same flow passes
apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: servers-8080, namespace: default}
spec:
  podSelector: {matchLabels: {role: server}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: 8080}]
EOF2
expect "$CLI" "$IPO:8080" allow "numbered port twin: other:8080 allowed"
hctl policy delete default/servers-8080 >/dev/null

apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cli-http, namespace: default}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: http}]
EOF2
expect_all <<EOF2
$CLI $IPW:8080 allow egress named port http resolves to the destination web's 8080
$CLI $IPW:80 deny egress named port: web:80 is not http
$CLI $IPO:8080 deny egress named port: other does not declare http, 8080 denied
EOF2
hctl policy delete default/cli-http >/dev/null
expect "$CLI" "$IPO:8080" allow "policy deleted: client -> other:8080 allowed again"

finish
