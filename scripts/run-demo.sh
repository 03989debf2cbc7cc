#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what is missing, builds, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -j2 all >/dev/null
exec scripts/demo.sh "$@"
