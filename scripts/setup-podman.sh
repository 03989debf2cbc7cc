#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what the podman (real runtime) test and the CNI benchmark need,
# from Debian 12 main, and optionally writes a private podman configuration.
# Nothing global is configured: podman is pointed at the files written here
# through CONTAINERS_CONF and --root/--runroot by its callers.
#
# Usage: scripts/setup-podman.sh [CONFDIR [PLUGIN_DIR...]]
#   CONFDIR     gets containers.conf (CNI backend, runc, private CNI config
#               dir CONFDIR/net.d) and net.d/; callers export
#               CONTAINERS_CONF=CONFDIR/containers.conf
#   PLUGIN_DIR  searched for CNI plugins before Debian's /usr/lib/cni
set -euo pipefail

PKGS=(podman runc conmon containernetworking-plugins busybox-static jq iproute2 tcpdump)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "setup-podman: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

(($# >= 1)) || exit 0
conf=$1; shift
mkdir -p "$conf/net.d"
dirs=""
for d in "$@" /usr/lib/cni; do dirs+="\"$d\", "; done
cat >"$conf/containers.conf" <<CONF
# Written by scripts/setup-podman.sh for a private podman run.
[containers]
# root here lacks CAP_SYS_RESOURCE: keep the runtime from raising limits
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[network]
network_backend = "cni"
cni_plugin_dirs = [${dirs%, }]
network_config_dir = "$conf/net.d"

[engine]
# crun fails on this machine's hybrid cgroup layout
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
