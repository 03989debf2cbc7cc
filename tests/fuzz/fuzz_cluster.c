// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cluster state read from etcd: the bytes of a watch stream of the JSON
 * gateway (etcd_watch_feed, split where the input says, as the network
 * splits them) into the watch's own event handler (cluster_watch_event):
 * node records (peers and their keys), other nodes' endpoints and
 * identities, policies and namespace labels, with or without a full
 * listing (resync) around them.
 * Invariants: our own record is never a peer and never a remote endpoint's
 * node; at most HYP_CLUSTER_MAX_NODES peers, each with an id in range;
 * remote endpoints are unique by address; every event has a NUL-ended
 * reference, and a PUT or ALL event carries a JSON value.
 * Input: 1 byte mode (bit 0: resync around the stream), 1 byte chunk
 * length (0: all at once), then the stream.
 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>

#include "cluster/cluster_priv.h"
#include "cluster/etcd_priv.h"
#include "fuzz.h"

#define SELF_ID 1

static void ep_set(void *arg, uint32_t ip, uint32_t identity, uint32_t node)
{
	if (node == SELF_ID)
		fz_fail("our own node's endpoint taken as a remote one");
}

static void eps_all(void *arg, const uint32_t *ip, const uint32_t *identity, const uint32_t *node,
		    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (node[i] == SELF_ID)
			fz_fail("resync: our own endpoint listed as remote");
		for (size_t j = 0; j < i; j++)
			if (ip[i] == ip[j])
				fz_fail("resync: a remote endpoint listed twice");
	}
}

static int remote_cb(uint32_t ip, const uint8_t *ip6, uint32_t identity, const char *labels,
		     void *ctx)
{
	if (!labels)
		fz_fail("remote endpoint without labels");
	return 0;
}

static void check_state(struct cluster *c)
{
	if (c->npeers < 0 || c->npeers > HYP_CLUSTER_MAX_NODES)
		fz_fail("%d peers", c->npeers);
	for (int i = 0; i < c->npeers; i++) {
		if (!strcmp(c->peers[i].name, c->rec.node))
			fz_fail("our own record is a peer");
		if (!c->peers[i].id || c->peers[i].id > HYP_CLUSTER_MAX_ID)
			fz_fail("peer %s with id %u", c->peers[i].name, c->peers[i].id);
	}
	for (size_t i = 0; i < c->nreps; i++)
		for (size_t j = 0; j < i; j++)
			if (c->reps[i].ip
				? c->reps[i].ip == c->reps[j].ip
				: !c->reps[j].ip && !memcmp(c->reps[i].ip6, c->reps[j].ip6, 16))
				fz_fail("a remote endpoint cached twice");
	cluster__foreach_remote(c, remote_cb, NULL);
}

static void drain(struct cluster *c)
{
	struct cluster_ev ev;

	while (cluster__event_next(c, &ev)) {
		json_object *o;

		if (!memchr(ev.ref, 0, sizeof(ev.ref)))
			fz_fail("event reference not NUL-ended");
		if (ev.kind == CLEV_POLICY_PUT || ev.kind == CLEV_NS_PUT ||
		    ev.kind == CLEV_POLICY_ALL || ev.kind == CLEV_NS_ALL) {
			if (!ev.value || !(o = json_tokener_parse(ev.value)))
				fz_fail("event %d without a JSON value", ev.kind);
			json_object_put(o);
		}
		free(ev.value);
	}
}

static struct cluster *cluster_new(void)
{
	struct cluster *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	pthread_mutex_init(&c->lock, NULL);
	c->evfd = -1;
	snprintf(c->rec.node, sizeof(c->rec.node), "fz-self");
	c->rec.id = SELF_ID;
	if (cluster_keypair(c->rec.sk, c->rec.pk))
		abort();
	c->hooks = (struct cluster_hooks){.ep_set = ep_set, .eps_all = eps_all};
	return c;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_quiet();
	if (sodium_init() < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etcd_watch_stream w = {.cb = cluster_watch_event};
	struct cluster *c;
	size_t chunk, off = 2;

	if (size < 2)
		return 0;
	c = cluster_new();
	w.arg = c;
	w.tok = json_tokener_new();
	chunk = data[1] ? data[1] : size;
	if (data[0] & 1)
		cluster_resync_begin(c);
	while (off < size && !w.err) {
		size_t n = size - off < chunk ? size - off : chunk;

		etcd_watch_feed(&w, (const char *)data + off, n);
		off += n;
		check_state(c);
	}
	if (data[0] & 1)
		cluster_resync_end(c);
	check_state(c);
	drain(c);
	json_tokener_free(w.tok);
	cluster_state_free(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return 0;
}
