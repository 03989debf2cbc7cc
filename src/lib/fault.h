/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault injection for the crash tests (tests/ns/test_crash.sh,
 * docs/robustness.md). HYPERION_FAULT=POINT[:N] makes the process SIGKILL
 * itself the N-th time (default 1) it passes the named point, as a crash
 * or an OOM kill would, leaving everything exactly as it was there.
 * HYPERION_FAULT_FILE=PATH does the same with the POINT[:N] the file holds
 * when the point is passed (read again at every point, so a test arms the
 * next point without a restart; empty or missing: none). Without either
 * variable a point costs one branch.
 */
#ifndef HYP_FAULT_H
#define HYP_FAULT_H

void fault_point(const char *name);

#endif
