#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every test layer and ends with "N passed, N failed, N skipped".
#   unit tests (cmocka)  build/tests/test_* from tests/unit
#   BPF program tests    build/tests/test_* from tests/bpf
#   namespace tests      tests/ns/test_*.sh and bench/test-quick.sh (TAP)
# No result is not a pass: a cmocka binary must run as many tests as it
# announced, a TAP file must print its plan ("1..N") and exactly N results,
# and a file that exits non-zero fails even when every line said "ok".
# Usage: tests/run.sh [--no-skip] [FILTER]
#   --no-skip  a skipped test counts as failed (scripts/run-tests.sh and CI:
#              the test command installs everything the tests need)
#   FILTER     substring of a test file's name
cd "$(dirname "$0")/.."
no_skip=0
if [ "${1:-}" = "--no-skip" ]; then no_skip=1; shift; fi
filter=${1:-}
pass=0 fail=0 skip=0
failed_names=()
log_dir=$(mktemp -d /tmp/hyp-tests.XXXXXX)

# count NAME PASSED FAILED SKIPPED PLANNED RC LOG [EXTRA]: adds one file's results
count() {
	local name=$1 p=$2 f=$3 s=$4 planned=$5 rc=$6 out=$7 extra=${8:-} why=
	if [ -z "$planned" ]; then
		why="no plan"
	elif ((p + f + s != planned)); then
		why="planned $planned, reported $((p + f + s))"
	fi
	if ((rc != 0 && f == 0)) && [ -z "$why" ]; then why="exited $rc"; fi
	if [ -n "$why" ]; then
		f=$((f + 1))
		echo "not ok - $name: $why" >>"$out"
	fi
	if ((no_skip && s)); then
		f=$((f + s))
		echo "not ok - $name: $s skipped (--no-skip)" >>"$out"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	printf '%-40s %3d passed %3d failed %3d skipped%s%s\n' "$name" "$p" "$f" "$s" \
		"$extra" "${why:+ ($why)}"
	if ((f)); then failed_names+=("$name"); fi
	return $((f > 0))
}

run_cmocka() {
	local bin=$1 name out rc p f s planned
	name=$(basename "$bin")
	out="$log_dir/$name.log"
	"$bin" >"$out" 2>&1
	rc=$?
	planned=$(sed -nE 's/^\[==========\] Running ([0-9]+) test\(s\)\./\1/p' "$out" | head -1)
	p=$(grep -cE '^\[       OK \] ' "$out")
	f=$(grep -oE '^\[  (FAILED|ERROR) +\] test_[A-Za-z0-9_]+' "$out" | sort -u | wc -l)
	s=$(grep -oE '^\[  SKIPPED \] test_[A-Za-z0-9_]+' "$out" | sort -u | wc -l)
	count "$name" "$p" "$f" "$s" "$planned" "$rc" "$out" ||
		sed 's/^/    /' "$out" | grep -vE '^\s+\[ (RUN|      OK) ' | tail -20
}

run_tap() {
	local script=$1 name out rc p f s planned start=$SECONDS
	name=$(basename "$script" .sh)
	out="$log_dir/$name.log"
	timeout 600 bash "$script" >"$out" 2>&1
	rc=$?
	planned=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$out" | head -1)
	p=$(grep -cE '^ok[ :]' "$out")
	f=$(grep -cE '^not ok[ :]' "$out")
	s=$(grep -cE '^skip[ :]' "$out")
	count "$name" "$p" "$f" "$s" "$planned" "$rc" "$out" " ($((SECONDS - start))s)" ||
		grep -E '^(not ok|skip|#)' "$out" | sed 's/^/    /' | tail -30
}

echo "== unit and BPF program tests"
for t in tests/unit/test_*.c tests/bpf/test_*.c; do
	[ -e "$t" ] || continue
	bin=build/tests/$(basename "$t" .c)
	[[ -z $filter || $bin == *"$filter"* ]] || continue
	if [ ! -x "$bin" ]; then
		echo "$bin missing (run make)"; fail=$((fail + 1)); failed_names+=("$bin"); continue
	fi
	run_cmocka "$bin"
done
echo "== namespace tests (real traffic)"
for t in tests/ns/test_*.sh bench/test-quick.sh; do
	[ -e "$t" ] || continue
	[[ -z $filter || $t == *"$filter"* ]] || continue
	run_tap "$t"
done
echo "logs: $log_dir"
((${#failed_names[@]})) && echo "failed: ${failed_names[*]}"
echo "$pass passed, $fail failed, $skip skipped"
((fail == 0))
