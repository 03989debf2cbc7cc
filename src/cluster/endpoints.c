// SPDX-License-Identifier: GPL-2.0-only
/*
 * Other nodes' endpoints as the watch sees them (endpoints/ADDR, read as
 * untrusted input): the cache the policy compiler reads and the hooks
 * that fill the overlay's tables (hyp_ovl_eps by IPv4, hyp_ovl_eps6 by
 * IPv6). A record is keyed by its IPv4 address, or by its IPv6 address
 * when the endpoint has no IPv4; "ip6" (optional: a record from before
 * has none) is its IPv6 address. An IPv6 address that is not a unicast
 * address inside the publishing node's /64 refuses the whole record: a
 * node could otherwise draw another node's IPv6 traffic to itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

static bool rep_same_key(const struct cluster_rep *a, const struct cluster_rep *b)
{
	if (a->ip || b->ip)
		return a->ip == b->ip;
	return !memcmp(a->ip6, b->ip6, sizeof(a->ip6));
}

static struct cluster_rep *rep_find(struct cluster *c, const struct cluster_rep *key)
{
	for (size_t i = 0; i < c->nreps; i++)
		if (rep_same_key(&c->reps[i], key))
			return &c->reps[i];
	return NULL;
}

static void rep_hooks_del(struct cluster *c, const struct cluster_rep *r)
{
	if (c->resyncing)
		return;
	if (r->ip && c->hooks.ep_del)
		c->hooks.ep_del(c->hooks.arg, r->ip);
	if (r->has_ip6 && c->hooks.ep6_del)
		c->hooks.ep6_del(c->hooks.arg, r->ip6);
}

static void rep_set(struct cluster *c, const struct cluster_rep *n)
{
	struct cluster_rep *r = rep_find(c, n);

	cluster_recompile(c);
	if (!c->resyncing) {
		if (r && r->has_ip6 && (!n->has_ip6 || memcmp(r->ip6, n->ip6, sizeof(r->ip6))) &&
		    c->hooks.ep6_del)
			c->hooks.ep6_del(c->hooks.arg, r->ip6);
		if (n->ip && c->hooks.ep_set)
			c->hooks.ep_set(c->hooks.arg, n->ip, n->identity, n->node);
		if (n->has_ip6 && c->hooks.ep6_set)
			c->hooks.ep6_set(c->hooks.arg, n->ip6, n->identity, n->node);
	}
	if (r) {
		*r = *n;
		return;
	}
	if (c->nreps == c->capreps) {
		size_t cap = c->capreps ? c->capreps * 2 : 64;
		struct cluster_rep *v = realloc(c->reps, cap * sizeof(*v));

		if (!v)
			return;
		c->reps = v;
		c->capreps = cap;
	}
	c->reps[c->nreps++] = *n;
}

static void rep_del(struct cluster *c, const struct cluster_rep *key)
{
	struct cluster_rep *r = rep_find(c, key);

	cluster_recompile(c);
	rep_hooks_del(c, r ? r : key);
	if (r)
		*r = c->reps[--c->nreps];
}

void cluster_reps_drop_node(struct cluster *c, uint32_t node)
{
	for (size_t i = c->nreps; i-- > 0;)
		if (c->reps[i].node == node)
			rep_del(c, &c->reps[i]);
}

static const struct cluster_peer *peer_by_id(const struct cluster *c, uint32_t id)
{
	for (int i = 0; i < c->npeers; i++)
		if (c->peers[i].id == id)
			return &c->peers[i];
	return NULL;
}

int cluster_ep_ip6_check(const struct cidr6 *block6, const uint8_t ip6[16])
{
	static const uint8_t zero_iid[8];
	struct errmsg em = {};

	if (!block6->prefix || block6->prefix != HYP_CLUSTER_BLOCK6 ||
	    cluster_pool6_check(block6, &em) || !cidr6_contains(block6, ip6) ||
	    !memcmp(ip6 + 8, zero_iid, sizeof(zero_iid)))
		return -EPROTO;
	return 0;
}

/* "ip6" of a record: absent, or the endpoint's address (the key's when keyed by IPv6). */
static int rec_ip6(const struct cluster *c, json_object *o, struct cluster_rep *r)
{
	const struct cluster_peer *p;
	json_object *v;
	uint8_t a[16];

	if (json_object_object_get_ex(o, "ip6", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    ipv6_parse(json_object_get_string(v), a) ||
		    (r->has_ip6 && memcmp(a, r->ip6, sizeof(a))))
			return -EPROTO;
		memcpy(r->ip6, a, sizeof(a));
		r->has_ip6 = true;
	}
	if (!r->has_ip6)
		return 0;
	p = peer_by_id(c, r->node);
	return p ? cluster_ep_ip6_check(&p->block6, r->ip6) : -EPROTO;
}

void cluster_ep_event(struct cluster *c, const struct etcd_event *ev)
{
	const char *k = ev->kv.key + strlen(HYP_CLUSTER_P_EP);
	struct cluster_rep r = {0};
	json_object *o, *v;

	if (inet_pton(AF_INET, k, &r.ip) != 1) {
		if (ipv6_parse(k, r.ip6))
			return;
		r.has_ip6 = true;
	}
	if (ev->deleted) {
		rep_del(c, &r);
		return;
	}
	o = json_tokener_parse(ev->kv.value);
	if (json_object_object_get_ex(o, "node", &v))
		r.node = (uint32_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "identity", &v))
		r.identity = (uint32_t)json_object_get_int64(v);
	if (r.node && r.node != c->rec.id) {
		if (!rec_ip6(c, o, &r)) {
			rep_set(c, &r);
		} else {
			pr_warn("cluster: endpoint record %s of node %u refused: its ip6 is not a "
				"unicast address in that node's /64\n",
				k, r.node);
			rep_del(c, &r); /* what it said before is no longer believed either */
		}
	}
	json_object_put(o);
}

static const char *idl_labels(const struct cluster *c, uint32_t id)
{
	for (size_t i = 0; i < c->nidl; i++)
		if (c->idl[i].id == id)
			return c->idl[i].labels;
	return NULL;
}

int cluster__foreach_remote(struct cluster *c, cluster_remote_cb cb, void *ctx)
{
	int err = 0;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->nreps && !err; i++) {
		const struct cluster_rep *r = &c->reps[i];
		const char *l = idl_labels(c, r->identity);

		if (l)
			err = cb(ntohl(r->ip), r->has_ip6 ? r->ip6 : NULL, r->identity, l, ctx);
	}
	pthread_mutex_unlock(&c->lock);
	return err;
}

/* After a full listing: the daemon drops what the cluster no longer has. */
void cluster_eps_all(struct cluster *c)
{
	uint32_t *ip = calloc(c->nreps + 1, sizeof(*ip)), *id = calloc(c->nreps + 1, sizeof(*id));
	uint32_t *node = calloc(c->nreps + 1, sizeof(*node));
	uint32_t *id6 = calloc(c->nreps + 1, sizeof(*id6)), *node6 = calloc(c->nreps + 1, 4);
	uint8_t(*ip6)[16] = calloc(c->nreps + 1, sizeof(*ip6));
	size_t n = 0, n6 = 0;

	if (ip && id && node && id6 && node6 && ip6) {
		for (size_t i = 0; i < c->nreps; i++) {
			const struct cluster_rep *r = &c->reps[i];

			if (r->ip) {
				ip[n] = r->ip;
				id[n] = r->identity;
				node[n++] = r->node;
			}
			if (r->has_ip6) {
				memcpy(ip6[n6], r->ip6, sizeof(ip6[n6]));
				id6[n6] = r->identity;
				node6[n6++] = r->node;
			}
		}
		if (c->hooks.eps_all)
			c->hooks.eps_all(c->hooks.arg, ip, id, node, n);
		if (c->hooks.eps6_all)
			c->hooks.eps6_all(c->hooks.arg, (const uint8_t(*)[16])ip6, id6, node6, n6);
	}
	free(ip);
	free(id);
	free(node);
	free(id6);
	free(node6);
	free(ip6);
}
