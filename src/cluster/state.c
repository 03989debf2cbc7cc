// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cluster-wide state other than nodes: what the watch thread sees of other
 * nodes' endpoints, policies and namespace labels (a cache, and events
 * for the daemon's thread through an eventfd), and what this node
 * publishes. A node skips its own policy and label events (origin).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

#define P_POL HYP_CLUSTER_PREFIX "policies/"
#define P_NS  HYP_CLUSTER_PREFIX "nslabels/"
#define P_ID  HYP_CLUSTER_PREFIX "identities/ids/"

static void idl_event(struct cluster *c, uint32_t id, const char *labels)
{
	size_t i;

	for (i = 0; i < c->nidl && c->idl[i].id != id; i++)
		;
	if (i < c->nidl) {
		free(c->idl[i].labels);
		c->idl[i] = c->idl[--c->nidl];
	}
	if (labels) {
		struct cluster_idl *n = realloc(c->idl, (c->nidl + 1) * sizeof(*n));

		if (!n)
			return;
		c->idl = n;
		c->idl[c->nidl].id = id;
		c->idl[c->nidl].labels = strdup(labels);
		c->nidl++;
	}
	c->nidentities = (uint32_t)c->nidl;
	cluster_recompile(c);
}

/* policies/ and nslabels/: {origin, doc|labels} -> an event unless it is ours */
static void doc_event(struct cluster *c, const struct etcd_event *ev, bool pol)
{
	const char *ref = ev->kv.key + strlen(pol ? P_POL : P_NS);
	json_object *o, *body;
	const char *origin;

	if (ev->deleted) {
		cluster_ev_push(c, pol ? CLEV_POLICY_DEL : CLEV_NS_DEL, ref, NULL);
		return;
	}
	o = json_tokener_parse(ev->kv.value);
	if (c->resyncing)
		json_object_array_add(pol ? c->resync_pol : c->resync_ns, json_object_new_string(ref));
	origin = etcd_json_str(o, "origin");
	if (o && json_object_object_get_ex(o, pol ? "doc" : "labels", &body) &&
	    !(origin && !strcmp(origin, c->rec.node) && !c->resyncing))
		cluster_ev_push(c, pol ? CLEV_POLICY_PUT : CLEV_NS_PUT, ref,
				json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

void cluster_state_event(struct cluster *c, const struct etcd_event *ev)
{
	const char *k = ev->kv.key;

	if (!strncmp(k, P_ID, strlen(P_ID))) {
		idl_event(c, (uint32_t)strtoul(k + strlen(P_ID), NULL, 10),
			  ev->deleted ? NULL : ev->kv.value);
	} else if (!strncmp(k, HYP_CLUSTER_P_EP, strlen(HYP_CLUSTER_P_EP))) {
		cluster_ep_event(c, ev);
	} else if (!strncmp(k, P_POL, strlen(P_POL)))
		doc_event(c, ev, true);
	else if (!strncmp(k, P_NS, strlen(P_NS)))
		doc_event(c, ev, false);
}

void cluster_resync_begin(struct cluster *c)
{
	c->resyncing = true;
	c->nreps = 0;
	c->nidentities = 0;
	for (size_t i = 0; i < c->nidl; i++)
		free(c->idl[i].labels);
	c->nidl = 0;
	json_object_put(c->resync_pol);
	json_object_put(c->resync_ns);
	c->resync_pol = json_object_new_array();
	c->resync_ns = json_object_new_array();
}

void cluster_resync_end(struct cluster *c)
{
	c->resyncing = false;
	cluster_eps_all(c);
	cluster_recompile(c);
	cluster_ev_push(c, CLEV_POLICY_ALL, "",
			json_object_to_json_string_ext(c->resync_pol, JSON_C_TO_STRING_PLAIN));
	cluster_ev_push(c, CLEV_NS_ALL, "",
			json_object_to_json_string_ext(c->resync_ns, JSON_C_TO_STRING_PLAIN));
}

void cluster_state_free(struct cluster *c)
{
	for (size_t i = 0; i < c->nev; i++)
		free(c->evq[i].value);
	free(c->evq);
	for (size_t i = 0; i < c->npub; i++) {
		free(c->pub[i].key);
		free(c->pub[i].value);
	}
	free(c->pub);
	free(c->reps);
	for (size_t i = 0; i < c->nidl; i++)
		free(c->idl[i].labels);
	free(c->idl);
	free(c->gc_marked);
	json_object_put(c->resync_pol);
	json_object_put(c->resync_ns);
	if (c->evfd >= 0)
		close(c->evfd);
	etcd__close(c->em);
}
