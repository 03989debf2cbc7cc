// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cluster cache's events for the daemon's thread: a queue under the
 * cluster lock, signalled through an eventfd (state.c and endpoints.c push,
 * the daemon pops). A recompile is queued once: it reads the cache as it
 * is when the daemon gets to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

void cluster_ev_push(struct cluster *c, enum cluster_ev_kind k, const char *ref, const char *value)
{
	struct cluster_ev *ev;
	uint64_t one = 1;

	if (c->nev == c->capev) {
		size_t cap = c->capev ? c->capev * 2 : 16;
		struct cluster_ev *q = realloc(c->evq, cap * sizeof(*q));

		if (!q)
			return;
		c->evq = q;
		c->capev = cap;
	}
	ev = &c->evq[c->nev++];
	ev->kind = k;
	snprintf(ev->ref, sizeof(ev->ref), "%s", ref);
	ev->value = value ? strdup(value) : NULL;
	if (c->evfd >= 0 && write(c->evfd, &one, sizeof(one)) < 0)
		pr_debug("cluster: eventfd: %s\n", strerror(errno));
}

int cluster__event_fd(struct cluster *c)
{
	return c->evfd;
}

int cluster__event_next(struct cluster *c, struct cluster_ev *ev)
{
	uint64_t v;
	int got = 0;

	pthread_mutex_lock(&c->lock);
	if (c->nev) {
		*ev = c->evq[0];
		memmove(c->evq, c->evq + 1, (c->nev - 1) * sizeof(*c->evq));
		c->nev--;
		got = 1;
	} else if (c->evfd >= 0 && read(c->evfd, &v, sizeof(v)) < 0) {
		v = 0; /* drained */
	}
	pthread_mutex_unlock(&c->lock);
	return got;
}

/* One pending recompile at a time is enough: it reads the cache as it is then. */
void cluster_recompile(struct cluster *c)
{
	for (size_t i = 0; i < c->nev; i++)
		if (c->evq[i].kind == CLEV_RECOMPILE)
			return;
	if (!c->resyncing)
		cluster_ev_push(c, CLEV_RECOMPILE, "", NULL);
}
