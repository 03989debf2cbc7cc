#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Mutation run: each mutant in tests/mutate/mutants/*.mut breaks one named
# property by replacing one line of the product; the run applies it in a
# scratch copy of the tree, rebuilds, runs the tests that should catch it,
# and reverts. A mutant is "killed" when those tests fail, "SURVIVED" when
# they pass. The working tree is never touched: the copy is removed on exit,
# interrupted or not.
#
# Usage: tests/mutate/run.sh [NAME...]     (make mutate)
#        MUTATE_JOBS=N (default 2): N workers, each on its own scratch copy
# Last line: "killed N/M"; exits non-zero when any mutant survives or
# cannot be applied, or when the tests fail on the unmutated copy.
#
# A mutant file holds "key: value" lines:
#   property: what the mutant breaks (one line)
#   file:     the product file, relative to the root
#   match:    the exact text of the line to replace (leading blanks ignored);
#             it must occur on exactly one line (or on the n-th, see nth)
#   nth:      optional, which of several matching lines (from 1)
#   replace:  the new line (indentation is kept)
#   tests:    test names for tests/run.sh, space-separated (run one by one)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MUT_DIR=$ROOT/tests/mutate/mutants
SCRATCH=
KIDS=

cleanup() {
	# the test files clean up with the copy's binaries (hyperctl teardown):
	# let them finish before the copy goes
	if [ -n "$KIDS" ]; then
		# the session setsid made: tests/run.sh's timeout puts each test
		# file in a process group of its own, inside that session
		pkill -TERM -s "$KIDS" 2>/dev/null
		wait "$KIDS" 2>/dev/null
		for _ in $(seq 600); do pgrep -s "$KIDS" >/dev/null || break; sleep 0.1; done
	fi
	[ -n "$SCRATCH" ] && rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'echo "mutate: interrupted"; exit 130' INT TERM

die() { echo "mutate: $*" >&2; exit 2; }

# field FILE KEY: the value of "KEY: value" in a mutant file
field() { sed -n "s/^$2: //p" "$1" | head -1; }

# apply FILE MATCH REPLACE NTH: replaces the NTH line whose trimmed text is
# MATCH; prints the number of matching lines; fails when NTH is absent
apply() {
	/usr/bin/python3 - "$@" <<'PY'
import sys
path, match, repl, nth = sys.argv[1], sys.argv[2].strip(), sys.argv[3], sys.argv[4]
lines = open(path).read().split('\n')
hits = [i for i, l in enumerate(lines) if l.strip() == match]
print(len(hits))
want = int(nth) if nth else 1
if (not nth and len(hits) != 1) or want > len(hits):
    sys.exit(1)
i = hits[want - 1]
indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
lines[i] = indent + repl.strip()
open(path, 'w').write('\n'.join(lines))
PY
}

# run_tests NAMES...: 0 when every named test file passes in the copy
run_tests() {
	local t rc=0
	for t in "$@"; do
		setsid bash "$SCRATCH/tests/run.sh" "$t" >>"$LOG" 2>&1 &
		KIDS=$!
		wait "$KIDS" || rc=1
		KIDS=
		((rc)) && return 1 # one failing file is enough
	done
	return 0
}

[ "$(id -u)" -eq 0 ] || die "needs root (the namespace tests)"
[ -d "$MUT_DIR" ] || die "no mutants in $MUT_DIR"
if (($#)); then
	mutants=()
	for n in "$@"; do
		[ -f "$MUT_DIR/$n.mut" ] || die "no mutant $n"
		mutants+=("$MUT_DIR/$n.mut")
	done
else
	mutants=("$MUT_DIR"/*.mut)
fi

# Parallel run: MUTATE_JOBS workers (default 2), each with its own scratch
# copy and a share of the mutants; most of a namespace test's time is
# waiting, so two workers nearly halve the run on this 2-core machine.
jobs=${MUTATE_JOBS:-2}
if ((jobs > 1 && ${#mutants[@]} > 1)); then
	outs=() pids=() rc=0
	trap 'kill "${pids[@]}" 2>/dev/null; wait; exit 130' INT TERM
	for ((w = 0; w < jobs; w++)); do
		share=()
		for ((i = w; i < ${#mutants[@]}; i += jobs)); do
			share+=("$(basename "${mutants[i]}" .mut)")
		done
		((${#share[@]})) || continue
		outs+=("$(mktemp /tmp/hyp-mutate-out.XXXXXX)")
		MUTATE_JOBS=1 bash "$0" "${share[@]}" >"${outs[-1]}" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	killed=0 total=0
	for o in "${outs[@]}"; do
		grep -v '^killed [0-9]*/[0-9]*$' "$o"
		k=$(sed -n 's|^killed \([0-9]*\)/\([0-9]*\)$|\1 \2|p' "$o")
		[ -n "$k" ] || { rc=1; k="0 0"; }
		killed=$((killed + ${k% *})) total=$((total + ${k#* }))
		rm -f "$o"
	done
	echo "mutate: $jobs workers, $SECONDS s"
	echo "killed $killed/${#mutants[@]}"
	((rc == 0 && killed == ${#mutants[@]}))
	exit
fi

SCRATCH=$(mktemp -d /tmp/hyp-mutate.XXXXXX)
LOG=$SCRATCH/mutate.log
echo "mutate: scratch copy in $SCRATCH (log: mutate.log there, kept only while running)"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - --no-recursion) |
	tar -xf - -C "$SCRATCH" || die "cannot copy the tree"
[ -d "$ROOT/build" ] && cp -a "$ROOT/build" "$SCRATCH/" # an incremental first build
make -C "$SCRATCH" -j2 all >>"$LOG" 2>&1 || die "the unmutated copy does not build"

# Every test a mutant names must pass before any mutant runs: a kill by a
# test that fails anyway proves nothing.
all_tests=$(for m in "${mutants[@]}"; do field "$m" tests; done | tr ' ' '\n' | sort -u)
start=$SECONDS
# shellcheck disable=SC2086
run_tests $all_tests || {
	grep -E '^(not ok|failed:|[0-9]+ passed)' "$LOG" | tail -20
	die "tests fail on the unmutated tree; fix them first"
}
echo "mutate: baseline green ($((SECONDS - start)) s): $(echo $all_tests)"

killed=0 total=0 bad=0
for m in "${mutants[@]}"; do
	name=$(basename "$m" .mut)
	m=$SCRATCH/tests/mutate/mutants/$name.mut # as copied: edits during the run do not count
	file=$(field "$m" file) match=$(field "$m" match) repl=$(field "$m" replace)
	nth=$(field "$m" nth) tests=$(field "$m" tests) prop=$(field "$m" property)
	total=$((total + 1))
	t0=$SECONDS
	[ -n "$file" ] && [ -n "$match" ] && [ -n "$tests" ] && [ -f "$SCRATCH/$file" ] || {
		printf '%-28s ERROR   incomplete mutant or missing file %s\n' "$name" "$file"
		bad=$((bad + 1)); continue
	}
	cp -p "$SCRATCH/$file" "$SCRATCH/$file.orig"
	if ! hits=$(apply "$SCRATCH/$file" "$match" "$repl" "$nth"); then
		printf '%-28s ERROR   match found on %s lines of %s (want one)\n' "$name" "$hits" "$file"
		mv "$SCRATCH/$file.orig" "$SCRATCH/$file"; bad=$((bad + 1)); continue
	fi
	echo "=== $name: $prop" >>"$LOG"
	if ! make -C "$SCRATCH" -j2 all >>"$LOG" 2>&1; then
		printf '%-28s ERROR   does not build (see the log)\n' "$name"
		bad=$((bad + 1))
	elif run_tests $tests; then
		printf '%-28s SURVIVED %s (%s; %d s)\n' "$name" "$prop" "$tests" $((SECONDS - t0))
	else
		printf '%-28s killed   %s (%s; %d s)\n' "$name" "$prop" "$tests" $((SECONDS - t0))
		killed=$((killed + 1))
	fi
	mv "$SCRATCH/$file.orig" "$SCRATCH/$file"
	touch "$SCRATCH/$file" # newer than what the mutant built
done
# the copy rebuilt unmutated must be what we started from
make -C "$SCRATCH" -j2 all >>"$LOG" 2>&1 || die "the copy does not build after reverting"
if ((bad)); then echo "mutate: $bad mutant(s) could not run"; fi
echo "mutate: $((SECONDS - start)) s"
echo "killed $killed/$total"
((killed == total))
