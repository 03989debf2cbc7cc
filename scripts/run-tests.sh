#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what is missing, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -j2 all >/dev/null
exec tests/run.sh --no-skip "$@"
