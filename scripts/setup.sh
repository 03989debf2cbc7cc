#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what Hyperion needs to build, run and test, from Debian 12's own
# archive only (main). Idempotent; quiet when everything is present.
set -euo pipefail

PKGS=(
	# build: clang-19 for BPF (clang-14 is older than the verifier likes),
	# libbpf 1.1 + bpftool 7.1 from Debian main (see docs/toolchain.md)
	# libclang-rt-19-dev: libFuzzer and the sanitizer runtimes of clang-19 (make fuzz)
	make gcc pkg-config clang-19 llvm-19 libclang-rt-19-dev bpftool libbpf-dev libelf-dev zlib1g-dev
	libmnl-dev libjson-c-dev libsqlite3-dev libyaml-dev libcmocka-dev
	libcurl4-openssl-dev libsodium-dev
	# run and test
	iproute2 iputils-ping tcpdump busybox-static jq procps util-linux iperf3
	# rdisc6: a real router solicitation, answered by the bridge (test_ipv6.sh)
	ndisc6
	# the README's commands say "sudo" (tests/ns/test_readme.sh runs them so)
	sudo
	# the cluster store (docs/cluster.md)
	etcd-server etcd-client
	# bench/cluster.sh's wireguard-go row (userspace WireGuard, Debian main)
	wireguard-go wireguard-tools
	# observability tests (docs/observability.md): a real Prometheus scrapes
	# hyperiond --web, headless Chromium renders the flow page
	prometheus chromium curl file
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "setup: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# bpffs and tracefs are not mounted by default on this kind of machine
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
