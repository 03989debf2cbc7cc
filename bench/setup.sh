#!/usr/bin/env bash
# Install everything bench/run needs from Debian 12 (bookworm). Idempotent, quiet.
set -euo pipefail

PKGS=(iperf3 sockperf wrk nginx-light stunnel4 wireguard-go wireguard-tools
      gnuplot-nox jq iproute2 nftables iptables openssl busybox-static
      procps util-linux curl python3)

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

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "bench/setup.sh: installing ${missing[*]}" >&2
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

if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
