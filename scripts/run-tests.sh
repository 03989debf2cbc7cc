#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what is missing, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -j2 all >/dev/null
# the unit and BPF tests once more, built with ASan and UBSan (tests/run.sh)
make -j2 sanitize-build >/dev/null
export HYP_ASAN_UNIT=build/asan
# test binaries two at a time, namespace files one by one (tests/README.md)
exec tests/run.sh --no-skip -j 2 --ns-jobs 1 "$@"
