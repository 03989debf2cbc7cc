// SPDX-License-Identifier: GPL-2.0-only
/*
 * Published ports: uplink-addr:PORT/proto -> a SNIC's port. Kept in the
 * store; the backend's table is loaded whole from it after every change,
 * at start and at each reconcile. A port is published once per protocol,
 * and a SNIC's port once per protocol; a SNIC's publications go with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "core/node.h"
#include "core/node_priv.h"
#include "lib/keys.h"
#include "lib/log.h"

static int parse_port(const char *s, const char *end, uint16_t *out)
{
	unsigned long v = 0;

	if (s == end || end - s > 5)
		return -EINVAL;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (!v || v > 65535 || *s == '0')
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

/* "HOSTPORT:PORT[/tcp|udp]" */
int node_publish_parse(const char *m, struct pub_rec *r)
{
	const char *colon = strchr(m, ':'), *slash = strchr(m, '/');
	const char *end = slash ? slash : m + strlen(m);

	memset(r, 0, sizeof(*r));
	r->proto = IPPROTO_TCP;
	if (!colon || colon > end || parse_port(m, colon, &r->port) ||
	    parse_port(colon + 1, end, &r->snic_port))
		return -EINVAL;
	if (slash && !strcmp(slash + 1, "udp"))
		r->proto = IPPROTO_UDP;
	else if (slash && strcmp(slash + 1, "tcp"))
		return -EINVAL;
	return 0;
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_UDP ? "udp" : "tcp";
}

struct pub_load {
	struct node *n;
	struct hyp_publish_entry *e;
	size_t len, cap;
};

static int load_cb(const struct pub_rec *r, void *ctx)
{
	struct pub_load *pl = ctx;
	struct snic_rec s;

	if (store__snic_by_id(pl->n->st, r->snic, &s))
		return 0; /* its SNIC is gone: swept with it */
	if (pl->len == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 16;
		struct hyp_publish_entry *ne = realloc(pl->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		pl->e = ne;
		pl->cap = cap;
	}
	pl->e[pl->len++] = (struct hyp_publish_entry){.port = r->port,
						      .proto = r->proto,
						      .ip = s.ip,
						      .snic_port = r->snic_port,
						      .snic_id = (uint32_t)s.id};
	return 0;
}

int node_publish_sync(struct node *n, struct errmsg *em)
{
	struct pub_load pl = {.n = n};
	int err = store__publish_foreach(n->st, load_cb, &pl);

	if (err)
		em_set(em, err, "published ports: cannot read the store");
	else
		err = n->be->publish_load(n->bep, pl.e, pl.len, em);
	free(pl.e);
	return err;
}

struct pub_find {
	uint16_t port;
	uint8_t proto;
	int64_t snic;
	uint16_t snic_port;
	struct pub_rec found;
	int hit; /* 1: the port, 2: the SNIC's port */
};

static int find_cb(const struct pub_rec *r, void *ctx)
{
	struct pub_find *f = ctx;

	if (r->proto != f->proto)
		return 0;
	if (r->port == f->port)
		f->hit = 1;
	else if (r->snic == f->snic && r->snic_port == f->snic_port)
		f->hit = 2;
	else
		return 0;
	f->found = *r;
	return 1;
}

/* Why the publication cannot be made (an error naming the other one), or 0. */
static int conflict(struct node *n, const struct snic_rec *s, const struct pub_rec *r,
		    struct errmsg *em)
{
	struct pub_find f = {
	    .port = r->port, .proto = r->proto, .snic = s->id, .snic_port = r->snic_port};
	struct snic_rec o = {};

	store__publish_foreach(n->st, find_cb, &f);
	if (!f.hit)
		return 0;
	store__snic_by_id(n->st, f.found.snic, &o);
	if (f.hit == 1)
		return em_set(em, -EEXIST, "port %u/%s is already published to snic %s port %u",
			      r->port, proto_name(r->proto), o.name, f.found.snic_port);
	return em_set(em, -EEXIST, "snic %s port %u/%s is already published as port %u", s->name,
		      r->snic_port, proto_name(r->proto), f.found.port);
}

int node__publish_add(struct node *n, const char *snic, const char *mapping, struct errmsg *em)
{
	struct snic_rec s;
	struct pub_rec r;
	int err;

	if (!mapping || node_publish_parse(mapping, &r))
		return em_set(em, -EINVAL, "invalid mapping '%s' (want HOSTPORT:PORT[/tcp|udp])",
			      mapping ? mapping : "");
	err = node__snic_get(n, snic ? snic : "", &s, em);
	if (err)
		return err;
	err = conflict(n, &s, &r, em);
	if (err)
		return err;
	r.snic = s.id;
	err = store__publish_add(n->st, &r);
	if (err)
		return em_set(em, err, "publish %s: cannot store it", mapping);
	err = node_publish_sync(n, em);
	if (err) {
		store__publish_del(n->st, r.port, r.proto);
		node_publish_sync(n, &(struct errmsg){});
		return err;
	}
	pr_info("published port %u/%s -> snic %s port %u\n", r.port, proto_name(r.proto), s.name,
		r.snic_port);
	return 0;
}

int node__publish_check(struct node *n, const char *mapping, const char *host_ip,
			struct errmsg *em)
{
	struct hyp_uplink_info u = {};
	struct pub_rec r;
	uint32_t ip = 0;
	char addr[16];
	int err;

	if (!mapping || node_publish_parse(mapping, &r))
		return em_set(em, -EINVAL, "invalid port mapping '%s' (want HOSTPORT:PORT, ports "
			      "1-65535, tcp or udp)", mapping ? mapping : "");
	err = n->be->uplink_info(n->bep, &u);
	if (err)
		return em_set(em, err == -ENOENT ? -ENOLINK : err,
			      "port mapping %s: the instance has no uplink to publish on "
			      "(hyperctl uplink set)", mapping);
	ipv4_format(u.ip, addr, sizeof(addr));
	if (host_ip && *host_ip && strcmp(host_ip, "0.0.0.0") &&
	    (ipv4_parse(host_ip, &ip) || ip != u.ip))
		return em_set(em, -EADDRNOTAVAIL,
			      "port mapping %s: host address %s is not the uplink address %s",
			      mapping, host_ip, addr);
	/* the port alone: the SNIC's side is checked when it exists */
	return conflict(n, &(struct snic_rec){.id = -1}, &r, em);
}

int node__publish_del(struct node *n, const char *spec, struct errmsg *em)
{
	struct pub_rec r;
	char buf[32];
	int err;

	/* PORT[/proto]: parsed as PORT:1[/proto] */
	snprintf(buf, sizeof(buf), "%s", spec ? spec : "");
	if (strchr(buf, ':')) {
		if (node_publish_parse(buf, &r))
			return em_set(em, -EINVAL, "invalid port '%s' (want PORT[/tcp|udp])", spec);
	} else {
		char *slash = strchr(buf, '/');
		char m[48];

		snprintf(m, sizeof(m), "%.*s:1%s", (int)(slash ? slash - buf : (long)strlen(buf)),
			 buf, slash ? slash : "");
		if (node_publish_parse(m, &r))
			return em_set(em, -EINVAL, "invalid port '%s' (want PORT[/tcp|udp])", spec);
	}
	err = store__publish_del(n->st, r.port, r.proto);
	if (err == -ENOENT)
		return em_set(em, err, "port %u/%s is not published", r.port, proto_name(r.proto));
	if (err)
		return em_set(em, err, "publish del: store error");
	err = node_publish_sync(n, em);
	if (!err)
		pr_info("port %u/%s unpublished\n", r.port, proto_name(r.proto));
	return err;
}

static int list_cb(const struct pub_rec *r, void *ctx)
{
	struct node *n = ((void **)ctx)[0];
	json_object *arr = ((void **)ctx)[1], *o = json_object_new_object();
	struct snic_rec s = {};
	char ip[16] = "";

	if (!store__snic_by_id(n->st, r->snic, &s))
		ipv4_format(s.ip, ip, sizeof(ip));
	json_object_object_add(o, KEY_PORT, json_object_new_int(r->port));
	json_object_object_add(o, KEY_PROTO, json_object_new_string(proto_name(r->proto)));
	json_object_object_add(o, KEY_SNIC, json_object_new_string(s.name));
	json_object_object_add(o, KEY_IP, json_object_new_string(ip));
	json_object_object_add(o, KEY_SNIC_PORT, json_object_new_int(r->snic_port));
	json_object_array_add(arr, o);
	return 0;
}

json_object *node__publish_list_json(struct node *n)
{
	json_object *arr = json_object_new_array();
	void *ctx[2] = {n, arr};

	store__publish_foreach(n->st, list_cb, ctx);
	return arr;
}
