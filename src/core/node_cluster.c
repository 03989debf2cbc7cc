// SPDX-License-Identifier: GPL-2.0-only
/* The cluster overlay's datapath, through the backend (hyperiond --cluster). */
#include <errno.h>

#include "core/node.h"
#include "core/node_priv.h"

int node__ovl_enable(struct node *n, struct errmsg *em)
{
	if (!n->be->ovl_enable)
		return em_set(em, -EOPNOTSUPP, "backend %s has no cluster overlay", n->be->name);
	return n->be->ovl_enable(n->bep, em);
}

int node__ovl_self(struct node *n, uint32_t node_id, uint32_t flags)
{
	return n->be->ovl_self ? n->be->ovl_self(n->bep, node_id, flags) : -EOPNOTSUPP;
}

int node__ovl_seq(struct node *n, uint64_t floor, uint64_t *max)
{
	return n->be->ovl_seq ? n->be->ovl_seq(n->bep, floor, max) : -EOPNOTSUPP;
}

int node__ovl_peer_set(struct node *n, uint32_t node_id, const struct hyp_ovl_peer *p)
{
	return n->be->ovl_peer_set ? n->be->ovl_peer_set(n->bep, node_id, p) : -EOPNOTSUPP;
}

int node__ovl_peer_del(struct node *n, uint32_t node_id)
{
	return n->be->ovl_peer_del ? n->be->ovl_peer_del(n->bep, node_id) : -EOPNOTSUPP;
}

int node__ovl_route6_set(struct node *n, uint32_t node_id, const uint8_t net[16], uint8_t prefix)
{
	return n->be->ovl_route6_set ? n->be->ovl_route6_set(n->bep, node_id, net, prefix)
				     : -EOPNOTSUPP;
}

int node__ovl_ep_set(struct node *n, uint32_t ip, uint32_t identity, uint32_t node_id)
{
	struct hyp_ovl_ep v = {.identity = identity, .node = node_id};

	return n->be->ovl_ep_set ? n->be->ovl_ep_set(n->bep, ip, &v) : -EOPNOTSUPP;
}

int node__ovl_ep_del(struct node *n, uint32_t ip)
{
	return n->be->ovl_ep_del ? n->be->ovl_ep_del(n->bep, ip) : -EOPNOTSUPP;
}

int node__ovl_eps_replace(struct node *n, const uint32_t *ip, const struct hyp_ovl_ep *v,
			  size_t count)
{
	return n->be->ovl_eps_replace ? n->be->ovl_eps_replace(n->bep, ip, v, count) : -EOPNOTSUPP;
}

int node__ovl_ep6_set(struct node *n, const struct hyp_ep6_key *ip, uint32_t identity,
		      uint32_t node_id)
{
	struct hyp_ovl_ep v = {.identity = identity, .node = node_id};

	return n->be->ovl_ep6_set ? n->be->ovl_ep6_set(n->bep, ip, &v) : -EOPNOTSUPP;
}

int node__ovl_ep6_del(struct node *n, const struct hyp_ep6_key *ip)
{
	return n->be->ovl_ep6_del ? n->be->ovl_ep6_del(n->bep, ip) : -EOPNOTSUPP;
}

int node__ovl_eps6_replace(struct node *n, const struct hyp_ep6_key *ip, const struct hyp_ovl_ep *v,
			   size_t count)
{
	return n->be->ovl_eps6_replace ? n->be->ovl_eps6_replace(n->bep, ip, v, count)
				       : -EOPNOTSUPP;
}
