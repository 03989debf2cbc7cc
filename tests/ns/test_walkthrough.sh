#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: the README's walkthrough (Use) works as written. Its commands are read
# from README.md (between the walkthrough markers), so the test breaks
# when the README drifts: each "$ " line runs (sudo dropped, the names
# "demo..." made unique) in a fresh instance with the default pool, must
# exit 0, and must print the output lines the README shows under it, in
# order ("..." stands for anything, runs of spaces for any spaces).
. "$(dirname "$0")/lib.sh"
plan 4

INST=rm$UNIQ
README=$ROOT/README.md
STEPS=$(mktemp /tmp/hyp-readme.XXXXXX)
on_exit "rm -f $STEPS"
# what the walkthrough makes, should it stop half-way
for n in web db dev; do
	_CLEAN_NS+=("$INST-$n")
	on_exit "ip netns pids $INST-$n 2>/dev/null | xargs -r kill"
done

# The console blocks between the markers: "$ cmd" lines and the output shown.
sed -n '/<!-- walkthrough: begin -->/,/<!-- walkthrough: end -->/p' "$README" |
	awk '/^```/ {inblock = !inblock; next} inblock' | sed "s/demo/$INST/g" >"$STEPS"
ncmd=$(grep -c '^\$ ' "$STEPS")
check "the README has a walkthrough ($ncmd commands)" test "$ncmd" -ge 20

start_daemon "$INST" || finish
export PATH=$ROOT/build:$PATH

# expected lines (file) appear in order in the output (file)
shows() {
	local exp=$1 out=$2 re line n=1
	while IFS= read -r line; do
		[ "$line" = "..." ] && continue
		re=$(printf '%s' "$line" | sed -e 's/[][\\.*^$/+?(){}|]/\\&/g' -e 's/\\\.\\\.\\\./.*/g' -e 's/  */ +/g')
		n=$(tail -n +"$n" "$out" | grep -nE "^ *$re *\$" | head -1 | cut -d: -f1 | sed "s/$/+$n/" | bc) ||
			{ echo "not shown: $line"; return 1; }
		[ -n "$n" ] || { echo "not shown: $line"; return 1; }
	done <"$exp"
}

walk() {
	local cmd= exp out bad=0 line
	exp=$(mktemp) out=$(mktemp)
	run_step() {
		[ -n "$cmd" ] || return 0
		(cd "$ROOT" && bash -c "${cmd//sudo /}") >"$out" 2>&1 ||
			{ echo "exit $?: $cmd"; sed 's/^/  /' "$out"; bad=1; return; }
		shows "$exp" "$out" || { echo "in: $cmd"; sed 's/^/  | /' "$out"; bad=1; }
	}
	while IFS= read -r line; do
		if [[ $line == '$ '* ]]; then
			run_step
			cmd=${line#\$ }
			: >"$exp"
		else
			printf '%s\n' "$line" >>"$exp"
		fi
	done <"$STEPS"
	run_step
	rm -f "$exp" "$out"
	return $bad
}
check "every command of the walkthrough runs and shows what the README shows" walk
check "the walkthrough's teardown removed the instance" bash -c \
	"[ ! -e /var/lib/hyperion/$INST ] && [ ! -e /run/netns/hyp-$INST ] && [ ! -e /sys/fs/bpf/hyperion/$INST ]"
check "and its namespaces" bash -c "! ip netns list | grep -q '^$INST-'"
finish
