// SPDX-License-Identifier: GPL-2.0-only
/* The node's record in etcd (nodes/NAME, under its lease) and its parsing. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "cluster/cluster_priv.h"
#include "lib/log.h"

char *cluster_node_value(struct cluster *c)
{
	json_object *o = json_object_new_object();
	char blk[32], blk6[IP6_STRLEN + 8], pk[64];
	char *s;

	cidr4_format(&c->rec.block, blk, sizeof(blk));
	b64_encode(c->rec.pk, 32, pk);
	json_object_object_add(o, "name", json_object_new_string(c->rec.node));
	json_object_object_add(o, "id", json_object_new_int64(c->rec.id));
	json_object_object_add(o, "addr", json_object_new_string(c->addr_str));
	json_object_object_add(o, "block", json_object_new_string(blk));
	if (c->rec.block6.prefix) {
		cidr6_format(&c->rec.block6, blk6, sizeof(blk6));
		json_object_object_add(o, "block6", json_object_new_string(blk6));
	}
	json_object_object_add(o, "pubkey", json_object_new_string(pk));
	json_object_object_add(o, "key_epoch", json_object_new_int64(c->rec.key_epoch));
	json_object_object_add(o, "key_time", json_object_new_int64(c->rec.key_time));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

int cluster_register(struct cluster *c, struct etcd *e)
{
	char key[128], *val;
	int64_t lease = 0;
	int err;

	err = etcd__lease_grant(e, HYP_CLUSTER_LEASE_TTL, &lease);
	if (err)
		goto out;
	snprintf(key, sizeof(key), HYP_CLUSTER_PREFIX "nodes/%s", c->rec.node);
	pthread_mutex_lock(&c->lock);
	val = cluster_node_value(c);
	pthread_mutex_unlock(&c->lock);
	err = val ? etcd__put(e, key, val, lease) : -ENOMEM;
	free(val);
	if (err) {
		etcd__lease_revoke(e, lease);
		goto out;
	}
	pthread_mutex_lock(&c->lock);
	c->lease = lease;
	c->lease_ttl = HYP_CLUSTER_LEASE_TTL;
	c->registered = true;
	pthread_mutex_unlock(&c->lock);
	pr_info("cluster: node %s (id %u) registered, lease %" PRId64 "\n", c->rec.node, c->rec.id,
		lease);
out:
	cluster_set_conn(c, err, "register");
	return err;
}

int cluster_parse_node(const char *json, struct cluster_peer *p)
{
	json_object *o = json_tokener_parse(json), *v;
	const char *name = etcd_json_str(o, "name"), *addr = etcd_json_str(o, "addr");
	const char *block = etcd_json_str(o, "block"), *pub = etcd_json_str(o, "pubkey");
	size_t n = 0;
	uint8_t pk[48];
	int err = -EPROTO;

	memset(p, 0, sizeof(*p));
	if (!o)
		return err;
	/* etcd is read as untrusted: a member of the wrong type is refused */
	if (!name || strlen(name) >= sizeof(p->name))
		goto out;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!json_object_object_get_ex(o, "id", &v))
		goto out;
	p->id = (uint32_t)json_object_get_int64(v);
	if ((!addr && json_object_object_get_ex(o, "addr", NULL)) ||
	    (addr && *addr && ipv4_parse(addr, &p->addr)))
		goto out;
	if (!block || cidr4_parse(block, &p->block))
		goto out;
	if (cluster_block6_get(o, "block6", &p->block6)) /* absent: no IPv6 to that node */
		goto out;
	if (!pub || strlen(pub) > 64 || b64_decode(pub, pk, &n) || n != 32)
		goto out;
	memcpy(p->pubkey, pk, 32);
	if (json_object_object_get_ex(o, "key_epoch", &v))
		p->key_epoch = (uint32_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "key_time", &v))
		p->key_time = json_object_get_int64(v);
	err = p->id && p->id <= HYP_CLUSTER_MAX_ID ? 0 : -EPROTO;
out:
	json_object_put(o);
	return err;
}

void cluster_set_conn(struct cluster *c, int err, const char *what)
{
	bool ok = !err;

	pthread_mutex_lock(&c->lock);
	if (ok != c->connected || !c->change_ms) {
		c->connected = ok;
		c->change_ms = cluster_now_ms();
		if (ok)
			c->reconnects++;
		if (!ok)
			pr_warn("cluster: etcd unreachable (%s: %s); the datapath keeps its tables\n",
				what, strerror(-err));
		else
			pr_info("cluster: etcd reachable\n");
	}
	if (err)
		snprintf(c->last_error, sizeof(c->last_error), "%s: %s", what, strerror(-err));
	pthread_mutex_unlock(&c->lock);
}
