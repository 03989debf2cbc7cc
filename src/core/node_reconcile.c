// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reconcile: every SNIC checked against what the backend holds (a gone
 * port releases the SNIC, a detached program or a missing table entry is
 * repaired), stray datapath objects swept, the policy loaded if it is not,
 * published ports and expired conntrack entries collected. The daemon's
 * timer runs it in steps of bounded time (node__reconcile_step): with
 * thousands of SNICs a whole pass takes long enough to hold every request
 * behind it, and it ran every 2 s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/node.h"
#include "core/node_priv.h"
#include "lib/log.h"

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void hw_record(struct node *n, const struct snic_rec *r, const struct hyp_snic_hw *hw)
{
	struct snic_rec u = {.id = r->id};
	int err;

	if (!strcmp(r->hw, hw->state))
		return;
	snprintf(u.hw, sizeof(u.hw), "%s", hw->state);
	err = store__snic_update_hw(n->st, &u);
	if (err)
		pr_warn("snic %s: cannot record the backend's state: %s\n", r->name,
			strerror(-err));
}

struct gone_ctx {
	struct node *n;
	int64_t *keep;
	size_t nkeep, cap;
	struct snic_rec *gone;
	size_t ngone;
	int64_t deadline_ms; /* a step: stop at this time (0: check every SNIC) */
	int64_t last_id;     /* the last SNIC checked */
};

static int reconcile_cb(const struct snic_rec *r, void *ctx)
{
	struct gone_ctx *g = ctx;
	struct hyp_snic_spec s;
	struct hyp_snic_hw hw;
	struct errmsg em = {};
	int res;

	if (g->deadline_ms && g->last_id && mono_ms() >= g->deadline_ms)
		return 1; /* this step's time is up: the next one goes on from here */
	g->last_id = r->id;
	node_spec_from_rec(g->n, r, &s, &hw);
	res = g->n->be->snic_check(g->n->bep, &s, &hw, true, &em);
	if (s.netns_fd >= 0)
		close(s.netns_fd);
	if (res == HYP_CHECK_GONE && (r->flags & SNIC_F_HOST) && !node_host_rebuild(g->n, r, &hw))
		res = HYP_CHECK_REPAIRED; /* the host endpoint is remade, not released */
	if (res >= 0 && res != HYP_CHECK_GONE)
		hw_record(g->n, r, &hw);
	if (res == HYP_CHECK_GONE) {
		struct snic_rec *ng = realloc(g->gone, (g->ngone + 1) * sizeof(*ng));

		if (!ng)
			return -ENOMEM;
		g->gone = ng;
		g->gone[g->ngone++] = *r;
		pr_info("reconcile: snic %s: %s\n", r->name,
			em.msg[0] ? em.msg : "its interface is gone");
		return 0;
	}
	if (res < 0)
		pr_warn("reconcile: %s\n", em.msg);
	else if (res == HYP_CHECK_REPAIRED)
		pr_info("reconcile: snic %s repaired\n", r->name);
	if (g->nkeep == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		int64_t *nk = realloc(g->keep, cap * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		g->keep = nk;
		g->cap = cap;
	}
	g->keep[g->nkeep++] = r->id;
	return 0;
}

/* Gone SNICs released; after a whole pass, strays swept (keep: every SNIC). */
static int release_and_sweep(struct node *n, struct gone_ctx *g, bool whole)
{
	struct node_ids all = {};
	int err = 0, removed;

	for (size_t i = 0; i < g->ngone; i++) {
		pr_info("reconcile: snic %s: releasing it (netns %s): its address, identity and "
			"datapath entries\n",
			g->gone[i].name, g->gone[i].netns);
		err = node_remove_snic(n, &g->gone[i]);
		if (err)
			return err;
	}
	if (!whole)
		return 0;
	/* a pass in steps saw each SNIC once: the keep list is every one now */
	if (g->deadline_ms) {
		err = node_snic_ids(n, &all);
		if (err)
			return err;
	}
	removed = n->be->sweep(n->bep, g->deadline_ms ? all.v : g->keep,
			       g->deadline_ms ? all.n : g->nkeep);
	free(all.v);
	if (removed > 0)
		pr_info("reconcile: removed %d stray datapath objects\n", removed);
	return 0;
}

/* The node-wide part: policy, published ports, conntrack. */
static void reconcile_node(struct node *n)
{
	struct errmsg em = {};
	int removed;

	if (!n->policy_loaded) {
		if (node__policy_sync(n, &em) || node__inspect_sync(n, &em))
			pr_warn("reconcile: policy: %s\n", em.msg);
		else
			n->policy_loaded = true;
	}
	memset(&em, 0, sizeof(em));
	if (node_publish_sync(n, &em))
		pr_warn("reconcile: %s\n", em.msg);
	removed = n->be->ct_gc(n->bep, &n->ct_live);
	if (removed > 0)
		pr_debug("reconcile: %d expired conntrack entries collected\n", removed);
}

/* budget_ms 0: every SNIC; else the SNICs after the last step's for that long. */
static int reconcile_run(struct node *n, int budget_ms)
{
	struct gone_ctx g = {.n = n};
	bool whole = true;
	int err;

	if (budget_ms <= 0) {
		err = store__snic_foreach(n->st, reconcile_cb, &g);
	} else {
		g.deadline_ms = mono_ms() + budget_ms;
		err = store__snic_foreach_after(n->st, n->rc_cursor, reconcile_cb, &g);
		whole = err != 1; /* 1: the time ran out before the last SNIC */
		n->rc_cursor = whole ? 0 : g.last_id;
		err = err == 1 ? 0 : err;
	}
	if (!err)
		err = release_and_sweep(n, &g, whole);
	if (!err)
		reconcile_node(n);
	free(g.keep);
	free(g.gone);
	return err;
}

int node__reconcile(struct node *n)
{
	return reconcile_run(n, 0);
}

int node__reconcile_step(struct node *n, int budget_ms)
{
	return reconcile_run(n, budget_ms > 0 ? budget_ms : 1);
}
