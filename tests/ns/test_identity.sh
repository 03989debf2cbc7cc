#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: identities a pod cannot choose, driven through the CNI plugin as
# a runtime drives it. A pod's namespace is the runtime's K8S_POD_NAMESPACE
# (a second one appended to CNI_ARGS is not), a pod label with a reserved
# key (namespace, namespace.hyperion.io/, hyperion.io/) fails the ADD with
# code 107, and the network config's labels win over the pod's. Namespace
# labels are the administrator's (hyperctl namespace label): they open a
# namespaceSelector policy to real traffic and close it again when
# removed, they survive a daemon restart, and a pod that attaches first
# gains its namespace none. Pods with the same labels share one identity:
# the pod's name is no label, 50 pods with distinct names make one
# identity, freed when its last pod goes. Every refusal has an accepted
# twin that differs only in what the rule tells apart.
. "$(dirname "$0")/lib.sh"

plan 38

CNI=$BUILD/hyperion
INST=id-$UNIQ
NET=idnet-$UNIQ
start_daemon "$INST" --pool 10.79.0.0/24 || finish
ERR=/tmp/hyp-id-err.$$
on_exit "rm -f $ERR"

# conf [JQ-OBJECT]: the network config, as a runtime passes it
conf() {
	jq -cn --arg n "$NET" --arg i "$INST" \
		"{cniVersion: \"1.1.0\", name: \$n, type: \"hyperion\", instance: \$i} + (${1:-{\}})"
}
# cni CMD CID CONF CNI_ARGS: the plugin in netns idp-CID; sets OUT and RC
cni() {
	OUT=$(printf '%s' "$3" | env -i PATH="$PATH" CNI_COMMAND="$1" CNI_CONTAINERID="$2" \
		CNI_IFNAME=eth0 CNI_NETNS="/run/netns/idp-$2" CNI_PATH=/usr/lib/cni CNI_ARGS="$4" \
		"$CNI" 2>"$ERR")
	RC=$?
}
pod() { # CID: a netns for the pod
	mkns "idp-$1"
}
add_ok() { # DESC CID CONF CNI_ARGS
	pod "$2"
	cni ADD "$2" "$3" "$4"
	if ((RC == 0)); then ok "$1"; else notok "$1: rc $RC: $OUT $(cat "$ERR")"; fi
}
add_refused() { # DESC CODE CID CONF CNI_ARGS
	pod "$3"
	cni ADD "$3" "$4" "$5"
	if ((RC != 0)) && jq -e --argjson c "$2" '.code == $c' <<<"$OUT" >/dev/null &&
		[ -z "$(row "$3")" ]; then
		ok "$1: code $2: $(jq -r .details <<<"$OUT" | cut -c1-140)"
	else
		notok "$1: want code $2 and no SNIC, got rc $RC: $OUT"
	fi
}
row() { # CID -> the SNIC of that attachment (JSON)
	hctl -j snic list | jq -c --arg o "$NET/$1/eth0" '.[] | select(.owner == $o)'
}
labels_of() { row "$1" | jq -c .labels; }
ns_of() { row "$1" | jq -r '.labels.namespace // "default"'; }
ident() { row "$1" | jq -r .identity; }
idents() { hctl -j status | jq .identities; }
C=$(conf '{labels: {network: "blue"}}')

note "== the namespace is the runtime's"
add_ok "ADD whose CNI_ARGS carry the runtime's namespace, then another one appended" ns1 "$C" \
	"IgnoreUnknown=1;K8S_POD_NAMESPACE=team-a;K8S_POD_NAME=p1;K8S_POD_NAMESPACE=kube-system"
check "... the pod is in the runtime's namespace team-a, not the claimed kube-system ($(ns_of ns1))" \
	test "$(ns_of ns1)" = team-a
add_ok "twin: ADD whose runtime says kube-system" ns2 "$C" "K8S_POD_NAMESPACE=kube-system"
check "... that pod is in kube-system ($(ns_of ns2))" test "$(ns_of ns2)" = kube-system
add_refused "a pod claiming a namespace through args.labels" 107 ns3 \
	"$(conf '{labels: {network: "blue"}, args: {labels: {namespace: "kube-system"}}}')" \
	"K8S_POD_NAMESPACE=team-a"
add_ok "twin: the same pod with an ordinary label in args.labels" ns4 \
	"$(conf '{labels: {network: "blue"}, args: {labels: {team: "blue"}}}')" "K8S_POD_NAMESPACE=team-a"
check "... it has its label, in the runtime's namespace" \
	test "$(labels_of ns4)" = '{"namespace":"team-a","network":"blue","team":"blue"}'

note "== reserved keys: not from a pod"
add_refused "a pod label namespace.hyperion.io/team (args.cni.labels)" 107 rs1 \
	"$(conf '{args: {cni: {labels: [{key: "namespace.hyperion.io/team", value: "blue"}]}}}')" \
	"K8S_POD_NAMESPACE=qa"
add_refused "a pod label under hyperion.io (runtimeConfig.labels)" 107 rs2 \
	"$(conf '{runtimeConfig: {labels: {"hyperion.io/role": "admin"}}}')" "K8S_POD_NAMESPACE=qa"
add_ok "twin: hyperion.io/role in the network config (the administrator's)" rs3 \
	"$(conf '{labels: {"hyperion.io/role": "admin"}}')" "K8S_POD_NAMESPACE=qa"
check "... it has that label" test "$(labels_of rs3)" = '{"hyperion.io/role":"admin","namespace":"qa"}'

note "== the network config's labels win over the pod's"
add_ok "ADD where config and pod both say tier" pr1 \
	"$(conf '{labels: {tier: "front"}, runtimeConfig: {labels: {tier: "admin-tools"}}}')" \
	"K8S_POD_NAMESPACE=qa"
check "... tier is the config's ($(labels_of pr1))" test "$(row pr1 | jq -r .labels.tier)" = front
add_ok "twin: the pod alone says tier" pr2 "$(conf '{runtimeConfig: {labels: {tier: "admin-tools"}}}')" \
	"K8S_POD_NAMESPACE=qa"
check "... tier is the pod's ($(labels_of pr2))" test "$(row pr2 | jq -r .labels.tier)" = admin-tools

note "== namespace labels are the administrator's"
DB=idd-$UNIQ
mkns "$DB"
hctl snic add db --netns "$DB" --label app=db --label namespace=prod >/dev/null
IPD=$(snic_ip db)
http_serve "$DB" 80
# qa attaches first and tries to carry a namespace label; dev attaches plainly
add_refused "a qa pod attaching first with namespace label team=blue" 107 qa0 \
	"$(conf '{args: {labels: {"namespace.hyperion.io/team": "blue"}}}')" "K8S_POD_NAMESPACE=qa"
check_fails "nor may the administrator put one on a SNIC (hyperctl namespace label does it)" \
	hctl snic add qx --netns "idp-qa0" --label namespace=qa --label namespace.hyperion.io/team=blue
add_ok "the qa pod attaches without it" qa1 "$C" "K8S_POD_NAMESPACE=qa"
add_ok "a dev pod attaches" dv1 "$C" "K8S_POD_NAMESPACE=dev"
hctl policy apply -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-blue, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: blue}}}]
EOF
get() { timeout 2 ip netns exec "idp-$1" busybox wget -q -O /dev/null "http://$IPD/" 2>/dev/null; }
check_fails "before labelling: dev -> db denied (namespaceSelector team=blue)" get dv1
check "hyperctl namespace label dev team=blue" hctl namespace label dev team=blue
check "after labelling: dev -> db allowed" get dv1
check_fails "qa, which attached first and asked for team=blue, is still denied" get qa1
check "namespace list: dev has team=blue, qa only its name" bash -c "
	$HYPERCTL --instance $INST -j namespace list | jq -e '
	(.[] | select(.name == \"dev\") | .labels) == {\"kubernetes.io/metadata.name\": \"dev\", \"team\": \"blue\"} and
	(.[] | select(.name == \"qa\") | .labels) == {\"kubernetes.io/metadata.name\": \"qa\"}'"
check_fails "kubernetes.io/metadata.name cannot be set" hctl namespace label qa kubernetes.io/metadata.name=dev
stop_daemon "$DAEMON_PID" TERM
start_daemon "$INST" || finish
check "after a daemon restart: dev -> db still allowed (labels kept)" \
	bash -c "for i in \$(seq 30); do timeout 2 ip netns exec idp-dv1 busybox wget -q -O /dev/null http://$IPD/ && exit 0; sleep 0.2; done; exit 1"
check "hyperctl namespace unlabel dev team" hctl namespace unlabel dev team
check_fails "after unlabelling: dev -> db denied again" get dv1

note "== one identity per label set, not per pod"
add_ok "pod A (app=web)" sh1 "$(conf '{runtimeConfig: {labels: {app: "web"}}}')" \
	"K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-a;K8S_POD_UID=uid-a"
add_ok "pod B, another name and uid, the same labels" sh2 "$(conf '{runtimeConfig: {labels: {app: "web"}}}')" \
	"K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-b;K8S_POD_UID=uid-b"
check "A and B share one identity ($(ident sh1), $(ident sh2))" test "$(ident sh1)" = "$(ident sh2)"
add_ok "twin: pod C with other labels" sh3 "$(conf '{runtimeConfig: {labels: {app: "api"}}}')" \
	"K8S_POD_NAMESPACE=shop;K8S_POD_NAME=api-c"
check "C has another identity ($(ident sh3))" test "$(ident sh3)" != "$(ident sh1)"

before=$(idents)
fail=
for i in $(seq 50); do
	pod "many$i"
	cni ADD "many$i" "$(conf '{runtimeConfig: {labels: {app: "batch"}}}')" \
		"K8S_POD_NAMESPACE=shop;K8S_POD_NAME=batch-$i;K8S_POD_UID=u$i;K8S_POD_INFRA_CONTAINER_ID=many$i"
	((RC == 0)) || fail="$fail many$i($OUT)"
done
check "50 pods with distinct names attached" test -z "$fail"
distinct=$(hctl -j snic list | jq --arg n "$NET/many" '[.[] | select((.owner // "") | startswith($n)) | .identity] | unique | length')
check "... they have one identity between them ($distinct distinct)" test "$distinct" = 1
check "... the node has one identity more ($before -> $(idents))" test "$(idents)" = $((before + 1))
for i in $(seq 49); do cni DEL "many$i" "$C" ""; done
check "with one of the 50 left, its identity stays ($(idents))" test "$(idents)" = $((before + 1))
cni DEL many50 "$C" ""
check "with the last one gone, the identity is freed ($(idents))" test "$(idents)" = "$before"
finish
