// SPDX-License-Identifier: GPL-2.0-only
/* HYPERION_FAULT=POINT[:N]: SIGKILL at the N-th pass of POINT (fault.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fault.h"
#include "lib/log.h"

static struct {
	int parsed;
	char point[64];
	long left;
} fault;

static void fault_parse(void)
{
	const char *v = getenv("HYPERION_FAULT");
	const char *colon;
	size_t len;

	fault.parsed = 1;
	if (!v || !*v)
		return;
	colon = strchr(v, ':');
	len = colon ? (size_t)(colon - v) : strlen(v);
	if (len >= sizeof(fault.point))
		return;
	memcpy(fault.point, v, len);
	fault.left = colon ? strtol(colon + 1, NULL, 10) : 1;
	if (fault.left < 1)
		fault.left = 1;
}

void fault_point(const char *name)
{
	if (!fault.parsed)
		fault_parse();
	if (!fault.point[0] || strcmp(fault.point, name) || --fault.left)
		return;
	pr_warn("fault injection: killed at %s\n", name);
	kill(getpid(), SIGKILL);
	pause();
}
