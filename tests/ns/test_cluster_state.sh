#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: cluster-wide state over a real etcd (started here on loopback).
# The same label set has the same identity number on every node (etcd
# transactions), another set another number, and numbers no node uses any
# more are collected. Endpoints are published under the node's lease and
# withdrawn with the SNIC. A NetworkPolicy applied on node A is in force on
# node B, and deleted from B when A deletes it; namespace labels set on B
# reach A. With etcd down nothing cluster-wide changes: policy and label
# changes and a new label set are refused (fail closed) while a known label
# set still gets its SNIC; a node that was down converges when it returns
# (a policy applied and one deleted meanwhile).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_etcd.sh"

plan 17

A=csa-$UNIQ
B=csb-$UNIQ
etcd_start || { notok "etcd started on loopback"; finish; }
"$HYPERCTL" cluster init --endpoints "$ETCD_URL" --pool 10.212.0.0/16 >/dev/null ||
	{ notok "cluster init"; finish; }
start_daemon "$A" --cluster "$ETCD_URL" --node sa --node-addr 192.0.2.11 || finish
start_daemon "$B" --cluster "$ETCD_URL" --node sb --node-addr 192.0.2.12 || finish
PB=$DAEMON_PID
for n in a1 a2 b1 b2 b3; do mkns "cs$n-$UNIQ"; done
ha() { "$HYPERCTL" --instance "$A" "$@"; }
hb() { "$HYPERCTL" --instance "$B" "$@"; }
ident() { "$HYPERCTL" --instance "$1" -j snic show "$2" | jq -r .identity; }
st() { "$HYPERCTL" --instance "$1" -j cluster status; }

ha snic add wa --netns "csa1-$UNIQ" --label app=web --label namespace=prod >/dev/null
hb snic add wb --netns "csb1-$UNIQ" --label app=web --label namespace=prod >/dev/null
hb snic add db --netns "csb2-$UNIQ" --label app=db --label namespace=prod >/dev/null
IW=$(ident "$A" wa)
if [ -n "$IW" ] && [ "$IW" = "$(ident "$B" wb)" ]; then
	ok "the same label set has the same identity on both nodes ($IW)"
else notok "the same label set has the same identity ($IW vs $(ident "$B" wb))"; fi
ID=$(ident "$B" db)
if [ "$ID" != "$IW" ] && [ "$ID" -ge 256 ]; then ok "another label set has another number ($ID)"
else notok "another label set has another number ($ID)"; fi
ha snic add da --netns "csa2-$UNIQ" --label app=db --label namespace=prod >/dev/null
check "a node that first uses a set node B numbered gets B's number" test "$(ident "$A" da)" = "$ID"
has_rep() { st "$1" | jq -e --arg ip "$2" --argjson id "$3" \
	'.remote_endpoints[] | select(.ip == $ip and .identity == $id)' >/dev/null; }
IPWA=$(ha -j snic show wa | jq -r .ip | cut -d/ -f1)
check "node B holds node A's endpoint with its identity" wait_for 15 has_rep "$B" "$IPWA" "$IW"
check "A's endpoint is in etcd under A's lease" bash -c \
	"[ \"\$(ETCDCTL_API=3 etcdctl --endpoints $ETCD_URL get /hyperion/endpoints/$IPWA -w json | jq -r '.kvs[0].lease')\" != null ]"

POL=/tmp/hyp-cs-pol.$$
on_exit "rm -f $POL"
cat >"$POL" <<'EOF2'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 5432}]
EOF2
check "policy apply on node A" ha policy apply -f "$POL"
haspol() { "$HYPERCTL" --instance "$1" -j policy list | jq -e '.[] | select(.name == "db-from-web")' >/dev/null; }
nopol() { "$HYPERCTL" --instance "$1" -j policy list >/dev/null && ! haspol "$1"; }
check "the policy applied on node A is in force on node B" wait_for 15 haspol "$B"
check "node B's trace of the policy: web -> db:5432 allowed, :80 denied" bash -c \
	"$HYPERCTL --instance $B -j policy trace wb db tcp 5432 | jq -e '.verdict == \"allowed\"' && \
	 $HYPERCTL --instance $B -j policy trace wb db tcp 80 | jq -e '.verdict == \"denied\"'"
check "namespace label on node B" hb namespace label prod tier=backend
nslab() { "$HYPERCTL" --instance "$1" -j namespace list | jq -e '.[] | select(.name == "prod") | .labels.tier == "backend"' >/dev/null; }
check "the namespace label set on node B reaches node A" wait_for 15 nslab "$A"

# a node away converges when it returns
stop_daemon "$PB" KILL
check "policy delete on node A while node B is down" ha policy delete --yes prod/db-from-web
sed 's/db-from-web/db-from-web-2/' "$POL" >"$POL.2"
on_exit "rm -f $POL.2"
ha policy apply -f "$POL.2" >/dev/null
start_daemon "$B" --cluster "$ETCD_URL" --node sb --node-addr 192.0.2.12 || finish
PB=$DAEMON_PID
has2() { "$HYPERCTL" --instance "$1" -j policy list | jq -e '.[] | select(.name == "db-from-web-2")' >/dev/null; }
check "node B back: it converges (the deleted policy gone, the new one in force)" \
	wait_for 20 bash -c "$(declare -f haspol nopol has2); HYPERCTL=$HYPERCTL; nopol $B && has2 $B"

# etcd down: cluster-wide changes refused, known sets still served
etcd_stop
down() { [ "$(st "$A" | jq -r .etcd.connected)" = false ]; }
wait_for 30 down
out=$(ha policy apply -f "$POL" 2>&1)
if [ $? -ne 0 ] && grep -q "unreachable" <<<"$out" && nopol "$A"; then
	ok "with etcd down a policy apply is refused, saying why, and changes nothing"
else notok "with etcd down a policy apply is refused ($out)"; fi
check_fails "with etcd down a SNIC with a new label set is refused (no cluster number)" \
	ha snic add nx --netns "csb3-$UNIQ" --label app=never-seen
check "with etcd down a SNIC of a label set in use here is added" \
	ha snic add wa2 --netns "csb3-$UNIQ" --label app=web --label namespace=prod
etcd_start "$ETCD_PORT" || { notok "etcd restarted"; finish; }

# collection: the db set goes from both nodes; its number leaves etcd
ha snic del da >/dev/null
hb snic del db >/dev/null
gone() { ! ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" get "/hyperion/identities/ids/$ID" | grep -q .; }
check "an identity no node uses any more is collected from etcd" wait_for 60 gone
rep_gone() { ! has_rep "$B" "$IPWA" "$IW"; }
ha snic del wa >/dev/null
check "a deleted SNIC's endpoint is withdrawn from the other node" wait_for 20 rep_gone
finish
