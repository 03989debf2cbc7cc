#!/usr/bin/env bash
# Sanity test for the benchmark harness, for the test suite (TAP: tests/run.sh
# runs it like the namespace tests).
#
#   bench/test-quick.sh [--no-fault-check] [extra bench/run arguments...]
#
# 1. Self-test of the sanity checks: the veth configuration with its servers stopped
#    (HB_FAULT=noservers) must make bench/run exit non-zero and name config + metric.
# 2. bench/run --quick must run every configuration of --quick and carry traffic in
#    each: veth, bridge, iptables, nftables, mtls, wireguard, hyperion,
#    hyperion-noguard, hyperion-bigtcp, hyperion-pktcost (bpf_stats), the
#    policy-scale and inspection configurations at tiny sizes
#    (hyperion/iptables/nftables-rules-10, hyperion-inspect-10; no suricata), each
#    with its own proof that the rules are in force (a probe to a non-allowed port
#    blocked, a GET with a pattern dropped). A configuration bench/run skips (it
#    does when build/hyperiond or build/hyperctl is missing) is a failure here: the
#    test command builds them first. It must write the Markdown table and the plot,
#    and exit 0.
# With "--configs LIST" among the extra arguments (explicit configuration names,
# no groups) the checks are about that list instead.
# Output is TAP: "1..N" first, then one "ok - " / "not ok - " line per check; the
# harness's own output follows as "# " lines. Results go to a temporary directory
# (bench/results is left alone). Exit 0 if all passed, 1 otherwise; the last line
# reads "# bench: N passed, N failed".
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAULT_CHECK=1
if [ "${1:-}" = "--no-fault-check" ]; then FAULT_CHECK=0; shift; fi

# what bench/run --quick runs (its "all" at --rule-counts 10 --pattern-counts 10)
EXPECTED=(veth bridge iptables nftables mtls wireguard hyperion hyperion-noguard hyperion-bigtcp hyperion-pktcost
    hyperion-rules-10 iptables-rules-10 nftables-rules-10 hyperion-inspect-10)
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in
        --configs) v=${args[i + 1]:-} ;;
        --configs=*) v=${args[i]#*=} ;;
        *) continue ;;
    esac
    read -r -a EXPECTED <<<"${v//,/ }"
done

passed=0; failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }
comment() { sed 's/^/# /'; }

echo "1..$((FAULT_CHECK + ${#EXPECTED[@]} + 2))"

# every planned check, as names (for the paths that cannot run them)
all_checks() {
    [ "$FAULT_CHECK" = 1 ] && echo "a configuration that carries no traffic makes bench/run fail"
    for c in "${EXPECTED[@]}"; do echo "configuration $c carried traffic"; done
    echo "latest.md and latest.png written"
    echo "bench/run --quick exited 0"
}

if [ "$(id -u)" -ne 0 ]; then
    while read -r c; do notok "$c: needs root (network namespaces)"; done < <(all_checks)
    echo "# bench: $passed passed, $failed failed"
    exit 1
fi

OUT=$(mktemp -d /tmp/hbench-test.XXXXXX)
FAULT_PID=""
cleanup() {
    if [ -n "$FAULT_PID" ]; then kill -TERM "$FAULT_PID" 2>/dev/null; wait "$FAULT_PID" 2>/dev/null; fi
    rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in iperf3 sockperf wrk nginx stunnel wireguard-go wg gnuplot jq nft iptables-legacy curl busybox bpftool; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "# $t missing: running bench/setup.sh --no-suricata"
        "$BENCH_DIR/setup.sh" --no-suricata 2>&1 | tail -n 20 | comment
        break
    fi
done

# The fault check and the quick run go at the same time, and the quick run runs
# HB_QUICK_JOBS configurations at once (default 3): this is a sanity check of every
# configuration, not a measurement (bench/run --jobs), and it takes about half the time.
if [ "$FAULT_CHECK" = 1 ]; then
    ( HB_FAULT=noservers exec "$BENCH_DIR/run" --quick --configs veth --out "$OUT/fault" \
        >"$OUT/fault.log" 2>&1 ) &
    FAULT_PID=$!
fi

"$BENCH_DIR/run" --quick --jobs "${HB_QUICK_JOBS:-3}" --out "$OUT/quick" "$@" >"$OUT/quick.log" 2>&1
rc=$?

if [ -n "$FAULT_PID" ]; then
    frc=0
    wait "$FAULT_PID" || frc=$?
    FAULT_PID=""
    if [ "$frc" != 0 ] && grep -q 'FAIL: config=veth metric=tcp1_fwd' "$OUT/fault.log" \
        && grep -q 'FAIL: config=veth metric=http' "$OUT/fault.log"; then
        ok "a configuration that carries no traffic makes bench/run fail (exit $frc, tcp1_fwd and http named)"
    else
        notok "a configuration that carries no traffic makes bench/run fail: bench/run did not fail loudly (exit $frc)"
        tail -n 20 "$OUT/fault.log" | comment
    fi
fi
comment <"$OUT/quick.log"

meta=$OUT/quick/latest-meta.tsv
fails=$OUT/quick/latest-failures.csv raw=$OUT/quick/latest-raw.csv
configs=$(awk -F'\t' '$1=="configs"{print $2}' "$meta" 2>/dev/null)
skipped=$(awk -F'\t' '$1=="skipped"{print $2}' "$meta" 2>/dev/null)
for c in "${EXPECTED[@]}"; do
    name="configuration $c carried traffic"
    if [ ! -s "$meta" ]; then
        notok "$name: bench/run --quick wrote no results (exit $rc)"
    elif [[ " $skipped " == *" $c "* ]]; then
        notok "$name: bench/run skipped it (build/hyperiond or build/hyperctl missing: run make)"
    elif [[ " $configs " != *" $c "* ]]; then
        notok "$name: bench/run did not run it (ran: $configs)"
    elif grep -q "^[0-9]*,$c," "$fails"; then
        notok "$name: $(grep "^[0-9]*,$c," "$fails" | cut -d, -f3- | tr '\n' ' ')"
    elif ! grep -q ",$c,tcp1_fwd_gbps," "$raw"; then
        notok "$name: no throughput recorded"
    else
        ok "$name"
    fi
done
if [ -s "$OUT/quick/latest.md" ] && [ -s "$OUT/quick/latest.png" ]; then
    ok "latest.md and latest.png written"
else
    notok "latest.md and latest.png written: one is missing or empty"
fi
if [ "$rc" = 0 ]; then ok "bench/run --quick exited 0"; else notok "bench/run --quick exited $rc"; fi

echo "# bench: $passed passed, $failed failed"
[ "$failed" = 0 ]
