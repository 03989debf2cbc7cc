#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves, with real traffic, Kubernetes NetworkPolicy semantics on the
# secure bridge: not selected = allow all; default deny ingress / egress;
# allow by pod labels, by namespace, both together; ipBlock with except;
# port ranges; policies adding up; deletion; replies of allowed flows
# pass; bad documents are rejected whole; `policy trace` explains; a policy
# re-applied under its name replaces its old rules; a deleted policy's
# endpoint is back to allow-all; rules of a direction policyTypes leaves
# out are accepted and ignored. Every denied flow has an allowed twin of
# the same shape (client, server, port) that differs only in what the
# policy tells apart.
. "$(dirname "$0")/lib.sh"

plan 61

INST=po-$UNIQ
WEB=pow-$UNIQ DB=pod-$UNIQ CLI=poc-$UNIQ DEV=pov-$UNIQ
for n in "$WEB" "$DB" "$CLI" "$DEV"; do mkns "$n"; done
start_daemon "$INST" || finish
hctl snic add web --netns "$WEB" --label app=web --label namespace=prod >/dev/null
hctl snic add db --netns "$DB" --label app=db --label namespace=prod >/dev/null
hctl snic add cli --netns "$CLI" --label app=client --label namespace=prod >/dev/null
hctl snic add dev --netns "$DEV" --label app=client --label namespace=dev >/dev/null
hctl namespace label dev team=blue >/dev/null
IPW=$(snic_ip web) IPD=$(snic_ip db) IPC=$(snic_ip cli) IPV=$(snic_ip dev)

for p in 80 5432 7999 8000 8080 8081; do http_serve "$DB" $p; done
http_serve "$WEB" 80
http_serve "$WEB" 8080
http_serve "$CLI" 80

# expect SRC-NS DST-IP:PORT allow|deny "why"

expect "$CLI" "$IPD:80" allow "no policy: client -> db:80"
expect "$DEV" "$IPD:5432" allow "no policy: dev client -> db:5432"

apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-default-deny, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
EOF2
expect_all <<EOF2
$CLI $IPD:80 deny default deny ingress: client -> db:80
$WEB $IPD:5432 deny default deny ingress: web -> db:5432
$CLI $IPW:80 allow default deny ingress on db leaves web open
$DB $IPC:80 allow ingress-only policy does not restrict db's egress
EOF2

apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 5432}]
EOF2
expect_all <<EOF2
$WEB $IPD:5432 allow allow by pod labels: web -> db:5432
$WEB $IPD:80 deny only the listed port: web -> db:80
$CLI $IPD:5432 deny other pods still denied: client -> db:5432
EOF2

apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-dev, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: dev}}}]
    ports: [{port: 8000, endPort: 8080}]
EOF2
expect_all <<EOF2
$DEV $IPD:8000 allow namespace selector + range start: dev -> db:8000
$DEV $IPD:8080 allow range end: dev -> db:8080
$DEV $IPD:8081 deny past the range: dev -> db:8081
$DEV $IPD:7999 deny before the range: dev -> db:7999
$CLI $IPD:8000 deny prod client is not in namespace dev
$WEB $IPD:5432 allow policies add up: web -> db:5432 still allowed
EOF2

hctl policy delete prod/db-from-dev >/dev/null
apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-pod-and-ns, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: blue}}
      podSelector: {matchLabels: {app: client}}
    ports: [{port: 80}]
EOF2
expect "$DEV" "$IPD:80" allow "pod AND namespace selector: dev client (team blue) -> db:80"
expect "$CLI" "$IPD:80" deny "pod AND namespace selector: prod client -> db:80"
hctl policy delete prod/db-pod-and-ns >/dev/null

apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ipblock, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{ipBlock: {cidr: 10.240.0.0/16, except: [$IPC/32]}}]
    ports: [{port: 8081}]
EOF2
expect "$DEV" "$IPD:8081" allow "ipBlock: dev's address in the block"
expect "$CLI" "$IPD:8081" deny "ipBlock except: client's address excluded"

apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cli-no-egress, namespace: prod}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
EOF2
expect "$CLI" "$IPW:80" deny "default deny egress: client -> web"
expect "$WEB" "$IPC:80" allow "egress deny does not stop replies to flows web opens"
expect "$DEV" "$IPW:80" allow "egress policy of prod does not select dev's client"
check "ICMP replies pass back to the pinger (web -> client)" ping_ok "$WEB" "$IPC"
check "dev's ping to web is allowed (not selected by prod's egress policy)" ping_ok "$DEV" "$IPW"
check_fails "client's egress ping to web is denied" ping_ok "$CLI" "$IPW"

# trace explains
tr=$(hctl -j policy trace web db tcp 5432)
check "trace: web -> db:5432 allowed by db-from-web" jq -e '.verdict == "allowed" and (.ingress.allowed_by | test("prod/db-from-web ingress\\[0\\]"))' <<<"$tr"
tr=$(hctl -j policy trace cli db tcp 80)
check "trace: client -> db:80 denied by default deny" jq -e '.verdict == "denied" and .ingress.allowed_by == "nothing: default deny"' <<<"$tr"
check "trace human output" bash -c "$HYPERCTL --instance $INST policy trace cli web tcp 80 | grep -q 'verdict  denied (policy-egress-denied)'"
check "drop counters counted policy-ingress-denied and policy-egress-denied" bash -c "$HYPERCTL --instance $INST -j status | jq -e '.drops[\"policy-ingress-denied\"] > 0 and .drops[\"policy-egress-denied\"] > 0'"

# bad documents: rejected whole, nothing half-applied
before=$(hctl -j policy list | jq -c 'map(.namespace + "/" + .name)')
bad() { # desc regex: the document comes on stdin
	local out
	out=$(hctl policy apply -f - 2>&1) && { notok "$1: accepted"; return; }
	grep -qE "$2" <<<"$out" || { notok "$1: unclear error: $out"; return; }
	[ "$(hctl -j policy list | jq -c 'map(.namespace + "/" + .name)')" = "$before" ] ||
		{ notok "$1: policy set changed"; return; }
	ok "$1: $out"
}
bad "second document invalid" "document 2.*line [0-9]+" <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: good-one, namespace: prod}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad-one, namespace: prod}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: 80, endPort: 70}]
EOF2
bad "unknown field" "line [0-9]+" <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo}
spec:
  podSelecter: {}
EOF2
bad "wrong kind" "kind" <<EOF2
apiVersion: networking.k8s.io/v1
kind: Deployment
metadata: {name: nope}
spec: {podSelector: {}}
EOF2
bad "invalid port name" "not a port number or a port name" <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named}
spec:
  podSelector: {}
  ingress: [{ports: [{port: HTTP}]}]
EOF2
bad "not YAML" "line" <<<"{{{ not: [yaml"

check "deleting the four remaining policies succeeds" bash -c "for p in db-default-deny db-from-web db-ipblock cli-no-egress; do $HYPERCTL --instance $INST policy delete prod/\$p || exit 1; done"
check "policy list empty after deletes" bash -c "$HYPERCTL --instance $INST -j policy list | jq -e 'length == 0'"
expect "$CLI" "$IPD:80" allow "policies deleted: client -> db:80 allowed again"
expect "$CLI" "$IPW:80" allow "policies deleted: client -> web allowed again"
check_fails "deleting an unknown policy fails" hctl policy delete prod/ghost

# re-applied under the same name, a policy replaces its old rules
webports() { # PORT: the document prod/web-ports allowing clients to web:PORT
	apply <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ports, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: $1}]
EOF2
}
webports 8080
expect "$CLI" "$IPW:8080" allow "web-ports allows 8080: client -> web:8080"
expect "$CLI" "$IPW:80" deny "web-ports allows only 8080: client -> web:80"
webports 80
expect "$CLI" "$IPW:80" allow "web-ports re-applied with 80: client -> web:80"
expect "$CLI" "$IPW:8080" deny "web-ports re-applied without 8080, its old rule is gone: client -> web:8080"
check "policy list shows one web-ports, the re-applied one (port 80)" bash -c "$HYPERCTL --instance $INST -j policy list | jq -e 'length == 1 and .[0].namespace == \"prod\" and .[0].name == \"web-ports\" and .[0].document.spec.ingress[0].ports[0].port == 80'"
check "trace: client -> web:8080 denied, :80 allowed by web-ports" bash -c "$HYPERCTL --instance $INST -j policy trace cli web tcp 8080 | jq -e '.verdict == \"denied\"' && $HYPERCTL --instance $INST -j policy trace cli web tcp 80 | jq -e '.verdict == \"allowed\"'"
check "policy delete web-ports" hctl policy delete prod/web-ports
expect "$CLI" "$IPW:8080" allow "web-ports deleted, nothing selects web: client -> web:8080"
expect "$CLI" "$IPW:80" allow "web-ports deleted, nothing selects web: client -> web:80"
check "policy list empty again" bash -c "$HYPERCTL --instance $INST -j policy list | jq -e 'length == 0'"

# policyTypes decides, as in Kubernetes: rules for a direction it leaves out
# are accepted, kept and ignored; the same rules with the direction listed
# are enforced (the twin)
clitypes() { # TYPES: prod/cli-types, client may take from web, give to db
	hctl policy apply -f - <<EOF2
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cli-types, namespace: prod}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: $1
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
EOF2
}
check "egress rules with policyTypes [Ingress] are accepted (Kubernetes accepts them)" clitypes "[Ingress]"
out=$(clitypes "[Ingress]" 2>&1)
check "apply warns that the egress rules are ignored ($out)" grep -q "warning: .*egress rules are ignored" <<<"$out"
expect "$CLI" "$IPW:80" allow "egress rules ignored under policyTypes [Ingress]: client -> web:80"
expect "$WEB" "$IPC:80" allow "the ingress rule of cli-types applies: web -> client:80"
expect "$DB" "$IPC:80" deny "the ingress rule of cli-types applies: db -> client:80"
check "trace: client's egress not enforced, client -> web:80 allowed" bash -c "$HYPERCTL --instance $INST -j policy trace cli web tcp 80 | jq -e '.verdict == \"allowed\" and .egress.enforced == false'"
check "policy show keeps the ignored egress rule under policyTypes [Ingress]" bash -c "$HYPERCTL --instance $INST -j policy show prod/cli-types | jq -e '.spec.policyTypes == [\"Ingress\"] and (.spec.egress | length) == 1'"
out=$(clitypes "[Ingress, Egress]" 2>&1)
check "the same policy with policyTypes [Ingress, Egress] applies, without a warning ($out)" bash -c "grep -q applied <<<'$out' && ! grep -q warning <<<'$out'"
expect "$CLI" "$IPW:80" deny "policyTypes [Ingress, Egress]: the same egress rule denies client -> web:80"
expect "$CLI" "$IPD:80" allow "policyTypes [Ingress, Egress]: the egress rule allows client -> db:80"
check "policy delete cli-types" hctl policy delete prod/cli-types
expect "$CLI" "$IPW:80" allow "cli-types deleted: client -> web:80"
finish
