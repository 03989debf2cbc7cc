// SPDX-License-Identifier: GPL-2.0-only
/* HYPERION_FAULT=POINT[:N], HYPERION_FAULT_FILE=PATH: SIGKILL at a point (fault.h). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fault.h"
#include "lib/log.h"

static struct {
	int parsed;
	const char *file; /* HYPERION_FAULT_FILE */
	char spec[64];	  /* what the point and count were read from */
	char point[64];
	long left;
} fault;

/* POINT[:N] -> the point and its count; an empty spec arms nothing. */
static void fault_set(const char *v)
{
	const char *colon = strchr(v, ':');
	size_t len = colon ? (size_t)(colon - v) : strlen(v);

	fault.point[0] = '\0';
	if (!*v || len >= sizeof(fault.point))
		return;
	memcpy(fault.point, v, len);
	fault.point[len] = '\0';
	fault.left = colon ? strtol(colon + 1, NULL, 10) : 1;
	if (fault.left < 1)
		fault.left = 1;
}

/* The file's spec, read again at every point: armed while the process runs. */
static void fault_reload(void)
{
	char buf[sizeof(fault.spec)] = "";
	int fd = open(fault.file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, fault.spec))
		return;
	snprintf(fault.spec, sizeof(fault.spec), "%s", buf);
	fault_set(buf);
}

void fault_point(const char *name)
{
	if (!fault.parsed) {
		const char *v = getenv("HYPERION_FAULT");

		fault.parsed = 1;
		fault.file = getenv("HYPERION_FAULT_FILE");
		if (v)
			fault_set(v);
	}
	if (fault.file)
		fault_reload();
	if (!fault.point[0] || strcmp(fault.point, name) || --fault.left)
		return;
	pr_warn("fault injection: killed at %s\n", name);
	kill(getpid(), SIGKILL);
	pause();
}
