# shellcheck shell=bash
# Payload inspection, worst case (issue 16 item 3): the same N patterns as
# hyperion-inspect-N / suricata-N, but the payload is adversarial: every pattern
# without its last byte, each followed by '.', over and over (near-matches all the
# way: the automaton sits in deep states and never completes a pattern), one TCP
# stream client -> server for --duration s (bench/lib/blast.py; iperf3 sends random
# bytes, benign for a matcher). Recorded as tcp1_fwd (Gbit/s received, CPU-s/GB), so
# it sits in the inspection table next to the benign rows. A pattern completed by
# accident would be dropped: the post check (inspect-match / fast.log unchanged) and
# the bytes received tell.

# Each prefix ends with a byte no pattern has ('.': the patterns are alphanumeric):
# back to back, a prefix and the next pattern's first byte could complete the
# pattern (one junction in 62 did, in the first full run).
adv_payload() { # PATTERN_FILE OUT
    awk '{ printf "%s.", substr($0, 1, length($0) - 1) }' "$1" > "$2"
}

metrics_inspect_adv() { # CONFIG
    local n=${1##*-} m=tcp1_fwd port=5202 c0 c1 out=$WD/blast.json
    adv_payload "$HB_WORK/patterns-$n.txt" "$WD/adv.bin"
    start_bg "$WD/blast-recv.log" ip netns exec "$SNS" taskset -c "$SCPU" "$PY" "$BENCH_DIR/lib/blast.py" recv "$port" "$out"
    local rp=$LAST_PID
    wait_listen "$SNS" tcp "$port" "$rp" blast-recv || return 0
    c0=$(cpu_busy)
    run_fg timeout $((HB_DURATION + 30)) ip netns exec "$CNS" taskset -c "$CCPU" "$PY" "$BENCH_DIR/lib/blast.py" \
        send "${T_HTTP%:*}" "$port" "$HB_DURATION" "$WD/adv.bin" 2>"$WD/blast-send.err" \
        || { fail "$m" "adversarial sender failed"; tail_log "$WD/blast-send.err"; return 0; }
    local i
    for i in $(seq 100); do [ -s "$out" ] && break; sleep 0.1; done
    c1=$(cpu_busy)
    [ -s "$out" ] || { fail "$m" "the receiver reported nothing"; return 0; }
    local bytes secs
    bytes=$(jq -r .bytes "$out"); secs=$(jq -r .seconds "$out")
    awk -v b="$bytes" 'BEGIN{exit !(b > 0)}' || { fail "$m" "0 bytes received"; return 0; }
    rec "${m}_gbps" "$(awk -v b="$bytes" -v s="$secs" 'BEGIN{printf "%.3f", b * 8 / s / 1e9}')"
    rec "${m}_cpu_s_per_gb" "$(awk -v j=$((c1 - c0)) -v hz="$HZ" -v b="$bytes" 'BEGIN{printf "%.3f", (j/hz)/(b/1e9)}')"
    SUMMARY+=" adversarial=$(awk -v b="$bytes" -v s="$secs" 'BEGIN{printf "%.2f", b * 8 / s / 1e9}')Gb/s"
}

# setup and activation are bench/run's own (hyperion-inspect-* / suricata-*)
hb_scenario 'hyperion-inspect-adv-*' - - - metrics_inspect_adv \
    "hyperion-inspect-N with an adversarial payload (every pattern minus its last byte, repeated)"
hb_scenario 'suricata-adv-*' - - - metrics_inspect_adv \
    "suricata-N with the same adversarial payload"
