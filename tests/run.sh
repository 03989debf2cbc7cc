#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every test layer and ends with "N passed, N failed, N skipped".
#   unit tests (cmocka)  build/tests/test_* from tests/unit
#   BPF program tests    build/tests/test_* from tests/bpf
#   namespace tests      tests/ns/test_*.sh and bench/test-quick.sh (TAP)
# No result is not a pass: a cmocka binary must run as many tests as it
# announced, a TAP file must print its plan ("1..N") and exactly N results,
# and a file that exits non-zero fails even when every line said "ok".
# Usage: tests/run.sh [--no-skip] [-j N] [--ns-jobs N] [FILTER]
#   --no-skip  a skipped test counts as failed (scripts/run-tests.sh and CI:
#              the test command installs everything the tests need)
#   -j N       runs up to N jobs at a time in each layer: test binaries,
#              namespace files (the files in ALONE below still run on their
#              own, after the others). Each job's lines are printed together
#              when it ends.
#   --ns-jobs N  namespace files at a time (default: -j's N); CI runs
#              -j 2 --ns-jobs 1 (scripts/run-tests.sh)
#   FILTER     substring of a test file's name
# HYP_BUILD=DIR runs the binaries of another build directory (make
# test-sanitize: build/asan, ASan + UBSan). Every sanitizer report of any
# process of the run (tests, hyperiond, hyperctl, the CNI plugin) goes to a
# log directory of the run; each report counts as a failure.
cd "$(dirname "$0")/.."
build_dir=${HYP_BUILD:-build}
san_dir=
if [ "$build_dir" != build ]; then
	san_dir=$(mktemp -d /tmp/hyp-san.XXXXXX)
	export ASAN_OPTIONS="log_path=$san_dir/asan:detect_leaks=1:${HYP_ASAN_OPTIONS:-}"
	export UBSAN_OPTIONS="log_path=$san_dir/ubsan:print_stacktrace=1:halt_on_error=1"
	export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
fi
no_skip=0 jobs=1 ns_jobs=
while [ $# -gt 0 ]; do
	case $1 in
	--no-skip) no_skip=1 ;;
	-j) jobs=${2:?-j needs a number}; shift ;;
	-j*) jobs=${1#-j} ;;
	--ns-jobs) ns_jobs=${2:?--ns-jobs needs a number}; shift ;;
	*) break ;;
	esac
	shift
done
ns_jobs=${ns_jobs:-$jobs}
for n in "$jobs" "$ns_jobs"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "tests/run.sh: -j and --ns-jobs want a number >= 1, not '$n'" >&2; exit 2; }
done
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

# A job is KIND:PATH, KIND cmocka (a unit or BPF test binary), asan (the
# same built with ASan + UBSan) or tap (a namespace test file).
# job_name JOB: the name its line and its log carry
job_name() {
	case $1 in
	cmocka:*) basename "${1#*:}" ;;
	asan:*) echo "asan-$(basename "${1#*:}")" ;;
	tap:*) basename "${1#*:}" .sh ;;
	esac
}

# job_exec JOB: runs it into its log; its exit code and duration go to
# LOG.rc ("RC SECONDS")
job_exec() {
	local path=${1#*:} out start=$SECONDS
	out="$log_dir/$(job_name "$1").log"
	case $1 in
	cmocka:*) "$path" >"$out" 2>&1 ;;
	asan:*)
		ASAN_OPTIONS="log_path=$asan_logs/asan:detect_leaks=1" \
			UBSAN_OPTIONS="log_path=$asan_logs/ubsan:print_stacktrace=1:halt_on_error=1" \
			"$path" >"$out" 2>&1
		;;
	tap:*) timeout 600 bash "$path" >"$out" 2>&1 ;;
	esac
	echo "$? $((SECONDS - start))" >"$out.rc"
}

# job_count JOB: counts the results of a job job_exec ran
job_count() {
	local name out rc secs p f s planned
	name=$(job_name "$1")
	out="$log_dir/$name.log"
	read -r rc secs <"$out.rc" || { rc=255 secs=0; }
	if [[ $1 == tap:* ]]; then
		planned=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$out" | head -1)
		p=$(grep -cE '^ok[ :]' "$out")
		f=$(grep -cE '^not ok[ :]' "$out")
		s=$(grep -cE '^skip[ :]' "$out")
		count "$name" "$p" "$f" "$s" "$planned" "$rc" "$out" " (${secs}s)" ||
			grep -E '^(not ok|skip|#)' "$out" | sed 's/^/    /' | tail -30
		return 0
	fi
	planned=$(sed -nE 's/^\[==========\] Running ([0-9]+) test\(s\)\./\1/p' "$out" | head -1)
	p=$(grep -cE '^\[       OK \] ' "$out")
	f=$(grep -oE '^\[  (FAILED|ERROR) +\] test_[A-Za-z0-9_]+' "$out" | sort -u | wc -l)
	s=$(grep -oE '^\[  SKIPPED \] test_[A-Za-z0-9_]+' "$out" | sort -u | wc -l)
	count "$name" "$p" "$f" "$s" "$planned" "$rc" "$out" ||
		sed 's/^/    /' "$out" | grep -vE '^\s+\[ (RUN|      OK) ' | tail -20
}

# run_jobs JOB...: up to $jobs at a time; each one's lines are printed
# together when it ends (in the order they end)
run_jobs() {
	local -A running=()
	local j done_pid
	for j in "$@"; do
		if ((jobs == 1)); then job_exec "$j"; job_count "$j"; continue; fi
		while ((${#running[@]} >= jobs)); do
			wait -n -p done_pid "${!running[@]}"
			job_count "${running[$done_pid]}"
			unset "running[$done_pid]"
		done
		job_exec "$j" &
		running[$!]=$j
	done
	while ((${#running[@]})); do
		wait -n -p done_pid "${!running[@]}"
		job_count "${running[$done_pid]}"
		unset "running[$done_pid]"
	done
}

# Namespace test files that run on their own even with -j: host-netns
# captures whose filter other tests' frames could match (tcpdump -i any:
# any IPv6, ARP, the overlay's port; test_northsouth's filter is an address
# only it uses), host-wide checks after hyperctl audit (no hyp-audit-*
# netns, no hab* bridge left), podman, the benchmark's quick test.
ALONE=" test_attacks test_cluster_ipv6 test_cluster_overlay test_ipv6 test_podman test_traffic test-quick "
alone() { [[ $ALONE == *[[:space:]]$(basename "$1" .sh)[[:space:]]* ]]; }

hdr=
((jobs > 1)) && hdr=", $jobs at a time"
echo "== unit and BPF program tests$hdr"
todo=()
for t in tests/unit/test_*.c tests/bpf/test_*.c; do
	[ -e "$t" ] || continue
	bin=$build_dir/tests/$(basename "$t" .c)
	[[ -z $filter || $bin == *"$filter"* ]] || continue
	if [ ! -x "$bin" ]; then
		echo "$bin missing (run make)"; fail=$((fail + 1)); failed_names+=("$bin"); continue
	fi
	todo+=("cmocka:$bin")
done
((${#todo[@]})) && run_jobs "${todo[@]}"
# The same unit and BPF tests built with ASan + UBSan (make sanitize-build),
# when HYP_ASAN_UNIT names that build (scripts/run-tests.sh, so CI, does).
if [ -n "${HYP_ASAN_UNIT:-}" ] && [ "$build_dir" = build ]; then
	echo "== the same, built with ASan and UBSan ($HYP_ASAN_UNIT)"
	asan_logs=$(mktemp -d /tmp/hyp-san.XXXXXX)
	todo=()
	for t in tests/unit/test_*.c tests/bpf/test_*.c; do
		[ -e "$t" ] || continue
		bin=$HYP_ASAN_UNIT/tests/$(basename "$t" .c)
		[[ -z $filter || $bin == *"$filter"* ]] || continue
		if [ ! -x "$bin" ]; then
			echo "$bin missing (run make sanitize-build)"; fail=$((fail + 1))
			failed_names+=("$bin"); continue
		fi
		todo+=("asan:$bin")
	done
	((${#todo[@]})) && run_jobs "${todo[@]}"
	if [ -n "$(ls -A "$asan_logs")" ]; then
		echo "not ok - sanitizer reports in $asan_logs:"
		grep -hE 'ERROR|SUMMARY|runtime error' "$asan_logs"/* | head -20 | sed 's/^/    /'
		fail=$((fail + 1)); failed_names+=("asan-reports")
	fi
fi
jobs=$ns_jobs hdr=
((jobs > 1)) && hdr=", $jobs at a time, the files that must run alone last"
echo "== namespace tests (real traffic$hdr)"
todo=() last=()
for t in tests/ns/test_*.sh bench/test-quick.sh; do
	[ -e "$t" ] || continue
	[[ -z $filter || $t == *"$filter"* ]] || continue
	if ((jobs > 1)) && alone "$t"; then last+=("tap:$t"); else todo+=("tap:$t"); fi
done
((${#todo[@]})) && run_jobs "${todo[@]}"
for t in "${last[@]}"; do job_exec "$t"; job_count "$t"; done
if [ -n "$san_dir" ]; then
	reports=$(find "$san_dir" -type f | wc -l)
	if ((reports)); then
		echo "not ok - sanitizer reports: $reports (in $san_dir)"
		for r in "$san_dir"/*; do
			echo "  $r:"
			grep -E 'ERROR|SUMMARY|runtime error|#[0-4] ' "$r" | head -12 | sed 's/^/    /'
		done
		fail=$((fail + reports)); failed_names+=("sanitizer")
	else
		echo "sanitizer reports: none ($build_dir)"
	fi
fi
echo "logs: $log_dir"
((${#failed_names[@]})) && echo "failed: ${failed_names[*]}"
echo "$pass passed, $fail failed, $skip skipped"
((fail == 0))
