#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every test layer and ends with "N passed, N failed, N skipped".
#   unit tests (cmocka)  build/tests/test_* from tests/unit
#   BPF program tests    build/tests/test_* from tests/bpf
#   namespace tests      tests/ns/test_*.sh (TAP-style "ok"/"not ok" lines)
# Usage: tests/run.sh [FILTER]   (FILTER: substring of a test name)
cd "$(dirname "$0")/.."
filter=${1:-}
pass=0 fail=0 skip=0
failed_names=()
log_dir=$(mktemp -d /tmp/hyp-tests.XXXXXX)

run_cmocka() {
	local bin=$1 name out
	name=$(basename "$bin")
	out="$log_dir/$name.log"
	"$bin" >"$out" 2>&1
	local rc=$? p f
	p=$(grep -c '^\[       OK \]' "$out")
	f=$(grep -oE '^\[  (FAILED|ERROR) +\] test_[a-z0-9_]+' "$out" | sort -u | wc -l)
	if ((rc != 0 && f == 0)); then f=1; fi
	pass=$((pass + p)) fail=$((fail + f))
	printf '%-40s %3d passed %3d failed\n' "$name" "$p" "$f"
	if ((f)); then failed_names+=("$name"); sed 's/^/    /' "$out" | grep -vE '^\s+\[ (RUN|      OK) ' | tail -20; fi
}

run_tap() {
	local script=$1 name out rc p f s
	name=$(basename "$script" .sh)
	out="$log_dir/$name.log"
	local start=$SECONDS
	timeout 600 bash "$script" >"$out" 2>&1
	rc=$?
	p=$(grep -cE '^ok[ :]' "$out")
	f=$(grep -cE '^not ok[ :]' "$out")
	s=$(grep -cE '^skip[ :]' "$out")
	if ((rc != 0 && f == 0)); then f=1; echo "not ok - $name exited $rc" >>"$out"; fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	printf '%-40s %3d passed %3d failed %3d skipped (%ds)\n' "$name" "$p" "$f" "$s" $((SECONDS - start))
	if ((f)); then failed_names+=("$name"); grep -E '^(not ok|#)' "$out" | sed 's/^/    /' | tail -30; fi
}

echo "== unit and BPF program tests"
for t in tests/unit/test_*.c tests/bpf/test_*.c; do
	[ -e "$t" ] || continue
	bin=build/tests/$(basename "$t" .c)
	[[ -z $filter || $bin == *"$filter"* ]] || continue
	if [ ! -x "$bin" ]; then
		echo "$bin missing (run make)"; fail=$((fail + 1)); continue
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
