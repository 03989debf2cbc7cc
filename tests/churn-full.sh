#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The full churn run of docs/robustness.md (not part of CI, which runs
# tests/ns/test_churn.sh with 100 + 30 cycles, 10 in parallel): 1000 SNIC
# add/del cycles through hyperctl and 300 ADD/DEL cycles through the CNI
# plugin, 20 in parallel, then the same leak checks. TAP output. The RSS
# bound is 2.5 MiB here: SQLite's page cache alone may grow to 2000 KiB as
# the store file grows (one run: +1512 kB over 1300 cycles, no leak at exit
# under LeakSanitizer; docs/robustness.md).
cd "$(dirname "$0")/.."
CHURN_CTL=${CHURN_CTL:-1000} CHURN_CNI=${CHURN_CNI:-300} CHURN_PAR=${CHURN_PAR:-20} \
	CHURN_RSS_KB=${CHURN_RSS_KB:-2560} \
	exec bash tests/ns/test_churn.sh
