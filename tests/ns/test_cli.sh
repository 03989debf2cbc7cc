#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: hyperctl's command line behaves the same on every command, the
# list of commands read from `hyperctl help` (so a new command is covered
# without touching this file, except for the -j table below, which fails
# when a command that prints data has no entry):
# --help never acts (a running instance is unchanged, the daemon stays up,
# even for teardown and with --yes); unknown options and stray operands are
# refused with exit 2; global options work after the verb; -j prints one
# valid JSON document on every command that prints data and is refused on
# the others; destructive verbs (teardown, snic del / policy delete of
# several) ask on a terminal and need --yes without one; --version works
# on the three binaries (the CNI plugin's VERSION command is unchanged).
. "$(dirname "$0")/lib.sh"
plan 36

INST=cli-$UNIQ
A=clia-$UNIQ B=clib-$UNIQ C=clic-$UNIQ
mkns "$A" && mkns "$B" && mkns "$C"
start_daemon "$INST" --pool 10.78.0.0/24 || finish
hctl snic add a --netns "$A" --label app=web >/dev/null
hctl snic add b --netns "$B" --label app=db >/dev/null
POL=$(mktemp /tmp/hyp-cli-pol.XXXXXX.yaml)
on_exit "rm -f $POL"
cat >"$POL" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: second}
spec:
  podSelector: {matchLabels: {app: none}}
EOF
hctl policy apply -f "$POL" >/dev/null

# Every verb, "CMD SUB" or "CMD", from the command list of `hyperctl help`.
mapfile -t VERBS < <("$HYPERCTL" help | sed -n '/^Commands:/,/^$/p' | awk -F '  +' 'NF > 2 {print $2}')
# Those that print data: "[-j]" in their usage line.
JVERBS=()
for v in "${VERBS[@]}"; do
	# shellcheck disable=SC2086
	"$HYPERCTL" $v --help | head -1 | grep -qF '[-j]' && JVERBS+=("$v")
done

# What a command could change, and that the daemon is the same process.
snapshot() {
	{
		echo "pid $(kill -0 "$DAEMON_PID" 2>&1 && echo "$DAEMON_PID up")"
		hctl -j snic list | jq -c 'map([.name, .ip, .labels])'
		hctl -j policy list | jq -c 'map(.namespace + "/" + .name)'
		hctl -j namespace list | jq -c .
		hctl -j status | jq -c '[.snics, .addresses_used, .identities]'
		links_in "$A"
		ls "/sys/fs/bpf/hyperion/$INST" "/var/lib/hyperion/$INST"
	} 2>&1
}
same_as() { # BEFORE: ok when the state is unchanged
	local now
	now=$(snapshot)
	[ "$1" = "$now" ] || { diff <(echo "$1") <(echo "$now"); return 1; }
}
S0=$(snapshot)

check "hyperctl help lists the commands (${#VERBS[@]}: ${VERBS[*]})" \
	bash -c "((${#VERBS[@]} >= 18)) && [[ ' ${VERBS[*]} ' == *' snic add '* ]] && [[ ' ${VERBS[*]} ' == *' teardown '* ]]"

# help_page "CMD SUB" ARGS...: exit 0, a usage line, the operands explained, an example
help_page() {
	local v=$1 out rc; shift
	# shellcheck disable=SC2086
	out=$(hctl $v "$@" 2>&1)
	rc=$?
	((rc == 0)) && grep -q "^Usage: hyperctl $v" <<<"$out" && grep -q '^Options:' <<<"$out" &&
		grep -q '^Example' <<<"$out" && grep -q "^  hyperctl .*$v" <<<"$out" ||
		{ echo "$v $*: rc $rc: $(head -3 <<<"$out")"; return 1; }
}
each_verb() { # FUNCTION: runs it on every verb, all failures shown
	local v bad=0
	for v in "${VERBS[@]}"; do "$1" "$v" || bad=1; done
	return $bad
}
verb_help() { help_page "$1" --help; }
verb_help_cmd() { # hyperctl help CMD SUB: the same page
	# shellcheck disable=SC2086
	[ "$(hctl help $1)" = "$(hctl $1 --help)" ] || { echo "help $1 differs"; return 1; }
}
check "CMD [SUB] --help: usage, options and an example on every command" each_verb verb_help
check "hyperctl help CMD [SUB] prints the same page" each_verb verb_help_cmd

cmd_help() {
	local cmd out
	for cmd in $(printf '%s\n' "${VERBS[@]}" | awk 'NF == 2 {print $1}' | sort -u); do
		out=$(hctl "$cmd" --help) || { echo "$cmd --help failed"; return 1; }
		grep -q '^Subcommands:' <<<"$out" && grep -q '^Examples:' <<<"$out" ||
			{ echo "$cmd --help: $out"; return 1; }
	done
}
check "CMD --help lists the subcommands with examples" cmd_help

# --help in every position, with operands, --yes, -j: shows help, does nothing
help_acts_not() {
	local bad=0 line
	while read -r line; do
		# shellcheck disable=SC2086
		out=$("$HYPERCTL" $line </dev/null 2>&1) && grep -q '^Usage: hyperctl' <<<"$out" ||
			{ echo "'$line': $out" | head -3; bad=1; }
	done <<EOF
--instance $INST teardown --help
--instance $INST teardown --yes --help
--help --instance $INST teardown --yes
--instance $INST teardown -h --yes
teardown --instance $INST --yes --help
--instance $INST snic del a b --yes --help
--instance $INST snic delete a --help
--instance $INST snic add z --netns $C --help
--instance $INST policy delete db-from-web second --yes --help
--instance $INST policy apply -f /dev/null --help
--instance $INST namespace label default x=y --help
--instance $INST namespace unlabel default app --help
--instance $INST reconcile --help
--instance $INST help teardown
--instance $INST snic --help add z --netns $C
EOF
	for v in "${VERBS[@]}"; do
		# shellcheck disable=SC2086
		hctl $v a b tcp 80 --yes --help >/dev/null 2>&1 || { echo "$v ... --help failed"; bad=1; }
	done
	return $bad
}
check "--help with operands and --yes in any position shows help (exit 0)" help_acts_not
check "after every --help: the daemon runs and nothing changed" same_as "$S0"

unknown_opt() { # every verb refuses an option it does not declare, exit 2
	local out rc
	# shellcheck disable=SC2086
	out=$(hctl $1 --no-such-$UNIQ </dev/null 2>&1)
	rc=$?
	((rc == 2)) && grep -q "^hyperctl $1: unknown option '--no-such-$UNIQ'" <<<"$out" &&
		grep -q "See 'hyperctl $1 --help'" <<<"$out" || { echo "$1: rc $rc: $out"; return 1; }
}
unknown_short() {
	# shellcheck disable=SC2086
	out=$(hctl $1 -Z </dev/null 2>&1)
	(($? == 2)) && grep -q "unknown option '-Z'" <<<"$out" || { echo "$1: $out"; return 1; }
}
check "every command refuses an unknown long option (exit 2, named, pointer to --help)" each_verb unknown_opt
check "every command refuses an unknown short option" each_verb unknown_short
check "the refused options changed nothing" same_as "$S0"

stray() {
	local v
	for v in status events reconcile teardown "snic list" "policy list" "namespace list"; do
		# shellcheck disable=SC2086
		out=$(hctl $v extra </dev/null 2>&1)
		(($? == 2)) && grep -q "takes no operands (got 'extra')" <<<"$out" || { echo "$v: $out"; return 1; }
	done
	out=$(hctl snic show a b 2>&1)
	(($? == 2)) && grep -q "too many operands ('b')" <<<"$out" || { echo "$out"; return 1; }
}
check "commands refuse operands they do not take (teardown extra does not tear down)" stray
check "option before the subcommand: refused with where it goes" bash -c \
	"out=\$($HYPERCTL --instance $INST snic --netns x add z 2>&1); [ \$? = 2 ] && grep -q 'before the subcommand' <<<\"\$out\""
check "unknown subcommand: refused with the list of subcommands" bash -c \
	"out=\$($HYPERCTL --instance $INST snic frob 2>&1); [ \$? = 2 ] && grep -q \"unknown subcommand 'frob' (one of: add, del, list, show, check\" <<<\"\$out\""

check "events without any: 'no events' (and [] with -j)" bash -c \
	"[ \"\$($HYPERCTL --instance $INST events)\" = 'no events' ] && [ \"\$($HYPERCTL --instance $INST -j events | jq length)\" = 0 ]"

global_after() {
	[ "$("$HYPERCTL" snic list --instance "$INST" -j)" = "$("$HYPERCTL" --instance "$INST" -j snic list)" ] &&
		[ "$("$HYPERCTL" status --json --instance="$INST" | jq -r .instance)" = "$INST" ] &&
		[ "$("$HYPERCTL" policy show --instance "$INST" default/second -j | jq -r .metadata.name)" = second ]
}
check "--instance and -j after the verb mean what they mean before it" global_after

# A JSON invocation of every command that prints data (SNIC a, b; policies).
declare -A JSON_RUN=(
	["snic add"]="snic add c --netns $C"
	["snic list"]="snic list"
	["snic show"]="snic show a"
	["snic check"]="snic check a"
	["policy apply"]="policy apply -f $POL"
	["policy list"]="policy list"
	["policy show"]="policy show default/db-from-web"
	["policy trace"]="policy trace a b tcp 5432"
	["namespace list"]="namespace list"
	["events"]="events"
	["status"]="status"
	["monitor"]="monitor --last 1"
	["uplink show"]="uplink show"
	["publish list"]="publish list"
	["host show"]="host show"
)
# covered by their own tests (slow): test_attacks.sh runs `audit -j`
# test_cluster.sh runs `cluster status -j` (it needs etcd and a cluster)
declare -A JSON_ELSEWHERE=([audit]=test_attacks.sh ["cluster status"]=test_cluster.sh
	["uplink set"]=test_uplink.sh ["host enable"]=test_host_endpoint.sh)
json_covered() {
	local v bad=0
	for v in "${JVERBS[@]}"; do
		[ -n "${JSON_RUN[$v]:-}${JSON_ELSEWHERE[$v]:-}" ] || { echo "no -j check for '$v'"; bad=1; }
	done
	return $bad
}
json_valid() {
	local v out bad=0
	for v in "${JVERBS[@]}"; do
		[ -n "${JSON_RUN[$v]:-}" ] || continue
		# shellcheck disable=SC2086
		out=$(hctl -j ${JSON_RUN[$v]} 2>/dev/null) && jq -e -s 'length == 1' <<<"$out" >/dev/null ||
			{ echo "$v: $(head -c 300 <<<"$out")"; bad=1; }
	done
	return $bad
}
check "every command that prints data has a -j check here (${#JVERBS[@]})" json_covered
check "-j prints exactly one valid JSON document on each (exit 0)" json_valid
json_keys() { # one key style: snake_case, but for data used as keys (labels, drop reasons, documents)
	local v bad=0 keys
	for v in "${JVERBS[@]}"; do
		[ -n "${JSON_RUN[$v]:-}" ] && [ "$v" != "policy show" ] || continue
		# shellcheck disable=SC2086
		keys=$(hctl -j ${JSON_RUN[$v]} 2>/dev/null | jq -r '[paths | select(all(.[]; . != "labels" and . != "drops" and . != "document" and . != "pod_labels")) | .[-1] | strings] | unique[]' |
			grep -vE '^[a-z][a-z0-9_]*$')
		[ -z "$keys" ] || { echo "$v: keys not snake_case: $keys"; bad=1; }
	done
	return $bad
}
check "-j: every key snake_case (labels, drop reasons and documents are data)" json_keys
hctl snic del c >/dev/null
S1=$(snapshot)

json_refused() {
	local v out bad=0
	for v in "${VERBS[@]}"; do
		[[ " ${JVERBS[*]/%/,} " == *" $v, "* ]] && continue
		# shellcheck disable=SC2086
		out=$(hctl $v -j a b </dev/null 2>&1)
		(($? == 2)) && grep -q -- "-j/--json is for commands that print data" <<<"$out" ||
			{ echo "$v -j: $out"; bad=1; }
	done
	return $bad
}
check "-j on a command that prints no data: refused before acting" json_refused
check "... and nothing changed" same_as "$S1"

# Destructive verbs: not on a terminal, --yes is needed; on one, the answer decides.
check "teardown without --yes, stdin not a terminal: refused" bash -c \
	"out=\$($HYPERCTL --instance $INST teardown </dev/null 2>&1); [ \$? = 1 ] && grep -q 'not confirmed: stdin is not a terminal; add --yes' <<<\"\$out\""
check "teardown on a terminal answered 'n': nothing done" bash -c \
	"printf 'n\n' | script -qec '$HYPERCTL --instance $INST teardown' /dev/null | grep -q 'Tear down instance $INST'"
check "snic del of two without --yes: refused" bash -c \
	"! $HYPERCTL --instance $INST snic del a b </dev/null 2>/dev/null"
check "policy delete of two without --yes: refused" bash -c \
	"! $HYPERCTL --instance $INST policy delete db-from-web second </dev/null 2>/dev/null"
check "after the refusals: the daemon runs, SNICs and policies are all there" same_as "$S1"

hctl snic add c --netns "$C" >/dev/null
hctl snic add d --netns "$C" --ifname eth1 >/dev/null
check "snic del of two on a terminal answered 'y': both deleted" bash -c \
	"printf 'y\n' | script -qec '$HYPERCTL --instance $INST snic del c d' /dev/null >/dev/null &&
	 [ \"\$($HYPERCTL --instance $INST -j snic list | jq -c 'map(.name)')\" = '[\"a\",\"b\"]' ]"
check "snic del of one and policy delete --yes of two: done without asking" bash -c \
	"$HYPERCTL --instance $INST snic del b </dev/null >/dev/null &&
	 $HYPERCTL --instance $INST policy delete db-from-web second --yes </dev/null >/dev/null &&
	 [ \"\$($HYPERCTL --instance $INST -j policy list | jq length)\" = 0 ]"

# A NetworkPolicy and an InspectionPolicy of one name are two objects.
cat >"$POL" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: twin, namespace: prod}
spec: {podSelector: {matchLabels: {app: none}}}
---
apiVersion: hyperion.io/v1
kind: InspectionPolicy
metadata: {name: twin, namespace: prod}
spec:
  podSelector: {matchLabels: {app: none}}
  direction: ingress
  action: alert
  patterns: [{pattern: evil}]
EOF
hctl policy apply -f "$POL" >/dev/null
kind_column() {
	local out
	out=$(hctl policy list)
	grep -qE '^KIND +NAMESPACE +NAME' <<<"$out" &&
		[ "$(grep -cE '^(NetworkPolicy|InspectionPolicy) +prod +twin ' <<<"$out")" = 2 ] || { echo "$out"; return 1; }
}
kind_show() {
	local out
	out=$(hctl policy show prod/twin 2>&1)
	(($? == 1)) && grep -q 'say networkpolicy/prod/twin or inspectionpolicy/prod/twin' <<<"$out" &&
		[ "$(hctl policy show inspectionpolicy/prod/twin -j | jq -r .kind)" = InspectionPolicy ] &&
		[ "$(hctl policy show networkpolicy/prod/twin -j | jq -r .kind)" = NetworkPolicy ] || { echo "$out"; return 1; }
}
kind_delete() {
	local out
	out=$(hctl policy delete networkpolicy/prod/twin)
	[ "$out" = "networkpolicy prod/twin deleted" ] &&
		[ "$(hctl -j policy list | jq -c 'map(.kind + " " + .name)')" = '["InspectionPolicy twin"]' ] || { echo "$out"; return 1; }
}
trace_icmp() {
	hctl -j policy trace a a icmp | jq -e '.proto == 1' >/dev/null &&
		! hctl policy trace a a tcp 2>/dev/null && ! hctl policy trace a a icmp 8 2>/dev/null
}
check "policy list has a KIND column: the NetworkPolicy and InspectionPolicy 'twin' both listed" kind_column
check "policy show of the ambiguous name asks for the kind; with it, the right document" kind_show
check "policy delete networkpolicy/NS/NAME deletes that one and says so; the InspectionPolicy stays" kind_delete
check "policy trace: icmp takes no port, tcp needs one" trace_icmp

# Written-out empty from and ports: every peer, every port (as Kubernetes), with a warning.
printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open}\nspec:\n  podSelector: {}\n  ingress:\n  - from: []\n    ports: []\n' >"$POL"
empty_lists() {
	local out
	out=$(hctl policy apply -f "$POL" 2>&1)
	grep -q 'warning: .*from is empty: the rule allows every source' <<<"$out" &&
		grep -q 'warning: .*ports is empty: the rule allows every port and protocol' <<<"$out" &&
		hctl -j policy trace a a udp 9999 | jq -e '.verdict == "allowed" and .ingress.allowed_by == "default/open ingress[0]"' >/dev/null ||
		{ echo "$out"; return 1; }
	hctl policy delete open >/dev/null
}
check "from: [] and ports: [] allow every peer and port (as Kubernetes), with a warning each" empty_lists

ns_optional() {
	local out
	printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: solo, namespace: shop}\nspec: {podSelector: {}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: duo, namespace: shop}\nspec: {podSelector: {}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: duo, namespace: lab}\nspec: {podSelector: {}}\n' >"$POL"
	hctl policy apply -f "$POL" >/dev/null &&
		[ "$(hctl -j policy show solo | jq -r .metadata.namespace)" = shop ] || { echo "show solo"; return 1; }
	out=$(hctl policy show duo 2>&1)
	(($? == 1)) && grep -q 'duo is in namespaces .*lab.*: say NAMESPACE/duo' <<<"$out" || { echo "$out"; return 1; }
	[ "$(hctl policy delete solo)" = "networkpolicy shop/solo deleted" ] &&
		hctl policy delete lab/duo shop/duo --yes >/dev/null
}
check "policy show/delete NAME without a namespace: the one namespace that has it; several: refused, naming them" ns_optional

long_names() { # a CNI SNIC name is 45 characters: the tables widen for it
	local n out hdr row
	n=cni-$(printf 'x%.0s' {1..41})
	hctl snic add "$n" --netns "$C" --ifname eth3 >/dev/null || return 1
	out=$(hctl snic list)
	hdr=$(head -1 <<<"$out") row=$(grep "^$n " <<<"$out")
	[ "$(awk -v s="$hdr" 'BEGIN {print index(s, " IP ")}')" = "$(awk -v s="$row" 'BEGIN {print index(s, " 10.78.")}')" ] ||
		{ echo "$out"; return 1; }
	ip netns exec "$C" ping -c 1 -W 1 -I eth3 10.78.0.1 >/dev/null 2>&1 # counters: a row in status
	out=$(hctl status)
	hdr=$(grep '^  SNIC ' <<<"$out") row=$(grep "^  $n " <<<"$out")
	[ -n "$row" ] && [ "$(awk -v s="$hdr" 'BEGIN {print index(s, " PORT")}')" = "$(awk -v s="$row" 'BEGIN {print index(s, " hp")}')" ] ||
		{ echo "$out"; return 1; }
	hctl snic del "$n" >/dev/null
}
check "tables fit a 45-character SNIC name (snic list, status): columns stay aligned" long_names

versions() {
	"$HYPERCTL" --version | grep -qE '^hyperctl [0-9]' &&
		"$HYPERIOND" --version | grep -qE '^hyperiond [0-9]' &&
		"$ROOT/build/hyperion" --version | grep -qE '^hyperion .*[0-9]' &&
		echo '{"cniVersion":"1.0.0"}' | CNI_COMMAND=VERSION "$ROOT/build/hyperion" |
		jq -e '.cniVersion == "1.0.0" and (.supportedVersions | index("1.1.0"))' >/dev/null
}
check "--version on hyperctl, hyperiond and the CNI plugin; CNI VERSION unchanged" versions
check "hyperiond --help starts nothing (no socket for its instance)" bash -c \
	"$HYPERIOND --instance clh-$UNIQ --help | grep -q '^Usage: hyperiond' && [ ! -e /run/hyperion/clh-$UNIQ.sock ] && [ ! -e /var/lib/hyperion/clh-$UNIQ ]"
check "teardown --yes tears the instance down (the positive twin)" bash -c \
	"$HYPERCTL --instance $INST teardown --yes </dev/null >/dev/null && [ ! -e /var/lib/hyperion/$INST ]"
finish
