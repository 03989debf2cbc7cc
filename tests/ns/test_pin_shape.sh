#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An instance whose pinned tables have another shape than this build's (a
# build with 4 096 endpoints left it; this one has 16 384) is refused at
# start with a message that names the table, both sizes and the way out
# (teardown), and the start changes nothing: the old table stays as it
# was, no other table is pinned. The positive twin: without the odd table
# the daemon starts and its table has this build's size.
. "$(dirname "$0")/lib.sh"

plan 5

INST=ps-$UNIQ
ROOT=/sys/fs/bpf/hyperion/$INST
on_exit rm -rf "$ROOT"
mkdir -p "$ROOT"
bpftool map create "$ROOT/hyp_ct_owners" type hash key 4 value 4 entries 4096 name hyp_ct_owners \
	|| { notok "bpftool pins a 4096-entry hyp_ct_owners"; finish; }

out=$(timeout 120 "$HYPERIOND" --instance "$INST" 2>&1)
rc=$?
check "the daemon refuses the instance (exit $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
check "the message names the table, both sizes and teardown" \
	grep -q "table hyp_ct_owners holds 4096 entries.*this build's 16384.*teardown" <<<"$out"
check "the old table is left as it was (4096 entries)" \
	test "$(bpftool map show pinned "$ROOT/hyp_ct_owners" -j | jq .max_entries)" = 4096
check "no other table was pinned" \
	test -z "$(find "$ROOT" -maxdepth 1 -type f ! -name hyp_ct_owners)"

rm -f "$ROOT/hyp_ct_owners"
start_daemon "$INST" || finish
check "without it the daemon starts and pins this build's size (16384)" \
	test "$(bpftool map show pinned "$ROOT/hyp_ct_owners" -j | jq .max_entries)" = 16384
finish
