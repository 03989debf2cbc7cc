#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The full churn run of docs/robustness.md (not part of CI, which runs
# tests/ns/test_churn.sh with 100 + 30 cycles, 10 in parallel): 1000 SNIC
# add/del cycles through hyperctl and 300 ADD/DEL cycles through the CNI
# plugin, 20 in parallel, then the same leak checks; all of it twice
# (CHURN_ROUNDS=2). TAP output. The RSS bound (1 MiB) holds between the end
# of the first round and the end of the second: the first round fills what
# grows with the store file up to a fixed size (SQLite's page cache, 2000
# KiB at most; one single round grew the RSS by 1512 kB, with no leak at
# exit under LeakSanitizer; docs/robustness.md).
cd "$(dirname "$0")/.."
CHURN_CTL=${CHURN_CTL:-1000} CHURN_CNI=${CHURN_CNI:-300} CHURN_PAR=${CHURN_PAR:-20} \
	CHURN_ROUNDS=${CHURN_ROUNDS:-2} CHURN_RSS_KB=${CHURN_RSS_KB:-1024} \
	exec bash tests/ns/test_churn.sh
