#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the README's two-node cluster quick start works as written. The
# block between its markers is extracted and run by bash -e (every command
# must succeed), with its fixed names made unique (instances, namespaces,
# links, etcd's ports and data directory) and this build first in PATH.
# Then node1's `cluster status` lists node2 as a peer, db as a remote
# endpoint, and the cluster's identities with their label sets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_etcd.sh"
plan 4

DIR=$(mktemp -d /tmp/hyp-rqc.XXXXXX)
on_exit "rm -rf $DIR"
CP=$(free_port) PP=$(free_port)
N1=rq1-$UNIQ N2=rq2-$UNIQ
_CLEAN_INST+=("$N1" "$N2")
_CLEAN_NS+=("rqf-$UNIQ" "rqc1-$UNIQ" "rqc2-$UNIQ")
on_exit "kill \$(cat $DIR/pids 2>/dev/null)"

sed -n '/<!-- cluster quick start: begin -->/,/<!-- cluster quick start: end -->/p' "$ROOT/README.md" |
	awk '/^```/ {inblock = !inblock; next} inblock' |
	sed -e "s/2379/$CP/g; s/2380/$PP/g; s#/tmp/etcd#$DIR/etcd#g" \
		-e "s/\bnode\(\$i\|[12]\)\b/rq\1-$UNIQ/g; s/\bc\(\$i\|[12]\)\b/rqc\1-$UNIQ/g" \
		-e "s/\bfabric\b/rqf-$UNIQ/g; s/\bup\\\$i\b/rqu\$i-$UNIQ/g; s/\bf\\\$i\b/rqv\$i-$UNIQ/g" \
		>"$DIR/block.sh"
check "the README has the cluster quick start ($(grep -c . "$DIR/block.sh") lines)" \
	test "$(grep -c . "$DIR/block.sh")" -ge 25
# the background jobs it starts (etcd, the two daemons) are stopped by their PIDs
(cd "$DIR" && PATH=$BUILD:$PATH timeout 150 bash -e -c \
	"trap 'jobs -p >$DIR/pids' EXIT; . $DIR/block.sh") >"$DIR/out" 2>&1
rc=$?
check "the quick start runs as written (exit $rc)" bash -c "[ $rc = 0 ] || { tail -20 $DIR/out; exit 1; }"
DB=$("$HYPERCTL" --instance "$N2" -j snic show db | jq -r .ip | cut -d/ -f1)
check "its cluster status shows node2 as a peer and db ($DB) as a remote endpoint" \
	bash -c "grep -q '^$N2 ' $DIR/out && $HYPERCTL --instance $N1 -j cluster status |
		jq -e --arg ip '$DB' '.remote_endpoints[] | select(.ip == \$ip)'"
ids=$("$HYPERCTL" --instance "$N1" cluster status | sed -n '/^identities/,/^remote/p' | tr '\n' ' ')
check "cluster status lists the identities with their label sets ($ids)" \
	bash -c "$HYPERCTL --instance $N1 -j cluster status |
		jq -e '[.identities[].labels] | (any(test(\"app=web\")) and any(test(\"app=db\")))'"
finish
