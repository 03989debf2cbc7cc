#!/usr/bin/env bash
# Sanity test for the benchmark harness, for the test suite.
#
#   bench/test-quick.sh [--no-fault-check] [extra bench/run arguments...]
#
# 1. Self-test of the sanity checks: the veth configuration with its servers stopped
#    (HB_FAULT=noservers) must make bench/run exit non-zero and name config + metric.
# 2. bench/run --quick over every configuration that can run (hyperion configs are
#    skipped if build/hyperiond is missing) must carry traffic everywhere and write
#    the Markdown table and the plot. --quick includes the policy-scale and inspection
#    configurations at tiny sizes (hyperion/iptables/nftables-rules-10,
#    hyperion-inspect-10; no suricata), each with its own proof that the rules are in
#    force (a probe to a non-allowed port blocked, a GET with a pattern dropped).
# Results go to a temporary directory (bench/results is left alone).
# Exit 0 if all passed, 1 otherwise; the last line reads "bench: N passed, N failed, N skipped".
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAULT_CHECK=1
if [ "${1:-}" = "--no-fault-check" ]; then FAULT_CHECK=0; shift; fi

if [ "$(id -u)" -ne 0 ]; then
    echo "bench/test-quick.sh: needs root (network namespaces)" >&2
    echo "bench: 0 passed, 1 failed"
    exit 1
fi

for t in iperf3 sockperf wrk nginx stunnel wireguard-go wg gnuplot jq nft iptables-legacy curl busybox bpftool; do
    if ! command -v "$t" >/dev/null 2>&1; then
        "$BENCH_DIR/setup.sh" --no-suricata
        break
    fi
done

OUT=$(mktemp -d /tmp/hbench-test.XXXXXX)
cleanup() { rm -rf "$OUT"; }
trap cleanup EXIT

passed=0; failed=0; skipped=0

if [ "$FAULT_CHECK" = 1 ]; then
    rc=0
    HB_FAULT=noservers "$BENCH_DIR/run" --quick --configs veth --out "$OUT/fault" >"$OUT/fault.log" 2>&1 || rc=$?
    if [ "$rc" != 0 ] && grep -q 'FAIL: config=veth metric=tcp1_fwd' "$OUT/fault.log" \
        && grep -q 'FAIL: config=veth metric=http' "$OUT/fault.log"; then
        echo "ok: a configuration that carries no traffic makes bench/run fail (exit $rc)"
        passed=$((passed + 1))
    else
        echo "FAIL: bench/run did not fail loudly on a configuration without traffic (exit $rc):"
        sed 's/^/    /' "$OUT/fault.log" | tail -n 20
        failed=$((failed + 1))
    fi
fi

set +e
"$BENCH_DIR/run" --quick --out "$OUT/quick" "$@" 2>&1 | tee "$OUT/quick.log"
rc=${PIPESTATUS[0]}
set -e

meta=$OUT/quick/latest-meta.tsv
if [ ! -s "$meta" ]; then
    echo "FAIL: bench/run --quick wrote no results (exit $rc)"
    failed=$((failed + 1))
else
    configs=$(awk -F'\t' '$1=="configs"{print $2}' "$meta")
    skip=$(awk -F'\t' '$1=="skipped"{print $2}' "$meta")
    for c in $configs; do
        if grep -q "^[0-9]*,$c," "$OUT/quick/latest-failures.csv"; then
            echo "FAIL: configuration $c: $(grep "^[0-9]*,$c," "$OUT/quick/latest-failures.csv" | cut -d, -f3- | tr '\n' ' ')"
            failed=$((failed + 1))
        elif ! grep -q ",$c,tcp1_fwd_gbps," "$OUT/quick/latest-raw.csv"; then
            echo "FAIL: configuration $c: no throughput recorded"
            failed=$((failed + 1))
        else
            echo "ok: configuration $c carried traffic"
            passed=$((passed + 1))
        fi
    done
    for c in $skip; do
        echo "skip: configuration $c (build/hyperiond or build/hyperctl missing)"
        skipped=$((skipped + 1))
    done
    if [ -s "$OUT/quick/latest.md" ] && [ -s "$OUT/quick/latest.png" ]; then
        echo "ok: latest.md and latest.png written"
        passed=$((passed + 1))
    else
        echo "FAIL: latest.md or latest.png missing"
        failed=$((failed + 1))
    fi
    if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
        echo "FAIL: bench/run --quick exited $rc"
        failed=$((failed + 1))
    fi
fi

echo "bench: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
