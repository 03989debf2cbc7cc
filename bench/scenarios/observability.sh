# shellcheck shell=bash
# Observability cost (issue 15 item 6), side by side, both with the headline
# hyperion setup (policy on, guard, stamp, conntrack):
#   hyperion-obs-off: hyperiond --events off, no web listener;
#   hyperion-obs-on:  flow events on (new flows and drops, the default budget of 100
#                     events/s per endpoint), --web with --metrics-endpoints, a
#                     Prometheus-like scrape of /metrics every second and a
#                     `hyperctl monitor -f -j` follower for the whole run;
#   hyperion-obs-all: the same with a budget so large (--event-rate/--event-burst
#                     1000000) that every new flow's event is written to the ring
#                     and read by the daemon and the follower: the worst case.
# Events are per new flow and per drop, never per forwarded packet of a flow, so the
# metric set adds the paths that open a connection per request (http_cc, conn).
setup_hyperion_obs() { # CONFIG
    if [ "$1" != hyperion-obs-off ]; then
        OBS_PORT=$((30000 + RANDOM % 20000))
        HYP_EXTRA_ARGS=(--web "127.0.0.1:$OBS_PORT" --metrics-endpoints)
        [ "$1" = hyperion-obs-all ] && HYP_EXTRA_ARGS+=(--event-rate 1000000 --event-burst 1000000)
    else
        HYP_EXTRA_ARGS=(--events off)
    fi
    setup_hyperion 0
}

activate_hyperion_obs() { # CONFIG
    activate_hyperion_rules 0 || return 1
    [ "$1" != hyperion-obs-off ] || return 0
    start_bg "$WD/obs-monitor.log" "$HYPERCTL" --instance "$HYP_INST" monitor -f -j
    start_bg "$WD/obs-scrape.log" bash -c \
        "while :; do curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:$OBS_PORT/metrics; sleep 1; done"
}

metrics_obs() { # CONFIG
    run_iperf tcp1_fwd 1 0
    run_iperf tcp4_fwd 4 0
    sockperf_start tcp_rr tcp "$T_SP_TCP"; sockperf_collect tcp_rr tcp
    run_wrk http
    run_wrk http_cc close
    run_connlat conn
}

postcheck_obs() { # CONFIG: the on row really ran with events, scrapes and a follower
    local ev scrapes
    [ "$1" != hyperion-obs-off ] || return 0
    ev=$(grep -c '"type":"flow"' "$WD/obs-monitor.log" 2>/dev/null)
    scrapes=$(grep -c '^200$' "$WD/obs-scrape.log" 2>/dev/null)
    rec obs_flow_events "${ev:-0}"
    rec obs_scrapes "${scrapes:-0}"
    [ "${ev:-0}" -gt 0 ] || fail obs "the monitor follower saw no flow event"
    [ "${scrapes:-0}" -gt 0 ] || fail obs "no successful /metrics scrape"
}

hb_scenario 'hyperion-obs-*' setup_hyperion_obs activate_hyperion_obs postcheck_obs metrics_obs \
    "hyperion with flow events off (obs-off); on with /metrics scraped every second and a monitor follower (obs-on: default budget; obs-all: unlimited)"
hb_group observability hyperion-obs-off hyperion-obs-on hyperion-obs-all
hb_not_quick hyperion-obs-off hyperion-obs-on hyperion-obs-all
