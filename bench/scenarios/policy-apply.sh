# shellcheck shell=bash
# Policy changes at scale (issue 16 item 4): apply-N is the hyperion setup plus N
# endpoints in all (the two benchmark containers and N - 2 more SNICs in one extra
# namespace, labels app=a0..a99), then HB_APPLY_POLICIES NetworkPolicies (default
# 1000; policy j selects app=a(j%100) and allows TCP port 10000+j from app=a(j+1 %100)),
# applied in one request. Recorded, end to end through hyperctl (process start included):
#   apply_all_ms      applying all the policies at once
#   apply_one_ms      changing one of them (its port): HB_APPLY_SAMPLES samples (default 5)
#   snic_add_ms       adding one more SNIC with the N endpoints and the policies in place:
#                     HB_APPLY_SAMPLES samples
#   snic_add_empty_ms adding the extra SNICs before any policy (mean per SNIC)
#   daemon_rss_kb     hyperiond's resident memory after all that
#   sys_mem_mb        the system's memory in use (MemTotal - MemAvailable) after all that,
#   sys_mem_delta_mb  and its growth since before the extra SNICs (other agents' load too)
#   policy_entries    entries of the active policy generation
#   scenario_s        the whole measurement (SNIC creation included), seconds
#   compile_*_ms      the compiler alone on the same world in CPU ms (build/tests/hyp-polbench,
#                     no daemon, load-proof): one change / one SNIC add, full vs incremental
# Several samples of one metric in one round give the report its median and spread.
# The extra endpoints take ~50 ms each to create (apply-10000: ~8-10 min), so apply-N
# measures only in the first HB_APPLY_ROUNDS rounds (default 1); later rounds record nothing.
HB_APPLY_POLICIES=${HB_APPLY_POLICIES:-1000}
HB_APPLY_ROUNDS=${HB_APPLY_ROUNDS:-1}
HB_APPLY_SAMPLES=${HB_APPLY_SAMPLES:-5}

mem_used_mb() { awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{printf "%d", (t - a) / 1024}' /proc/meminfo; }

apply_docs() { # FILE POLICIES [CHANGED_INDEX PORT_OFFSET]
    awk -v n="$2" -v ci="${3:--1}" -v off="${4:-0}" 'BEGIN{
        for (j = 0; j < n; j++) {
            if (j) print "---"
            print "apiVersion: networking.k8s.io/v1"; print "kind: NetworkPolicy"
            print "metadata: {name: bench-apply-" j "}"
            print "spec:"
            printf "  podSelector: {matchLabels: {app: a%d}}\n", j % 100
            print "  policyTypes: [Ingress]"
            printf "  ingress: [{from: [{podSelector: {matchLabels: {app: a%d}}}], ports: [{protocol: TCP, port: %d}]}]\n", (j + 1) % 100, 10000 + j + (j == ci ? off : 0)
        } }' > "$1"
}

ms_since() { us_to_ms $(( $(now_us) - $1 )); }

metrics_apply() { # CONFIG
    local n=${1##*-} extra i t0 t_all mem0 ens=hb-$ID-e
    if [ "$ROUND" -gt "$HB_APPLY_ROUNDS" ]; then
        log "  $CFG: round $ROUND > HB_APPLY_ROUNDS=$HB_APPLY_ROUNDS: not measured"
        return 0
    fi
    extra=$(( n > 2 ? n - 2 : 0 ))
    mk_ns "$ens"
    mem0=$(mem_used_mb)
    t0=$(now_us) t_all=$(now_us)
    for ((i = 0; i < extra; i++)); do
        ((i % 1000 == 999)) && log "  $CFG: $((i + 1)) of $extra extra SNICs, $(ms_since "$t0") ms"
        hctl snic add "e$ID-$i" --netns "$ens" --ifname "e$i" --label "app=a$((i % 100))" >>"$WD/hyperctl.log" 2>&1 \
            || { fail apply "hyperctl snic add (extra endpoint $i of $extra) failed"; tail_log "$WD/hyperctl.log"; return 0; }
    done
    [ "$extra" = 0 ] || rec snic_add_empty_ms "$(us_to_ms $(( $(now_us) - t0 )) "$extra")"
    apply_docs "$WD/apply-all.yaml" "$HB_APPLY_POLICIES"
    t0=$(now_us)
    hctl policy apply -f "$WD/apply-all.yaml" >>"$WD/hyperctl.log" 2>&1 \
        || { fail apply "applying $HB_APPLY_POLICIES policies failed"; tail_log "$WD/hyperctl.log"; return 0; }
    rec apply_all_ms "$(ms_since "$t0")"
    local k
    for ((k = 1; k <= HB_APPLY_SAMPLES; k++)); do
        apply_docs "$WD/apply-one.yaml" 1 -1 0
        # policy 0 with another port: one document, the rest stays
        sed -i "s/port: 10000}/port: $((20000 + k))}/" "$WD/apply-one.yaml"
        t0=$(now_us)
        hctl policy apply -f "$WD/apply-one.yaml" >>"$WD/hyperctl.log" 2>&1 \
            || { fail apply "changing one policy failed"; tail_log "$WD/hyperctl.log"; return 0; }
        rec apply_one_ms "$(ms_since "$t0")"
    done
    for ((k = 1; k <= HB_APPLY_SAMPLES; k++)); do
        t0=$(now_us)
        hctl snic add "x$ID-$k" --netns "$ens" --ifname "ex$k" --label "app=a$((7 * k % 100))" >>"$WD/hyperctl.log" 2>&1 \
            || { fail apply "adding a SNIC with $n endpoints and the policies failed"; return 0; }
        rec snic_add_ms "$(ms_since "$t0")"
    done
    rec daemon_rss_kb "$(awk '/^VmRSS:/{print $2}' "/proc/$HYP_PID/status")"
    rec sys_mem_mb "$(mem_used_mb)"
    rec sys_mem_delta_mb "$(( $(mem_used_mb) - mem0 ))"
    rec policy_entries "$(hyp_policy_entries)"
    rec endpoints "$n"
    rec scenario_s "$(( ($(now_us) - t_all) / 1000000 ))"
    local pb k2
    pb=$("$ROOT/build/tests/hyp-polbench" "$n" "$HB_APPLY_POLICIES" 2>>"$WD/hyperctl.log") \
        || { warn apply "hyp-polbench $n failed"; pb=; }
    for k2 in one_full one_inc add_full add_inc; do
        [ -n "$pb" ] && rec "compile_${k2}_ms" "$(jq -r ".${k2}_ms" <<<"$pb")"
    done
    log "  $CFG: $n endpoints, $HB_APPLY_POLICIES policies"
}

setup_apply() { # CONFIG: a /16 pool (the /24 of the other rows holds 253 endpoints)
    HYP_POOL16=1
    # the teardown removes every SNIC: ~37 ms each quiet, 60 ms measured under load 11;
    # 100 ms each allowed (a timed-out teardown leaves the instance behind)
    HB_TEARDOWN_S=$(( 180 + ${1##*-} / 10 ))
    setup_hyperion 0
}

hb_scenario 'apply-*' setup_apply - - metrics_apply \
    "hyperion with N endpoints (2 containers + N-2 SNICs) and $HB_APPLY_POLICIES NetworkPolicies: apply, one change, SNIC add, memory"
hb_group policy-apply apply-10 apply-1000 apply-10000
# thousands of SNICs created and removed: after every round of the other configurations
hb_run_last 'apply-*'
