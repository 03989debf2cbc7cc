#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every fuzz target (build/fuzz/fuzz/fuzz_*, `make fuzz-build`) for
# SECONDS each, one after the other, from its committed seed corpus
# (tests/fuzz/corpus/TARGET, read only) plus the inputs earlier runs found
# (build/fuzz/corpus/TARGET). Prints one line per target: executions,
# edge coverage (cov), features (ft), corpus size; a crash leaves its input
# in build/fuzz/crash-TARGET-* and fails the run.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -u
cd "$(dirname "$0")/../.."
secs=${1:-10}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
	for b in build/fuzz/fuzz/fuzz_*; do targets+=("$(basename "$b")"); done
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
	bin=build/fuzz/fuzz/$t
	name=${t#fuzz_}
	work=build/fuzz/corpus/$name
	log=build/fuzz/$t.log
	mkdir -p "$work"
	# fuzz_api loads the datapath again after a teardown request: the
	# verifier alone took over 30 s on the loaded machine
	tmo=30
	[ "$name" = api ] && tmo=180
	args=(-max_total_time="$secs" -timeout="$tmo" -rss_limit_mb=4096 -max_len=4096
	      -print_final_stats=1 -artifact_prefix="build/fuzz/crash-$name-"
	      "$work" "tests/fuzz/corpus/$name")
	if [ "$name" = api ]; then
		# a private /run/netns holding only fz-a: requests can name no other
		# namespace of the machine; the instance is torn down after
		inst=fza$(printf '%x' $$)
		HYP_FUZZ_INSTANCE=$inst unshare -m --propagation private bash -c '
			mount -t tmpfs fuzz-netns /run/netns && ip netns add fz-a || exit 1
			"$@"; rc=$?
			[ -x build/hyperctl ] && build/hyperctl --instance '"$inst"' teardown --yes
			exit $rc' fuzz "$bin" "${args[@]}" >"$log" 2>&1
	else
		"$bin" "${args[@]}" >"$log" 2>&1
	fi
	rc=$?
	execs=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
	ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
	corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
	verdict=ok
	if ((rc != 0)); then verdict="FAILED (rc $rc, see $log)"; failed=1; fi
	printf '%-14s %5ss %10s execs  cov %5s  ft %6s  corpus %5s  %s\n' "$t" "$secs" \
		"${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict"
	((rc != 0)) && grep -E 'ERROR|invariant|SUMMARY|#[0-9] 0x' "$log" | head -15 | sed 's/^/    /'
done
exit $failed
