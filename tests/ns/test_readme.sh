#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's commands as written. In a clean clone of the committed tree
# (git clone of this repository: the modes the repository records, nothing
# of the working tree), `sudo scripts/run-demo.sh` runs exactly as the
# README says (setup, build, demo) and prints its verdict lines. The clone
# gets a copy of this build and its sources are dated back, so `make` in
# it has nothing to do (CI's own fresh clone builds from scratch anyway).
# And nothing in the repository that is run directly lacks its execute
# bit: every tracked file with a "#!" line, and every scripts/, tests/ or
# bench/ path the READMEs tell the user to run.
. "$(dirname "$0")/lib.sh"
plan 8

CLONE=$(mktemp -d /tmp/hyp-clone.XXXXXX)
on_exit "rm -rf $CLONE"
LOG=$CLONE.log
on_exit "rm -f $LOG"

no_x=$(git -C "$ROOT" ls-files -s | while read -r mode _ _ path; do
	[ -f "$ROOT/$path" ] && head -c2 "$ROOT/$path" | grep -q '#!' && [ "$mode" != 100755 ] &&
		echo "$path ($mode)"
done)
check "every tracked file with a #! line is executable in the repository" \
	bash -c '[ -z "$1" ] || { echo "$1"; exit 1; }' _ "$no_x"
cmds=$(grep -hoE '^(sudo )?(scripts|tests|bench)/[A-Za-z0-9_./-]+' "$ROOT/README.md" "$ROOT/tests/README.md" |
	sed 's/^sudo //' | grep -v '/$' | sort -u)
bad=
for c in $cmds; do
	[ -e "$ROOT/$c" ] || { bad+="$c (missing) "; continue; }
	[ "$(git -C "$ROOT" ls-files -s -- "$c" | cut -d' ' -f1)" = 100755 ] || bad+="$c "
done
check "every command the READMEs run is executable in the repository ($(echo $cmds))" \
	bash -c '[ -z "$1" ] || { echo "$1"; exit 1; }' _ "$bad"

check "a clean clone of the committed tree" git clone -q "$ROOT" "$CLONE/hyperion"
mkdir -p "$CLONE/hyperion/build"
cp -a "$BUILD/." "$CLONE/hyperion/build/" &&
	git -C "$CLONE/hyperion" ls-files -z | (cd "$CLONE/hyperion" && xargs -0 touch -d 2000-01-01)
SUDO=sudo
command -v sudo >/dev/null || SUDO= # scripts/setup.sh installs it; as root it changes nothing
(cd "$CLONE/hyperion" && timeout 300 $SUDO scripts/run-demo.sh) >"$LOG" 2>&1
rc=$?
check "sudo scripts/run-demo.sh in the clone exits 0 (exit $rc)" test "$rc" = 0
verdict() { grep -qE "$1" "$LOG" || { tail -25 "$LOG"; return 1; }; }
check "verdict: Isolation PASSED" verdict '^  Isolation PASSED: Hyperion carried ([0-9]+)/\1 requests and the host saw none of it'
check "verdict: Hyperion carried every request, the host capture saw 0 frames" \
	verdict '^  Hyperion +([0-9]+)/\1 +0 +\(expect 0\)'
check "verdict: the Linux bridge baseline was visible to the host (positive control)" \
	verdict '^  Linux bridge \(host\) +([0-9]+)/\1 +[1-9][0-9]* +\(expect > 0\)'
check "verdict: policy + inspection as expected, attack audit PASS" \
	bash -c "grep -qE '^  policy \+ inspection +as expected' $LOG && grep -qE '^  attack audit +PASS' $LOG"
finish
