#!/usr/bin/env bash
# Install everything bench/run needs from Debian 12 (bookworm). Idempotent, quiet.
#   bench/setup.sh [--no-suricata]
# Suricata (for the suricata-N configurations) comes from bookworm-backports;
# --no-suricata skips it (bench/test-quick.sh does not run suricata).
set -euo pipefail

PKGS=(iperf3 sockperf wrk nginx-light stunnel4 wireguard-go wireguard-tools
      gnuplot-nox jq iproute2 nftables iptables openssl busybox-static
      procps util-linux curl python3 ethtool bpftool ipset)

if [ "$(id -u)" -ne 0 ]; then
    echo "bench/setup.sh: must run as root" >&2
    exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

# Suricata 7 (the inline IPS peer of the payload-inspection benchmark) is only in
# bookworm-backports. Its source line is added under sources.list.d only if no apt
# source already names bookworm-backports.
BACKPORTS_LIST=/etc/apt/sources.list.d/hyperion-bench-backports.list
need_suricata=0
if [ "${1:-}" != "--no-suricata" ] && ! command -v suricata >/dev/null 2>&1; then need_suricata=1; fi

if [ ${#missing[@]} -eq 0 ] && [ "$need_suricata" = 0 ]; then
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# nginx/stunnel packages try to start their services: there is no init here, and we
# do not want them running anyway.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

if [ ${#missing[@]} -gt 0 ]; then
    echo "bench/setup.sh: installing ${missing[*]}" >&2
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

if [ "$need_suricata" = 1 ]; then
    echo "bench/setup.sh: installing suricata from bookworm-backports" >&2
    if ! grep -qs '^[^#]*bookworm-backports' /etc/apt/sources.list \
        && ! grep -rqs --include='*.list' --include='*.sources' '^[^#]*bookworm-backports' /etc/apt/sources.list.d/; then
        echo 'deb http://deb.debian.org/debian bookworm-backports main' > "$BACKPORTS_LIST"
        apt-get update -qq >/dev/null
    fi
    if ! apt-get install -y -qq --no-install-recommends -t bookworm-backports suricata >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends -t bookworm-backports suricata >/dev/null \
            || echo "bench/setup.sh: could not install suricata (the suricata configurations will be skipped)" >&2
    fi
fi
